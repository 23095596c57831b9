#!/usr/bin/env bash
# Every DNS and HTTP response time hoplat reports on the reference captures
# equals Wireshark's dns.time / http.time within 1 us, and the counts are
# equal: against the shipped NAME.tshark.tsv files and against tshark run
# here, on every capture (also those without a .tsv: there both must agree,
# often on none).
set -u
cd "$(dirname "$0")/../.."
REF=../shared/pcaps/reference
[ -d "$REF" ] || { echo "no reference captures at $REF"; exit 77; }
command -v tshark >/dev/null || { echo "tshark not installed"; exit 77; }
command -v python3 >/dev/null || { echo "python3 not installed"; exit 77; }
[ -x ./hoplat ] || { echo "./hoplat not built"; exit 1; }
tmp=$(mktemp -d /tmp/hoplat-oracle.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail=0 n=0
for cap in "$REF"/*.pcap "$REF"/*.pcapng; do
	[ -e "$cap" ] || continue
	name=$(basename "$cap"); name=${name%.pcap*}
	n=$((n + 1))
	# Wireshark also finds HTTP on other ports by heuristics (http-lines-split
	# is on 31337); hoplat is told such ports with --http-port/--dns-port, so
	# this test compares timing, not port guessing.
	ports=()
	for p in $(tshark -r "$cap" -Y 'http.request' -T fields -e tcp.dstport 2>/dev/null | sort -un); do
		[ "$p" = 80 ] || ports+=(--http-port "$p")
	done
	for p in $(tshark -r "$cap" -Y 'dns.flags.response == 0' -T fields -e udp.dstport -e tcp.dstport 2>/dev/null |
		   tr '\t,' '\n\n' | grep -v '^$' | sort -un); do
		[ "$p" = 53 ] || ports+=(--dns-port "$p")
	done
	./hoplat analyze "$cap" "${ports[@]}" --transactions "$tmp/$name.jsonl" --json "$tmp/$name.json" >"$tmp/$name.txt" 2>&1
	rc=$?
	if [ $rc -gt 1 ]; then
		echo "FAIL $name: hoplat exited $rc"; cat "$tmp/$name.txt"; fail=1; continue
	fi
	# tshark, live (one pass, as the shipped files were made)
	{ printf 'frame.number\tframe.time_epoch\tdns.id\tdns.time\thttp.time\n'
	  tshark -r "$cap" -Y 'dns.time || http.time' -T fields -e frame.number \
		-e frame.time_epoch -e dns.id -e dns.time -e http.time 2>/dev/null; } >"$tmp/$name.live.tsv"
	python3 tests/it/oracle_compare.py "$tmp/$name.jsonl" "$tmp/$name.live.tsv" "$name (tshark)" || fail=1
	if [ -e "$REF/$name.tshark.tsv" ]; then
		python3 tests/it/oracle_compare.py "$tmp/$name.jsonl" "$REF/$name.tshark.tsv" "$name (shipped tsv)" >/dev/null ||
			{ echo "FAIL $name: differs from $name.tshark.tsv"; fail=1; }
	fi
done
[ $n -gt 0 ] || { echo "no captures in $REF"; exit 77; }
if [ $fail -ne 0 ]; then
	echo "reference_oracle: hoplat and Wireshark disagree (see above)"
	exit 1
fi
echo "reference_oracle: $n captures, hoplat equals Wireshark on every timed response"
