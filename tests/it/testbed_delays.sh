#!/usr/bin/env bash
# The testbed's delays, measured without hoplat: tshark reads the captures of
# `hoplat testbed run` (plus a tcpdump on the guest's eth0) and every packet's
# one-way delay per hop and direction is compared with the configured one.
# Delayed hops (1ms link, 300us bridge, 200us guest): median within 3% + 15 us,
# p90 within 10% + 50 us. Hops without delay (direct veth, bridge forwarding):
# median under 25 us.
set -u
. tests/it/testbed_lib.bash
tb_need_root
command -v tshark >/dev/null && command -v tcpdump >/dev/null || { echo "needs tshark and tcpdump"; exit 77; }
tmp=$(mktemp -d /tmp/hoplat-tbdelay.XXXXXX)
tdpid=
trap '[ -n "$tdpid" ] && kill "$tdpid" 2>/dev/null; "$HOPLAT" testbed down >/dev/null 2>&1; rm -rf "$tmp"' EXIT
OW="python3 tests/it/testbed_oneway.py"
C=10.77.0.1 G=10.77.0.10
rc=0

# check NAME A B SRC WANT_US
check() {
	local out med p90
	out=$($OW "$2" "$3" "$4") || { echo "FAIL $1: no packet matched"; rc=1; return; }
	med=$(echo "$out" | awk '{print $4}') p90=$(echo "$out" | awk '{print $6}')
	python3 -c 'import sys
n,m,p,w=sys.argv[1],float(sys.argv[2]),float(sys.argv[3]),float(sys.argv[4])
ok = abs(m-w) <= (0.03*w+15 if w else 25) and (w == 0 or p <= 1.1*w+50)
print(("ok   " if ok else "FAIL ")+f"{n}: median {m:.1f} us p90 {p:.1f} us, configured {w:.0f} us")
sys.exit(0 if ok else 1)' "$1" "$med" "$p90" "$5" || rc=1
}

# run SCENARIO RATE DIR: the run, with tcpdump on the guest's eth0 meanwhile
run() {
	ip netns exec hoplat-guest tcpdump -n -q -U --nano -s 200 -i eth0 -w "$3.guest.pcap" ip 2>/dev/null &
	tdpid=$!
	sleep 0.5
	"$HOPLAT" testbed run "$1" --out "$3" --rates "$2" --duration 2 >/dev/null 2>"$3.log" || { cat "$3.log"; rc=1; }
	kill -INT "$tdpid"; wait "$tdpid" 2>/dev/null; tdpid=
}

"$HOPLAT" testbed up --link-delay 1ms --bridge-delay 300us --guest-delay 200us >/dev/null || { echo "FAIL up"; exit 1; }
for s in dns-ramp:1000 http-ramp:150; do
	d=$tmp/${s%%:*}
	run "${s%%:*}" "${s##*:}" "$d"
	check "${s%%:*} link client->peth0" "$d/client.pcapng#eth0" "$d/dom0.pcapng#peth0" $C 1000
	check "${s%%:*} link peth0->client" "$d/dom0.pcapng#peth0" "$d/client.pcapng#eth0" $G 1000
	check "${s%%:*} bridge peth0->vif1.0" "$d/dom0.pcapng#peth0" "$d/dom0.pcapng#vif1.0" $C 300
	check "${s%%:*} bridge vif1.0->peth0" "$d/dom0.pcapng#vif1.0" "$d/dom0.pcapng#peth0" $G 300
	check "${s%%:*} guest vif1.0->eth0" "$d/dom0.pcapng#vif1.0" "$d.guest.pcap" $C 200
	check "${s%%:*} guest eth0->vif1.0" "$d.guest.pcap" "$d/dom0.pcapng#vif1.0" $G 200
done
"$HOPLAT" testbed down >/dev/null

"$HOPLAT" testbed up >/dev/null || { echo "FAIL up without delays"; exit 1; }
d=$tmp/nodelay
run dns-ramp 1000 "$d"
check "no delay: link client->peth0" "$d/client.pcapng#eth0" "$d/dom0.pcapng#peth0" $C 0
check "no delay: link peth0->client" "$d/dom0.pcapng#peth0" "$d/client.pcapng#eth0" $G 0
check "no delay: bridge peth0->vif1.0" "$d/dom0.pcapng#peth0" "$d/dom0.pcapng#vif1.0" $C 0
check "no delay: bridge vif1.0->peth0" "$d/dom0.pcapng#vif1.0" "$d/dom0.pcapng#peth0" $G 0
exit $rc
