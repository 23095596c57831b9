#!/usr/bin/env bash
# The capture file reader streams: reading a ~200 MB capture (about a million
# packets made from the reference captures by build/tools/capgen) takes no
# more memory (peak RSS) than reading a 20000-packet one (~4 MB, more than the
# reader's buffers, so both touch all of them), in pcapng, classic pcap and gzip. Also reports the reading speed (packets per second), checks
# the packet count against capinfos, and keeps a loose speed floor.
set -u
cd "$(dirname "$0")/../.."
REF=tests/ref/captures
CAPDUMP=build/tools/capdump
CAPGEN=build/tools/capgen
SLACK_KB=1024		# allowed peak RSS growth, large file over small
MIN_PPS=500000		# a floor far below what it does (~15M/s plain)

[ -d "$REF" ] || { echo "no reference captures in $REF"; exit 77; }
command -v gzip >/dev/null || { echo "gzip not installed"; exit 77; }
for t in "$CAPDUMP" "$CAPGEN"; do
	[ -x "$t" ] || make -s "$t" >/dev/null || { echo "cannot build $t"; exit 1; }
done
free_kb=$(df -Pk /tmp | awk 'NR == 2 { print $4 }')
[ "$free_kb" -gt 1200000 ] || { echo "less than 1.2 GB free in /tmp"; exit 77; }

tmp=$(mktemp -d /tmp/hoplat-rmem.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
tpl=()
for f in "$REF"/*.pcap; do tpl+=(-r "$f"); done

# "packets N bytes B seconds S pps P maxrss_kb M" from capdump -q
measure() {
	"$CAPDUMP" -q "$1" 2>&1 >/dev/null | tail -n 1
}
field() { echo "$1" | awk -v k="$2" '{ for (i = 1; i < NF; i++) if ($i == k) print $(i + 1) }'; }
# least_rss FILE KB: the least peak RSS of KB and two more runs on FILE
least_rss() {
	local best=$2 r
	for _ in 1 2; do
		r=$(field "$(measure "$1")" maxrss_kb)
		[ -n "$r" ] && { [ -z "$best" ] || [ "$r" -lt "$best" ]; } && best=$r
	done
	echo "$best"
}

failed=0
for fmt in pcapng pcap gz; do
	gfmt=$fmt; [ "$fmt" = gz ] && gfmt=pcapng
	"$CAPGEN" "${tpl[@]}" -n 20000 -F "$gfmt" "$tmp/small" 2>/dev/null || { echo "capgen failed"; exit 1; }
	"$CAPGEN" "${tpl[@]}" -n 1100000 -F "$gfmt" "$tmp/large" 2>/dev/null || { echo "capgen failed"; exit 1; }
	if [ "$fmt" = gz ]; then
		gzip -1 "$tmp/small" "$tmp/large" && mv "$tmp/small.gz" "$tmp/small" && mv "$tmp/large.gz" "$tmp/large"
	fi
	size_mb=$(( $(stat -c %s "$tmp/large") / 1048576 ))
	# the least of three runs each: the read-ahead thread's timing moves a
	# run's peak by a few hundred kB either way, the file's length must not
	s=$(measure "$tmp/small"); l=$(measure "$tmp/large")
	srss=$(least_rss "$tmp/small" "$(field "$s" maxrss_kb)"); lrss=$(least_rss "$tmp/large" "$(field "$l" maxrss_kb)")
	n=$(field "$l" packets); pps=$(field "$l" pps)
	want=$(capinfos -c -M "$tmp/large" 2>/dev/null | awk '/Number of packets/ { print $NF }')
	echo "$fmt: ${size_mb} MB, $n packets at ${pps%.*} packets/s; peak RSS ${lrss} kB (20000 packets: ${srss} kB)"
	if [ -z "$srss" ] || [ -z "$lrss" ] || [ "$lrss" -gt $((srss + SLACK_KB)) ]; then
		echo "FAIL $fmt: memory grows with the file (${srss} kB -> ${lrss} kB)"; failed=1
	fi
	if [ "$n" != 1100000 ] || { [ -n "$want" ] && [ "$want" != "$n" ]; }; then
		echo "FAIL $fmt: read $n packets, wrote 1100000, capinfos counts ${want:-?}"; failed=1
	fi
	if [ "$fmt" != gz ] && [ "${pps%.*}" -lt "$MIN_PPS" ]; then
		echo "FAIL $fmt: ${pps%.*} packets/s is below $MIN_PPS"; failed=1
	fi
	rm -f "$tmp/small" "$tmp/large"
done
exit $failed
