#!/usr/bin/env bash
# hoplat capture -i any keeps each packet's interface:
# Linux cooked v2 (LINKTYPE_LINUX_SLL2), whose header carries the interface
# index. Pings cross the bridge's two ports in the bridge's namespace; every
# packet in the file has an index, and the indexes are vc's and vs's (as
# `ip link` numbers them), each with the 40 packets of the 20 pings. The
# filter (icmp) still compiles for the link type.
set -u
cd "$(dirname "$0")/../.."
. tests/it/lib/t4_topo.bash
t4_need_root tshark capinfos ping
t4_need_hoplat
D=$(mktemp -d /tmp/hoplat-t4-any.XXXXXX)
chmod 777 "$D"
trap 't4_down; rm -rf "$D"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

t4_up
ifindex() { ip -n "$T4B" -o link show "$1" | awk -F: '{ print $1 }'; }
ivc=$(ifindex vc) ivs=$(ifindex vs)
ip netns exec "$T4B" "$HOPLAT" capture -q -i any -w "$D/any.pcapng" icmp 2>"$D/h.err" &
P=$!
t4_wait_line "$D/h.err" "listening on" || { cat "$D/h.err"; fail "did not start"; }
ip netns exec "$T4C" ping -q -c 20 -i 0.02 "$T4_SERVER" >/dev/null 2>&1 || fail "ping through the bridge"
sleep 0.3
kill -INT $P; wait $P || { cat "$D/h.err"; fail "exit status $?"; }
cat "$D/h.err"

capinfos -E "$D/any.pcapng" | grep -q "Linux cooked-mode capture v2" ||
	fail "link type: $(capinfos -E "$D/any.pcapng" | tail -n 1)"
tshark -r "$D/any.pcapng" -T fields -e sll.ifindex -e icmp.type 2>/dev/null >"$D/idx"
n=$(wc -l <"$D/idx")
nvc=$(awk -v i="$ivc" '$1 == i' "$D/idx" | wc -l)
nvs=$(awk -v i="$ivs" '$1 == i' "$D/idx" | wc -l)
noidx=$(awk '$1 == ""' "$D/idx" | wc -l)
echo "$n ICMP packets: $nvc on vc (index $ivc), $nvs on vs (index $ivs), $noidx without an index"
[ "$noidx" -eq 0 ] || fail "$noidx packets without an interface index"
# 20 echo requests and 20 replies cross each port (bridged: not on br0)
[ "$nvc" -eq 40 ] && [ "$nvs" -eq 40 ] || fail "want 40 ICMP packets on each of vc and vs"
echo "capture_any: ok"
