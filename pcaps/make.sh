#!/usr/bin/env bash
# Regenerates the captures in pcaps/ on the namespace testbed (root):
#   pcaps/make.sh [HOPLAT]
# Every directory gets client.pcapng (client eth0), dom0.pcapng (peth0 and
# vif1.0), scenario.json (delays, rates, tool versions, what dnsperf/httperf
# reported), the client's own output, and expected.json (tshark's account:
# per-hop one-way medians and the issue-3 attribution p50s).
set -eu
cd "$(dirname "$0")"
H=${1:-../hoplat}
D="--link-delay 1ms --bridge-delay 300us --guest-delay 200us"
run() {	# DIR SCENARIO RATES DURATION
	rm -rf "$1"
	"$H" testbed run "$2" --out "$1" --rates "$3" --duration "$4"
	chmod 644 "$1"/*
	python3 expected.py "$1" >/dev/null
}
"$H" testbed down >/dev/null
"$H" testbed up $D >/dev/null
trap '"$H" testbed down >/dev/null' EXIT
run demo dns-ramp 200,400 2
run http-ramp http-ramp 50,100 2
run port-exhaustion port-exhaustion 300 2
run guest-hang guest-hang 50 3
du -sh . */
