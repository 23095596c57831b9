#!/usr/bin/env bash
# The HTML report and the plot files (analyze --html --plots, hoplat report):
# - on pcaps/demo (a DNS ramp) and pcaps/http-ramp (an HTTP ramp), three points: every figure is in
#   the document and drawn (verdict, response rate and latency against request rate, per-hop
#   breakdown, latency CDF, timeline, clock, matching), the document is well nested with no script
#   (python's html.parser), and at least one number of each figure agrees with the JSON summary;
# - `hoplat report` on the saved summary gives the same bytes as `analyze --html`, and the same plots;
# - each figure's SVG file is well-formed XML, its CSV has the table's rows, and its gnuplot script
#   draws it (when gnuplot is installed);
# - a summary given load steps, a verdict and an incident in the diagnosis's keys
#   (tests/it/lib/report_gen.py steps) draws them: one row per step, the verdict's words;
# - one point: the clock and matching figures are there and say why they are empty;
# - what is not a summary is refused with its reason, and no file is left.
set -u
cd "$(dirname "$0")/../.."
[ -e pcaps/http-ramp/dom0.pcapng ] || { echo "no pcaps/http-ramp"; exit 77; }
. tests/it/lib/report_lib.bash

three() {
	./hoplat analyze --client "pcaps/$1/client.pcapng#eth0" --uplink "pcaps/$1/dom0.pcapng#peth0" \
		--vif "pcaps/$1/dom0.pcapng#vif1.0" "${@:2}"
}

for c in demo http-ramp; do
	three "$c" --json "$D/$c.json" --html "$D/$c.html" --plots "$D/$c-plots" >/dev/null 2>"$D/$c.err" ||
		{ fail "$c: analyze --html"; cat "$D/$c.err"; continue; }
	$CHECK cross "$D/$c.html" "$D/$c.json" || fail "$c: the report against its summary"
	./hoplat report "$D/$c.json" --html "$D/$c-again.html" --plots "$D/$c-again" || fail "$c: hoplat report"
	cmp "$D/$c.html" "$D/$c-again.html" || fail "$c: hoplat report draws another document than analyze --html"
	diff -r "$D/$c-plots" "$D/$c-again" >/dev/null || fail "$c: hoplat report draws other plots"
	proto=dns; [ "$c" = http-ramp ] && proto=http
	for f in rates latency breakdown cdf-$proto timeline clock matching; do
		for e in svg csv gp; do
			[ -s "$D/$c-plots/$f.$e" ] || fail "$c: no plot file $f.$e"
		done
	done
	$CHECK xml "$D/$c-plots"/*.svg || fail "$c: a plot SVG is not well-formed XML"
	# the CSV holds the timeline's rows: one per window of the summary
	rows=$(($(wc -l <"$D/$c-plots/timeline.csv") - 1))
	windows=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["windows"]))' "$D/$c.json")
	[ "$rows" -eq "$windows" ] || fail "$c: timeline.csv has $rows rows for $windows windows"
	if command -v gnuplot >/dev/null; then
		(cd "$D/$c-plots" && for g in *.gp; do gnuplot "$g" 2>/dev/null || echo "gnuplot failed on $g"; done) |
			grep . && fail "$c: a gnuplot script"
		$CHECK xml "$D/$c-plots"/*.gnuplot.svg >/dev/null || fail "$c: gnuplot drew no SVG"
		[ "$(ls "$D/$c-plots"/*.gnuplot.svg | wc -l)" -eq 7 ] || fail "$c: gnuplot drew not every figure"
	fi
	echo "$c: report drawn, hoplat report the same bytes, $(ls "$D/$c-plots" | wc -l) plot files"
done

# load steps and the verdict, in the keys of the diagnosis
$GEN steps "$D/demo.json" "$D/steps.json" || fail "report_gen steps"
./hoplat report "$D/steps.json" --html "$D/steps.html" || fail "steps: hoplat report"
$CHECK cross "$D/steps.html" "$D/steps.json" || fail "steps: the report against its summary"

# one point: no clock, no matching; both figures say so
./hoplat analyze pcaps/demo/client.pcapng --json "$D/one.json" --html "$D/one.html" >/dev/null 2>&1 ||
	fail "one point: analyze --html"
$CHECK html "$D/one.html" --figures --empty=fig-clock,fig-matching || fail "one point: figures"
$CHECK cross "$D/one.html" "$D/one.json" || fail "one point: the report against its summary"

# not a summary: refused, with the reason, nothing written
echo '{"capture":' >"$D/cut.json"
echo '[1,2,3]' >"$D/list.json"
for bad in cut list missing; do
	./hoplat report "$D/$bad.json" --html "$D/$bad.html" 2>"$D/$bad.err"
	st=$?
	[ "$st" -eq 2 ] || fail "$bad.json: exit $st, not 2"
	[ -e "$D/$bad.html" ] && fail "$bad.json: a document was left"
	grep -q "hoplat report: .*$bad.json" "$D/$bad.err" || fail "$bad.json: message $(cat "$D/$bad.err")"
done
grep -q 'not JSON at byte' "$D/cut.err" || fail "cut.json: $(cat "$D/cut.err")"
grep -q 'not a hoplat summary' "$D/list.err" || fail "list.json: $(cat "$D/list.err")"
./hoplat report "$D/demo.json" 2>/dev/null && fail "report without --html or --plots"
exit $rc
