#!/usr/bin/env bash
# Offline analysis speed and memory: packets per second and peak RSS of
# `hoplat analyze` on generated captures built from real DNS and HTTP
# traffic (the reference captures repeated), at two lengths to show memory
# stays flat; tshark on the short one for scale.
# Prints a Markdown table for docs/performance.md.
set -eu
cd "$(dirname "$0")/../.."
make -s hoplat build/tools/capgen >/dev/null
tmp=$(mktemp -d /tmp/hoplat-bench-analyze.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
ref=tests/ref/captures
tpl=(-r "$ref/dns.pcap" -r "$ref/http-lines-split.pcap" -r "$ref/dnso1tcp.pcap")
short=${BENCH_SHORT:-1000000}
long=$((short * 4))
build/tools/capgen "${tpl[@]}" -n "$short" -F pcap "$tmp/short.pcap" 2>/dev/null
build/tools/capgen "${tpl[@]}" -n "$long" -F pcap "$tmp/long.pcap" 2>/dev/null
# A run: prints "seconds maxrss_kb" (best of three for time, max of RSS).
measure() {
	local best=999999 rss=0 t r
	for _ in 1 2 3; do
		/usr/bin/time -f '%e %M' -o "$tmp/time" "$@" >/dev/null 2>&1
		read -r t r <"$tmp/time"
		best=$(awk -v a="$t" -v b="$best" 'BEGIN{print (a<b)?a:b}')
		[ "$r" -gt "$rss" ] && rss=$r
	done
	echo "$best $rss"
}
read -r ts rs < <(measure ./hoplat analyze "$tmp/short.pcap" --json "$tmp/s.json")
read -r tl rl < <(measure ./hoplat analyze "$tmp/long.pcap" --json "$tmp/l.json")
tshort=$((short / 10))
build/tools/capgen "${tpl[@]}" -n "$tshort" -F pcap "$tmp/tshark.pcap" 2>/dev/null
/usr/bin/time -f '%e %M' -o "$tmp/time" tshark -r "$tmp/tshark.pcap" -Y 'dns.time || http.time' \
	-T fields -e dns.time -e http.time >/dev/null 2>&1
read -r tt rt <"$tmp/time"
/usr/bin/time -f '%e %M' -o "$tmp/time" ./hoplat analyze "$tmp/tshark.pcap" >/dev/null 2>&1
read -r th rh <"$tmp/time"
rate() { awk -v n="$1" -v s="$2" 'BEGIN{ if (s <= 0) s = 0.001; printf "%.2f", n / s / 1e6 }'; }
echo "| capture | packets | hoplat s | Mpkt/s | peak RSS MB |"
echo "|---|---:|---:|---:|---:|"
echo "| short | $short | $ts | $(rate "$short" "$ts") | $((rs / 1024)) |"
echo "| long (4x) | $long | $tl | $(rate "$long" "$tl") | $((rl / 1024)) |"
echo
echo "peak RSS growth 4x longer: $(awk -v a="$rs" -v b="$rl" 'BEGIN{printf "%.1f%%", (b-a)*100/a}')"
echo "tshark on $tshort packets: ${tt}s, ${rt} KB; hoplat: ${th}s, ${rh} KB"
