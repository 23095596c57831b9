#!/usr/bin/env bash
# The guest-silence detector in `analyze` (the engine runs it, as for `live`).
# pcaps/guest-hang (the guest drops everything after ~1 s while httperf and
# ping go on), with three points and with each point alone: exactly one
# guest silence, kind "silent" (silent at all layers), at the innermost point,
# still open at the end; its start is the first request tshark (its output
# stored in tests/ref by tests/ref/regen.sh) sees reaching
# that point after the guest's last packet there (to the ns, and within 1 s
# of that packet's second), its last answer is tshark's last answer from the
# guest there, and the requests it counts at each point equal tshark's
# requests after the guest's last answer at that point, every one of them a
# SYN or a ping (unanswered tcp_syn and icmp, tshark's counts). The text
# summary names it, incidents.csv (--csv DIR/) has one row for it; --silence 10s
# finds none (the SYN retransmission burst stays: 94 connections). pcaps/demo and
# pcaps/http-ramp (the guest answers throughout): no incident, three points
# and each alone. Replay: `live -r dom0.pcapng --speed 0` reports the same
# incident as analyze on the same two points, and one ALERT line.
set -u
cd "$(dirname "$0")/../.."
. tests/ref/ref.bash
[ -x ./hoplat ] || { echo "build ./hoplat first"; exit 77; }
[ -e pcaps/guest-hang/dom0.pcapng ] || { echo "no pcaps/guest-hang"; exit 77; }
ref_need
D=$(mktemp -d /tmp/hoplat-analyze-hang.XXXXXX)
chmod 777 "$D"	# live drops root privileges (as tcpdump) before writing --json
trap 'rm -rf "$D"' EXIT
rc=0
fail() { echo "FAIL: $*"; rc=1; }

# tshark, per FILE IFACE: the guest (the address answering most), its last
# answer, its last packet of any kind, the first request reaching it after
# that packet, and the requests after its last answer. A request: TCP SYN or
# data towards port 80/53, UDP towards 53, ICMP echo request; an answer:
# SYN-ACK or data from 80/53, UDP from 53, echo reply.
# (tshark's fields: time, ip src and dst, tcp ports, syn, ack, reset, tcp.len,
# udp ports, icmp.type)
oracle() {
	ref_cat "$(ref_out "$1" "#$2.hang")" |
	python3 -c '
import sys
def ns(t):
    s, _, frac = t.partition(".")
    return int(s) * 10**9 + int((frac + "000000000")[:9])
on = lambda v: v in ("1", "True")
pk = []
for l in sys.stdin:
    c = l.rstrip("\n").split("\t") + [""] * 12
    t, src, dst, tsp, tdp, syn, ack, rst, tlen, usp, udp, icmp = c[:12]
    data = tlen not in ("", "0")
    icmp = icmp.split(",")[0]
    k = 0
    if tdp in ("80", "53") and (on(syn) or data) and not on(rst) or udp == "53" or icmp == "8":
        k = 2 if on(syn) and not on(ack) else 3 if icmp == "8" else 1
    elif tsp in ("80", "53") and (data or on(syn) and on(ack)) or usp == "53" or icmp == "0":
        k = -1
    if src:
        pk.append((ns(t), src, dst, k))
n = {}
for t, s, d, k in pk:
    if k < 0:
        n[s] = n.get(s, 0) + 1
g = max(n, key=n.get)
last_ans = max(t for t, s, d, k in pk if k < 0 and s == g)
last_any = max(t for t, s, d, k in pk if s == g)
first = min([t for t, s, d, k in pk if k > 0 and d == g and t > last_any] or [0])
after = [k for t, s, d, k in pk if k > 0 and d == g and t > last_ans]
print(g, last_ans, last_any, first, len(after), after.count(2), after.count(3))'
}

# check JSON ROLE "ORACLE of ROLE" [ROLE "ORACLE" ...]: the incident at ROLE (first pair).
check() {
	python3 - "$@" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
role = sys.argv[2]
orc = {sys.argv[i]: sys.argv[i + 1].split() for i in range(2, len(sys.argv), 2)}
inc = [i for i in s.get("incidents") or [] if i["kind"] in ("silent", "app_only", "lost_bridge", "lost_link")]
if len(inc) != 1:
    sys.exit("expected exactly one guest silence, got %r" % s.get("incidents"))
i = inc[0]
g, last_ans, last_any, first, n = orc[role][:5]
last_ans, last_any, first = int(last_ans), int(last_any), int(first)
err = []
if i["guest"] != g: err.append("guest %s, tshark %s" % (i["guest"], g))
if i["kind"] != "silent" or i["kind_text"] != "silent at all layers": err.append("kind %s" % i["kind"])
if i["point"] != role: err.append("point %s, expected %s" % (i["point"], role))
if not i["open"] or i["end_ns"] is not None: err.append("not open at the end")
if not first: err.append("tshark: no request after the guest's last packet")
if i["start_ns"] != first: err.append("start %d, tshark's first request after the guest's last packet %d (%+d ns)" % (i["start_ns"], first, i["start_ns"] - first))
if not (0 < i["start_ns"] - last_any < 10**9): err.append("start %d not within 1 s after the guest's last packet %d" % (i["start_ns"], last_any))
if i["last_answer_ns"] != last_ans: err.append("last answer %d, tshark %d" % (i["last_answer_ns"], last_ans))
for r, o in orc.items():
    if i["requests"].get(r) != int(o[4]): err.append("requests at %s: %s, tshark %s" % (r, i["requests"].get(r), o[4]))
u = i["unanswered"]
if u["tcp_syn"] != int(orc[role][5]) or u["icmp"] != int(orc[role][6]) or sum(u.values()) != int(orc[role][4]):
    err.append("unanswered %s, tshark tcp_syn %s icmp %s" % (u, orc[role][5], orc[role][6]))
syn = [b for b in s["incidents"] if b["kind"] == "syn_retransmits"]
if len(syn) != 1 or syn[0]["connections"] != 94:
    err.append("SYN retransmission bursts %r, expected one of 94 connections" % syn)
if err:
    sys.exit("; ".join(err))
print("  %s: guest %s silent from %.3f (tshark: last packet %.3f, next request %.3f), %s requests at %s" %
      (role, g, i["start_ns"] / 1e9, last_any / 1e9, first / 1e9, i["requests"][role], role))
PY
}

P=pcaps/guest-hang
read -r -a OC < <(oracle $P/client.pcapng eth0)
read -r -a OU < <(oracle $P/dom0.pcapng peth0)
read -r -a OV < <(oracle $P/dom0.pcapng vif1.0)
echo "tshark: guest ${OV[0]}; at vif1.0 last answer ${OV[1]}, last packet ${OV[2]}, next request ${OV[3]}, ${OV[4]} requests after the last answer"
A3="--client $P/client.pcapng#eth0 --uplink $P/dom0.pcapng#peth0 --vif $P/dom0.pcapng#vif1.0"
./hoplat analyze $A3 --json $D/three.json --csv $D/three/ >$D/three.txt 2>&1 || fail "analyze (three points) exited $?"
check $D/three.json vif "${OV[*]}" uplink "${OU[*]}" client "${OC[*]}" || fail "three points"
grep -q "guest ${OV[0]} silent from .* while ${OV[4]} requests reached vif1.0 .*: silent at all layers" $D/three.txt ||
	fail "text summary: $(grep -A1 '^incidents' $D/three.txt)"
[ "$(grep -c "^silent,${OV[0]},vif,${OV[3]},," $D/three/incidents.csv)" = 1 ] || fail "CSV: no incident row"
for pt in "client $P/client.pcapng#eth0 OC" "uplink $P/dom0.pcapng#peth0 OU" "vif $P/dom0.pcapng#vif1.0 OV"; do
	set -- $pt
	declare -n o=$3
	./hoplat analyze --$1 $2 --json $D/$1.json >/dev/null 2>&1 || fail "analyze --$1 exited $?"
	check $D/$1.json $1 "${o[*]}" || fail "$1 alone"
	unset -n o
done

# --silence longer than the silence (to the end of the capture): no incident.
P=pcaps/guest-hang
./hoplat analyze $A3 --silence 10s --json $D/long.json >/dev/null 2>&1 || fail "analyze --silence 10s exited $?"
python3 -c 'import json,sys; k=[i["kind"] for i in json.load(open(sys.argv[1]))["incidents"]]; sys.exit(k != ["syn_retransmits"])' \
	$D/long.json || fail "--silence 10s: $(grep -o '"incidents":.*' $D/long.json)"

# The same incident through live's replay of the Dom0 capture.
./hoplat analyze --uplink $P/dom0.pcapng#peth0 --vif $P/dom0.pcapng#vif1.0 --json $D/dom0.json >/dev/null 2>&1 ||
	fail "analyze (uplink, vif) exited $?"
./hoplat live -r $P/dom0.pcapng --speed 0 --uplink peth0 --vif vif1.0 --json $D/live.json >$D/live.out 2>$D/live.err ||
	fail "live -r exited $?"
check $D/live.json vif "${OV[*]}" uplink "${OU[*]}" || fail "live -r"
python3 - $D/dom0.json $D/live.json <<'PY' || fail "live -r and analyze differ"
import json, sys
a, l = ([i for i in json.load(open(f))["incidents"] if "guest" in i] for f in sys.argv[1:3])
keys = ("guest", "kind", "point", "start_ns", "end_ns", "open", "last_answer_ns", "requests", "unanswered")
if [{k: i[k] for k in keys} for i in a] != [{k: i[k] for k in keys} for i in l]:
    sys.exit("analyze %s\nlive    %s" % (a, l))
print("  live -r = analyze: %s" % ({k: a[0][k] for k in keys},))
PY
[ "$(grep -c "^ALERT .*guest ${OV[0]} .*at vif (silent at all layers)" $D/live.out)" = 1 ] ||
	fail "live -r: not one ALERT line: $(grep ALERT $D/live.out)"

# No incident where the guest answers throughout.
for c in demo http-ramp; do
	P=pcaps/$c
	[ -e $P/dom0.pcapng ] || { fail "no $P"; continue; }
	for a in "--client $P/client.pcapng#eth0 --uplink $P/dom0.pcapng#peth0 --vif $P/dom0.pcapng#vif1.0" \
		 "--client $P/client.pcapng#eth0" "--uplink $P/dom0.pcapng#peth0" "--vif $P/dom0.pcapng#vif1.0"; do
		./hoplat analyze $a --json $D/none.json >/dev/null 2>&1 || fail "$c: analyze $a exited $?"
		n=$(python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); print(len(s["incidents"]), s["incidents_total"])' $D/none.json)
		[ "$n" = "0 0" ] || fail "$c ($a): incidents $n"
	done
	echo "  $c: no incident (three points, each alone)"
done
[ $rc = 0 ] && echo "analyze_hang: ok"
exit $rc
