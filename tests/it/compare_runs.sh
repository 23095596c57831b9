#!/usr/bin/env bash
# hoplat compare on two testbed runs that differ only by --guest-delay
# 200us: a DNS query crosses the guest hop twice (docs/attribution.md), so
# the guest's median grows by 400 us: `compare --json` must report the guest
# difference within 400 us +- 10% and beyond noise, link and bridge not.
# The delay line's own overhead and a shared 2-core host keep the measured
# difference at 397-428 us (docs/testbed.md). Run it under the shared lock:
#   flock /tmp/hoplat-ns.lock env HOPLAT_IT=compare_runs tests/run-integration.sh
set -u
cd "$(dirname "$0")/../.."
. tests/it/testbed_lib.bash
tb_need_root
tb_need_xpt
HOPLAT=$PWD/hoplat
tmp=$(mktemp -d /tmp/hoplat-compare.XXXXXX)
trap '"$HOPLAT" testbed down >/dev/null 2>&1; rm -rf "$tmp"' EXIT
rc=0

# run NAME UP-ARGS...: a fresh testbed, a DNS ramp, its summary in $tmp/NAME.json
run() {
	local name=$1 d=$tmp/$1
	shift
	"$HOPLAT" testbed up "$@" >"$tmp/$name.up" 2>&1 || { cat "$tmp/$name.up"; echo "FAIL: testbed up $*"; exit 1; }
	"$HOPLAT" testbed run dns-ramp --out "$d" --rates 300,600 --duration 3 >"$tmp/$name.log" 2>&1 ||
		{ tail -5 "$tmp/$name.log"; echo "FAIL: testbed run ($name)"; exit 1; }
	"$HOPLAT" testbed down >/dev/null 2>&1
	"$HOPLAT" analyze --client "$d/client.pcapng#eth0" --uplink "$d/dom0.pcapng#peth0" \
		--vif "$d/dom0.pcapng#vif1.0" --json "$tmp/$name.json" >/dev/null 2>&1 ||
		{ echo "FAIL: analyze ($name)"; exit 1; }
}

run base
run slow --guest-delay 200us
"$HOPLAT" compare "$tmp/base.json" "$tmp/slow.json" --json "$tmp/cmp.json" | tee "$tmp/cmp.txt" || rc=1
python3 - "$tmp/cmp.json" <<'PY' || rc=1
import json, sys
c = json.load(open(sys.argv[1]))
dns = c['dns']
ok = True
def check(what, cond, row):
    global ok
    print('%-4s %-46s diff %8.1f us [%8.1f, %8.1f] margin %5.1f significant %s' % (
        'ok' if cond else 'FAIL', what, row['diff_us'], row['ci_low_us'], row['ci_high_us'],
        row['margin_us'], row['significant']))
    ok = ok and cond
g = dns['guest']
check('guest: 400 us +- 10%, beyond noise', 360 <= g['diff_us'] <= 440 and g['significant'], g)
for comp in ('link', 'bridge'):
    check(comp + ': not beyond noise', not dns[comp]['significant'], dns[comp])
check('statistic: medians from the histograms', g['statistic'] == 'median', g)
sys.exit(0 if ok else 1)
PY
exit $rc
