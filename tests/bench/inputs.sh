#!/usr/bin/env bash
# The benchmark's inputs: real traffic on the namespace testbed (docs/testbed.md),
# captured at three points (client.pcapng: the client's eth0; dom0.pcapng:
# peth0 and vif1.0), cached under build/bench/ (nothing large is committed):
#   dns    BIND + dnsperf, BENCH_DNS_QPS queries/s (default 28000, the paper's
#          ramp top) for BENCH_DNS_S seconds (20): about 1.1 million packets
#          at each point
#   dns4   the same four times longer (the memory check)
#   http   lighttpd + httperf, one new connection per request, BENCH_HTTP_CPS
#          connections/s (2000) for BENCH_HTTP_S seconds (60); the client may
#          reuse a TIME_WAIT port after a second (net.ipv4.tcp_tw_reuse=1 and
#          ports 1024-65535 in hoplat-client), else its ports run out first
# Needs root; each testbed run holds /tmp/hoplat-ns.lock (the testbed's names
# are fixed). Prints the directories made or found.
#   tests/bench/inputs.sh [dns] [dns4] [http]     (default: all three)
set -u
cd "$(dirname "$0")/../.."
B=build/bench
H=./hoplat
qps=${BENCH_DNS_QPS:-28000} dsec=${BENCH_DNS_S:-20}
cps=${BENCH_HTTP_CPS:-2000} hsec=${BENCH_HTTP_S:-60}
make -s hoplat >/dev/null || exit 1
# run NAME SCENARIO RATE SECONDS [SETUP]: a testbed run into $B/NAME unless there
run() {
	local d=$B/$1
	if [ -f "$d/ok" ]; then echo "$d (cached)"; return 0; fi
	[ "$(id -u)" -eq 0 ] || { echo "bench inputs: $1 needs root (the testbed)" >&2; return 77; }
	rm -rf "$d"; mkdir -p "$d"
	flock /tmp/hoplat-ns.lock bash -c "
		'$H' testbed down >/dev/null 2>&1
		'$H' testbed up >/dev/null || exit 1
		${5:-true}
		'$H' testbed run $2 --out '$d' --rates $3 --duration $4 >'$d/run.out' 2>'$d/run.log'; rc=\$?
		'$H' testbed down >/dev/null
		exit \$rc" || { echo "bench inputs: $1 failed ($(tail -n 3 "$d/run.log" 2>/dev/null))" >&2; return 1; }
	touch "$d/ok"
	echo "$d"
}
tw="ip netns exec hoplat-client sysctl -q -w net.ipv4.tcp_tw_reuse=1 'net.ipv4.ip_local_port_range=1024 65535'"
rc=0
for what in ${*:-dns dns4 http}; do
	case $what in
	dns) run dns dns-ramp "$qps" "$dsec" || rc=1;;
	dns4) run dns4 dns-ramp "$qps" $((dsec * 4)) || rc=1;;
	http) run http http-ramp "$cps" "$hsec" "$tw" || rc=1;;
	*) echo "bench inputs: $what? (dns, dns4, http)" >&2; rc=2;;
	esac
done
exit $rc
