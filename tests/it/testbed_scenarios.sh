#!/usr/bin/env bash
# The testbed's scenarios do what they say, tshark as the oracle
# (tests/it/testbed_events.py reads the captures around each event):
# - captures tshark can read, with the right interfaces; scenario.json with
#   tool versions, what the clients reported, the event's wall-clock bounds;
# - port-exhaustion: the client's ports really run out (EADDRNOTAVAIL, about
#   200 connections answered of 600), at most 200 ports, all closed first by
#   the client, no SYN once they are used up; the port range restored;
# - guest-hang: no answer from the guest after the hang (ping included), and
#   once the client's ARP entry expired only its ARP requests on the wire;
# - app-hang: during the SIGSTOP the guest's kernel sends SYN-ACKs and ping
#   answers, no DNS or HTTP response; answers again after SIGCONT;
# - bridge-drop: requests reach peth0, nothing toward the guest leaves vif1.0;
# - --loss 10: dnsperf loses about 1 - 0.9^2 = 19% of its queries (query and
#   answer each cross the link once); about 900 queries make the 12-26% bound
#   over five standard deviations wide.
# Bounds are counts far from what the other behaviour would give (hundreds of
# requests against zero answers), so machine load does not move them.
set -u
. tests/it/testbed_lib.bash
tb_need_root
command -v tshark >/dev/null || { echo "needs tshark"; exit 77; }
tmp=$(mktemp -d /tmp/hoplat-tbscn.XXXXXX)
trap '"$HOPLAT" testbed down >/dev/null 2>&1; rm -rf "$tmp"' EXIT
"$HOPLAT" testbed up --link-delay 500us >/dev/null || { echo "FAIL up"; exit 1; }
# guest-hang: 9 s, so the client's ARP entry (reachable 0.5-1.5 s, 1 s
# before the first probe, 3 probes 1 s apart) has expired 2 s before the end.
for s in port-exhaustion:300:2 guest-hang:50:9 app-hang:50:6 bridge-drop:50:6; do
	IFS=: read -r name rate dur <<<"$s"
	"$HOPLAT" testbed run "$name" --out "$tmp/$name" --rates "$rate" --duration "$dur" >/dev/null 2>"$tmp/log" ||
		{ cat "$tmp/log"; echo "FAIL run $name"; exit 1; }
done
range=$(ip netns exec hoplat-client cat /proc/sys/net/ipv4/ip_local_port_range | tr -s ' \t' ' ')
[ "$range" != "40000 40199" ] || { echo "FAIL: port range not restored"; exit 1; }
reach=$(ip netns exec hoplat-client cat /proc/sys/net/ipv4/neigh/eth0/base_reachable_time_ms)
[ "$reach" != 1000 ] || { echo "FAIL: the client's neighbour timers not restored"; exit 1; }
python3 - "$tmp" <<'PY' || exit 1
import json, subprocess, sys
tmp = sys.argv[1]
def ifaces(path):
    out = subprocess.run(["tshark", "-r", path, "-T", "fields", "-e", "frame.interface_name"],
                         capture_output=True, text=True, check=True).stdout.split()
    return {i: out.count(i) for i in set(out)}
for s in ("port-exhaustion", "guest-hang", "app-hang", "bridge-drop"):
    d = json.load(open(f"{tmp}/{s}/scenario.json"))
    c, m = ifaces(f"{tmp}/{s}/client.pcapng"), ifaces(f"{tmp}/{s}/dom0.pcapng")
    assert set(c) == {"eth0"} and set(m) == {"peth0", "vif1.0"}, (s, c, m)
    assert all(v > 100 for v in list(c.values()) + list(m.values())), (s, c, m)
    assert d["delays"]["link_us"] == 500 and d["delays"]["bridge_us"] == 0, d["delays"]
    assert d["cpu_quota"]["guest_pct"] is None and d["cpu_quota"]["client_pct"] is None, d["cpu_quota"]
    for t in ("named", "dnsperf", "httperf", "lighttpd"):
        assert d["tools"][t] not in ("", "unknown"), d["tools"]
    st = d["steps"][0]
    assert st["start_ns"] < st["end_ns"] and st["server_cpu_s"] > 0, st
    if s in ("app-hang", "bridge-drop"):
        e = st["event"]
        assert d["event"]["for_s"] == 3 and 2.9e9 < e["end_ns"] - e["start_ns"] < 3.5e9, (d["event"], e)
        h, q = st["httperf"], st["dnsperf"]
        assert h["connections"] == 300 and q["queries_sent"] >= 290, st
        print(f"{s}: {q['queries_completed']} of {q['queries_sent']} queries, {h['replies']} of {h['connections']} replies")
        continue
    assert st["client"] == "httperf" and st["connections"] == st["rate"] * d["duration_s"], st
    print(f"{s}: {st['replies']} replies of {st['connections']} connections, errors {st['errors']}")
    if s == "port-exhaustion":
        assert d["client_port_range"] == "40000 40199"
        assert 100 <= st["replies"] <= 200 and st["errors"]["other"] + st["errors"]["addrunavail"] > 300, st
    else:
        assert d["event"]["kind"] == "guest_drop" and d["event"]["for_s"] is None, d["event"]
        assert 30 <= st["replies"] <= 100 and st["errors"]["client_timo"] >= 300, st
PY
for s in port-exhaustion guest-hang app-hang bridge-drop; do
	python3 tests/it/testbed_events.py "$tmp/$s" || { echo "FAIL $s (above)"; exit 1; }
done
"$HOPLAT" testbed down >/dev/null
"$HOPLAT" testbed up --link-delay 200us --loss 10 >/dev/null || { echo "FAIL up --loss 10"; exit 1; }
"$HOPLAT" testbed run dns-ramp --out "$tmp/loss" --rates 300 --duration 3 >/dev/null 2>"$tmp/log" ||
	{ cat "$tmp/log"; echo "FAIL run dns-ramp with loss"; exit 1; }
python3 -c 'import json, sys
s = json.load(open(sys.argv[1]))["steps"][0]
f = s["queries_lost"] / s["queries_sent"]
lost, sent = s["queries_lost"], s["queries_sent"]
print(f"--loss 10: dnsperf lost {lost} of {sent} ({100*f:.1f}%, expected 19%)")
sys.exit(0 if s["queries_sent"] > 600 and 0.12 <= f <= 0.26 else 1)' "$tmp/loss/scenario.json" || { echo "FAIL loss"; exit 1; }
echo "ok: ports ran out, the hung guest and the stopped servers answered as they should, the bridge dropped toward the vif, loss as configured"
