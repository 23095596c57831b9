#!/usr/bin/env bash
# Kernel drops and statistics blocks:
# - the capture is stopped (SIGSTOP) while a ping flood fills its 1 MiB
#   ring, so the kernel must drop: live without -w reports those drops as
#   capture -w does (live said 0), and captured + dropped = received;
# - the statistics blocks hold them as dumpcap writes them: isb_ifdrop =
#   every drop (what Wireshark shows), isb_osdrop = the kernel's part,
#   isb_ifrecv = received;
# - isb_starttime is at or before the first packet of the file, with pings
#   arriving while the two interfaces open (it was 81 ms after).
set -u
cd "$(dirname "$0")/../.."
. tests/it/lib/t4_topo.bash
t4_need_root ping python3
t4_need_hoplat
D=$(mktemp -d /tmp/hoplat-t4-drop.XXXXXX)
chmod 777 "$D"
trap 't4_down; rm -rf "$D"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
timeout_wait() { ( sleep 10; kill -9 "$1" 2>/dev/null ) & local k=$!; wait "$1"; local rc=$?; kill $k 2>/dev/null; return $rc; }

t4_up

# Runs hoplat "$@" -B 1 on vc, stopped while 6000 packets of 1400 bytes go by.
stalled() {
	: >"$D/err"
	ip netns exec "$T4B" "$HOPLAT" "$@" -q -B 1 >"$D/out" 2>"$D/err" &
	local p=$!
	t4_wait_line "$D/err" "listening on" || { cat "$D/err"; fail "$1: did not start"; }
	kill -STOP $p
	ip netns exec "$T4C" ping -q -f -s 1400 -c 3000 "$T4_SERVER" >/dev/null 2>&1
	kill -CONT $p
	sleep 0.5
	kill -INT $p; timeout_wait $p || { cat "$D/err"; fail "$1: exit status $?"; }
	cat "$D/err"
	# "vc: N packets captured|written, R received by filter, K dropped by kernel, I dropped by interface"
	read -r N R K I < <(awk '$1 == "vc:" { print $2, $5, $9, $13 }' "$D/err")
	[ "$K" -gt 0 ] || fail "$1: $K dropped by kernel, though the ring overflowed"
	[ $((N + K)) -eq "$R" ] || fail "$1: $N packets handed on + $K dropped != $R received"
}

stalled live --client vc
echo "live without -w: $N captured, $K dropped by kernel, $R received"
stalled capture -i vc -w "$D/d.pcapng"
echo "capture -w: $N written, $K dropped by kernel, $R received"
python3 tests/it/lib/pcapng_stats.py "$D/d.pcapng" >"$D/stats"
cat "$D/stats"
last=$(grep '^isb 0 ' "$D/stats" | tail -n 1)
[ -n "$last" ] || fail "no statistics block"
v() { echo "$last" | tr ' ' '\n' | awk -F= -v k="$1" '$1 == k { print $2 }'; }
[ "$(v ifdrop)" -eq $((K + I)) ] || fail "isb_ifdrop $(v ifdrop), want $K kernel + $I interface drops"
[ "$(v osdrop)" -eq "$K" ] || fail "isb_osdrop $(v osdrop), want $K"
[ "$(v ifrecv)" -eq "$R" ] || fail "isb_ifrecv $(v ifrecv), want $R"

# isb_starttime, with packets on the first interface while the second opens.
ip netns exec "$T4C" ping -q -i 0.002 -c 3000 "$T4_SERVER" >/dev/null 2>&1 &
sleep 0.3
timeout 20 ip netns exec "$T4B" "$HOPLAT" capture -q -i vc -i vs -c 200 -w "$D/s.pcapng" 2>"$D/s.err" ||
	{ cat "$D/s.err"; fail "-c 200: exit status $?"; }
python3 tests/it/lib/pcapng_stats.py "$D/s.pcapng" >"$D/stats"
first=$(awk '$1 == "if" { sub("first_ts=", "", $4); print $4 }' "$D/stats" | sort -n | head -n 1)
start=$(awk '$1 == "isb" { sub("start=", "", $3); print $3 }' "$D/stats" | sort -n | tail -n 1)
[ -n "$first" ] && [ -n "$start" ] || { cat "$D/stats"; fail "no packets or no statistics blocks"; }
[ "$start" -le "$first" ] || fail "isb_starttime $(( (start - first) / 1000 )) us after the first packet"
echo "isb_starttime $(( (first - start) / 1000 )) us before the first packet"
echo "capture_drops: ok"
