#!/usr/bin/env python3
"""hoplat's per-transaction components against tshark on the same captures
(used by tb_e2e in tests/it/testbed_lib.bash).

  testbed_oracle.py PROTO DIR [MIN_LINK_US MIN_BRIDGE_US MIN_GUEST_US]
DIR is a `hoplat testbed run` directory (client.pcapng#eth0,
dom0.pcapng#peth0 and #vif1.0) with hoplat's analysis of its three points in
DIR/analysis.jsonl and DIR/analysis.json. PROTO is dns (dns-ramp) or http
(http-ramp: one request per connection).

The oracle: tshark's timestamps of the packets on a transaction's critical
path at each point, as docs/attribution.md defines it: the query and its
response (DNS); the SYN, the SYN-ACK, the packet that completes the request
and the one that completes the response (HTTP, a new connection). Per
transaction, the sum over those packets of
  link   = (uplink - client) on the way in + (client - uplink) on the way back
  bridge = the same between uplink and vif
  guest  = vif time of each answer - vif time of what it answers
The client's clock offset cancels in each sum (the testbed's points share one
clock anyway). Transactions whose packets repeat at a point (a retransmitted
SYN, a reused port and DNS id) have no single answer and are left out.

Checks (one line each, exit 1 on a failure):
  hoplat answered as many transactions as tshark sees responses at the client;
  every transaction the oracle times is reported, and at least 95% are timed;
  link, bridge and guest of each within 1 us of the oracle's;
  the summary's p50 of each within its histogram's resolution (0.4%, stated
  1%) + 1 us of the nearest-rank p50 of hoplat's own transactions;
  the oracle's p50 of each component at least MIN_*_US (the configured delay
  on each crossing: the delay line holds every frame that long)."""
import json
import subprocess
import sys
import tempfile

CLIENT, GUEST = "10.77.0.1", "10.77.0.10"
FIELDS = ["frame.interface_name", "frame.time_epoch", "ip.src", "ip.dst", "udp.srcport",
          "udp.dstport", "dns.id", "dns.flags.response", "tcp.srcport", "tcp.dstport",
          "tcp.flags", "http.request", "http.response"]
POINTS = (("client", "client.pcapng", "eth0"), ("uplink", "dom0.pcapng", "peth0"),
          ("vif", "dom0.pcapng", "vif1.0"))


def ns(t):
    s, _, frac = t.partition(".")
    return int(s) * 10**9 + int((frac + "000000000")[:9])


def packets(path, ifc, proto, tmp):
    """[(time_ns, role, key, part)] of interface IFC: role 'in' toward the
    guest, 'out' back; part names the packet's part in its transaction.
    The interface's packets alone: with both Dom0 points in one file, tshark
    would take each packet's second copy for a retransmission."""
    one = f"{tmp}/{ifc}.pcapng"
    subprocess.run(["tshark", "-r", path, "-Y", f'frame.interface_name == "{ifc}"', "-w", one],
                   capture_output=True, check=True)
    cmd = ["tshark", "-n", "-r", one, "-T", "fields"]
    for f in FIELDS:
        cmd += ["-e", f]
    if proto == "http":
        cmd += ["-o", "tcp.reassemble_out_of_order:TRUE"]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    pk = []
    for line in out.splitlines():
        c = dict(zip(FIELDS, line.split("\t")))
        k = dns_key(c) if proto == "dns" else http_key(c)
        if k:
            pk.append((ns(c["frame.time_epoch"]),) + k)
    return pk


def dns_key(c):
    if c.get("dns.id", "") == "" or "," in c["dns.id"]:
        return None
    if c["ip.src"] == CLIENT and c["udp.dstport"] == "53":
        return ("in", (c["udp.srcport"], int(c["dns.id"], 16)), "query")
    if c["ip.src"] == GUEST and c["udp.srcport"] == "53":
        return ("out", (c["udp.dstport"], int(c["dns.id"], 16)), "response")
    return None


def http_key(c):
    if not c.get("tcp.flags"):
        return None
    f = int(c["tcp.flags"], 16)
    if c["ip.src"] == CLIENT and c["tcp.dstport"] == "80":
        part = "syn" if f & 0x12 == 0x02 else "request" if c.get("http.request") else None
        return ("in", (c["tcp.srcport"], 0), part) if part else None
    if c["ip.src"] == GUEST and c["tcp.srcport"] == "80":
        part = "synack" if f & 0x12 == 0x12 else "response" if c.get("http.response") else None
        return ("out", (c["tcp.dstport"], 0), part) if part else None
    return None


def at_point(pk):
    """{key: {part: time}} of the transactions whose parts each appear once."""
    seen, dup = {}, set()
    for t, _, key, part in pk:
        d = seen.setdefault(key, {})
        if part in d:
            dup.add(key)
        d[part] = t
    return {k: v for k, v in seen.items() if k not in dup}


def components(proto, tx):
    """link, bridge, guest (ns) of one transaction: tx[point][part] = time."""
    legs = [("query", "response")] if proto == "dns" else [("syn", "synack"), ("request", "response")]
    c, u, v = tx["client"], tx["uplink"], tx["vif"]
    link = sum((u[i] - c[i]) + (c[o] - u[o]) for i, o in legs)
    bridge = sum((v[i] - u[i]) + (u[o] - v[o]) for i, o in legs)
    guest = sum(v[o] - v[i] for i, o in legs)
    return {"link": link, "bridge": bridge, "guest": guest}


def oracle(proto, d, tmp):
    pts = {}
    for role, f, ifc in POINTS:
        pk = packets(f"{d}/{f}", ifc, proto, tmp)
        pts[role] = at_point(pk)
        if role == "client":
            answered = sum(1 for x in pk if x[3] == "response")
    parts = {"query", "response"} if proto == "dns" else {"syn", "synack", "request", "response"}
    txs = {}
    for k, cv in pts["client"].items():
        tx = {r: pts[r].get(k, {}) for r, _, _ in POINTS}
        if all(set(tx[r]) >= parts for r in tx):
            txs[k] = components(proto, tx)
    return txs, answered


def pct(v, p):
    v = sorted(v)
    return v[max(0, min(len(v) - 1, -(-len(v) * p // 100) - 1))] if v else 0


def main():
    proto, d = sys.argv[1], sys.argv[2]
    mins = [float(x) for x in sys.argv[3:6]] if len(sys.argv) >= 6 else [0, 0, 0]
    rows = [json.loads(l) for l in open(f"{d}/analysis.jsonl")]
    summ = json.load(open(f"{d}/analysis.json"))[proto]
    rows = [r for r in rows if r["proto"] == proto]
    timed = {(str(r["client_port"]), r["id"] if proto == "dns" else 0): r
             for r in rows if r["link_us"] is not None}
    with tempfile.TemporaryDirectory() as tmp:
        txs, answered = oracle(proto, d, tmp)
    fails = []
    print(f"{d}: {proto} {summ['answered']} answered (tshark at the client {answered}), "
          f"{len(timed)} timed at three points, the oracle times {len(txs)}")
    if summ["answered"] != answered:
        fails.append(f"answered {summ['answered']}, tshark {answered}")
    missing = [k for k in txs if k not in timed]
    if missing:
        fails.append(f"{len(missing)} transactions the oracle times are not reported (first {missing[0]})")
    if len(txs) < 0.95 * len(timed) or not txs:
        fails.append(f"the oracle times only {len(txs)} of {len(timed)}")
    for i, comp in enumerate(("link", "bridge", "guest")):
        err = [abs(timed[k][comp + "_us"] - v[comp] / 1e3) for k, v in txs.items() if k in timed]
        worst = max(err, default=0)
        mine = [r[comp + "_us"] for r in timed.values()]
        p50, want = summ["latency_us"][comp]["p50"], pct(mine, 50)
        ora = pct([v[comp] / 1e3 for v in txs.values()], 50)
        print(f"  {comp:6s} p50 {p50:9.3f} us (its transactions {want:9.3f}, oracle {ora:9.3f}, "
              f"at least {mins[i]:.0f}); worst transaction error {worst:.3f} us")
        if worst > 1.0:
            fails.append(f"{comp}: a transaction {worst:.3f} us from the oracle")
        if abs(p50 - want) > 0.005 * abs(want) + 1.0:
            fails.append(f"{comp}: summary p50 {p50} against {want} from the transactions")
        if ora < mins[i]:
            fails.append(f"{comp}: the oracle's p50 {ora:.1f} us is below the configured {mins[i]:.0f} us")
    for f in fails:
        print("FAIL", f)
    return 1 if fails else 0


sys.exit(main())
