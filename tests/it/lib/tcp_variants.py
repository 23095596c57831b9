#!/usr/bin/env python3
"""Writes variants of a classic little-endian pcap of one HTTP exchange whose
response spans several segments, to check TCP reassembly against tshark.

usage: tcp_variants.py IN.pcap OUTDIR FRAME_A FRAME_B
FRAME_A, FRAME_B: the last two data segments of the response (1-based), B last.
  retrans.pcap   B sent again 1 ms later (a retransmission of the last segment)
  dup-a.pcap     A sent again right after B
  ooo.pcap       A and B swapped (timestamps stay in capture order)
  late.pcap      A missing where it was, sent again after B
  hole.pcap      A missing for good (the response cannot be reassembled)
Timestamps stay increasing in file order."""
import copy
import struct
import sys


def read(path):
    b = open(path, "rb").read()
    if b[:4] != b"\xd4\xc3\xb2\xa1":
        sys.exit("little-endian microsecond pcap expected")
    recs, off = [], 24
    while off < len(b):
        ts, tu, cl, wl = struct.unpack("<IIII", b[off:off + 16])
        recs.append([ts, tu, b[off + 16:off + 16 + cl], wl])
        off += 16 + cl
    return b[:24], recs


def write(path, gh, recs):
    with open(path, "wb") as f:
        f.write(gh)
        for ts, tu, d, wl in recs:
            f.write(struct.pack("<IIII", ts, tu, len(d), wl))
            f.write(d)


def at(rec, us_after):
    t = rec[0] * 1000000 + rec[1] + us_after
    return t // 1000000, t % 1000000


def main():
    src, out, a, b = sys.argv[1], sys.argv[2], int(sys.argv[3]) - 1, int(sys.argv[4]) - 1
    gh, r = read(src)
    v = copy.deepcopy(r)
    x = copy.deepcopy(r[b]); x[0], x[1] = at(r[b], 1000)
    v.insert(b + 1, x)
    write(f"{out}/retrans.pcap", gh, v)
    v = copy.deepcopy(r)
    x = copy.deepcopy(r[a]); x[0], x[1] = at(r[b], 2)
    v.insert(b + 1, x)
    write(f"{out}/dup-a.pcap", gh, v)
    v = copy.deepcopy(r)
    v[a], v[b] = v[b], v[a]
    v[a][0], v[a][1], v[b][0], v[b][1] = r[a][0], r[a][1], r[b][0], r[b][1]
    write(f"{out}/ooo.pcap", gh, v)
    v = copy.deepcopy(r)
    x = v.pop(a); x[0], x[1] = at(r[b], 5)
    v.insert(b, x)
    write(f"{out}/late.pcap", gh, v)
    v = copy.deepcopy(r)
    v.pop(a)
    write(f"{out}/hole.pcap", gh, v)


if __name__ == "__main__":
    main()
