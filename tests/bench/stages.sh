#!/usr/bin/env bash
# Instructions per packet per stage (callgrind: repeatable, unlike time on a
# shared machine): `hoplat analyze` in one thread (HOPLAT_THREADS=0, so each
# stage is one call tree) on the benchmark's real DNS captures, the first
# BENCH_STAGE_PACKETS packets of each (default 200000; editcap), one point
# and three points. Prints a Markdown table; a change that costs more shows
# here. Needs valgrind and editcap (else skipped).
set -u
cd "$(dirname "$0")/../.."
for t in valgrind callgrind_annotate editcap; do
	command -v $t >/dev/null || { echo "stages: $t not installed; skipped"; exit 0; }
done
n=${BENCH_STAGE_PACKETS:-200000}
B=build/bench
[ -f $B/dns/client.pcapng ] || { echo "stages: no build/bench/dns (tests/bench/inputs.sh)"; exit 0; }
tmp=$(mktemp -d /tmp/hoplat-stages.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
make -s hoplat >/dev/null || exit 1
editcap -r $B/dns/client.pcapng "$tmp/c.pcapng" 1-"$n" >/dev/null
editcap -r $B/dns/dom0.pcapng "$tmp/d.pcapng" 1-$((2 * n)) >/dev/null
cg() {	# OUT ARGS...
	local out=$1; shift
	HOPLAT_THREADS=0 valgrind --tool=callgrind --callgrind-out-file="$out" ./hoplat analyze "$@" \
		--json "$tmp/j.json" >/dev/null 2>&1
	callgrind_annotate --inclusive=yes "$out" >"$out.txt" 2>/dev/null
}
cg "$tmp/one" "$tmp/c.pcapng"
cg "$tmp/three" --client "$tmp/c.pcapng#eth0" --uplink "$tmp/d.pcapng#peth0" --vif "$tmp/d.pcapng#vif1.0"
python3 - "$tmp/one.txt" "$tmp/three.txt" "$n" <<'PY'
import os, re, sys
def inclusive(path):
    """file.c:function -> inclusive Ir (the largest line: the function's own;
    with parts inlined from headers, the line without [object] holds it all)."""
    out = {}
    for line in open(path):
        m = re.match(r'\s*([\d,]+) \([^)]*\)\s+(\S+?):(\w+)(\.[\w.]+)?( \[|$)', line)
        if m:
            k = os.path.basename(m.group(2)) + ':' + m.group(3)
            out[k] = max(out.get(k, 0), int(m.group(1).replace(',', '')))
        m = re.match(r'\s*([\d,]+) \([^)]*\)\s+PROGRAM TOTALS', line)
        if m:
            out['TOTAL'] = int(m.group(1).replace(',', ''))
    return out
def stages(c):
    g = lambda *fs: sum(c.get(f, 0) for f in fs)
    dec, dns = g('link.c:dec_packet'), g('dns.c:dec_dns')
    txns = max(g('engine.c:on_txn'), g('attrib.c:on_txn'))	# a point's transactions handed on
    rest = (g('point.c:pt_feed', 'point.c:pt_advance') - g('engine.c:on_packet', 'engine.c:on_packet_one') -
            txns - dec - dns)
    return [
        ('reading (capture files, merge by time)', g('input.c:in_next', 'input.c:in_next_n')),
        ("clock: the captures' starts read ahead", g('clock_pass.c:clkpass_start')),
        ('point: L2-L4 decode', dec),
        ('point: DNS decode', dns),
        ('point: matching (DNS, TCP, HTTP), expiry', rest),
        ('cross-point: same-packet matching, clock, joins, attribution',
         g('crosspoint.c:cross_observe', 'crosspoint.c:cross_advance', 'attrib.c:on_txn') -
         (g('engine.c:finalize') if g('attrib.c:on_txn') else 0)),
        ('detectors and diagnosis, per packet', g('watch.c:watch_packet', 'diagnose.c:diag_packet')),
        ('final transactions: results, series, detectors', g('engine.c:finalize', 'engine.c:finalize_point')),
        # ser_point and ser_advance are inline from series.h where the engine feeds a batch
        ('series and results, per packet', g('series.c:ser_point', 'results.c:res_saw_packet',
                                             'series.h:eng_feed_n', 'series.h:eng_feed',
                                             'series.h:on_packet')),
        ('total (all of the run)', g('TOTAL')),
    ]
one, three = inclusive(sys.argv[1]), inclusive(sys.argv[2])
n = int(sys.argv[3])
print('| stage | one point, Ir/packet | three points, Ir/packet (all points\' packets) |')
print('|---|---:|---:|')
for (name, a), (_, b) in zip(stages(one), stages(three)):
    print('| %s | %d | %d |' % (name, round(a / n), round(b / (3 * n))))
PY
