#!/usr/bin/env bash
# An interface that disappears does not end the capture of the others, and
# nothing received is lost, for capture and for live:
# two interfaces (vc, vs: the bridge's ports), pings through both; vc is
# deleted while they run, then the bridge's own address pings the server
# (through vs only). Checks: the run goes on after vc vanished and says so,
# ends on SIGINT with status 1 naming vc, every packet vc received is written
# (its last block too, which the kernel hands over after the error; what it
# keeps, seen on 6.18 before the counters were read at the start, is
# counted as such), every
# ICMP packet tcpdump saw on vs
# is in hoplat's file (those just before the deletion, which waited in the
# reorder window, and those after), statistics blocks for both interfaces,
# and each interface's "packets written" is what the file holds.
set -u
cd "$(dirname "$0")/../.."
. tests/it/lib/t4_topo.bash
t4_need_root tshark capinfos tcpdump ping python3
t4_need_hoplat
D=$(mktemp -d /tmp/hoplat-t4-van.XXXXXX)
chmod 777 "$D"
trap 't4_down; rm -rf "$D"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
timeout_wait() { ( sleep 10; kill -9 "$1" 2>/dev/null ) & local k=$!; wait "$1"; local rc=$?; kill $k 2>/dev/null; return $rc; }
# ICMP packets of one interface: source, destination, type, sequence.
icmp() { tshark -r "$1" -Y "icmp${2:+ && frame.interface_name == \"$2\"}" -T fields \
	-e ip.src -e ip.dst -e icmp.type -e icmp.seq 2>/dev/null | sort; }

vanish() {
	local cmd=$1 f="$D/$1.pcapng"
	shift
	t4_up
	ip -n "$T4B" addr add 10.99.4.3/24 dev br0
	: >"$D/h.err"; : >"$D/t.err"	# no "listening" line of the last run
	ip netns exec "$T4B" "$HOPLAT" $cmd "$@" -w "$f" 2>"$D/h.err" >"$D/h.out" &
	local hp=$!
	t4_wait_line "$D/h.err" "listening on" || { cat "$D/h.err"; fail "$cmd: did not start"; }
	ip netns exec "$T4B" tcpdump -i vs -n -U -w "$D/t.pcap" icmp 2>"$D/t.err" &
	local tp=$!
	t4_wait_line "$D/t.err" "listening on" || fail "tcpdump did not start"
	ip netns exec "$T4C" ping -q -i 0.01 -c 150 "$T4_SERVER" >/dev/null 2>&1 &
	sleep 0.8
	ip -n "$T4B" link del vc	# pings in flight on vs
	sleep 0.5
	kill -0 $hp 2>/dev/null || { cat "$D/h.err"; fail "$cmd: the run ended when vc vanished"; }
	ip netns exec "$T4B" ping -q -i 0.02 -c 20 "$T4_SERVER" >/dev/null 2>&1
	sleep 0.3
	kill -INT $tp; wait $tp
	kill -INT $hp; timeout_wait $hp; local rc=$?
	cat "$D/h.err"
	[ "$rc" -eq 1 ] || fail "$cmd: exit status $rc (want 1: an interface ended early)"
	grep -q "vc: .*capturing goes on" "$D/h.err" || fail "$cmd: no line saying vc ended and the others go on"
	grep -q "^vc: .*ended early" "$D/h.err" || fail "$cmd: the closing line of vc does not say it ended early"
	# vc's last block, which the kernel hands over after the error, is in
	# too; what it never hands over (rare) is counted as such
	read -r w r k < <(awk '$1 == "vc:" && /packets written/ { k = 0
		if (match($0, /; [0-9]+ received never handed over/)) k = substr($0, RSTART + 2, RLENGTH) + 0
		print $2, $5, k }' "$D/h.err")
	[ $((w + k)) -eq "$r" ] || fail "$cmd: vc: $w packets written + $k kept by the kernel != $r received"

	icmp "$D/t.pcap" >"$D/t.icmp"
	icmp "$f" vs >"$D/h.icmp"
	local seen missing after
	seen=$(wc -l <"$D/t.icmp")
	missing=$(comm -23 "$D/t.icmp" "$D/h.icmp" | wc -l)
	after=$(grep -c '^10.99.4.3' "$D/h.icmp")
	[ "$seen" -gt 100 ] || fail "$cmd: tcpdump saw only $seen ICMP packets on vs"
	[ "$missing" -eq 0 ] || fail "$cmd: $missing of the $seen ICMP packets tcpdump saw on vs are not in the file"
	[ "$after" -eq 20 ] || fail "$cmd: $after of the 20 echo requests sent after vc vanished are in the file"

	python3 tests/it/lib/pcapng_stats.py "$f" >"$D/stats"
	for i in vc vs; do
		local idx n w
		idx=$(awk -v n="$i" '$1 == "if" && $3 == n { print $2 }' "$D/stats")
		[ -n "$idx" ] || fail "$cmd: no interface block for $i"
		grep -q "^isb $idx " "$D/stats" || fail "$cmd: no statistics block for $i"
		n=$(awk -v n="$i" '$1 == "if" && $3 == n { sub("packets=", "", $5); print $5 }' "$D/stats")
		w=$(awk -v n="$i:" '$1 == n && /packets written/ { print $2 }' "$D/h.err")
		[ "$n" = "$w" ] || fail "$cmd: $i: $n packets in the file, '$w' reported written"
	done
	echo "$cmd: went on after vc vanished; tcpdump's $seen ICMP packets on vs all in the file, $after echo requests after; ISBs for vc and vs"
	t4_down
}

vanish capture -q -i vc -i vs
vanish live -q --uplink vc --vif vs
grep -q "Transactions\|transactions\|DNS\|HTTP" "$D/h.out" || { cat "$D/h.out"; fail "live: no summary"; }
echo "capture_vanish: ok"
