#!/usr/bin/env bash
# The testbed's delay line, measured without hoplat: tshark reads the
# captures of `hoplat testbed run` (plus a tcpdump on the guest's eth0) and
# every packet's one-way delay per hop and direction (testbed_oneway.py) is
# compared with the configured one: 1 ms link, 300 us bridge, 200 us guest
# (dns-ramp at 1000 queries/s, http-ramp at 150 connections/s), and no delay
# (direct veth, bridge forwarding; dns-ramp).
#
# Bounds, beside what was measured on this 2-core VM (excess over the
# configured delay, range over every hop and direction of 16 runs of this
# test: 11 alone, 2 with one core busy, 1 with both busy, and 2 with the delay
# line at SCHED_OTHER (HOPLAT_DL_NOFIFO=1), one and both cores busy):
#   min    >= configured: frames leave at their kernel receive stamp + the
#            delay, never early (measured +0.4 to +1.4 us);
#   median <= configured + 60 us (measured +1.0 to +4.2 us; one `make test`
#            on this machine once saw +43.5 us, not reproduced since);
#   p90    <= configured + 250 us while the delay line runs SCHED_FIFO, as
#            `up` sets it (measured +1.3 to +27 us); printed only when the
#            system refused SCHED_FIFO (measured up to +2170 us at
#            SCHED_OTHER with both cores busy);
#   no delay: median <= 25 us (measured 0.3 to 3.5 us).
# p99 and max are printed: they follow the load (up to 40 ms at SCHED_OTHER).
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

# check NAME A B SRC WANT_US: one hop and direction; prints the delay line's
# one-way delays (tshark, testbed_oneway.py) and checks them against BOUNDS.
check() {
	local out
	out=$($OW "$2" "$3" "$4") || { echo "FAIL $1: no packet matched"; rc=1; return; }
	python3 -c "$BOUNDS" "$1" "$5" "$DL_CLASS" $out || rc=1
}
BOUNDS='import sys
name, want, fifo = sys.argv[1], float(sys.argv[2]), sys.argv[3] == "FF"
v = dict(zip(sys.argv[4::2], map(float, sys.argv[5::2])))
n, med, p90, p99, lo, hi = (v[k] for k in ("n", "median", "p90", "p99", "min", "max"))
if want:
    ok = lo >= want and med <= want + 60 and (p90 <= want + 250 or not fifo)
else:
    ok = med <= 25
print(("ok   " if ok else "FAIL ") + f"{name} (configured {want:.0f} us): n {n:.0f} median {med:.1f} "
      f"p90 {p90:.1f} p99 {p99:.1f} min {lo:.1f} max {hi:.1f} us")
sys.exit(0 if ok else 1)'

# The delay line's scheduling class (FF: SCHED_FIFO).
dl_class() { ps -o cls= -p "$(cat /run/hoplat-testbed/delayline.pid 2>/dev/null)" 2>/dev/null | tr -d ' '; }

# run SCENARIO RATE DIR: the run, with tcpdump on the guest's eth0 meanwhile
run() {
	ip netns exec hoplat-guest tcpdump -n -q -U --nano -s 200 -i eth0 -w "$3.guest.pcap" ip 2>/dev/null &
	tdpid=$!
	sleep 0.5
	"$HOPLAT" testbed run "$1" --out "$3" --rates "$2" --duration 2 >/dev/null 2>"$3.log" || { cat "$3.log"; rc=1; }
	kill -INT "$tdpid"; wait "$tdpid" 2>/dev/null; tdpid=
}

"$HOPLAT" testbed up --link-delay 1ms --bridge-delay 300us --guest-delay 200us >/dev/null || { echo "FAIL up"; exit 1; }
DL_CLASS=$(dl_class)
echo "delay line scheduling class: ${DL_CLASS:-unknown}"
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
