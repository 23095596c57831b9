#!/usr/bin/env python3
"""What the wire shows around a scenario's event, tshark as the oracle (used
by tests/it/testbed_scenarios.sh):

  testbed_events.py DIR
reads DIR/scenario.json and DIR's captures, prints the counts per point and
phase, and exits 1 when the scenario did not do what it says:
  app-hang     during the stop the guest sends SYN-ACKs, ping and ARP
               answers but no DNS or HTTP response; after it, both again
  bridge-drop  during the drop requests reach peth0 and no frame from the
               client leaves vif1.0; nothing answers; after it, answers again
  guest-hang   after the hang no frame from the guest at any point; the
               last 2 s of the step hold only the client's ARP requests for it
  port-exhaustion  at most 200 source ports, all in 40000-40199, every
               connection closed first by the client, SYNs stop once the
               ports are used up
Phases are cut 50 ms inside the event's bounds (scenario.json, wall clock as
the captures, times the event certainly held), so a frame in flight at the
switch does not count."""
import collections, json, subprocess, sys

GUEST, CLIENT = "10.77.0.10", "10.77.0.1"
GUEST_MAC, CLIENT_MAC = "02:77:00:00:00:0a", "02:77:00:00:00:01"
FIELDS = ["frame.time_epoch", "frame.interface_name", "eth.src", "eth.dst", "arp.opcode",
          "arp.dst.proto_ipv4", "ip.src", "ip.dst", "icmp.type", "tcp.srcport", "tcp.flags.syn",
          "tcp.flags.ack", "tcp.flags.fin", "tcp.stream", "dns.flags.response", "http.response",
          "http.request"]


def frames(path):
    cmd = ["tshark", "-n", "-r", path, "-T", "fields"]
    for f in FIELDS:
        cmd += ["-e", f]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        v = dict(zip(FIELDS, line.split("\t")))
        v["t"] = float(v["frame.time_epoch"])
        yield v


def side(f):
    if f["arp.opcode"]:
        return "guest" if f["eth.src"] == GUEST_MAC else "client" if f["eth.src"] == CLIENT_MAC else "other"
    return "guest" if f["ip.src"] == GUEST else "client" if f["ip.src"] == CLIENT else "other"


def kind(f):
    """What a frame is, and whose (the last word: guest, client or other)."""
    if f["arp.opcode"] == "1":
        what = "arp_request_for_guest" if f["arp.dst.proto_ipv4"] == GUEST else "arp_request"
    elif f["arp.opcode"]:
        what = "arp_reply"
    elif f["icmp.type"]:
        what = {"0": "ping_reply", "8": "ping_request"}.get(f["icmp.type"], "icmp")
    elif f["dns.flags.response"]:
        what = "dns_response" if f["dns.flags.response"] in ("1", "True") else "dns_query"
    elif f["http.response"]:
        what = "http_response"
    elif f["http.request"]:
        what = "http_request"
    elif f["tcp.flags.syn"] in ("1", "True"):
        what = "synack" if f["tcp.flags.ack"] in ("1", "True") else "syn"
    else:
        what = "tcp" if f["tcp.srcport"] else "other"
    return what + "_" + side(f)


def tally(dir_, bounds):
    """Counter per (point, phase) over both captures; phases name -> (lo, hi) in s."""
    c = collections.defaultdict(collections.Counter)
    for cap in ("client.pcapng", "dom0.pcapng"):
        for f in frames(f"{dir_}/{cap}"):
            point = {"eth0": "client", "peth0": "uplink", "vif1.0": "vif"}[f["frame.interface_name"]]
            for ph, (lo, hi) in bounds.items():
                if lo <= f["t"] < hi:
                    c[(point, ph)][kind(f)] += 1
    return c


def show(c):
    for k in sorted(c):
        print(f"  {k[0]:6} {k[1]:7} " + ", ".join(f"{n} {v}" for n, v in sorted(c[k].items())))


def need(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    return ok


def event_bounds(step):
    e = step["event"]
    lo, hi = e["start_ns"] / 1e9, (e["end_ns"] or step["end_ns"]) / 1e9
    return {"before": (step["start_ns"] / 1e9, lo - 0.05), "during": (lo + 0.05, hi - 0.05),
            "after": (hi + 0.05, step["end_ns"] / 1e9 + 1)}


def app_hang(c, step):
    p = step["event"]["ping"]["during"]
    v, a = c[("vif", "during")], c[("vif", "after")]
    return all([
        need(v["synack_guest"] >= 50, f"SYN-ACKs from the guest during the stop: {v['synack_guest']} (>= 50)"),
        need(v["dns_query_client"] >= 50, f"DNS queries reach the vif during the stop: {v['dns_query_client']} (>= 50)"),
        need(v["dns_response_guest"] == 0 and v["http_response_guest"] == 0,
             f"DNS / HTTP responses during the stop: {v['dns_response_guest']} / {v['http_response_guest']} (0)"),
        need(p["sent"] >= 5 and p["answered"] == p["sent"], f"pings during the stop answered: {p}"),
        need(a["dns_response_guest"] > 0 and a["http_response_guest"] > 0,
             f"DNS / HTTP responses after SIGCONT: {a['dns_response_guest']} / {a['http_response_guest']} (> 0)"),
    ])


def bridge_drop(c, step):
    p = step["event"]["ping"]
    u, v = c[("uplink", "during")], c[("vif", "during")]
    to_guest = sum(n for k, n in v.items() if k.endswith("_client"))
    answers = sum(n for k, n in u.items() if k.endswith("_guest"))
    after = c[("uplink", "after")]
    return all([
        need(u["dns_query_client"] + u["syn_client"] >= 100,
             f"DNS queries + SYNs at the uplink during the drop: {u['dns_query_client'] + u['syn_client']} (>= 100)"),
        need(to_guest == 0, f"frames toward the guest at the vif during the drop: {to_guest} (0)"),
        need(answers == 0, f"frames from the guest at the uplink during the drop: {answers} (0)"),
        need(p["during"]["sent"] >= 5 and p["during"]["answered"] == 0, f"pings during the drop: {p['during']}"),
        need(after["dns_response_guest"] > 0 and p["after"]["answered"] > 0,
             f"answers after the drop: {after['dns_response_guest']} DNS, pings {p['after']}"),
    ])


def guest_hang(c, step):
    p = step["event"]["ping"]
    from_guest = sum(n for (pt, ph), cnt in c.items() if ph in ("during", "tail")
                     for k, n in cnt.items() if k.endswith("_guest"))
    tail = c[("client", "tail")]
    others = sum(n for k, n in tail.items() if k != "arp_request_for_guest_client")
    return all([
        need(p["before"]["answered"] >= 3 and p["during"]["sent"] >= 10 and p["during"]["answered"] == 0,
             f"pings answered before the hang, not during: {p}"),
        need(from_guest == 0, f"frames from the guest at any point after the hang: {from_guest} (0)"),
        need(tail["arp_request_for_guest_client"] >= 1 and others == 0,
             f"the client's last 2 s: {tail['arp_request_for_guest_client']} ARP requests for the guest, {others} other frames (only ARP)"),
    ])


def port_exhaustion(dir_, step):
    syn_ports, first_fin, t_syn = set(), {}, []
    for f in frames(f"{dir_}/client.pcapng"):
        if f["tcp.flags.syn"] in ("1", "True") and f["tcp.flags.ack"] not in ("1", "True"):
            syn_ports.add(int(f["tcp.srcport"]))
            t_syn.append(f["t"])
        if f["tcp.flags.fin"] in ("1", "True") and f["tcp.stream"] not in first_fin:
            first_fin[f["tcp.stream"]] = f["ip.src"]
    by_client = sum(1 for s in first_fin.values() if s == CLIENT)
    reuse = len(t_syn) - len(syn_ports)
    span = max(t_syn) - min(t_syn) if t_syn else 0
    return all([
        need(100 <= len(syn_ports) <= 200 and all(40000 <= p <= 40199 for p in syn_ports),
             f"{len(syn_ports)} source ports, {min(syn_ports, default=0)}-{max(syn_ports, default=0)} (<= 200, in 40000-40199)"),
        need(first_fin and by_client >= len(first_fin) - 1,
             f"connections closed first by the client: {by_client} of {len(first_fin)} (all, the last aside)"),
        need(reuse == 0 or step["end_ns"] - step["start_ns"] > 60e9,
             f"SYNs {len(t_syn)} from {len(syn_ports)} ports: a port reused only after TIME_WAIT (60 s)"),
        need(span < step["end_ns"] / 1e9 - step["start_ns"] / 1e9 - 0.5,
             f"SYNs stop once the ports are used up: all within {span:.2f} s of a {(step['end_ns'] - step['start_ns']) / 1e9:.1f} s step"),
    ])


def main():
    d = sys.argv[1]
    scn = json.load(open(f"{d}/scenario.json"))
    name, step = scn["scenario"], scn["steps"][0]
    print(f"{name}:")
    if name == "port-exhaustion":
        return port_exhaustion(d, step)
    b = event_bounds(step)
    if name == "guest-hang":
        end = step["event"]["end_ns"] / 1e9
        b["tail"] = (end - 2, end)
    c = tally(d, b)
    show(c)
    return {"app-hang": app_hang, "bridge-drop": bridge_drop, "guest-hang": guest_hang}[name](c, step)


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
