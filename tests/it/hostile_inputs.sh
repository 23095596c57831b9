#!/usr/bin/env bash
# Hostile captures (tests/tools/hostile.py writes them and says what each
# must give): time stepping back an hour or half a second, a packet stamped
# 0, every packet twice, the capture appended to itself (pcap, pcapng, short,
# three times), interface names, comments, DNS names and HTTP targets with
# terminal escapes, quotes, invalid UTF-8 and spreadsheet formulas, DNS
# questions that do not parse, gzip damaged at several places (small and
# large files), pcap and pcapng cut at many lengths. ./hoplat and
# ./hoplat-asan (ASan + UBSan) analyze each, one point and a few cross-point,
# and every run must give:
#  - no crash, no hang (a timeout), no sanitizer report;
#  - exit status 0, or 1 with a one-line error naming the file and the offset
#    (2 only for a file cut before its header: one line naming the file);
#  - a warning line naming the file for what the input guard kept out (and
#    the client clock aligned all the same, cross-point);
#  - results for what could be read: the transactions and packets the
#    manifest says, in JSON, CSV and JSON Lines that parse;
#  - no control byte and no invalid UTF-8 on stdout or stderr; CSV that
#    Python's csv module reads as UTF-8, no cell a formula, no negative time.
set -u
cd "$(dirname "$0")/../.."
command -v python3 >/dev/null || { echo "python3 not installed"; exit 77; }
command -v timeout >/dev/null || { echo "timeout (coreutils) not installed"; exit 77; }
[ -x ./hoplat ] || { echo "./hoplat not built"; exit 1; }
tmp=$(mktemp -d /tmp/hoplat-hostile.XXXXXX)
trap 'rm -rf "$tmp" "$tmp.make"' EXIT
make -s -j2 hoplat-asan >"$tmp.make" 2>&1 || { cat "$tmp.make"; echo "make hoplat-asan failed"; exit 1; }
rm -f "$tmp.make"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=99
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:exitcode=99
python3 tests/tools/hostile.py "$tmp/in" || { echo "hostile.py failed"; exit 1; }
mkdir -p "$tmp/out"

runs=0
run() {	# label hoplat-binary analyze-args...
	local label=$1 bin=$2 o="$tmp/out/$1.$2"
	shift 2
	runs=$((runs + 1))
	timeout 120 "./$bin" analyze "$@" --json "$o.json" --csv "$o.csv" --transactions "$o.jsonl" \
		>"$o.stdout" 2>"$o.stderr"
	echo $? >"$o.rc"
}

while IFS=$'\t' read -r file _; do
	[ "$file" = file ] && continue
	for bin in hoplat hoplat-asan; do
		run "$file" "$bin" "$tmp/in/$file"
	done
done <"$tmp/in/manifest.tsv"
# cross-point: the hostile capture at one point, its clean twin at the other
for bin in hoplat hoplat-asan; do
	run x-append "$bin" --client "$tmp/in/append.pcap" --vif "$tmp/in/clean.pcap"
	run x-timeback "$bin" --client "$tmp/in/time-back.pcap" --vif "$tmp/in/clean.pcapng"
	run x-names "$bin" --uplink "$tmp/in/names-dom0.pcapng" --vif "$tmp/in/names-dom0.pcapng"
done
cat >>"$tmp/in/manifest.tsv" <<'EOF'
x-append	cross	50	50	10	-	appended	0
x-timeback	cross	26	25	5	-	back in time	0
x-names	cross	-	-	-	-	-	-
EOF

python3 - "$tmp" <<'PY'
import csv, json, os, re, sys
tmp = sys.argv[1]
inp, out = os.path.join(tmp, "in"), os.path.join(tmp, "out")
rows = list(csv.DictReader(open(os.path.join(inp, "manifest.tsv")), delimiter="\t"))
fail = []
BAD_CHAR = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f]")
SANITIZER = ("AddressSanitizer", "LeakSanitizer", "runtime error:", "UndefinedBehaviorSanitizer")

def text(path, what):
    b = open(path, "rb").read()
    try:
        s = b.decode("utf-8")
    except UnicodeDecodeError as e:
        raise AssertionError("%s is not UTF-8 (%s)" % (what, e))
    m = BAD_CHAR.search(s)
    if m:
        raise AssertionError("%s has the control byte %r" % (what, m.group()))
    return s

def check_csv(path, timed_bound):
    names = 0
    with open(path, encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            if r["proto"] not in ("dns", "http"):
                continue
            names += 1
            name = r["name"]
            assert not name or name[0] not in "=+-@\t\r", "CSV formula cell %r" % name
            for col in ("total_us", "response_us"):
                if r[col]:
                    v = float(r[col])
                    assert v >= 0, "CSV negative time %s" % r[col]
                    assert timed_bound is None or v < timed_bound, "CSV time %s" % r[col]
    return names

def count(want, got, what):
    if want != "-" and int(want) != got:
        raise AssertionError("%s %s, want %s" % (what, got, want))

def check(row, bin_):
    label = row["file"]
    o = os.path.join(out, "%s.%s" % (label, bin_))
    rc = int(open(o + ".rc").read())
    err = text(o + ".stderr", "stderr")
    text(o + ".stdout", "stdout")
    for s in SANITIZER:
        assert s not in err, "sanitizer report:\n" + err[:2000]
    assert rc != 124, "timed out"
    want = row["status"]
    if want != "-":
        assert rc == int(want), "exit %d, want %s: %s" % (rc, want, err[:500])
    assert rc in (0, 1, 2), "exit %d: %s" % (rc, err[:500])
    lines = err.splitlines()
    path = os.path.join(inp, label)
    if rc == 2:
        # a cut file that cannot be opened, or several interfaces given as
        # one point whose names do not say uplink and vif (refused: each
        # packet would count once per interface)
        assert (row["kind"] == "cut" or (row["kind"] == "names" and " interfaces (" in lines[0])) \
            and len(lines) == 1 and path in lines[0], \
            "exit 2 without one line naming the file: %r" % lines
        return
    if rc == 1:
        errs = [l for l in lines if path in l and " at offset " in l and "warning" not in l]
        assert errs, "exit 1 without an error naming the file and offset: %r" % lines
    pat = row["stderr"]
    if pat not in ("-", "offset"):
        key = "not analyzed" if pat != "negative" else "negative"
        hits = [l for l in lines if ("warning" in l and key in l and pat in l) or
                (" at offset " in l and pat in l)]
        assert hits, "no line on stderr with %r: %r" % (pat, lines)
    if row["kind"] == "cross":      # the clock pass skips what the analysis skips
        assert "cannot be aligned" not in err, "client clock not aligned: %r" % lines
    j = json.load(open(o + ".json"))
    assert (j["read_error"] is not None) == (rc == 1), "read_error %r with exit %d" % (j["read_error"], rc)
    count(row["dns"], j["dns"]["transactions"], "DNS transactions")
    count(row["dns_answered"], j["dns"]["answered"], "DNS answered")
    count(row["http"], j["http"]["transactions"], "HTTP transactions")
    count(row["packets"], j["packets"], "packets")
    for l in open(o + ".jsonl", encoding="utf-8"):
        json.loads(l)
    bound = 60e6 if row["kind"] in ("time", "dup", "append", "clean", "cross") else None
    n = check_csv(o + ".csv", bound)
    assert n == j["dns"]["transactions"] + j["http"]["transactions"], "CSV rows %d" % n

for row in rows:
    for bin_ in ("hoplat", "hoplat-asan"):
        try:
            check(row, bin_)
        except (AssertionError, OSError, ValueError, KeyError) as e:
            fail.append("%s (%s): %s" % (row["file"], bin_, e))
for f in fail:
    print("FAIL", f)
print("hostile_inputs: %d captures, %d runs checked, %d failed" % (len(rows), 2 * len(rows), len(fail)))
sys.exit(1 if fail else 0)
PY
