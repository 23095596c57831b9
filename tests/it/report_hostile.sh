#!/usr/bin/env bash
# Names in captures are hostile. A capture (tests/it/lib/report_gen.py hostile-pcap) whose DNS names
# and HTTP paths and headers hold <script>, quotes, &, control bytes and invalid UTF-8, in a file
# whose name and on an interface whose name hold the same, analyzed with --html and --plots; and a
# summary whose every string (why, evidence keys, incident kinds, sources, read error) holds them as
# raw bytes: each report parses (python's html.parser) well nested, with no script element, no
# event handler and no link, valid UTF-8 without control characters, the hostile strings shown as
# text; the plot SVGs are well-formed XML, and the gnuplot scripts run without running anything.
set -u
cd "$(dirname "$0")/../.."
REPORT_TEST=hostile . tests/it/lib/report_lib.bash

# a file name and an interface name of markup, quotes, & and bytes that are not UTF-8
FILE=$'<img src=x onerror=alert("f")>&\'q\x01\xff.pcapng'
IFACE=$'<script>alert(1)</script>"&\'\x02\xfe'
$GEN hostile-pcap "$D/$FILE" "$IFACE" || fail "report_gen hostile-pcap"
./hoplat analyze "$D/$FILE#$IFACE" --json "$D/cap.json" --transactions "$D/cap.jsonl" --html "$D/cap.html" \
	--plots "$D/cap-plots" >/dev/null 2>"$D/cap.err" || { fail "analyze the hostile capture"; cat "$D/cap.err"; }
# the names did reach the decoders: the transactions carry them
python3 - "$D/cap.jsonl" <<'PY' || fail "the hostile names were not decoded"
import json, sys
t = [json.loads(l) for l in open(sys.argv[1])]
dns = [x['name'] for x in t if x['proto'] == 'dns']
http = [x['name'] for x in t if x['proto'] == 'http']
# every DNS name; the HTTP requests but those whose path holds control bytes (malformed, counted)
assert len(dns) == 20 and len(http) == 15, (len(dns), len(http))
assert sum('<script>' in n for n in dns) == 5 and sum('\\001' in n for n in dns) == 5, dns[:2]
assert sum('<script>' in n for n in http) == 5 and sum('<svg/onload' in n for n in http) == 5, http[:3]
PY
$CHECK text "$D/cap.html" '<img src=x onerror=alert("f")>&'"'"'q' '<script>alert(1)</script>"&'"'" ||
	fail "the capture's report"
$CHECK html "$D/cap.html" --figures --empty=fig-clock,fig-matching >/dev/null || fail "the capture's figures"
$CHECK xml "$D/cap-plots"/*.svg || fail "the capture's plot SVGs"

# a summary of raw hostile bytes everywhere a string is
$GEN hostile-json "$D/cap.json" "$D/hostile.json" || fail "report_gen hostile-json"
./hoplat report "$D/hostile.json" --html "$D/hostile.html" --plots "$D/hostile-plots" || fail "hoplat report"
$CHECK text "$D/hostile.html" '<script>alert(1)</script> "dq" '"'"'sq'"'"' & &amp; `touch pwned` @x' ||
	fail "the hostile summary's report"
$CHECK html "$D/hostile.html" --figures --empty=fig-clock,fig-matching >/dev/null || fail "its figures"
$CHECK xml "$D/hostile-plots"/*.svg || fail "its plot SVGs"
if command -v gnuplot >/dev/null; then
	(cd "$D/hostile-plots" && for g in *.gp; do gnuplot "$g" >/dev/null 2>&1 || echo "$g"; done) | grep . &&
		fail "a gnuplot script of the hostile summary fails"
	[ -e "$D/hostile-plots/pwned" ] && fail "a gnuplot script ran a command from the summary"
	$CHECK xml "$D/hostile-plots"/*.gnuplot.svg >/dev/null || fail "gnuplot's SVGs"
fi
exit $rc
