#!/usr/bin/env bash
# Offline analysis: speed and memory of `hoplat analyze` on real traffic,
# side by side with the peers on the same files.
#
# Inputs (tests/bench/inputs.sh, cached in build/bench/): BIND + dnsperf and
# lighttpd + httperf on the namespace testbed, captured at three points
# (client.pcapng: the client's eth0; dom0.pcapng: peth0 and vif1.0).
#   one point      hoplat analyze client.pcapng, against `tshark -q -z dns,tree`
#                  and `tcpdump -nr` on that file
#   three points   hoplat analyze --client --uplink --vif (full attribution)
#   memory         the same on a capture four times longer (dns4)
#   HTTP           hoplat on the HTTP client capture, against `tcptrace -l`
# Each run under /usr/bin/time: wall seconds (the monotonic clock around the
# run; best and median of BENCH_REPS, default 3), CPU seconds (user+sys of
# the best run), peak RSS (largest of the runs). Packets per second =
# packets / wall seconds. Peers run once (slow).
# Prints Markdown for docs/performance.md. Without the inputs (not root, no
# testbed) it says so and stops.
set -u
cd "$(dirname "$0")/../.."
B=build/bench
reps=${BENCH_REPS:-3}
make -s hoplat >/dev/null || exit 1
tests/bench/inputs.sh ${BENCH_INPUTS:-dns dns4 http} >/dev/null || {
	echo "analyze bench: no inputs (tests/bench/inputs.sh needs root and the testbed)"; exit 0; }
tmp=$(mktemp -d /tmp/hoplat-bench-analyze.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# measure N CMD...: "wall cpu rss_kb median", the best wall of N runs (its
# CPU), the largest RSS and the median wall. Wall seconds from the monotonic
# clock around each run (ms; /usr/bin/time's %e has only centiseconds),
# CPU and RSS from /usr/bin/time.
measure() {
	local n=$1 best= cpu= rss=0 w u s r t0 t1 walls=(); shift
	for ((i = 0; i < n; i++)); do
		t0=$(date +%s%N)
		/usr/bin/time -f '%e %U %S %M' -o "$tmp/time" "$@" >/dev/null 2>"$tmp/err" || {
			echo "analyze bench: failed: $* ($(tail -n 1 "$tmp/err"))" >&2; echo "0 0 0 0"; return; }
		t1=$(date +%s%N)
		read -r w u s r <"$tmp/time"
		w=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.3f", (b - a) / 1e9}')
		walls+=("$w")
		if [ -z "$best" ] || awk -v a="$w" -v b="$best" 'BEGIN{exit !(a<b)}'; then
			best=$w cpu=$(awk -v u="$u" -v s="$s" 'BEGIN{printf "%.2f", u+s}')
		fi
		[ "$r" -gt "$rss" ] && rss=$r
	done
	echo "$best $cpu $rss $(printf '%s\n' "${walls[@]}" | sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}')"
}
packets() { capinfos -c -M "$1" 2>/dev/null | awk '/Number of packets/ {print $NF}'; }
mpps() { awk -v n="$1" -v s="$2" 'BEGIN{ if (s <= 0) s = 0.001; printf "%.2f", n / s / 1e6 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (b <= 0) b = 0.001; printf "%.1f", a / b }'; }
mib() { awk -v k="$1" 'BEGIN{printf "%.0f", k / 1024}'; }
row() {	# LABEL PACKETS "wall cpu rss median"
	local w c r m; read -r w c r m <<<"$3"
	echo "| $1 | $2 | $w | $m | $c | $(mpps "$2" "$w") | $(mpps "$2" "$m") | $(mpps "$2" "$c") | $(mib "$r") |"
}
three() { echo --client "$1/client.pcapng#eth0" --uplink "$1/dom0.pcapng#peth0" --vif "$1/dom0.pcapng#vif1.0"; }

idle() { awk '/^cpu / {print $5, $2 + $3 + $4 + $5 + $6 + $7 + $8}' /proc/stat; }
read -r idle0 all0 < <(idle)
d=$B/dns d4=$B/dns4 h=$B/http
n1=$(packets "$d/client.pcapng"); n3=$((n1 + $(packets "$d/dom0.pcapng")))
echo "### Offline analysis ($(date -u +%Y-%m-%d), $(nproc) cores, $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo), page cache warm)"
echo
echo "| run | packets | wall s (best) | wall s (median) | CPU s | Mpps (best) | Mpps (median) | Mpps (CPU) | peak RSS MiB |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
cat "$d/client.pcapng" "$d/dom0.pcapng" >/dev/null	# warm the cache
H1=$(measure "$reps" ./hoplat analyze "$d/client.pcapng" --json "$tmp/1.json")
row "hoplat, one point (DNS client)" "$n1" "$H1"
# shellcheck disable=SC2046
H3=$(measure "$reps" ./hoplat analyze $(three "$d") --json "$tmp/3.json")
row "hoplat, three points (DNS)" "$n3" "$H3"
T1= D1=
if command -v tshark >/dev/null; then
	T1=$(measure 1 tshark -q -z dns,tree -r "$d/client.pcapng")
	row "tshark -q -z dns,tree, one point" "$n1" "$T1"
fi
if command -v tcpdump >/dev/null; then
	D1=$(measure 1 tcpdump -nr "$d/client.pcapng")
	row "tcpdump -nr, one point" "$n1" "$D1"
fi
L1= L3=
if [ -f "$d4/client.pcapng" ]; then
	cat "$d4/client.pcapng" "$d4/dom0.pcapng" >/dev/null
	m1=$(packets "$d4/client.pcapng"); m3=$((m1 + $(packets "$d4/dom0.pcapng")))
	L1=$(measure 1 ./hoplat analyze "$d4/client.pcapng" --json "$tmp/l1.json")
	row "hoplat, one point, 4x longer" "$m1" "$L1"
	# shellcheck disable=SC2046
	L3=$(measure 1 ./hoplat analyze $(three "$d4") --json "$tmp/l3.json")
	row "hoplat, three points, 4x longer" "$m3" "$L3"
fi
HH= TT=
if [ -f "$h/client.pcapng" ]; then
	nh=$(packets "$h/client.pcapng")
	cat "$h/client.pcapng" >/dev/null
	HH=$(measure "$reps" ./hoplat analyze "$h/client.pcapng" --json "$tmp/h.json")
	row "hoplat, one point (HTTP client)" "$nh" "$HH"
	if command -v tcptrace >/dev/null; then
		TT=$(measure 1 tcptrace -l "$h/client.pcapng")
		row "tcptrace -l, one point (HTTP)" "$nh" "$TT"
	fi
fi
read -r idle1 all1 < <(idle)
echo
echo "The machine's CPUs were idle $(awk -v i=$((idle1 - idle0)) -v a=$((all1 - all0)) \
	'BEGIN{printf "%.0f%%", a ? 100 * i / a : 0}') of the time during these runs (shared: other work"
echo "on it lengthens wall times; CPU seconds move less)."
echo
w() { echo "$1" | awk '{print $1}'; }
r() { echo "$1" | awk '{print $3}'; }
med() { echo "$1" | awk '{print $4}'; }
echo "Ratios (wall time, same file):"
[ -n "$T1" ] && echo "- tshark / hoplat, one point DNS: $(ratio "$(w "$T1")" "$(w "$H1")")x, against hoplat's median $(ratio "$(w "$T1")" "$(med "$H1")")x (peak RSS $(mib "$(r "$T1")") MiB vs $(mib "$(r "$H1")") MiB)"
[ -n "$D1" ] && echo "- tcpdump -nr / hoplat, one point DNS: $(ratio "$(w "$D1")" "$(w "$H1")")x"
[ -n "$TT" ] && echo "- tcptrace -l / hoplat, one point HTTP: $(ratio "$(w "$TT")" "$(w "$HH")")x"
growth() { awk -v a="$(r "$1")" -v b="$(r "$2")" 'BEGIN{printf "%+.1f%%", (b-a)*100/a}'; }
[ -n "$L1" ] && echo "- peak RSS, capture 4x longer: one point $(growth "$H1" "$L1"), three points $(growth "$H3" "$L3")"
exit 0
