#!/usr/bin/env bash
# One time series for `analyze` and `live`: on every shipped capture (pcaps/),
# with three points and with one, the JSON `windows` list has one row per
# second of the capture (the capture's first and last packet read with
# capinfos), consecutive, the seconds of pcaps/guest-hang's hang included;
# its latency components are the summary's, counted as often.
# Each row counts what tshark sees in that second of the same file: packets
# at each point, DNS queries and responses, HTTP requests and responses,
# HTTP connections opened (first SYN of a stream); for three points the Dom0
# points (the client's clock is corrected, so its seconds may shift by the
# offset), for one point the client. `live -r` on the same capture prints
# the same windows (--json-lines: start, packets, rates, transactions,
# p50/p99) and its --json summary has the same `windows` list as analyze.
set -u
cd "$(dirname "$0")/../.."
command -v tshark >/dev/null || { echo "tshark not installed"; exit 77; }
command -v capinfos >/dev/null || { echo "capinfos not installed"; exit 77; }
[ -x ./hoplat ] || { echo "build ./hoplat first"; exit 77; }
[ -e pcaps/guest-hang/dom0.pcapng ] || { echo "no pcaps/guest-hang"; exit 77; }
D=$(mktemp -d /tmp/hoplat-series.XXXXXX)
chmod 777 "$D"	# live drops root privileges (as tcpdump) before writing --json
trap 'rm -rf "$D"' EXIT
rc=0
fail() { echo "FAIL: $*"; rc=1; }

# tshark per frame: time, interface, what it is (fields for the oracle).
frames() {
	tshark -r "$1" -o http.desegment_body:FALSE -T fields -e frame.time_epoch -e frame.interface_name \
		-e tcp.stream -e tcp.flags.syn -e tcp.flags.ack -e tcp.dstport -e http.request \
		-e http.response -e dns.flags.response -e udp.port 2>/dev/null
}

# check JSON SPANFILES IFACE=ROLE...: rows against capinfos' span and tshark's counts
check() {
	local json=$1 tsv=$2 span=$3
	shift 3
	python3 - "$json" "$tsv" "$span" "$@" <<'PY'
import json, sys
from collections import defaultdict
js, tsv, span, maps = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
role = dict(m.split('=') for m in maps)           # interface name -> role
S = 10**9
def ns(t):
    s, _, f = t.partition('.')
    return int(s) * S + int((f + '000000000')[:9])
d = json.load(open(js))
w = d['windows']
first = min(ns(l.split('\t')[1]) for l in open(span))
last = max(ns(l.split('\t')[2]) for l in open(span))
want = last // S - first // S + 1
starts = [x['start_ns'] for x in w]
if len(w) != want or starts != [(first // S + i) * S for i in range(want)]:
    sys.exit('%s: %d rows from %d, capinfos gives %d seconds from %d' % (js, len(w), starts[0] if w else 0, want, first // S))
# tshark's counts per second and role
exp = defaultdict(lambda: defaultdict(int))
seen_stream = set()
for l in open(tsv):
    f = l.rstrip('\n').split('\t')
    t, iface, stream, syn, ack, dport, req, resp, dnsr, udp = (f + [''] * 10)[:10]
    r = role.get(iface) or role.get('*')
    if not r:
        continue
    k = (ns(t) // S * S, r)
    exp[k]['packets'] += 1
    if req: exp[k]['http_req'] += 1
    if resp: exp[k]['http_resp'] += 1
    if dnsr == 'False' or dnsr == '0': exp[k]['dns_req'] += 1
    if dnsr == 'True' or dnsr == '1': exp[k]['dns_resp'] += 1
    if syn in ('1', 'True') and ack in ('0', 'False') and dport == '80' and (iface, stream) not in seen_stream:
        seen_stream.add((iface, stream))
        exp[k]['conns'] += 1
bad = 0
for x in w:
    for r in set(role.values()):
        e = exp[(x['start_ns'], r)]
        got = {'packets': x['packets'][r], 'http_req': x['http']['requests'][r],
               'http_resp': x['http']['responses'][r], 'dns_req': x['dns']['requests'][r],
               'dns_resp': x['dns']['responses'][r], 'conns': x['http']['connections'][r]}
        for k, v in got.items():
            if v != e[k]:
                bad += 1
                print('  %s %d %s %s: hoplat %d, tshark %d' % (js, x['start_ns'] // S, r, k, v, e[k]))
tx = sum(x['dns']['transactions'] + x['http']['transactions'] for x in w)
if tx != d['dns']['transactions'] + d['http']['transactions']:
    sys.exit('%s: windows hold %d transactions, the summary %d' % (js, tx, d['dns']['transactions'] + d['http']['transactions']))
# every latency component of the windows is one of the summary's, counted
# as often (a component not measured, such as "server" at one point, has
# no column: it was once counted as a measured 0)
for proto in ('dns', 'http'):
    whole = d[proto]['latency_us']
    per = {}
    for x in w:
        for comp, v in x[proto]['latency_us'].items():
            per[comp] = per.get(comp, 0) + v['count']
    for comp, n in per.items():
        if comp not in whole or whole[comp]['count'] != n:
            sys.exit('%s: %s %s counted %d times in the windows, %s in the summary' %
                     (js, proto, comp, n, whole[comp]['count'] if comp in whole else 'never'))
if d['losses']['windows_late'] or d['losses']['windows_dropped']:
    sys.exit('%s: windows late or dropped: %s' % (js, d['losses']))
print('  %s: %d rows = %d s of capture, per-second counts as tshark%s' % (js.split('/')[-1], len(w), want, '' if not bad else ' EXCEPT %d' % bad))
sys.exit(1 if bad else 0)
PY
}

for p in demo http-ramp port-exhaustion guest-hang; do
	P=pcaps/$p
	frames $P/client.pcapng >"$D/$p-client.tsv"
	# one interface at a time: tshark reassembles a stream seen on two
	# interfaces of one file as one (the second copy as retransmissions)
	: >"$D/$p-dom0.tsv"
	for i in peth0 vif1.0; do
		tshark -r $P/dom0.pcapng -Y "frame.interface_name == \"$i\"" -w "$D/$p-$i.pcapng" 2>/dev/null
		frames "$D/$p-$i.pcapng" >>"$D/$p-dom0.tsv"
	done
	capinfos -T -r -a -e -S $P/client.pcapng $P/dom0.pcapng >"$D/$p-span3"
	capinfos -T -r -a -e -S $P/client.pcapng >"$D/$p-span1"
	./hoplat analyze --client $P/client.pcapng --uplink $P/dom0.pcapng --vif $P/dom0.pcapng \
		--json "$D/$p-3.json" >/dev/null 2>&1 || fail "$p: analyze, three points"
	check "$D/$p-3.json" "$D/$p-dom0.tsv" "$D/$p-span3" peth0=uplink vif1.0=vif || fail "$p: three points"
	./hoplat analyze $P/client.pcapng --window 1s --json "$D/$p-1.json" >/dev/null 2>&1 ||
		fail "$p: analyze, one point"
	check "$D/$p-1.json" "$D/$p-client.tsv" "$D/$p-span1" '*=client' || fail "$p: one point"
done

# The hang: the seconds after the guest's last answer are rows, where the
# vif sees connections opened and nothing answered.
python3 - "$D/guest-hang-3.json" <<'PY' || fail "guest-hang: the hang's seconds"
import json, sys
w = json.load(open(sys.argv[1]))['windows']
hang = [x for x in w if x['http']['connections']['vif'] > 0 and x['http']['responses']['vif'] == 0]
print('  guest-hang: %d rows, %d of them with connections at the vif and no response' % (len(w), len(hang)))
sys.exit(0 if len(hang) >= 2 else 1)
PY

# live -r prints the same windows as analyze gives in JSON, and its --json
# summary holds the same windows list.
same_as_live() {	# NAME ANALYZE_JSON LIVE_OUT LIVE_JSON REF
	python3 - "$@" <<'PY'
import json, re, sys
name, aj, lo, lj, ref = sys.argv[1:]
a = json.load(open(aj))
w = a['windows']
lines = [json.loads(l) for l in open(lo) if l.startswith('{"window"')]
def us(v):   # numbers in us, null without samples (never a string with a unit)
    assert v is None or isinstance(v, (int, float)), v
    return v
bad = []
if [l['start_ns'] for l in lines] != [x['start_ns'] for x in w]:
    bad.append('starts: live %s, analyze %s' % ([l['start_ns'] for l in lines], [x['start_ns'] for x in w]))
for l, x in zip(lines, w):
    if l['packets'] != sum(x['packets'].values()):
        bad.append('%d packets %d vs %d' % (x['start_ns'], l['packets'], sum(x['packets'].values())))
    for k, proto, kind in (('dns_queries_per_s', 'dns', 'requests'), ('dns_responses_per_s', 'dns', 'responses'),
                           ('http_requests_per_s', 'http', 'requests'), ('http_responses_per_s', 'http', 'responses')):
        if abs(l[k] - x[proto][kind][ref]) > 0.05:
            bad.append('%d %s %s vs %s' % (x['start_ns'], k, l[k], x[proto][kind][ref]))
    for proto in ('dns', 'http'):
        if l[proto + '_transactions'] != x[proto]['transactions']:
            bad.append('%d %s transactions' % (x['start_ns'], proto))
        tot = x[proto]['latency_us'].get('total')
        for q in ('p50', 'p99'):
            lv = us(l['%s_%s_us' % (proto, q)])
            if (lv is None) != (tot is None) or (tot and abs(lv - tot[q]) > 1e-4 * tot[q] + 0.01):
                bad.append('%d %s %s: live %s, analyze %s' % (x['start_ns'], proto, q, lv, tot and tot[q]))
if json.load(open(lj))['windows'] != w:
    bad.append('live --json windows differ from analyze')
print('  %s: live -r printed %d window lines, the same as analyze%s' % (name, len(lines), '' if not bad else ': ' + '; '.join(bad[:5])))
sys.exit(1 if bad else 0)
PY
}
for p in guest-hang demo; do
	P=pcaps/$p
	./hoplat live -r $P/client.pcapng --speed 0 -q --json-lines --json "$D/$p-live1.json" \
		>"$D/$p-live1.out" 2>"$D/$p-live1.err" || fail "$p: live -r one point exited $?"
	same_as_live "$p one point" "$D/$p-1.json" "$D/$p-live1.out" "$D/$p-live1.json" client || fail "$p: live one point"
	./hoplat analyze --uplink "$P/dom0.pcapng#peth0" --vif "$P/dom0.pcapng#vif1.0" --json "$D/$p-2.json" \
		>/dev/null 2>&1 || fail "$p: analyze, uplink and vif"
	./hoplat live -r $P/dom0.pcapng --uplink peth0 --vif vif1.0 --speed 0 -q --json-lines \
		--json "$D/$p-live2.json" >"$D/$p-live2.out" 2>"$D/$p-live2.err" || fail "$p: live -r two points exited $?"
	same_as_live "$p uplink+vif" "$D/$p-2.json" "$D/$p-live2.out" "$D/$p-live2.json" uplink ||
		fail "$p: live two points"
done
# the text lines too: one per window, the hang's seconds with no response
n=$(./hoplat live -r pcaps/guest-hang/client.pcapng --speed 0 -q 2>/dev/null | grep -c '  pkts ')
[ "$n" = "$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["windows"]))' "$D/guest-hang-1.json")" ] ||
	fail "live text: $n window lines"
[ $rc = 0 ] && echo "series_windows: ok"
exit $rc
