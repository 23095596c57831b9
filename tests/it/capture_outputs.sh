#!/usr/bin/env bash
# What hoplat capture does with its output:
# - a -w PATH that exists is never removed, whatever fails: a device node
#   the test makes with mknod (1,7 = full: every write fails), a symlink to
#   it; a symlink to a file, a FIFO and /dev/stdout are written through, as
#   with tcpdump;
# - a full disk at open says so (no hint about privileges), and the file
#   hoplat made there is gone;
# - -w - into a pipe whose reader goes away: the packets that went out whole
#   are counted, and the message says the pipe closed;
# - -G with a file name that stays the same from one file to the next is
#   refused at once, nothing created;
# - live -r without -w says "read", never "written".
set -u
cd "$(dirname "$0")/../.."
. tests/it/lib/t4_topo.bash
t4_need_root tshark capinfos ping mknod mkfifo
t4_need_hoplat
D=$(mktemp -d /tmp/hoplat-t4-out.XXXXXX)
chmod 755 "$D"
trap 'umount "$D/small" 2>/dev/null; t4_down; rm -rf "$D"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
cap() { timeout 20 ip netns exec "$T4B" "$HOPLAT" capture -q -i vc "$@"; }

t4_up
ip netns exec "$T4C" ping -q -i 0.01 -c 100000 "$T4_SERVER" >/dev/null 2>&1 &

# A device node every write to fails; as root (-Z root, the issue's case) and
# after the default drop to user tcpdump/nobody. And a symlink to it.
mknod "$D/full" c 1 7
ln -s "$D/full" "$D/link"
for z in root default; do
	zopt=(); [ "$z" = root ] && zopt=(-Z root)
	for out in full link; do
		cap -w "$D/$out" -c 5 "${zopt[@]}" 2>"$D/$out.err" &&
			fail "-w $out (-Z $z): exit 0 though every write fails"
		[ -c "$D/full" ] && [ "$(stat -c '%t,%T' "$D/full")" = "1,7" ] ||
			fail "-w $out (-Z $z): the device node was removed or changed"
		[ -L "$D/link" ] || fail "-w $out (-Z $z): the symlink was removed"
		grep -q "No space left on device" "$D/$out.err" || { cat "$D/$out.err"; fail "-w $out: no disk-full message"; }
		grep -qi "privilege\|-Z root" "$D/$out.err" && { cat "$D/$out.err"; fail "-w $out: a full device blamed on privileges"; }
	done
done
cat "$D/link.err"
echo "device node and symlink to it: kept"

# Written through, as tcpdump does: a symlink to a file, a FIFO, /dev/stdout.
echo "old contents" >"$D/target.pcapng"
ln -s "$D/target.pcapng" "$D/tlink"
cap -w "$D/tlink" -c 5 2>"$D/tlink.err" || { cat "$D/tlink.err"; fail "-w symlink to a file"; }
[ -L "$D/tlink" ] && [ "$(t4_npk "$D/target.pcapng")" = 5 ] || fail "-w symlink: not written through"
mkfifo "$D/fifo"
cat "$D/fifo" >"$D/fifo.out" &
cap -w "$D/fifo" -c 5 2>"$D/fifo.err" || { cat "$D/fifo.err"; fail "-w FIFO"; }
wait $!
[ -p "$D/fifo" ] && [ "$(t4_npk "$D/fifo.out")" = 5 ] || fail "-w FIFO: not kept or not written"
cap -w /dev/stdout -c 5 >"$D/stdout.pcapng" 2>"$D/stdout.err" || { cat "$D/stdout.err"; fail "-w /dev/stdout"; }
[ "$(t4_npk "$D/stdout.pcapng")" = 5 ] || fail "-w /dev/stdout: $(t4_npk "$D/stdout.pcapng") packets"
echo "symlink to a file, FIFO, /dev/stdout: written through"

# A full disk at open: says so, and leaves no file of its own behind.
mkdir "$D/small"
mount -t tmpfs -o size=16k,mode=1777 hoplat-t4-out "$D/small" || { echo "cannot mount tmpfs"; exit 77; }
dd if=/dev/zero of="$D/small/filler" bs=4k count=64 2>/dev/null
cap -w "$D/small/x.pcapng" -c 5 2>"$D/small.err" && fail "full disk at open: exit 0"
cat "$D/small.err"
grep -q "No space left on device" "$D/small.err" || fail "full disk at open: not said"
grep -qi "privilege\|-Z root" "$D/small.err" && fail "full disk at open: blamed on privileges"
[ -e "$D/small/x.pcapng" ] && fail "full disk at open: its empty file is left behind"

# -w - into a pipe whose reader stops after 300000 bytes.
ip netns exec "$T4C" ping -q -f -s 1000 -c 30000 "$T4_SERVER" >/dev/null 2>&1 &
FP=$!
set -o pipefail
cap -w - 2>"$D/pipe.err" | head -c 300000 >"$D/part.pcapng"
rc=$?
set +o pipefail
kill $FP 2>/dev/null
cat "$D/pipe.err"
[ "$rc" -eq 1 ] || fail "closed pipe: exit status $rc (want 1)"
grep -q "closed the pipe" "$D/pipe.err" || fail "closed pipe: the message does not say the pipe closed"
written=$(awk '/packets written/ { print $2 }' "$D/pipe.err")
inpart=$(tshark -r "$D/part.pcapng" -T fields -e frame.number 2>/dev/null | wc -l)
# The reader took 300000 bytes; up to a pipe buffer (64 KiB) more went out
# whole without being read, so the count is at least what the reader got.
[ "$inpart" -gt 100 ] || fail "closed pipe: only $inpart packets reached the reader"
[ "$written" -ge "$inpart" ] && [ "$written" -le $((inpart + 700)) ] ||
	fail "closed pipe: $written packets reported written, the reader got $inpart"
echo "closed pipe: $written packets reported written, $inpart whole packets in the 300000 bytes read"

# -G with a name that does not change: refused at once, nothing created.
for pat in "g.pcapng" "g-%Y.pcapng"; do
	t0=$(t4_now_ms)
	cap -w "$D/$pat" -G 1 -W 3 2>"$D/G.err"
	rc=$?
	cat "$D/G.err"
	[ "$rc" -eq 2 ] || fail "-G 1 -w $pat: exit status $rc (want 2)"
	[ $(($(t4_now_ms) - t0)) -lt 1000 ] || fail "-G 1 -w $pat: not refused at once"
	grep -q -- "-G" "$D/G.err" || fail "-G 1 -w $pat: the message does not name -G"
	[ -z "$(ls "$D" | grep '^g')" ] || fail "-G 1 -w $pat: files were created: $(ls "$D" | grep '^g')"
done

# live -r writes nothing: it says "read".
"$HOPLAT" live -r "$D/stdout.pcapng" --speed 0 >/dev/null 2>"$D/lr.err" || { cat "$D/lr.err"; fail "live -r"; }
grep -q "5 packets read" "$D/lr.err" && ! grep -q "written" "$D/lr.err" || { cat "$D/lr.err"; fail "live -r: not '5 packets read'"; }
echo "capture_outputs: ok"
