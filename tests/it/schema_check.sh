#!/usr/bin/env bash
# The JSON Schemas shipped in docs/schema/ (draft 2020-12) against real
# output: the summary (analyze --json: one point, three points, a Dom0 file
# that splits; live -r --json) and every transaction line (--transactions),
# checked with python3-jsonschema; and the man page names every key they list.
set -u
cd "$(dirname "$0")/../.."
[ -x ./hoplat ] || { echo "./hoplat not built"; exit 1; }
. tests/it/lib/pymod.bash
py_with jsonschema
tmp=$(mktemp -d /tmp/hoplat-schema.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
rc=0
n=0
run() {	# NAME ARGS...: analyze with --json and --transactions
	local name=$1; shift
	./hoplat analyze "$@" --json $tmp/$name.json --transactions $tmp/$name.jsonl >/dev/null 2>&1 ||
		{ echo "FAIL: analyze $* exited $?"; rc=1; }
	n=$((n + 1))
}
for P in pcaps/demo pcaps/guest-hang pcaps/http-ramp; do
	[ -e $P/dom0.pcapng ] || continue
	c=${P#pcaps/}
	run $c-three --client $P/client.pcapng#eth0 --uplink $P/dom0.pcapng#peth0 --vif $P/dom0.pcapng#vif1.0
	run $c-client $P/client.pcapng
	run $c-dom0 $P/dom0.pcapng
	run $c-pair --client $P/client.pcapng --vif $P/dom0.pcapng
done
[ $n -gt 0 ] || { echo "no shipped captures"; exit 77; }
./hoplat live -r pcaps/guest-hang/dom0.pcapng --speed 0 -Z root --uplink peth0 --vif vif1.0 --json $tmp/live.json \
	--transactions $tmp/live.jsonl >/dev/null 2>&1 || { echo "FAIL: live -r"; rc=1; }
$PY - $tmp docs/schema docs/hoplat.1 <<'PY' || rc=1
import glob, json, os, re, sys
from jsonschema import Draft202012Validator
tmp, sd, man = sys.argv[1:4]
summ = Draft202012Validator(json.load(open(sd + '/summary.schema.json')))
txn_schema = json.load(open(sd + '/transaction.schema.json'))
txn = Draft202012Validator(txn_schema)
bad = 0
rows = 0
for f in sorted(glob.glob(tmp + '/*.json')):
    for e in list(summ.iter_errors(json.load(open(f))))[:3]:
        print('FAIL %s: %s at %s' % (os.path.basename(f), e.message[:200], list(e.absolute_path)))
        bad += 1
for f in sorted(glob.glob(tmp + '/*.jsonl')):
    for i, line in enumerate(open(f)):
        rows += 1
        d = json.loads(line)
        if list(d) != txn_schema['required']:
            print('FAIL %s:%d: keys not in the schema\'s order: %s' % (os.path.basename(f), i + 1, list(d)))
            bad += 1
            break
        for e in list(txn.iter_errors(d))[:2]:
            print('FAIL %s:%d: %s' % (os.path.basename(f), i + 1, e.message[:200]))
            bad += 1
# every transaction key, and every required top-level summary key, is in the man page
text = open(man).read().replace('\\-', '-').replace('\\fB', '').replace('\\fR', '')
for k in txn_schema['required'] + json.load(open(sd + '/summary.schema.json'))['required']:
    if not re.search(r'\b%s\b' % re.escape(k), text):
        print('FAIL: the man page does not name %s' % k)
        bad += 1
print('%d summaries, %d transaction rows checked against docs/schema' % (len(glob.glob(tmp + '/*.json')), rows))
sys.exit(1 if bad else 0)
PY
exit $rc
