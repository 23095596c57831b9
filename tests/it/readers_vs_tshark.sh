#!/usr/bin/env bash
# hoplat's capture file reader (through build/tools/capdump) against tshark, the
# oracle, on every reference capture and on variants made from them: pcapng
# (editcap -F pcapng), nanosecond pcap (editcap -F nsecpcap), gzip of each,
# two files merged into one pcapng with two interfaces (mergecap -I none),
# two pcapng files concatenated (two sections, interface ids cumulative), and
# files written by hoplat's pcapng writer (build/tools/capgen). tshark's
# reading of the reference captures and their variants is stored
# (tests/ref/regen.sh); it reads capgen's files here.
# Per packet: timestamp (exact to the ns), interface id, captured length;
# the counts must be equal and both readers must finish without error.
set -u
cd "$(dirname "$0")/../.."
. tests/ref/ref.bash
CAPDUMP=build/tools/capdump

for t in editcap mergecap gzip; do
	command -v "$t" >/dev/null || { echo "$t not installed"; exit 77; }
done
ref_need
[ -x "$CAPDUMP" ] || make -s "$CAPDUMP" >/dev/null || { echo "cannot build $CAPDUMP"; exit 1; }

tmp=$(mktemp -d /tmp/hoplat-rvt.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# capdump: ns since the epoch written the way tshark writes frame.time_epoch
ours() {
	"$CAPDUMP" "$1" 2>"$tmp/capdump.err" |
		awk -F'\t' '{ ts = $1; while (length(ts) < 10) ts = "0" ts
			      printf "%s.%s\t%s\t%s\n", substr(ts, 1, length(ts) - 9),
				     substr(ts, length(ts) - 8), $2, $5 }'
	return "${PIPESTATUS[0]}"
}

# compare FILE LABEL: capdump on FILE against WANT (tshark's rows, normalized)
files=0 packets=0 failed=0
compare() {
	local f=$1 label=$2
	ours "$f" >"$tmp/got"; local orc=$?
	local n; n=$(wc -l <"$tmp/want")
	files=$((files + 1)); packets=$((packets + n))
	if [ "$orc" -ne 0 ]; then
		echo "FAIL $label: capdump failed: $(cat "$tmp/capdump.err")"; failed=$((failed + 1)); return
	fi
	if [ "$n" -eq 0 ]; then
		echo "FAIL $label: tshark read no packets"; failed=$((failed + 1)); return
	fi
	if ! cmp -s "$tmp/want" "$tmp/got"; then
		echo "FAIL $label: $(wc -l <"$tmp/got") packets read, tshark $n; first difference:"
		diff "$tmp/want" "$tmp/got" | head -n 6
		failed=$((failed + 1))
	fi
}

# check FILE LABEL SRC VIEW: FILE against tshark's stored reading of it (that
# of SRC itself when tshark reads the variant VIEW alike)
check() {
	local want
	want=$(ref_out "$3" "$4.reader")
	[ -e "$want" ] || want=$(ref_out "$3" .reader)
	ref_cat "$want" | ref_reader_norm >"$tmp/want"
	compare "$1" "$2"
}

prev=
for src in "$REF_CAPS"/*.pcap; do
	check "$src" "$(basename "$src" .pcap)" "$src" ""
	while IFS=$'\t' read -r view f label; do
		check "$f" "$label" "$src" "$view"
	done < <(ref_variants "$src" "$prev" "$tmp")
	prev=$src
done

# hoplat's own writer (through capgen): every reference capture's packets
# repeated, one interface per capture, then the same as ns pcap. These files
# change with hoplat's writer, so tshark reads them here (when installed).
live() {
	tshark -r "$1" -T fields -E separator=/t -e frame.time_epoch -e frame.interface_id \
		-e frame.cap_len -e frame.section_number 2>"$tmp/tshark.err" | ref_reader_norm >"$tmp/want"
	[ "${PIPESTATUS[0]}" -eq 0 ] || { echo "FAIL $2: tshark failed: $(head -c 300 "$tmp/tshark.err")"; failed=$((failed + 1)); return; }
	compare "$1" "$2"
}
CAPGEN=build/tools/capgen
if ! command -v tshark >/dev/null; then
	echo "capgen's files not read: tshark not installed"
elif [ -x "$CAPGEN" ] || make -s "$CAPGEN" >/dev/null; then
	tpl=(); for f in "$REF_CAPS"/*.pcap; do tpl+=(-r "$f"); done
	"$CAPGEN" "${tpl[@]}" -n 20000 "$tmp/gen.pcapng" 2>/dev/null &&
		live "$tmp/gen.pcapng" "capgen: hoplat's writer, one interface per capture"
	"$CAPGEN" "${tpl[@]}" -n 20000 -F pcap-ns "$tmp/gen.pcap" 2>/dev/null &&
		live "$tmp/gen.pcap" "capgen: ns pcap"
else
	echo "FAIL: cannot build $CAPGEN"; failed=$((failed + 1))
fi

echo "readers_vs_tshark: $files files, $packets packets, $failed failed"
[ "$files" -gt 0 ] && [ "$failed" -eq 0 ]
