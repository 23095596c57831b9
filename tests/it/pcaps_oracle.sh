#!/usr/bin/env bash
# The captures shipped in pcaps/ (testbed runs: BIND/dnsperf, lighttpd/httperf),
# one point at a time: each single-interface capture whole, and each
# interface of a multi-interface capture through FILE#IFACE. Every DNS and
# HTTP response time hoplat reports equals tshark's (on that interface's
# packets alone; stored in tests/ref by tests/ref/regen.sh) within 1 us, and
# the counts are equal.
set -u
cd "$(dirname "$0")/../.."
. tests/ref/ref.bash
command -v python3 >/dev/null || { echo "python3 not installed"; exit 77; }
[ -x ./hoplat ] || { echo "./hoplat not built"; exit 1; }
ls pcaps/*/*.pcapng >/dev/null 2>&1 || { echo "no captures in pcaps/"; exit 77; }
ref_need
tmp=$(mktemp -d /tmp/hoplat-pcaps.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail=0 n=0

oracle() {	# stored-times hoplat-spec label
	{ printf 'frame.number\tframe.time_epoch\tdns.id\tdns.time\thttp.time\n'
	  ref_cat "$1"; } >"$tmp/ws.tsv" || { fail=1; return; }
	./hoplat analyze "$2" --transactions "$tmp/hop.jsonl" >"$tmp/hop.txt" 2>&1
	[ $? -le 1 ] || { echo "FAIL $3: hoplat failed"; cat "$tmp/hop.txt"; fail=1; return; }
	python3 tests/it/oracle_compare.py "$tmp/hop.jsonl" "$tmp/ws.tsv" "$3" || fail=1
	n=$((n + 1))
}

for cap in pcaps/*/*.pcapng; do
	mapfile -t ifaces < <(ref_cat "$(ref_out "$cap" .ifaces)" | sort -u)
	if [ ${#ifaces[@]} -le 1 ]; then
		oracle "$(ref_out "$cap" .times)" "$cap" "$cap"
		continue
	fi
	for ifc in "${ifaces[@]}"; do
		oracle "$(ref_out "$cap" "#$ifc.times")" "$cap#$ifc" "$cap#$ifc"
	done
done
[ $fail -eq 0 ] || { echo "pcaps_oracle: hoplat and Wireshark disagree (see above)"; exit 1; }
echo "pcaps_oracle: $n points, hoplat equals Wireshark on every timed response"
