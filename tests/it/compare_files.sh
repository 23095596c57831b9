#!/usr/bin/env bash
# hoplat compare without a testbed, on summaries of the shipped captures:
# a run against itself differs by nothing; against a copy whose guest
# histogram is moved by +400 us, the guest (and total) by +400 us beyond
# noise and nothing else; load steps (a `steps` list) compared in order; a
# summary without histograms (an older hoplat) by its means (Welch); a file
# that is not a summary refused (status 2).
set -u
cd "$(dirname "$0")/../.."
[ -x ./hoplat ] || { echo "./hoplat not built"; exit 1; }
P=pcaps/demo
[ -e $P/dom0.pcapng ] || { echo "no pcaps/demo"; exit 77; }
tmp=$(mktemp -d /tmp/hoplat-cmpfiles.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
./hoplat analyze --client $P/client.pcapng#eth0 --uplink $P/dom0.pcapng#peth0 --vif $P/dom0.pcapng#vif1.0 \
	--json $tmp/a.json >/dev/null 2>&1 || { echo "FAIL: analyze"; exit 1; }
python3 - $tmp <<'PY'
import json, sys
t = sys.argv[1]
a = json.load(open(t + '/a.json'))
b = json.loads(json.dumps(a))
for comp in ('guest', 'total'):   # the guest 400 us slower, every transaction
    l = b['dns']['latency_us'][comp]
    l['buckets'] = [[v + 400, c] for v, c in l['buckets']]
    for k in ('p50', 'p90', 'p99', 'p999', 'min', 'max', 'mean'):
        l[k] += 400
json.dump(b, open(t + '/b.json', 'w'))
for s, name in ((a, 'sa'), (b, 'sb')):   # two load steps of the same figures
    s = json.loads(json.dumps(s))
    s['steps'] = [{'dns': s['dns'], 'http': s['http']}, {'dns': s['dns'], 'http': s['http']}]
    json.dump(s, open('%s/%s.json' % (t, name), 'w'))
old = json.loads(json.dumps(a))   # as an older hoplat wrote it: no buckets
for l in old['dns']['latency_us'].values():
    l.pop('buckets')
json.dump(old, open(t + '/old.json', 'w'))
PY
rc=0
./hoplat compare $tmp/a.json $tmp/a.json --json $tmp/same.json >$tmp/same.txt || { echo "FAIL: compare A A"; rc=1; }
./hoplat compare $tmp/a.json $tmp/b.json --json $tmp/slow.json >$tmp/slow.txt || { echo "FAIL: compare A B"; rc=1; }
./hoplat compare $tmp/sa.json $tmp/sb.json --json $tmp/steps.json >/dev/null || { echo "FAIL: compare steps"; rc=1; }
./hoplat compare $tmp/old.json $tmp/a.json --json $tmp/old-out.json >/dev/null || { echo "FAIL: compare old"; rc=1; }
./hoplat compare $tmp/a.json $P/expected.json >/dev/null 2>$tmp/bad.err; s=$?
[ $s -eq 2 ] && grep -q "not a hoplat summary" $tmp/bad.err || { echo "FAIL: not a summary: status $s $(cat $tmp/bad.err)"; rc=1; }
./hoplat compare $tmp/a.json $tmp/nonexistent.json >/dev/null 2>&1; [ $? -eq 2 ] || { echo "FAIL: a missing file"; rc=1; }
cat $tmp/slow.txt
python3 - $tmp <<'PY' || rc=1
import json, sys
t = sys.argv[1]
same, slow, steps, old = (json.load(open('%s/%s.json' % (t, n))) for n in ('same', 'slow', 'steps', 'old-out'))
bad = []
def check(what, cond):
    print(('ok   ' if cond else 'FAIL ') + what)
    if not cond:
        bad.append(what)
check('A against A: every difference 0 and within noise',
      all(r['diff_us'] == 0 and not r['significant'] for r in same['dns'].values()))
check('guest +400 us, beyond noise', slow['dns']['guest']['diff_us'] == 400 and slow['dns']['guest']['significant'])
check('guest interval holds 400', slow['dns']['guest']['ci_low_us'] <= 400 <= slow['dns']['guest']['ci_high_us'])
check('link and bridge: 0, within noise', all(slow['dns'][c]['diff_us'] == 0 and not slow['dns'][c]['significant']
                                              for c in ('link', 'bridge')))
check('means: +400 us with Welch\'s interval', abs(slow['dns']['guest']['mean_diff_us'] - 400) < 0.01 and
      slow['dns']['guest']['mean_ci_low_us'] < 400 < slow['dns']['guest']['mean_ci_high_us'])
check('two steps compared, each with the guest +400 us',
      len(steps.get('steps', [])) == 2 and all(s['dns']['guest']['diff_us'] == 400 for s in steps['steps']))
check('no buckets: the means decide', old['dns']['guest']['statistic'] == 'mean' and
      slow['dns']['guest']['statistic'] == 'median')
sys.exit(1 if bad else 0)
PY
exit $rc
