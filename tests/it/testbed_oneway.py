#!/usr/bin/env python3
"""One-way delay of every packet between two capture points, tshark as the
oracle (used by tests/it/testbed_delays.sh and tests/bench).

  testbed_oneway.py FILE_A#IFACE FILE_B#IFACE SRC_IP
prints the median and p90/p99 of t(B) - t(A), in microseconds, for IP
packets from SRC_IP seen at both points, matched by (addresses, IP id,
ports, DNS id, TCP seq/ack/flags, length); packets whose key repeats are left out."""
import statistics, subprocess, sys

FIELDS = ["frame.time_epoch", "frame.interface_name", "ip.src", "ip.dst", "ip.id", "ip.len",
          "udp.srcport", "udp.dstport", "dns.id", "tcp.srcport", "tcp.dstport", "tcp.seq_raw",
          "tcp.ack_raw", "tcp.flags"]

def points(spec, src):
    path, _, iface = spec.partition("#")
    cmd = ["tshark", "-n", "-r", path, "-Y", f"ip.src == {src}", "-T", "fields"]
    for f in FIELDS:
        cmd += ["-e", f]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    seen, dup = {}, set()
    for line in out.splitlines():
        v = line.split("\t")
        if iface and v[1] != iface:
            continue
        key = tuple(v[2:])
        if key in seen:
            dup.add(key)
        seen[key] = int(v[0].replace(".", "").ljust(19, "0")[:19])  # ns, no float rounding
    for k in dup:
        del seen[k]
    return seen

def main():
    a, b, src = sys.argv[1:4]
    pa, pb = points(a, src), points(b, src)
    d = sorted((pb[k] - pa[k]) / 1e3 for k in pa if k in pb)
    if not d:
        print("n 0")
        return 1
    q = lambda f: d[min(len(d) - 1, int(f * len(d)))]
    print(f"n {len(d)} median {statistics.median(d):.1f} p90 {q(0.9):.1f} p99 {q(0.99):.1f} "
          f"min {d[0]:.1f} max {d[-1]:.1f} only_a {len(pa) - len(d)}")
    return 0

sys.exit(main())
