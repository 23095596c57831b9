#!/usr/bin/env python3
"""Expected results for a testbed run, computed with tshark as the oracle:
   pcaps/expected.py DIR   -> DIR/expected.json

Per hop and direction, the median one-way delay of every packet matched
between two points; per DNS query and per HTTP connection (one request each,
as httperf makes them), the attribution of issue 3 (link, bridge, guest,
total; HTTP over its critical path SYN, SYN-ACK, request, last response
packet) and its p50; how many transactions were answered, and where the
unanswered ones stopped (an HTTP transaction starts at its SYN, so a
connection attempt never answered is one: attempts_unanswered_at_vif counts
those whose SYN reached the vif and got no SYN-ACK)."""
import json, os, statistics, subprocess, sys

D = sys.argv[1]
CLIENT, GUEST = "10.77.0.1", "10.77.0.10"

def tshark(path, fields, flt):
    cmd = ["tshark", "-n", "-r", path, "-Y", flt, "-T", "fields"]
    for f in fields:
        cmd += ["-e", f]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    return [l.split("\t") for l in out.splitlines()]

def ns(t):
    s, _, f = t.partition(".")
    return int(s) * 10**9 + int(f.ljust(9, "0")[:9])

POINTS = {"client": ("client.pcapng", "eth0"), "uplink": ("dom0.pcapng", "peth0"), "vif": ("dom0.pcapng", "vif1.0")}
KEY = ["ip.src", "ip.dst", "ip.id", "ip.len", "udp.srcport", "udp.dstport", "dns.id", "tcp.srcport",
       "tcp.dstport", "tcp.seq_raw", "tcp.ack_raw", "tcp.flags"]

def packets(point):
    f, iface = POINTS[point]
    rows = tshark(os.path.join(D, f), ["frame.time_epoch", "frame.interface_name"] + KEY, "ip")
    seen = {}
    for r in rows:
        if r[1] == iface:
            seen.setdefault(tuple(r[2:]), ns(r[0]))  # first sighting
    return seen

def p50(v):
    return round(statistics.median(v) / 1e3, 1) if v else None

def oneway(a, b, src):
    d = [(b[k] - a[k]) for k in a if k in b and k[0] == src]
    return {"n": len(d), "median_us": p50(d)}

def dns_attr():
    res = {}
    for p in POINTS:
        f, iface = POINTS[p]
        for r in tshark(os.path.join(D, f), ["frame.time_epoch", "frame.interface_name", "dns.id",
                                                "dns.flags.response", "udp.srcport", "udp.dstport"], "dns"):
            if r[1] != iface:
                continue
            qr = r[3] in ("1", "True")
            cport = r[5] if qr else r[4]
            res.setdefault((r[2], cport), {}).setdefault((p, qr), ns(r[0]))
    return attribute(res, lambda t: (t.get(("client", False)), t.get(("uplink", False)), t.get(("vif", False)),
                                     t.get(("vif", True)), t.get(("uplink", True)), t.get(("client", True))))

def http_attr():
    cons = {}
    fields = ["frame.time_epoch", "frame.interface_name", "ip.src", "tcp.srcport", "tcp.dstport",
              "tcp.flags.syn", "tcp.flags.ack", "tcp.len"]
    for p in POINTS:
        f, iface = POINTS[p]
        for r in tshark(os.path.join(D, f), fields, "tcp.port == 80"):
            if r[1] != iface:
                continue
            t, fromc = ns(r[0]), r[2] == CLIENT
            cport = r[3] if fromc else r[4]
            c = cons.setdefault(cport, {})
            syn, ack, ln = r[5] in ("1", "True"), r[6] in ("1", "True"), int(r[7] or 0)
            if syn and not ack and fromc:
                c.setdefault(("syn", p), t)
            elif syn and ack:
                c.setdefault(("synack", p), t)
            elif fromc and ln > 0:
                c.setdefault(("req", p), t)
            elif not fromc and ln > 0:
                c[("resp", p)] = t  # the last response packet
    out = {"link": [], "bridge": [], "guest": [], "total": [], "client": []}
    answered = 0
    lost = {"link": 0, "bridge": 0, "guest": 0}
    # connection attempts whose SYN reached the vif and got no SYN-ACK there
    no_synack = sum(1 for c in cons.values() if ("syn", "vif") in c and ("synack", "vif") not in c)
    for c in cons.values():
        g = lambda e, p: c.get((e, p))
        if g("syn", "client") is None:
            continue
        need = [g(e, p) for e in ("syn", "synack", "req", "resp") for p in POINTS]
        if None in need:
            if g("syn", "uplink") is None: lost["link"] += 1
            elif g("syn", "vif") is None: lost["bridge"] += 1
            else: lost["guest"] += 1
            continue
        answered += 1
        link = bridge = guest = 0
        for out_e, in_e in (("syn", "synack"), ("req", "resp")):
            link += (g(out_e, "uplink") - g(out_e, "client")) + (g(in_e, "client") - g(in_e, "uplink"))
            bridge += (g(out_e, "vif") - g(out_e, "uplink")) + (g(in_e, "uplink") - g(in_e, "vif"))
            guest += g(in_e, "vif") - g(out_e, "vif")
        out["link"].append(link); out["bridge"].append(bridge); out["guest"].append(guest)
        out["client"].append(g("req", "client") - g("synack", "client"))
        out["total"].append(g("resp", "client") - g("syn", "client"))
    return {"transactions": answered + sum(lost.values()), "answered": answered, "unanswered_lost_at": lost,
            "attempts_unanswered_at_vif": no_synack, "p50_us": {k: p50(v) for k, v in out.items()}}

def attribute(res, pick):
    out = {"link": [], "bridge": [], "guest": [], "total": []}
    answered = 0
    lost = {"link": 0, "bridge": 0, "guest": 0}
    for t in res.values():
        qc, qu, qv, rv, ru, rc = pick(t)
        if qc is None:
            continue
        if None in (qu, qv, rv, ru, rc):
            if qu is None: lost["link"] += 1
            elif qv is None: lost["bridge"] += 1
            else: lost["guest"] += 1
            continue
        answered += 1
        out["link"].append((qu - qc) + (rc - ru)); out["bridge"].append((qv - qu) + (ru - rv))
        out["guest"].append(rv - qv); out["total"].append(rc - qc)
    return {"transactions": answered + sum(lost.values()), "answered": answered, "unanswered_lost_at": lost,
            "p50_us": {k: p50(v) for k, v in out.items()}}

scn = json.load(open(os.path.join(D, "scenario.json")))
pk = {p: packets(p) for p in POINTS}
exp = {
    "scenario": scn["scenario"], "delays": scn["delays"], "oracle": "tshark " +
    subprocess.run(["tshark", "-v"], capture_output=True, text=True).stdout.split("\n")[0].split()[-1],
    "one_way_median": {
        "link_client_to_uplink": oneway(pk["client"], pk["uplink"], CLIENT),
        "link_uplink_to_client": oneway(pk["uplink"], pk["client"], GUEST),
        "bridge_uplink_to_vif": oneway(pk["uplink"], pk["vif"], CLIENT),
        "bridge_vif_to_uplink": oneway(pk["vif"], pk["uplink"], GUEST),
    },
}
if scn["scenario"] == "dns-ramp":
    exp["dns"] = dns_attr()
else:
    exp["http"] = http_attr()
json.dump(exp, open(os.path.join(D, "expected.json"), "w"), indent=1)
print(json.dumps(exp, indent=1))
