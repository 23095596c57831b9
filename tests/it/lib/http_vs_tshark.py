#!/usr/bin/env python3
"""Compares hoplat's HTTP transactions (JSON Lines) with tshark.

usage: http_vs_tshark.py TSHARK_TSV HOPLAT_JSONL LABEL [--oracle wireshark|fifo]
                         [--tol US] [--best-effort] [--retime FULL_KEYS OTHER_KEYS]

TSHARK_TSV: rows of
  tshark -r FULL -Y http -T fields -E aggregator=' ' -e frame.number -e frame.time_epoch
         -e tcp.stream -e tcp.srcport -e tcp.dstport -e http.request.method
         -e http.response.code -e http.time
(one row per frame where tshark finished reassembling HTTP messages; a frame may
finish several). --retime: hoplat ran on another capture of the same packets
(a live -s 128 one, whose timestamps differ by a few us): the frames' times are
taken from that capture, matched by (ports, raw seq, raw ack, length, flags); the
KEYS files are `tshark -T fields -e frame.number -e frame.time_epoch -e tcp.srcport
-e tcp.dstport -e tcp.seq_raw -e tcp.ack_raw -e tcp.len -e tcp.flags` (fifo only).
Oracles:
  wireshark: tshark's own http.time values.
  fifo: requests and responses of each TCP stream paired in order, each at the
        frame where tshark completed it (the same frames http.time uses; with
        pipelining Wireshark 4.0 pairs a response with the latest request
        instead, so its http.time is not the request's response time there).
Transactions are grouped by client port and paired in order of their response's
last packet (hoplat: start_ns + total_us; tshark: the frame). Checks: equal counts,
each pair's response end and response time within --tol us (default 1).
--best-effort only prints the agreement (fails only if nothing agrees)."""
import json
import sys
from collections import defaultdict


def arg(name, default):
    return sys.argv[sys.argv.index(name) + 1] if name in sys.argv else default


def retime_map(full_keys, other_keys):
    """frame number in the full capture -> time (us) of the same packet in the other."""
    def rows(path):
        for line in open(path):
            f = line.rstrip("\n").split("\t")
            if len(f) >= 8:
                yield int(f[0]), float(f[1]) * 1e6, tuple(f[2:8])
    when = {}
    for _, t, k in rows(other_keys):
        when.setdefault(k, t)
    return {n: when.get(k) for n, _, k in rows(full_keys)}


def tshark_rows(path, oracle, retime=None):
    out = defaultdict(list)
    reqs, resps, ports = defaultdict(list), defaultdict(list), {}
    for line in open(path):
        f = line.rstrip("\n").split("\t")
        if len(f) < 8:
            continue
        t_us = float(f[1]) * 1e6
        if retime is not None:
            t_us = retime.get(int(f[0]))
            if t_us is None:
                continue
        f = f[1:]
        stream, sp, dp = int(f[1]), int(f[2]), int(f[3])
        methods = f[4].split() if f[4] else []
        codes = [int(c) for c in f[5].split()] if f[5] else []
        if methods:
            ports[stream] = sp
            reqs[stream] += [t_us] * len(methods)
        if codes:
            ports[stream] = dp
            resps[stream] += [t_us for c in codes if c >= 200 or c == 101]
        if oracle == "wireshark" and f[6]:
            for t in f[6].split():
                out[dp].append((t_us, float(t) * 1e6))
    if oracle == "fifo":
        for s, rs in resps.items():
            for i, r in enumerate(rs):
                if i < len(reqs[s]):
                    out[ports[s]].append((r, r - reqs[s][i]))
    return out


def hoplat_rows(path):
    out = defaultdict(list)
    for line in open(path):
        line = line.strip()
        if not line:
            continue
        t = json.loads(line)
        if t.get("proto") != "http" or t.get("response_us") is None:
            continue
        port = t["client_port"]
        end_us = t["start_ns"] / 1e3 + t["total_us"]
        out[port].append((end_us, float(t["response_us"]), t.get("name"), t.get("id")))
    return out


def main():
    tsv, jl, label = sys.argv[1], sys.argv[2], sys.argv[3]
    oracle = arg("--oracle", "wireshark")
    tol = float(arg("--tol", "1"))
    best_effort = "--best-effort" in sys.argv
    rt = None
    if "--retime" in sys.argv:
        k = sys.argv.index("--retime")
        rt = retime_map(sys.argv[k + 1], sys.argv[k + 2])
    ts, hp = tshark_rows(tsv, oracle, rt), hoplat_rows(jl)
    n_ts = sum(len(v) for v in ts.values())
    n_hp = sum(len(v) for v in hp.values())
    ok = bad = 0
    worst = 0.0
    examples = []
    for port in sorted(set(ts) | set(hp)):
        a, b = sorted(ts.get(port, [])), sorted(hp.get(port, []))
        for i in range(max(len(a), len(b))):
            if i >= len(a) or i >= len(b):
                bad += 1
                if len(examples) < 5:
                    examples.append(f"port {port}: tshark {a[i] if i < len(a) else '-'}"
                                    f" hoplat {b[i] if i < len(b) else '-'}")
                continue
            d_end, d_resp = abs(a[i][0] - b[i][0]), abs(a[i][1] - b[i][1])
            if d_end <= tol + 0.5 and d_resp <= tol:
                ok += 1
                worst = max(worst, d_resp)
            else:
                bad += 1
                if len(examples) < 5:
                    examples.append(f"port {port} #{i}: tshark end {a[i][0]:.3f} time "
                                    f"{a[i][1]:.3f} us; hoplat end {b[i][0]:.3f} response "
                                    f"{b[i][1]:.3f} us ({b[i][2]}, id {b[i][3]})")
    print(f"{label} vs {oracle}: tshark {n_ts} timed responses, hoplat {n_hp}; {ok} agree "
          f"within {tol:g} us (worst {worst:.3f} us), {bad} differ")
    for e in examples:
        print("   ", e)
    if best_effort:
        return 0 if ok > 0 else 1
    return 0 if (bad == 0 and n_ts == n_hp and n_ts > 0) else 1


if __name__ == "__main__":
    sys.exit(main())
