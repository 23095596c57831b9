#!/usr/bin/env bash
# The read-ahead thread (decode/readahead.c) against the plain reader: a
# regular file is read ahead in 256 KiB chunks after its first 64 KiB, a pipe is not, so the same
# bytes given both ways must give the same packets (every byte: capdump -H
# hashes each one), the same error at the same offset, and the same exit.
# Files of several megabytes (capgen) in pcapng, pcap and gzip; whole, cut
# at chunk borders and elsewhere, with a damaged block length, and with a
# 2.5 MiB block to step over (cf_skip across chunks).
set -u
cd "$(dirname "$0")/../.."
REF=tests/ref/captures
CAPDUMP=build/tools/capdump
CAPGEN=build/tools/capgen
[ -d "$REF" ] || { echo "no reference captures in $REF"; exit 77; }
for t in gzip python3; do
	command -v $t >/dev/null || { echo "$t not installed"; exit 77; }
done
for t in "$CAPDUMP" "$CAPGEN"; do
	[ -x "$t" ] || make -s "$t" >/dev/null || { echo "cannot build $t"; exit 1; }
done
tmp=$(mktemp -d /tmp/hoplat-ahead.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
rc=0
fail() { echo "FAIL: $*"; rc=1; }
tpl=()
for f in "$REF"/*.pcap; do tpl+=(-r "$f"); done

# both F: the file read ahead, and the same bytes through a pipe; the
# messages name the input ("-" for the pipe), so the name is set aside;
# npkt: the packets read
npkt=0
both() {
	local f=$1 a=$tmp/a b=$tmp/b
	"$CAPDUMP" -H "$f" >$a.out 2>$a.err; echo "exit $?" >>$a.out
	cat "$f" | "$CAPDUMP" -H - >$b.out 2>$b.err; echo "exit $?" >>$b.out
	sed -i "s|$f|INPUT|g" $a.err
	sed -i "s|: -:|: INPUT:|g; s|^capdump: -|capdump: INPUT|" $b.err
	cmp -s $a.out $b.out || fail "$(basename "$f"): the packets differ ($(wc -l <$a.out) vs $(wc -l <$b.out) lines)"
	cmp -s $a.err $b.err || fail "$(basename "$f"): the errors differ: '$(head -c 200 $a.err)' vs '$(head -c 200 $b.err)'"
	npkt=$(( $(wc -l <$a.out) - 1 ))
}

MiB=1048576
for fmt in pcapng pcap gz; do
	gfmt=$fmt; [ "$fmt" = gz ] && gfmt=pcapng
	"$CAPGEN" "${tpl[@]}" -n 40000 -F "$gfmt" "$tmp/big" 2>/dev/null || { echo "capgen failed"; exit 1; }
	[ "$fmt" = gz ] && { gzip -1 -c "$tmp/big" >"$tmp/big.gz"; mv "$tmp/big.gz" "$tmp/big"; }
	size=$(stat -c %s "$tmp/big")
	[ "$fmt" = gz ] || [ "$size" -gt $((4 * MiB)) ] || fail "$fmt: only $size bytes"
	both "$tmp/big"
	[ "$npkt" -ge 40000 ] || fail "$fmt: $npkt packets read of 40000"
	# cut: at and around the chunks' borders (uncompressed offsets for the
	# plain formats), and at odd places
	# (the first read is 64 KiB, then chunks of 256 KiB)
	K=65536 C=262144
	for cut in $K $((K + 1)) $((K + C)) $((K + C - 1)) $((K + 4 * C)) $((K + 4 * C + 3)) $((K + 9 * C - 5)) \
		$MiB $((2 * MiB + 5)) $((size / 3)) $((size / 2 + 7)) $((size - 1)) 100 25; do
		[ "$cut" -lt "$size" ] || continue
		head -c "$cut" "$tmp/big" >"$tmp/cut"
		both "$tmp/cut"
	done
done

# a damaged block length in the third megabyte (pcapng); a 2.5 MiB block
# of an unknown type stepped over between packets, then a packet of 200,000
# bytes (longer than a chunk)
"$CAPGEN" "${tpl[@]}" -n 30000 -F pcapng "$tmp/ng" 2>/dev/null || { echo "capgen failed"; exit 1; }
python3 - "$tmp/ng" "$tmp/dmg" "$tmp/hole" <<'PY'
import struct, sys
data = open(sys.argv[1], 'rb').read()
def blocks(d):
    """(offset, length) of each block (little-endian file: capgen's)."""
    off = 0
    while off + 12 <= len(d):
        n = struct.unpack_from('<I', d, off + 4)[0]
        yield off, n
        off += n
bl = list(blocks(data))
mid = next(o for o, n in bl if o > 2 * 1048576 + 1000)
dmg = bytearray(data)
struct.pack_into('<I', dmg, mid + 4, 0x00ffff10)	# a length that runs past the end
open(sys.argv[2], 'wb').write(dmg)
at = next(o for o, n in bl if o > 900000)
body = 2621440
hole = struct.pack('<II', 0x00000bad, body + 12) + bytes(body) + struct.pack('<I', body + 12)
# and a 200,000-byte packet (Ethernet, then bytes): longer than a chunk
cap = 200000
ts_hi, ts_lo = struct.unpack_from('<II', data, at + 12)
epb = struct.pack('<IIIIIII', 6, 32 + cap, 0, ts_hi, ts_lo, cap, cap) + bytes(range(256)) * (cap // 256) + bytes(cap % 256)
epb += struct.pack('<I', 32 + cap)
open(sys.argv[3], 'wb').write(data[:at] + hole + epb + data[at:])
PY
both "$tmp/dmg"
both "$tmp/hole"
[ "$npkt" -ge 30001 ] || fail "hole: $npkt packets read of 30001"
grep -q "	200000	200000	" $tmp/a.out || fail "hole: no 200000-byte packet"

[ $rc -eq 0 ] && echo "ok: read ahead equals the plain reader (pcapng, pcap, gzip; cut, damaged, a 2.5 MiB block)"
exit $rc
