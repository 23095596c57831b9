#!/usr/bin/env python3
"""hostile.py OUTDIR: writes hostile captures for tests/it/hostile_inputs.sh.

Every capture is built here from one known traffic pattern, so the test knows
what hoplat must report for what could be read:

  DNS   N queries 20 ms apart, each answered 1 ms later (total 1000 us)
  HTTP  M connections 100 ms apart: SYN, SYN-ACK +0.5 ms, ACK and GET +1 ms,
        response +3 ms, then FIN both ways (total 3000 us, response 2000 us)

and then damaged the way captures are damaged in the field:

  time      the second half an hour earlier or later, one packet at time 0
            (in the middle, or first), packets out of order by a few ms
  dup       every packet twice (two captures of one interface merged), some
            packets twice a few us apart
  append    the capture appended to itself (mergecap -a, cat of two pcapng
            files), short and long, pcap and pcapng
  names     pcapng interfaces named with terminal escapes, quotes and invalid
            UTF-8, comments likewise; DNS names and HTTP targets likewise,
            names starting with = + - @ (spreadsheet formulas)
  dnsbad    queries whose names do not parse, answered by responses whose
            names do not parse (paired by id and ports)
  gz        gzip files, small and large, damaged at several offsets (a flipped
            byte in the stream, a wrong CRC, cut short)
  cut       pcap and pcapng cut at many lengths

OUTDIR/manifest.tsv lists every file with what the test expects of it:
  file  kind  dns  dns_answered  http  packets  stderr  status
(DNS and HTTP transactions, answered DNS ones, packets analyzed, a pattern
the warning or error line on stderr must match, hoplat's exit status; "-"
where it depends on how much could be read, or for the status 0 or 1).
Only the standard library is used."""
import gzip
import os
import struct
import sys
import zlib

T0 = 1700000000 * 10**9          # ns
MS = 10**6
US = 10**3
CLIENT_MAC = bytes.fromhex("020000000001")
SERVER_MAC = bytes.fromhex("020000000002")
CLIENT_IP = bytes([10, 0, 0, 1])
SERVER_IP = bytes([10, 0, 0, 2])

# ---- packets ----


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


_ipid = [0]


def ipv4(src, dst, proto, payload):
    _ipid[0] = (_ipid[0] + 1) & 0xFFFF
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), _ipid[0], 0x4000, 64, proto, 0,
                    src, dst)
    h = h[:10] + struct.pack("!H", csum(h)) + h[12:]
    return h + payload


def eth(src, dst, l3):
    return dst + src + b"\x08\x00" + l3


def udp(src, dst, sport, dport, payload, to_server):
    u = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
    macs = (CLIENT_MAC, SERVER_MAC) if to_server else (SERVER_MAC, CLIENT_MAC)
    return eth(macs[0], macs[1], ipv4(src, dst, 17, u))


def tcp(sport, dport, seq, ack, flags, payload, to_server):
    t = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flags, 65535, 0, 0) + payload
    src, dst = (CLIENT_IP, SERVER_IP) if to_server else (SERVER_IP, CLIENT_IP)
    macs = (CLIENT_MAC, SERVER_MAC) if to_server else (SERVER_MAC, CLIENT_MAC)
    return eth(macs[0], macs[1], ipv4(src, dst, 6, t))


def dns_name(name):
    if isinstance(name, bytes) and name.startswith(b"\xc0"):
        return name             # raw wire form (a pointer)
    out = b""
    for label in name.split(b"."):
        if label:
            out += bytes([len(label)]) + label
    return out + b"\0"


def dns_msg(qid, name, response, rcode=0):
    flags = (0x8180 | rcode) if response else 0x0100
    q = dns_name(name) + struct.pack("!HH", 1, 1)
    an = b""
    if response and rcode == 0:
        an = b"\xc0\x0c" + struct.pack("!HHIH4s", 1, 1, 60, 4, bytes([192, 0, 2, 1]))
    return struct.pack("!HHHHHH", qid, flags, 1, 1 if an else 0, 0, 0) + q + an


def dns_pair(t, i, name):
    """A query at t and its answer 1 ms later."""
    port = 20000 + i
    q = udp(CLIENT_IP, SERVER_IP, port, 53, dns_msg(i, name, False), True)
    r = udp(SERVER_IP, CLIENT_IP, 53, port, dns_msg(i, name, True), False)
    return [(t, q), (t + MS, r)]


def http_conn(t, i, target=b"/index.html"):
    """One HTTP/1.1 connection: one request, one response, FIN both ways."""
    cp, c, s = 40000 + i, 1000 * (i + 1), 500000 * (i + 1)
    req = b"GET " + target + b" HTTP/1.1\r\nHost: 10.0.0.2\r\n\r\n"
    resp = b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"
    S, A, P, F = 0x02, 0x10, 0x08, 0x01
    return [
        (t, tcp(cp, 80, c, 0, S, b"", True)),
        (t + 500 * US, tcp(80, cp, s, c + 1, S | A, b"", False)),
        (t + MS, tcp(cp, 80, c + 1, s + 1, A, b"", True)),
        (t + MS + 10 * US, tcp(cp, 80, c + 1, s + 1, P | A, req, True)),
        (t + 3 * MS + 10 * US, tcp(80, cp, s + 1, c + 1 + len(req), P | A, resp, False)),
        (t + 3 * MS + 20 * US, tcp(cp, 80, c + 1 + len(req), s + 1 + len(resp), F | A, b"", True)),
        (t + 3 * MS + 30 * US, tcp(80, cp, s + 1 + len(resp), c + 2 + len(req), F | A, b"", False)),
        (t + 3 * MS + 40 * US, tcp(cp, 80, c + 2 + len(req), s + 2 + len(resp), A, b"", True)),
    ]


def traffic(ndns=50, nhttp=10, names=None, targets=None, t0=T0, gap=20 * MS):
    pk = []
    for i in range(ndns):
        name = names[i % len(names)] if names else b"host%d.example.com" % i
        pk += dns_pair(t0 + i * gap, i, name)
    for i in range(nhttp):
        target = targets[i % len(targets)] if targets else b"/index.html"
        pk += http_conn(t0 + 5 * MS + i * 100 * MS, i, target)
    pk.sort(key=lambda p: p[0])
    return [(t, d, 0) for t, d in pk]      # (ts, bytes, interface)

# ---- writers ----


def pcap_bytes(pk, ns=False):
    out = [struct.pack("<IHHiIII", 0xA1B23C4D if ns else 0xA1B2C3D4, 2, 4, 0, 0, 262144, 1)]
    for t, d, _ in pk:
        frac = t % 10**9 if ns else (t % 10**9) // 1000
        out.append(struct.pack("<IIII", t // 10**9, frac, len(d), len(d)) + d)
    return b"".join(out)


def ng_opt(code, val):
    pad = (4 - len(val) % 4) % 4
    return struct.pack("<HH", code, len(val)) + val + b"\0" * pad


def ng_block(btype, body):
    total = 12 + len(body)
    return struct.pack("<II", btype, total) + body + struct.pack("<I", total)


def pcapng_bytes(pk, ifnames=(b"eth0",), shb_comment=None, if_comment=None, pkt_comment=None):
    opts = ng_opt(1, shb_comment) + ng_opt(0, b"") if shb_comment else b""
    out = [ng_block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1) + opts)]
    for name in ifnames:
        o = ng_opt(2, name) + ng_opt(9, b"\x09")
        if if_comment:
            o += ng_opt(1, if_comment)
        out.append(ng_block(1, struct.pack("<HHI", 1, 0, 262144) + o + ng_opt(0, b"")))
    for t, d, ifc in pk:
        pad = (4 - len(d) % 4) % 4
        o = ng_opt(1, pkt_comment) + ng_opt(0, b"") if pkt_comment else b""
        out.append(ng_block(6, struct.pack("<IIIII", ifc, t >> 32, t & 0xFFFFFFFF, len(d), len(d))
                            + d + b"\0" * pad + o))
    return b"".join(out)


class Out:
    def __init__(self, d):
        self.d = d
        self.rows = []

    def put(self, name, data, kind, dns="-", http="-", pattern="-", answered="-", packets="-",
            status="-"):
        with open(os.path.join(self.d, name), "wb") as f:
            f.write(data)
        self.rows.append((name, kind, str(dns), str(answered), str(http), str(packets), pattern,
                          str(status)))

    def manifest(self):
        with open(os.path.join(self.d, "manifest.tsv"), "w") as f:
            f.write("file\tkind\tdns\tdns_answered\thttp\tpackets\tstderr\tstatus\n")
            for r in self.rows:
                f.write("\t".join(r) + "\n")

# ---- the captures ----


def shifted(base, at, by):
    """Every packet from the time at on moved by `by` ns (a clock step)."""
    return [(t + by if t >= at else t, d, i) for t, d, i in base]


def time_cases(o, base):
    n = len(base)
    half = n // 2
    # the step falls between query 25 (500 ms) and its answer (501 ms): without
    # the guard, a transaction of -3600 s
    cut = T0 + 500 * MS + 500 * US
    back = shifted(base, cut, -3600 * 10**9)
    o.put("time-back.pcap", pcap_bytes(back), "time", 26, 5, "back in time", 25)
    # a step back inside the tolerance: taken, the split query untimed
    o.put("time-back-small.pcap", pcap_bytes(shifted(base, cut, -500 * MS)), "time", 50, 10,
          "negative", 50)
    fwd = shifted(base, cut, 3600 * 10**9)
    o.put("time-forward.pcap", pcap_bytes(fwd), "time")
    # one query stamped 0 in the middle: without the guard, a 50-year response
    k = next(j for j in range(half, n) if base[j][1][23] == 17 and base[j][1][36:38] == b"\0\x35")
    zero = list(base)
    zero[k] = (0, zero[k][1], 0)
    o.put("time-zero.pcap", pcap_bytes(zero), "time", 49, 10, "back in time", 49)
    syn = next(j for j in range(half, n) if base[j][1][23] == 6 and base[j][1][47] == 0x02)
    zsyn = list(base)
    zsyn[syn] = (0, zsyn[syn][1], 0)
    o.put("time-zero-syn.pcap", pcap_bytes(zsyn), "time", 50, "-", "back in time", 50)
    # queries 2 ms apart: the answer comes before the matcher's next expiry
    # round, and the query stamped 0 is timed at 54 years without the guard
    dense = traffic(50, 0, gap=2 * MS)
    dense[6] = (0, dense[6][1], 0)
    o.put("time-zero-dense.pcap", pcap_bytes(dense), "time", 49, 0, "back in time", 49)
    first0 = [(0, base[0][1], 0)] + base[1:]
    o.put("time-zero-first.pcap", pcap_bytes(first0), "time")
    # out of order by 3 ms here and there (two CPUs): tolerated, nothing lost
    ooo = list(base)
    for j in range(5, n - 1, 17):
        ooo[j], ooo[j + 1] = (ooo[j + 1][0], ooo[j][1], 0), (ooo[j][0] + 3 * MS, ooo[j + 1][1], 0)
    o.put("time-jitter.pcap", pcap_bytes(ooo), "time")
    o.put("time-back.pcapng", pcapng_bytes(back), "time", 26, 5, "back in time", 25)


def dup_cases(o, base):
    twice = [p for p in base for _ in (0, 1)]
    o.put("dup-all.pcap", pcap_bytes(twice), "dup", 50, 10, "duplicate", 50)
    some = []
    for j, p in enumerate(base):
        some.append(p)
        if j % 3 == 0:
            some.append((p[0] + 7 * US, p[1], p[2]))
    o.put("dup-some.pcapng", pcapng_bytes(some), "dup", 50, 10, "duplicate", 50)


def append_cases(o, base):
    o.put("append.pcap", pcap_bytes(base + base), "append", 50, 10, "appended", 50)
    o.put("append-ns.pcap", pcap_bytes(base + base, ns=True), "append", 50, 10, "appended", 50)
    ng = pcapng_bytes(base)
    o.put("append.pcapng", ng + ng, "append", 50, 10, "appended", 50)     # cat: two sections
    short = traffic(10, 1)        # 0.2 s: shorter than the out-of-order tolerance
    o.put("append-short.pcap", pcap_bytes(short + short), "append", 10, 1, "appended", 10)
    o.put("append-thrice.pcap", pcap_bytes(short * 3), "append", 10, 1, "appended", 10)


HOSTILE_IF = [b"\x1b[2J\x1b[31mvif1.0", b"eth0\"'\x07\x08\x7f;rm -rf", b"\xff\xfe\xc3(\xe2\x82",
              b"=cmd|' /C calc'!A0", b"caf\xc3\xa9-ok"]
HOSTILE_NAMES = [b"=cmd|' /C calc'!A0.example", b"+1+2.example", b"-2-3.example",
                 b"@SUM(1).example", b"\x1b[2J.example", b"a\"b,c.example", b"\xff\xfe.example",
                 b"ok.example"]
HOSTILE_TARGETS = [b"/\xff\xfe\xc3(", b"/caf\xc3\xa9", b"/=1+2", b"/\"quoted\",comma",
                   b"/ok"]


def name_cases(o):
    pk = traffic(16, 5, HOSTILE_NAMES, HOSTILE_TARGETS)
    esc = b"\x1b]0;owned\x07\x1b[2J\xff\xfe"
    o.put("names-one-iface.pcapng", pcapng_bytes(pk, HOSTILE_IF[:1], esc, esc, esc), "names", 16, 5,
          "-", 16)
    spread = [(t, d, j % len(HOSTILE_IF)) for j, (t, d, _) in enumerate(pk)]
    o.put("names-ifaces.pcapng", pcapng_bytes(spread, HOSTILE_IF, esc, esc), "names")
    # a Dom0-like capture: --uplink/--vif pick interfaces by name
    two = [(t, d, j % 2) for j, (t, d, _) in enumerate(pk)]
    o.put("names-dom0.pcapng", pcapng_bytes(two, [b"peth0\x1b[2J", b"vif1.0\x1b]0;x\x07"]), "names")


def dnsbad_cases(o):
    """Queries whose names hoplat refuses and Wireshark reads (a pointer
    forward, a bit label, a name over 255 bytes), answered by responses with
    the same question: paired by id and ports, as tshark does. And a
    question cut short (Wireshark stops before dns.time): not paired."""
    bad = [b"\xc0\x12" + b"\0\x01\0\x01" + b"\x03www\x07example\x00",
           b"\x41\x08\xff\x03com\x00\0\x01\0\x01",
           b"".join(b"\x3f" + b"a" * 63 for _ in range(5)) + b"\x00\0\x01\0\x01",
           b"\x3fshort"]
    pk = []
    t = T0
    for i, raw in enumerate(bad * 3):
        port = 30000 + i
        q = struct.pack("!HHHHHH", 100 + i, 0x0100, 1, 0, 0, 0) + raw
        r = struct.pack("!HHHHHH", 100 + i, 0x8180, 1, 0, 0, 0) + raw
        pk.append((t, udp(CLIENT_IP, SERVER_IP, port, 53, q, True), 0))
        pk.append((t + MS, udp(SERVER_IP, CLIENT_IP, 53, port, r, False), 0))
        t += 20 * MS
    o.put("dns-badnames.pcap", pcap_bytes(pk), "dnsbad", 12, 0, "-", 9)


def damage_gz(o, name, raw, kind, npackets):
    z = gzip.compress(raw, 6, mtime=0)
    n = len(z)
    o.put(name + ".gz", z, kind, packets=npackets, status=0)
    for frac in (30, 60, 90):
        d = bytearray(z)
        d[10 + (n - 18) * frac // 100] ^= 0x55
        o.put("%s-flip%d.gz" % (name, frac), bytes(d), kind, pattern="offset", status=1)
    # the trailer: every packet is there, then the error
    d = bytearray(z)
    d[-8] ^= 0xFF                   # the CRC32 of the data
    o.put(name + "-crc.gz", bytes(d), kind, pattern="incorrect data check at offset",
          packets=npackets, status=1)
    d = bytearray(z)
    d[-1] ^= 0x01                   # ISIZE
    o.put(name + "-isize.gz", bytes(d), kind, pattern="incorrect length check at offset",
          packets=npackets, status=1)
    for frac in (50, 99):
        o.put("%s-cut%d.gz" % (name, frac), z[:n * frac // 100], kind,
              pattern="unexpected end of file at offset", status=1)


def gz_cases(o, base):
    damage_gz(o, "small.pcap", pcap_bytes(base), "gz", len(base))
    big = traffic(30000, 200)         # several MB uncompressed: more than one read buffer
    damage_gz(o, "large.pcapng", pcapng_bytes(big), "gz", len(big))


def record_ends(raw, fmt):
    """(end of the file header or section, [end of each packet record])."""
    ends = []
    if fmt == "pcap":
        off = 24
        while off < len(raw):
            off += 16 + struct.unpack_from("<I", raw, off + 8)[0]
            ends.append(off)
        return 24, ends
    off, head = 0, None
    while off < len(raw):
        btype, total = struct.unpack_from("<II", raw, off)
        off += total
        if btype == 0x0A0D0D0A:
            head = off
        if btype == 6:
            ends.append(off)
    return head, ends


def cut_cases(o, base):
    for fmt, raw in (("pcap", pcap_bytes(base)), ("pcapng", pcapng_bytes(base, shb_comment=b"x"))):
        n = len(raw)
        head, ends = record_ends(raw, fmt)
        blocks = set(ends) | {head}
        if fmt == "pcapng":     # interface blocks end cleanly too
            off = head
            while off not in ends and off < n:
                off += struct.unpack_from("<I", raw, off + 4)[0]
                blocks.add(off)
        for k, cut in enumerate(sorted({1, 4, 20, 23, 24, 27, 28, 40, 41} |
                                       set(range(29, n, max(1, n // 23))) | {ends[5], ends[5] + 1})):
            whole = sum(1 for e in ends if e <= cut)
            status = 2 if cut < head else 0 if cut in blocks else 1
            o.put("cut-%03d.%s" % (k, fmt), raw[:cut], "cut", packets=whole, status=status,
                  pattern="offset" if status == 1 else "-")


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    os.makedirs(sys.argv[1], exist_ok=True)
    o = Out(sys.argv[1])
    base = traffic()
    o.put("clean.pcap", pcap_bytes(base), "clean", 50, 10, "-", 50, len(base), 0)
    o.put("clean.pcapng", pcapng_bytes(base), "clean", 50, 10, "-", 50, len(base), 0)
    time_cases(o, base)
    dup_cases(o, base)
    append_cases(o, base)
    name_cases(o)
    dnsbad_cases(o)
    gz_cases(o, base)
    cut_cases(o, base)
    o.manifest()


if __name__ == "__main__":
    main()
