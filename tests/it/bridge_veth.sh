#!/usr/bin/env bash
# hoplat bridge show on a bridge whose ports are veths with names that say
# nothing (containers, namespaces): no guest, and it says why, naming a veth
# and the command lines that would capture it; with a guest port, no such line.
set -u
cd "$(dirname "$0")/../.."
[ "$(id -u)" -eq 0 ] || { echo "needs root (namespaces)"; exit 77; }
H=$PWD/hoplat
[ -x "$H" ] || { echo "./hoplat not built"; exit 1; }
ns=hoplat-brveth-$$
trap 'ip netns del $ns 2>/dev/null' EXIT
rc=0
ip netns add $ns || exit 1
ip -n $ns link add br0 type bridge
ip -n $ns link add eth0 type veth peer name x0
ip -n $ns link add vc type veth peer name x1
for p in eth0 vc; do ip -n $ns link set $p master br0; done
out=$(ip netns exec $ns $H bridge show 2>&1)
echo "$out" | grep -q "no guest found on br0: a guest port is named vifD.N (Xen), tapN or vnetN (KVM)" ||
	{ echo "FAIL: no reason given: $out"; rc=1; }
echo "$out" | grep -q "its 1 veth port (vc) is not taken for one" || { echo "FAIL: veth not named: $out"; rc=1; }
echo "$out" | grep -q "hoplat live --uplink eth0 --vif vc" || { echo "FAIL: no command line: $out"; rc=1; }
ip -n $ns link add vif3.0 type veth peer name x2
ip -n $ns link set vif3.0 master br0
out=$(ip netns exec $ns $H bridge show 2>&1)
echo "$out" | grep -q "no guest found" && { echo "FAIL: reason with a guest port: $out"; rc=1; }
echo "$out" | grep -q "guest on vif3.0" || { echo "FAIL: guest port not found: $out"; rc=1; }
[ $rc -eq 0 ] && echo "bridge_veth: why no guest, said"
exit $rc
