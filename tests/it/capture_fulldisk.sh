#!/usr/bin/env bash
# A full disk (a 256 KiB tmpfs) and a vanished interface (the only one: veth
# deleted while capturing): hoplat capture stops by itself with a clear
# message and status 1, the file reads cleanly (tshark, capinfos) up to the
# last whole packet, and the packets in it are the ones it reports written;
# the vanished interface's statistics block is written. (With several
# interfaces the others go on: capture_vanish.sh.)
set -u
cd "$(dirname "$0")/../.."
. tests/it/lib/t4_topo.bash
t4_need_root tshark capinfos ping
t4_need_hoplat
D=$(mktemp -d /tmp/hoplat-t4-full.XXXXXX)
chmod 777 "$D"
trap 'umount "$D/small" 2>/dev/null; t4_down; rm -rf "$D"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
readable() {
	tshark -r "$1" -q 2>"$D/ts.err" >/dev/null || { cat "$D/ts.err"; return 1; }
	! grep -v 'Running as user' "$D/ts.err" | grep -q .
}

t4_up
mkdir "$D/small"
mount -t tmpfs -o size=256k,mode=1777 hoplat-t4-full "$D/small" || { echo "cannot mount tmpfs"; exit 77; }

# Full disk.
ip netns exec "$T4B" "$HOPLAT" capture -q -i vc -w "$D/small/f.pcapng" 2>"$D/f.err" &
P=$!
t4_wait_line "$D/f.err" "listening on" || fail "did not start"
ip netns exec "$T4C" ping -q -f -s 1000 -c 3000 "$T4_SERVER" >/dev/null 2>&1 &
t0=$(t4_now_ms)
for _ in $(seq 100); do kill -0 $P 2>/dev/null || break; sleep 0.1; done
kill -0 $P 2>/dev/null && { kill -9 $P; fail "still running 10 s after the disk filled"; }
wait $P; rc=$?
cat "$D/f.err"
[ "$rc" -eq 1 ] || fail "full disk: exit status $rc (want 1)"
[ "$(grep -c 'No space left' "$D/f.err")" -eq 1 ] || fail "full disk: not one clear message"
readable "$D/small/f.pcapng" || fail "full disk: file does not read cleanly"
n=$(t4_npk "$D/small/f.pcapng")
w=$(awk '/packets written/ { print $2 }' "$D/f.err")
[ -n "$n" ] && [ "$n" -gt 50 ] || fail "full disk: only '$n' packets in the file"
[ "$n" -eq "$w" ] || fail "full disk: $n packets in the file, $w reported written"
echo "full disk: stopped with $n packets, file $(stat -c %s "$D/small/f.pcapng") bytes on a 256 KiB tmpfs"

# Vanished interface: the veth goes away under the capture.
ip netns exec "$T4B" "$HOPLAT" capture -q -i vc -w "$D/v.pcapng" 2>"$D/v.err" &
P=$!
t4_wait_line "$D/v.err" "listening on" || fail "did not start"
ip netns exec "$T4C" ping -q -c 20 -i 0.02 "$T4_SERVER" >/dev/null 2>&1
ip -n "$T4B" link del vc
t0=$(t4_now_ms)
for _ in $(seq 50); do kill -0 $P 2>/dev/null || break; sleep 0.05; done
kill -0 $P 2>/dev/null && { kill -9 $P; fail "still running 2.5 s after the interface vanished"; }
wait $P; rc=$?
t1=$(t4_now_ms)
cat "$D/v.err"
[ "$rc" -eq 1 ] || fail "vanished interface: exit status $rc (want 1)"
grep -q 'vc' "$D/v.err" || fail "vanished interface: the message does not name vc"
readable "$D/v.pcapng" || fail "vanished interface: file does not read cleanly"
n=$(t4_npk "$D/v.pcapng")
[ "$n" -ge 40 ] || fail "vanished interface: only $n packets kept"
read -r w r k < <(awk '/packets written/ { k = 0
	if (match($0, /; [0-9]+ received never handed over/)) k = substr($0, RSTART + 2, RLENGTH) + 0
	print $2, $5, k }' "$D/v.err")
[ "$n" -eq "$w" ] || fail "vanished interface: $n packets in the file, $w reported written"
[ $((w + k)) -eq "$r" ] || fail "vanished interface: $w packets written + $k kept by the kernel != $r received"
grep -q 'Number of stat entries = 1' <(capinfos "$D/v.pcapng") || fail "vanished interface: no statistics block"
echo "vanished interface: stopped in $((t1 - t0)) ms with $n packets"
echo "capture_fulldisk: ok"
