#!/usr/bin/env bash
# hoplat bridge show on the testbed's br0: both ports with their roles, the
# guest's MAC and 10.77.0.10 behind vif1.0, the client's behind peth0, and
# the capture/live command lines; JSON and text agree.
set -u
. tests/it/testbed_lib.bash
tb_need_root
command -v python3 >/dev/null || { echo "no python3 to read the JSON"; exit 77; }
trap '"$HOPLAT" testbed down >/dev/null 2>&1' EXIT
fail() { echo "FAIL: $*"; exit 1; }

"$HOPLAT" bridge show nosuchbridge0 >/dev/null 2>&1 && fail "bridge show of a missing bridge succeeded"
"$HOPLAT" testbed up --link-delay 1ms --bridge-delay 300us >/dev/null || fail "testbed up"
json=$(ip netns exec hoplat-dom0 "$HOPLAT" bridge show br0 --json) || fail "bridge show --json"
echo "$json" | python3 -c '
import json, sys
d = json.load(sys.stdin)
ports = {p["name"]: p for p in d["ports"]}
assert set(ports) == {"peth0", "vif1.0"}, ports.keys()
assert ports["peth0"]["role"] == "uplink", ports["peth0"]
assert ports["vif1.0"]["role"] == "vif", ports["vif1.0"]
assert ports["vif1.0"]["domid"] == 1, ports["vif1.0"]
for p in ports.values():
    assert p["bridge"] == "br0" and p["mac"].count(":") == 5 and p["mtu"] == 1500, p
    assert p["stp_state"] == "forwarding" and p["state"] == "up", p
g = {m["mac"]: m for m in ports["vif1.0"]["learned"]}
assert "02:77:00:00:00:0a" in g, ports["vif1.0"]["learned"]
assert "10.77.0.10" in g["02:77:00:00:00:0a"]["ips"], g
c = {m["mac"]: m for m in ports["peth0"]["learned"]}
assert "02:77:00:00:00:01" in c and "10.77.0.1" in c["02:77:00:00:00:01"]["ips"], c
assert "02:77:00:00:00:0a" not in c, "guest MAC learned behind the uplink"
assert d["guests"][0]["live"] == "hoplat live --uplink peth0 --vif vif1.0", d["guests"]
' || fail "JSON: $json"
text=$(ip netns exec hoplat-dom0 "$HOPLAT" bridge show) || fail "bridge show"
echo "$text" | grep -q "hoplat capture -i peth0 -i vif1.0" || fail "no capture command line: $text"
echo "$text" | grep -E "^  vif1.0 +vif " >/dev/null || fail "vif1.0 not shown as vif: $text"
echo "$text" | grep -q "ip 10.77.0.10" || fail "guest IP not shown: $text"
echo "bridge show: peth0 uplink, vif1.0 vif (domain 1) with 10.77.0.10 behind it"
