#!/usr/bin/env bash
# Capture cost: CPU seconds (user+sys, getrusage of the capture process via
# /usr/bin/time) per million packets captured and written, hoplat capture vs
# tcpdump -w, on the same traffic: tests/tools/udpgen sends 64-byte UDP
# payloads at a fixed rate over a veth between two namespaces; the receiving
# side drops them at nftables netdev ingress (after the capture taps), so no
# ICMP or socket work disturbs the numbers. Then the highest rate each tool
# captures with no drop. Needs root (else skipped). Prints Markdown.
set -u
cd "$(dirname "$0")/../.."
[ "$(id -u)" -eq 0 ] || { echo "capture bench: needs root (namespaces); skipped"; exit 0; }
make -s hoplat build/tools/udpgen >/dev/null || exit 1
G="hoplat-t4-bg$$" R="hoplat-t4-br$$"
B=$(mktemp -d /tmp/hoplat-t4-bench.XXXXXX); chmod 777 "$B"
cleanup() { ip netns del "$G" 2>/dev/null; ip netns del "$R" 2>/dev/null; rm -rf "$B"; }
trap cleanup EXIT
ip netns add "$G"; ip netns add "$R"
ip link add g0 netns "$G" type veth peer name r0 netns "$R"
ip -n "$G" addr add 10.99.5.1/24 dev g0; ip -n "$R" addr add 10.99.5.2/24 dev r0
ip -n "$G" link set g0 up; ip -n "$R" link set r0 up
ip -n "$G" neigh add 10.99.5.2 lladdr "$(ip -n "$R" -br link show r0 | awk '{print $3}')" dev g0
printf 'table netdev hoplat_t4 {\n chain in {\n  type filter hook ingress device "r0" priority 0; policy drop;\n }\n}\n' |
	ip netns exec "$R" nft -f - || exit 1

SECS=${BENCH_CAPTURE_SECS:-8}
# run TOOL RATE: prints "sent captured kdrop cpu_seconds"
run() {
	local tool=$1 rate=$2 cmd
	rm -f "$B"/out.*
	case $tool in
	hoplat) cmd=(./hoplat capture -q -i r0 -w "$B/out.pcapng" udp);;
	tcpdump) cmd=(tcpdump -i r0 -w "$B/out.pcap" --time-stamp-precision=nano udp);;
	esac
	# timeout only as a safety net: the capture is stopped (SIGINT, passed on
	# by timeout) once the generator is done, however long it took
	/usr/bin/time -f '%U %S' -o "$B/time" timeout -s INT $((SECS * 4 + 20)) \
		ip netns exec "$R" "${cmd[@]}" 2>"$B/err" &
	local p=$!
	sleep 0.7
	ip netns exec "$G" build/tools/udpgen 10.99.5.2 9 "$rate" "$SECS" >"$B/gen"
	sleep 0.5
	pkill -INT -P "$p" timeout
	wait $p
	local sent cap kd cpu
	sent=$(awk '{print $2}' "$B/gen")
	if [ "$tool" = hoplat ]; then
		cap=$(awk '/packets written/ {print $2}' "$B/err"); kd=$(awk '/packets written/ {print $9}' "$B/err")
	else
		cap=$(awk '/packets captured/ {print $1}' "$B/err"); kd=$(awk '/dropped by kernel/ {print $1}' "$B/err")
	fi
	cpu=$(tail -n 1 "$B/time" | awk '{print $1 + $2}')
	# the rate the generator reached (it may fall short of the offered one)
	local pps
	pps=$(tr -d '()' <"$B/gen" | awk '{print int($(NF-1))}')
	echo "${sent:-0} ${cap:-0} ${kd:-0} $cpu ${pps:-0}"
}

echo "### Capture cost ($(date -u +%Y-%m-%d), $(nproc) cores, ${SECS} s per run, 64-byte UDP payloads, filter \`udp\`)"
echo
echo "| tool | offered pps (reached) | sent | captured | kernel drops | CPU s (user+sys) | CPU s per million packets |"
echo "|---|---|---|---|---|---|---|"
for rate in ${BENCH_CAPTURE_RATE:-150000}; do
	for rep in 1 2; do
		for tool in hoplat tcpdump; do
			read -r sent cap kd cpu pps < <(run $tool "$rate")
			per=$(awk -v c="$cpu" -v n="$cap" 'BEGIN { printf "%.3f", (n > 0 ? c / n * 1e6 : 0) }')
			echo "| $tool | $rate ($pps) | $sent | $cap | $kd | $cpu | $per |"
		done
	done
done
echo
echo "### Highest rate captured with no drop"
echo
echo "| tool | offered pps (reached): captured/sent | highest reached rate with no drop |"
echo "|---|---|---|"
for tool in hoplat tcpdump; do
	best=0 tried=""
	for rate in ${BENCH_CAPTURE_RATES:-200000 300000 400000 500000}; do
		read -r sent cap kd cpu pps < <(run $tool "$rate")
		tried="$tried $rate (reached $pps): $cap/$sent;"
		# credit the rate the generator reached, not the one offered
		[ "$sent" -gt 0 ] && [ "$cap" -eq "$sent" ] && [ "$kd" -eq 0 ] && [ "$pps" -gt "$best" ] && best=$pps
	done
	echo "| $tool |$tried | $best pps |"
done
