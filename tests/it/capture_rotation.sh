#!/usr/bin/env bash
# hoplat capture's file handling, as tcpdump does it: -C rotation (FILE,
# FILE1, FILE2, ...), -C with -W as a ring (FILE0..FILE2), -G with a strftime
# name and -W (stops after W files), -c COUNT, -Z and the default privilege
# drop (file owners), a missing interface (one line naming it, no file).
# Creating files in root-owned directories after the drop: capture_privs.sh.
set -u
cd "$(dirname "$0")/../.."
. tests/it/lib/t4_topo.bash
t4_need_root tshark capinfos ping
t4_need_hoplat
D=$(mktemp -d /tmp/hoplat-t4-rot.XXXXXX)
chmod 777 "$D"
trap 't4_down; rm -rf "$D"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
# wait for a pid, but kill it after 5 s (a stuck capture fails the test, not the run)
timeout_wait() { ( sleep 5; kill -9 "$1" 2>/dev/null ) & local k=$!; wait "$1"; local rc=$?; kill $k 2>/dev/null; return $rc; }
cap() { ip netns exec "$T4B" "$HOPLAT" capture -q "$@"; }
flood() { ip netns exec "$T4C" ping -q -f -s 200 -c "$1" "$T4_SERVER" >/dev/null 2>&1; }

t4_up

# Missing interface: one clear line, nonzero, nothing written.
cap -i nosuch0 -w "$D/missing.pcapng" 2>"$D/missing.err" && fail "missing interface: exit 0"
[ "$(wc -l <"$D/missing.err")" -eq 1 ] && grep -q nosuch0 "$D/missing.err" ||
	{ cat "$D/missing.err"; fail "missing interface: not one line naming it"; }
[ -e "$D/missing.pcapng" ] && fail "missing interface: a file was written"
cat "$D/missing.err"

# -C 0.1: new file past 100000 bytes: r.pcapng, r.pcapng1, r.pcapng2, ...
ip netns exec "$T4B" "$HOPLAT" capture -q -i vc -w "$D/r.pcapng" -C 0.1 2>"$D/c.err" &
P=$!; t4_wait_line "$D/c.err" "listening on" || fail "-C: did not start"
flood 3000; sleep 0.3; kill -INT $P; timeout_wait $P || fail "-C: exit status $?"
written=$(awk '/packets written/ { print $2 }' "$D/c.err")
nfiles=$(ls "$D"/r.pcapng* | wc -l)
[ "$nfiles" -ge 5 ] || fail "-C: only $nfiles files"
sum=0
for i in $(seq 0 $((nfiles - 1))); do
	f="$D/r.pcapng"; [ "$i" -gt 0 ] && f="$D/r.pcapng$i"
	[ -f "$f" ] || fail "-C: $f missing (files: $(ls "$D"))"
	sz=$(stat -c %s "$f")
	[ "$i" -lt $((nfiles - 1)) ] && { [ "$sz" -gt 100000 ] && [ "$sz" -lt 140000 ] || fail "-C: $f is $sz bytes"; }
	n=$(t4_npk "$f"); [ -n "$n" ] || fail "-C: capinfos cannot read $f"
	sum=$((sum + n))
done
[ "$sum" -eq "$written" ] && [ "$written" -ge 6000 ] || fail "-C: $sum packets in files, $written written"
echo "-C: $nfiles files, $sum packets"

# -C with -W 3: a ring of ring.pcapng0..2, nothing else.
ip netns exec "$T4B" "$HOPLAT" capture -q -i vc -w "$D/ring.pcapng" -C 0.05 -W 3 2>"$D/w.err" &
P=$!; t4_wait_line "$D/w.err" "listening on" || fail "-W: did not start"
flood 3000; sleep 0.3; kill -INT $P; timeout_wait $P || fail "-W ring: exit status $?"
[ "$(ls "$D" | grep -c '^ring')" -eq 3 ] && ls "$D/ring.pcapng0" "$D/ring.pcapng1" "$D/ring.pcapng2" >/dev/null ||
	fail "-C -W 3: files are $(ls "$D" | grep ring | tr '\n' ' ')"
for f in "$D"/ring.pcapng?; do [ -n "$(t4_npk "$f")" ] || fail "-W ring: $f unreadable"; done
echo "-C -W 3: $(ls "$D" | grep ring | tr '\n' ' ')"

# -G 1 -W 2 with a strftime name: two files, then exit 0 by itself.
( ip netns exec "$T4C" ping -q -i 0.05 -c 80 "$T4_SERVER" >/dev/null 2>&1 & )
t0=$(t4_now_ms)
timeout 10 ip netns exec "$T4B" "$HOPLAT" capture -q -i vc -w "$D/g-%H%M%S.pcapng" -G 1 -W 2 2>"$D/g.err" ||
	{ cat "$D/g.err"; fail "-G -W: exit status $?"; }
t1=$(t4_now_ms)
ng=$(ls "$D" | grep -c '^g-[0-9]\{6\}\.pcapng$')
[ "$ng" -eq 2 ] || fail "-G 1 -W 2: $ng files ($(ls "$D" | grep '^g-' | tr '\n' ' '))"
[ $((t1 - t0)) -ge 1000 ] && [ $((t1 - t0)) -lt 4000 ] || fail "-G 1 -W 2 ran $((t1 - t0)) ms"
for f in "$D"/g-*.pcapng; do [ -n "$(t4_npk "$f")" ] || fail "-G: $f unreadable"; done
echo "-G 1 -W 2: $(ls "$D" | grep '^g-' | tr '\n' ' ') in $((t1 - t0)) ms"

# -c 500: exactly 500 packets, exit 0 by itself.
# (the flood starts once the capture listens: on a loaded machine it could be over before)
ip netns exec "$T4B" "$HOPLAT" capture -q -i vc -w "$D/c500.pcapng" -c 500 2>"$D/c500.err" &
P=$!; t4_wait_line "$D/c500.err" "listening on" || fail "-c: did not start"
flood 4000
timeout_wait $P || { cat "$D/c500.err"; fail "-c: exit status $?"; }
[ "$(t4_npk "$D/c500.pcapng")" = 500 ] || fail "-c 500: $(t4_npk "$D/c500.pcapng") packets"
echo "-c 500: 500 packets"
sleep 1

# -Z: owners. No -Z as root: user tcpdump (or nobody); -Z nobody; -Z root keeps root.
def=tcpdump; id tcpdump >/dev/null 2>&1 || def=nobody
for z in "" nobody root; do
	f="$D/z${z:-default}.pcapng"
	timeout 10 ip netns exec "$T4B" "$HOPLAT" capture -q -i vc -w "$f" ${z:+-Z "$z"} -c 5 2>/dev/null &
	P=$!; sleep 0.3
	ip netns exec "$T4C" ping -q -c 8 -i 0.05 "$T4_SERVER" >/dev/null 2>&1
	wait $P || fail "-Z '$z': exit status"
	own=$(stat -c %U "$f")
	[ "$own" = "${z:-$def}" ] || fail "-Z '$z': file owned by $own"
	echo "-Z '${z}': file owned by $own"
done
# Root-owned directories and owners with -G: tests/it/capture_privs.sh.
echo "capture_rotation: ok"
