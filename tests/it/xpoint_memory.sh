#!/usr/bin/env bash
# Streaming: a capture four times longer does not raise hoplat's peak memory
# (maximum resident set size, /usr/bin/time -v) by more than 15%, for the
# three-point analysis of DNS and of HTTP. The shorter capture is already
# longer than what the clock estimate reads ahead of the analysis (bounded,
# capture/input.h), so the comparison sees what grows with length.
. tests/it/lib/xpoint_lib.sh
[ -x /usr/bin/time ] || { echo "/usr/bin/time not installed"; exit 77; }
rc=0
peak() {	# DIR -> kB
	/usr/bin/time -v ./hoplat analyze --client "$1/client.pcapng" --uplink "$1/uplink.pcapng" \
		--vif "$1/vif.pcapng" --json "$1/out.json" 2>&1 >/dev/null |
		awk -F: '/Maximum resident set size/ { gsub(/ /, "", $2); print $2 }'
}
for kind in dns http; do
	cap=$(xp_capture $kind)
	for r in 16 64; do
		mkdir -p "$XP/$kind$r"
		"$GEN" --in "$cap" --out "$XP/$kind$r" --layout separate --repeat $r --drop link:3 || exit 1
	done
	base=$(peak "$XP/${kind}16") long=$(peak "$XP/${kind}64")
	count() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]]["transactions"])' "$1" $kind; }
	n4=$(count "$XP/${kind}16/out.json")
	n16=$(count "$XP/${kind}64/out.json")
	echo "$kind: $n4 transactions peak ${base} kB; $n16 transactions peak ${long} kB"
	[ "$n16" -ge $((n4 * 4 - 8)) ] || { echo "FAIL: the longer capture did not give 4x the transactions"; rc=1; }
	[ "$long" -le $((base * 115 / 100)) ] || { echo "FAIL: peak memory grew more than 15%"; rc=1; }
done
exit $rc
