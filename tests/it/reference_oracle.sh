#!/usr/bin/env bash
# Every DNS and HTTP response time hoplat reports on the reference captures
# equals Wireshark's dns.time / http.time within 1 us, and the counts are
# equal, on every capture (also those where Wireshark times no response:
# there both must agree on none). tshark's output is stored in tests/ref
# (tests/ref/regen.sh).
set -u
cd "$(dirname "$0")/../.."
. tests/ref/ref.bash
command -v python3 >/dev/null || { echo "python3 not installed"; exit 77; }
[ -x ./hoplat ] || { echo "./hoplat not built"; exit 1; }
ref_need
tmp=$(mktemp -d /tmp/hoplat-oracle.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail=0 n=0
for cap in "$REF_CAPS"/*.pcap; do
	name=$(basename "$cap" .pcap)
	n=$((n + 1))
	# Wireshark also finds HTTP on other ports by heuristics (http-lines-split
	# is on 31337); hoplat is told such ports with --http-port/--dns-port, so
	# this test compares timing, not port guessing.
	ports=()
	for p in $(ref_cat "$(ref_out "$cap" .http-ports)" | sort -un); do
		[ "$p" = 80 ] || ports+=(--http-port "$p")
	done
	for p in $(ref_cat "$(ref_out "$cap" .dns-ports)" | tr '\t,' '\n\n' | grep -v '^$' | sort -un); do
		[ "$p" = 53 ] || ports+=(--dns-port "$p")
	done
	./hoplat analyze "$cap" "${ports[@]}" --transactions "$tmp/$name.jsonl" --json "$tmp/$name.json" >"$tmp/$name.txt" 2>&1
	rc=$?
	if [ $rc -gt 1 ]; then
		echo "FAIL $name: hoplat exited $rc"; cat "$tmp/$name.txt"; fail=1; continue
	fi
	{ printf 'frame.number\tframe.time_epoch\tdns.id\tdns.time\thttp.time\n'
	  ref_cat "$(ref_out "$cap" .times)"; } >"$tmp/$name.tsv" || { fail=1; continue; }
	python3 tests/it/oracle_compare.py "$tmp/$name.jsonl" "$tmp/$name.tsv" "$name" || fail=1
done
[ $n -gt 0 ] || { echo "no captures in $REF_CAPS"; exit 1; }
if [ $fail -ne 0 ]; then
	echo "reference_oracle: hoplat and Wireshark disagree (see above)"
	exit 1
fi
echo "reference_oracle: $n captures, hoplat equals Wireshark on every timed response"
