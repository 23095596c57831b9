#!/usr/bin/env bash
# Counters with several points are never added over points. On the shipped
# testbed captures (pcaps/demo, http-ramp, guest-hang), three points:
#   http.connections, tcp.*, dns.queries/responses equal tshark's count on the
#   client capture (the reference point), and every points.<role> counter
#   (packets, DNS queries/responses, TCP connections, handshakes, resets, who
#   closed first, HTTP requests/responses, handshake time samples) equals
#   tshark's count at that point (each interface alone; tshark's output is
#   stored in tests/ref by tests/ref/regen.sh). The text summary says which
#   point its one-line counts come from and shows the per-point table.
set -u
cd "$(dirname "$0")/../.."
. tests/ref/ref.bash
[ -x ./hoplat ] || { echo "./hoplat not built"; exit 1; }
ref_need
tmp=$(mktemp -d /tmp/hoplat-xcounts.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
rc=0 n=0
for d in demo http-ramp guest-hang; do
	P=pcaps/$d
	[ -e $P/dom0.pcapng ] || continue
	for pt in client:client.pcapng:eth0 uplink:dom0.pcapng:peth0 vif:dom0.pcapng:vif1.0; do
		IFS=: read -r role file ifc <<<"$pt"
		# frame.number tcp.stream tcp.srcport tcp.dstport tcp.flags dns.flags.response
		# http.request http.response tcp.analysis.initial_rtt udp.port
		ref_cat "$(ref_out $P/$file "#$ifc.counts")" >"$tmp/$role.tsv" || rc=1
	done
	./hoplat analyze --client $P/client.pcapng#eth0 --uplink $P/dom0.pcapng#peth0 \
		--vif $P/dom0.pcapng#vif1.0 --json "$tmp/out.json" >"$tmp/out.txt" 2>&1 ||
		{ echo "FAIL $d: analyze"; tail -3 "$tmp/out.txt"; rc=1; continue; }
	grep -q "^TCP (at client): \|^DNS: " "$tmp/out.txt" && grep -q "^per point:" "$tmp/out.txt" ||
		{ echo "FAIL $d: text summary without the reference point or the per-point table"; rc=1; }
	python3 - "$tmp" "$d" <<'PY' || rc=1
import json, sys
tmp, name = sys.argv[1], sys.argv[2]

def tshark_counts(path):
    c = dict(packets=0, dns_queries=0, dns_responses=0, http_requests=0, http_responses=0)
    streams, hs, syn, synack, rst, fin = set(), set(), set(), set(), set(), {}
    for line in open(path):
        f = (line.rstrip('\n').split('\t') + [''] * 10)[:10]
        num, st, sp, dp, flags, dnsr, req, resp, irtt, udp = f
        c['packets'] += 1
        if dnsr and ('53' in udp.split(',')):
            c['dns_responses' if dnsr in ('1', 'True') else 'dns_queries'] += 1
        if not st or '80' not in (sp, dp):
            continue
        fl = int(flags, 16)
        streams.add(st)
        c['http_requests'] += 1 if req else 0
        c['http_responses'] += 1 if resp else 0
        if irtt:
            hs.add(st)
        if fl & 0x02 and not fl & 0x10:
            syn.add(st)
        if fl & 0x02 and fl & 0x10:
            synack.add(st)
        if fl & 0x04:
            rst.add(st)
        if fl & 0x01 and st not in fin:
            fin[st] = 'server' if sp == '80' else 'client'
    c.update(tcp_connections=len(streams), http_connections=len(streams), tcp_handshakes=len(hs),
             tcp_resets=len(rst), tcp_closed_by_client=sum(1 for v in fin.values() if v == 'client'),
             tcp_closed_by_server=sum(1 for v in fin.values() if v == 'server'),
             hs_samples=len(hs & syn), synack_samples=len(syn & synack))
    return c

s = json.load(open(tmp + '/out.json'))
ok = True
def check(what, got, want):
    global ok
    if got != want:
        print('FAIL %s: %s: hoplat %s, tshark %s' % (name, what, got, want))
        ok = False
ts = {r: tshark_counts('%s/%s.tsv' % (tmp, r)) for r in ('client', 'uplink', 'vif')}
check('reference_point', s.get('reference_point'), 'client')
for r, c in ts.items():
    p = s['points'][r]
    for k, v in c.items():
        if k == 'hs_samples':
            check('points.%s.handshake_rtt_us.count' % r, p['handshake_rtt_us']['count'], v)
        elif k == 'synack_samples':
            check('points.%s.syn_synack_us.count' % r, p['syn_synack_us']['count'], v)
        else:
            check('points.%s.%s' % (r, k), p[k], v)
c = ts['client']
check('http.connections', s['http']['connections'], c['http_connections'])
check('http.requests', s['http']['requests'], c['http_requests'])
check('http.responses', s['http']['responses'], c['http_responses'])
check('dns.queries', s['dns']['queries'], c['dns_queries'])
check('dns.responses', s['dns']['responses'], c['dns_responses'])
for k in ('connections', 'handshakes', 'resets', 'closed_by_client', 'closed_by_server'):
    check('tcp.' + k, s['tcp'][k], c['tcp_' + k])
check('tcp.handshake_rtt_us.count', s['tcp']['handshake_rtt_us']['count'], c['hs_samples'])
check('packets (read, all points)', s['packets'], sum(t['packets'] for t in ts.values()))
print('%s: client %s' % (name, ', '.join('%s %d' % (k, v) for k, v in c.items() if v)))
sys.exit(0 if ok else 1)
PY
	n=$((n + 1))
done
[ $n -gt 0 ] || { echo "no testbed captures in pcaps/"; exit 77; }
exit $rc
