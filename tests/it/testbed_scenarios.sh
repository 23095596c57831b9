#!/usr/bin/env bash
# port-exhaustion and guest-hang on the testbed: captures tshark can read,
# with the right interfaces; scenario.json with tool versions and what the
# clients reported; the client's ports really run out (EADDRNOTAVAIL, about
# 200 connections answered of 600); the hung guest answers neither HTTP nor
# ping after the hang, and did before. --loss 10: dnsperf loses about
# 1 - 0.9^2 = 19% of its queries (query and answer each cross the link once);
# about 900 queries make the 12-26% bound over five standard deviations wide.
set -u
. tests/it/testbed_lib.bash
tb_need_root
command -v tshark >/dev/null || { echo "needs tshark"; exit 77; }
tmp=$(mktemp -d /tmp/hoplat-tbscn.XXXXXX)
trap '"$HOPLAT" testbed down >/dev/null 2>&1; rm -rf "$tmp"' EXIT
"$HOPLAT" testbed up --link-delay 500us >/dev/null || { echo "FAIL up"; exit 1; }
for s in port-exhaustion:300 guest-hang:50; do
	"$HOPLAT" testbed run "${s%%:*}" --out "$tmp/${s%%:*}" --rates "${s##*:}" --duration 2 >/dev/null 2>"$tmp/log" ||
		{ cat "$tmp/log"; echo "FAIL run ${s%%:*}"; exit 1; }
done
range=$(ip netns exec hoplat-client cat /proc/sys/net/ipv4/ip_local_port_range | tr -s ' \t' ' ')
[ "$range" != "40000 40199" ] || { echo "FAIL: port range not restored"; exit 1; }
python3 - "$tmp" <<'PY' || exit 1
import json, subprocess, sys
tmp = sys.argv[1]
def ifaces(path):
    out = subprocess.run(["tshark", "-r", path, "-T", "fields", "-e", "frame.interface_name"],
                         capture_output=True, text=True, check=True).stdout.split()
    return {i: out.count(i) for i in set(out)}
for s in ("port-exhaustion", "guest-hang"):
    d = json.load(open(f"{tmp}/{s}/scenario.json"))
    c, m = ifaces(f"{tmp}/{s}/client.pcapng"), ifaces(f"{tmp}/{s}/dom0.pcapng")
    assert set(c) == {"eth0"} and set(m) == {"peth0", "vif1.0"}, (s, c, m)
    assert all(v > 100 for v in list(c.values()) + list(m.values())), (s, c, m)
    assert d["delays"]["link_us"] == 500 and d["delays"]["bridge_us"] == 0, d["delays"]
    for t in ("named", "dnsperf", "httperf", "lighttpd"):
        assert d["tools"][t] not in ("", "unknown"), d["tools"]
    st = d["steps"][0]
    assert st["client"] == "httperf" and st["connections"] == 2 * st["rate"], st
    print(f"{s}: {st['replies']} replies of {st['connections']} connections, errors {st['errors']}")
    if s == "port-exhaustion":
        assert d["client_port_range"] == "40000 40199"
        assert 100 <= st["replies"] <= 200 and st["errors"]["other"] + st["errors"]["addrunavail"] > 300, st
    else:
        p = d["ping"]
        print(f"  ping {p}")
        assert p["answered_before_hang"] >= 3 and p["sent_after_hang"] >= 3 and p["answered_after_hang"] == 0, p
        assert 30 <= st["replies"] <= 70 and st["errors"]["client_timo"] >= 20, st
PY
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
echo "ok: port-exhaustion ran out of ports, guest-hang stopped answering HTTP and ping, loss as configured"
