#!/usr/bin/env bash
# A Dom0 capture that splits itself into points.
#
# In namespaces: client -- veth -- Dom0 (br0 with ports peth0, vif1.0) --
# veth -- guest (BIND and lighttpd); `tcpdump -i any -w` in Dom0 writes Linux
# cooked v2 (each packet carries its interface index) while dnsperf and
# httperf run. Checks, with tshark (sll.ifindex) as the oracle:
#  - the cooked file as one point without names is refused (it would count
#    every packet once per port), naming --ifnames and the indexes;
#  - FILE#peth0 without --ifnames is refused the same way; FILE#INDEX keeps
#    that interface's packets (tshark's count);
#  - with --ifnames (`ip -o link` output, or `hoplat bridge show --json`):
#    FILE alone is analyzed as the uplink and the vif (a note says so), and
#    equals --uplink FILE#peth0 --vif FILE#vif1.0 and --uplink FILE --vif FILE
#    (picked by name); per point packets equal tshark's; DNS and HTTP
#    answers as many as the capture holds at peth0 (tshark), each counted once;
# On the shipped pcapng (pcaps/demo/dom0.pcapng, peth0 and vif1.0): FILE
# alone equals the two points named; with the interfaces renamed it is
# refused, no longer analyzed as one point with 1200 retransmissions.
set -u
cd "$(dirname "$0")/../.."
. tests/it/lib/t4_topo.bash
H=$PWD/hoplat
[ -x "$H" ] || { echo "./hoplat not built"; exit 1; }
tmp=$(mktemp -d /tmp/hoplat-dom0split.XXXXXX)
trap 't4_down; [ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT
rc=0
fail() { echo "FAIL: $*"; rc=1; }
same() { python3 tests/it/lib/same_summary.py "$1" "$2" || fail "$3"; }
jget() { python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); print(eval(sys.argv[2], {}, {"s": s}))' "$@"; }

# ---- the shipped pcapng: peth0 and vif1.0 in one file ----
P=pcaps/demo/dom0.pcapng
$H analyze $P --json $tmp/one.json >/dev/null 2>$tmp/one.err || fail "demo: FILE alone exited $?"
grep -q "holds the uplink peth0 and the vif vif1.0 (by their names): analyzed as those two points" \
	$tmp/one.err || fail "demo: no note on the split: $(cat $tmp/one.err)"
$H analyze --uplink $P#peth0 --vif $P#vif1.0 --json $tmp/two.json >/dev/null 2>&1
same $tmp/one.json $tmp/two.json "demo: FILE alone differs from --uplink FILE#peth0 --vif FILE#vif1.0"
[ "$(jget $tmp/one.json 's["dns"]["retransmissions"], s["dns"]["duplicate_responses"], s["dns"]["transactions"]')" = \
	"(0, 0, 1200)" ] || fail "demo: counted twice: $(jget $tmp/one.json 's["dns"]')"
python3 -c 'import sys
b = open(sys.argv[1], "rb").read().replace(b"peth0", b"porta").replace(b"vif1.0", b"portb0")
open(sys.argv[2], "wb").write(b)' $P $tmp/renamed.pcapng
$H analyze $tmp/renamed.pcapng >$tmp/ren.out 2>$tmp/ren.err; s=$?
[ $s -eq 2 ] || fail "renamed: status $s (want 2: refused)"
grep -q "holds 2 interfaces (porta, portb0): as one point every packet .* count once per interface" $tmp/ren.err ||
	fail "renamed: $(cat $tmp/ren.err)"
[ -s $tmp/ren.out ] && fail "renamed: a report was printed"

# ---- tcpdump -i any in a namespace Dom0 ----
t4_need_root tcpdump tshark dnsperf httperf named lighttpd
C="$T4P-c" B="$T4P-b" S="$T4P-s"
for ns in $C $B $S; do
	ip netns add $ns && ip -n $ns link set lo up && ip netns exec $ns sysctl -qw net.ipv6.conf.all.disable_ipv6=1
done
ip link add c0 netns $C type veth peer name peth0 netns $B
ip link add s0 netns $S type veth peer name vif1.0 netns $B
ip -n $B link add br0 type bridge
ip -n $B link set peth0 master br0 && ip -n $B link set vif1.0 master br0
for l in br0 peth0 vif1.0; do ip -n $B link set $l up; done
ip -n $C addr add $T4_CLIENT/24 dev c0 && ip -n $C link set c0 up
ip -n $S addr add $T4_SERVER/24 dev s0 && ip -n $S link set s0 up
t4_named $tmp || exit 1
t4_lighttpd $tmp || exit 1

ip netns exec $B tcpdump -i any -n -U --immediate-mode --time-stamp-precision=nano -w $tmp/any.pcap 2>$tmp/td.err &
TP=$!
t4_wait_line $tmp/td.err "listening on" || { kill $TP; fail "tcpdump did not start"; exit 1; }
for h in www a b c d; do echo "$h.t4.test A"; done >$tmp/queries
ip netns exec $C dnsperf -s $T4_SERVER -d $tmp/queries -l 2 -Q 300 >$tmp/dnsperf.out 2>&1 || fail "dnsperf"
ip netns exec $C httperf --hog --server $T4_SERVER --port 80 --uri /index.html --num-conns 100 --rate 100 \
	--timeout 5 >$tmp/httperf.out 2>&1 || fail "httperf"
sleep 1
kill -INT $TP; wait $TP
ip -o -n $B link >$tmp/names.txt
ip netns exec $B $H bridge show --json >$tmp/bridge.json 2>/dev/null || fail "bridge show --json"
up=$(awk -F': ' '$2 ~ /^peth0@/ { print $1 }' $tmp/names.txt)
vf=$(awk -F': ' '$2 ~ /^vif1.0@/ { print $1 }' $tmp/names.txt)
[ -n "$up" ] && [ -n "$vf" ] || { fail "no ifindex for peth0/vif1.0 in $(cat $tmp/names.txt)"; exit 1; }
queries=$(awk '/Queries completed:/ { print $3 }' $tmp/dnsperf.out)
replies=$(grep -o ' 2xx=[0-9]*' $tmp/httperf.out | cut -d= -f2)
n_up=$(tshark -r $tmp/any.pcap -Y "sll.ifindex == $up" 2>/dev/null | wc -l)
n_vf=$(tshark -r $tmp/any.pcap -Y "sll.ifindex == $vf" 2>/dev/null | wc -l)
# The answers the capture holds (tcpdump -i any may miss a few under load:
# the oracle is the capture, the benchmark's counts are printed only).
c_dns=$(tshark -r $tmp/any.pcap -Y "sll.ifindex == $up && dns.flags.response == 1" 2>/dev/null | wc -l)
# HTTP responses by their first bytes (no reassembly heuristics)
c_http=$(tshark -r $tmp/any.pcap -Y "sll.ifindex == $up && tcp.srcport == 80 && tcp.payload[0:5] == \"HTTP/\"" \
	2>/dev/null | wc -l)
echo "tcpdump -i any: peth0 #$up $n_up packets, vif1.0 #$vf $n_vf; dnsperf $queries answered, httperf $replies 2xx;" \
	"in the capture at peth0: $c_dns DNS responses, $c_http HTTP responses"

# without names: refused, saying how
$H analyze $tmp/any.pcap >/dev/null 2>$tmp/e1; s=$?
[ $s -eq 2 ] && grep -q "holds [0-9]* interfaces (.*index $up.*): .*--ifnames FILE names" $tmp/e1 ||
	fail "cooked, one point, no names: status $s: $(cat $tmp/e1)"
$H analyze --uplink $tmp/any.pcap#peth0 --vif $tmp/any.pcap#vif1.0 >/dev/null 2>$tmp/e2; s=$?
[ $s -eq 2 ] && grep -q "is Linux cooked v2 (tcpdump -i any): its packets carry interface indexes, not names (in the capture: .*$up.*); name them with --ifnames" $tmp/e2 ||
	fail "#peth0 without names: status $s: $(cat $tmp/e2)"
# #INDEX: the kernel's interface index
$H analyze $tmp/any.pcap#$up --json $tmp/idx.json >/dev/null 2>&1 || fail "#$up exited $?"
[ "$(jget $tmp/idx.json 's["packets"]')" = "$n_up" ] || fail "#$up: $(jget $tmp/idx.json 's["packets"]') packets, tshark $n_up"

# with names: one point splits; equal to the points named and to the pick by name
$H analyze $tmp/any.pcap --ifnames $tmp/names.txt --json $tmp/split.json >/dev/null 2>$tmp/split.err ||
	fail "--ifnames: exited $?: $(cat $tmp/split.err)"
grep -q "holds the uplink peth0 and the vif vif1.0" $tmp/split.err || fail "--ifnames: no note: $(cat $tmp/split.err)"
$H analyze --uplink $tmp/any.pcap#peth0 --vif $tmp/any.pcap#vif1.0 --ifnames $tmp/bridge.json \
	--json $tmp/named.json >/dev/null 2>&1 || fail "#NAME with bridge show --json: exited $?"
$H analyze --uplink $tmp/any.pcap --vif $tmp/any.pcap --ifnames $tmp/names.txt --json $tmp/pick.json \
	>/dev/null 2>$tmp/pick.err || fail "pick: exited $?"
grep -q "the uplink is interface peth0, by its name" $tmp/pick.err || fail "pick: $(cat $tmp/pick.err)"
$H analyze --uplink $tmp/any.pcap#$up --vif $tmp/any.pcap#$vf --json $tmp/byidx.json >/dev/null 2>&1
same $tmp/split.json $tmp/named.json "FILE --ifnames differs from FILE#peth0 FILE#vif1.0"
same $tmp/split.json $tmp/pick.json "FILE --ifnames differs from --uplink FILE --vif FILE"
same $tmp/split.json $tmp/byidx.json "FILE --ifnames differs from FILE#$up FILE#$vf"
got=$(jget $tmp/split.json 's["points"]["uplink"]["packets"], s["points"]["vif"]["packets"], s["dns"]["answered"], s["http"]["answered"], s["dns"]["retransmissions"], s["dns"]["duplicate_responses"]')
[ "$got" = "($n_up, $n_vf, $c_dns, $c_http, 0, 0)" ] ||
	fail "split: (uplink packets, vif packets, dns answered, http answered, retransmissions, duplicates) $got, want ($n_up, $n_vf, $c_dns, $c_http, 0, 0)"
echo "split: $got"
[ $rc -eq 0 ] && echo "dom0_split: pcapng and tcpdump -i any split into uplink and vif"
exit $rc
