#!/usr/bin/env bash
# hoplat's capture file reader (through build/tools/capdump) against tshark, the
# oracle, on every reference capture and on variants made from them: pcapng
# (editcap -F pcapng), nanosecond pcap (editcap -F nsecpcap), gzip of each,
# two files merged into one pcapng with two interfaces (mergecap -I none),
# two pcapng files concatenated (two sections, interface ids cumulative), and
# files written by hoplat's pcapng writer (build/tools/capgen).
# Per packet: timestamp (exact to the ns), interface id, captured length;
# the counts must be equal and both readers must finish without error.
set -u
REF=../shared/pcaps/reference
CAPDUMP=build/tools/capdump

[ -d "$REF" ] || { echo "no reference captures in $REF"; exit 77; }
for t in tshark editcap mergecap gzip; do
	command -v "$t" >/dev/null || { echo "$t not installed"; exit 77; }
done
[ -x "$CAPDUMP" ] || make -s "$CAPDUMP" >/dev/null || { echo "cannot build $CAPDUMP"; exit 1; }

tmp=$(mktemp -d /tmp/hoplat-rvt.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# tshark: "S.NNNNNNNNN<TAB>iface<TAB>caplen" (interface empty for pcap: 0).
# tshark numbers interfaces per section; hoplat numbers them file-wide, so a
# section's ids are shifted by the interfaces of the sections before it (here
# counted as the highest id each earlier section used: every interface in the
# files this test builds carries packets).
oracle() {
	tshark -r "$1" -T fields -E separator=/t -e frame.time_epoch -e frame.interface_id \
		-e frame.cap_len -e frame.section_number 2>"$tmp/tshark.err" |
		awk -F'\t' '{ id = ($2 == "" ? 0 : $2); sec = ($4 == "" ? 1 : $4)
			      if (sec != cur) { base += top; top = 0; cur = sec }
			      if (id + 1 > top) top = id + 1
			      printf "%s\t%s\t%s\n", $1, base + id, $3 }'
	return "${PIPESTATUS[0]}"
}

# capdump: ns since the epoch written the way tshark writes frame.time_epoch
ours() {
	"$CAPDUMP" "$1" 2>"$tmp/capdump.err" |
		awk -F'\t' '{ ts = $1; while (length(ts) < 10) ts = "0" ts
			      printf "%s.%s\t%s\t%s\n", substr(ts, 1, length(ts) - 9),
				     substr(ts, length(ts) - 8), $2, $5 }'
	return "${PIPESTATUS[0]}"
}

files=0 packets=0 failed=0
check() {
	local f=$1 label=$2
	oracle "$f" >"$tmp/want"; local trc=$?
	ours "$f" >"$tmp/got"; local orc=$?
	local n; n=$(wc -l <"$tmp/want")
	files=$((files + 1)); packets=$((packets + n))
	if [ "$trc" -ne 0 ]; then
		echo "FAIL $label: tshark failed: $(head -c 300 "$tmp/tshark.err")"; failed=$((failed + 1)); return
	fi
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

refs=("$REF"/*.pcap "$REF"/*.pcapng "$REF"/*.pcap.gz)
prev=
for src in "${refs[@]}"; do
	[ -e "$src" ] || continue
	b=$(basename "$src"); b=${b%.gz}; b=${b%.pcap}; b=${b%.pcapng}
	check "$src" "$b"
	editcap -F pcapng "$src" "$tmp/$b.pcapng" && check "$tmp/$b.pcapng" "$b (pcapng)"
	editcap -F nsecpcap "$src" "$tmp/$b.ns.pcap" && check "$tmp/$b.ns.pcap" "$b (ns pcap)"
	gzip -c "$src" >"$tmp/$b.pcap.gz" && check "$tmp/$b.pcap.gz" "$b (gzip)"
	gzip -c "$tmp/$b.pcapng" >"$tmp/$b.pcapng.gz" && check "$tmp/$b.pcapng.gz" "$b (pcapng gzip)"
	if [ -n "$prev" ]; then
		mergecap -I none -F pcapng -w "$tmp/$b.merged.pcapng" "$prev" "$src" &&
			check "$tmp/$b.merged.pcapng" "$b + $(basename "$prev") (mergecap, two interfaces)"
		pb=$(basename "$prev"); pb=${pb%.gz}; pb=${pb%.pcap}; pb=${pb%.pcapng}
		cat "$tmp/$pb.pcapng" "$tmp/$b.merged.pcapng" >"$tmp/$b.sections.pcapng" &&
			check "$tmp/$b.sections.pcapng" "$pb + merged (two sections, three interfaces)"
	fi
	prev=$src
done

# hoplat's own writer (through capgen): every reference capture's packets
# repeated, one interface per capture, then the same as ns pcap
CAPGEN=build/tools/capgen
if [ -x "$CAPGEN" ] || make -s "$CAPGEN" >/dev/null; then
	tpl=(); for f in "$REF"/*.pcap; do tpl+=(-r "$f"); done
	"$CAPGEN" "${tpl[@]}" -n 20000 "$tmp/gen.pcapng" 2>/dev/null &&
		check "$tmp/gen.pcapng" "capgen: hoplat's writer, one interface per capture"
	"$CAPGEN" "${tpl[@]}" -n 20000 -F pcap-ns "$tmp/gen.pcap" 2>/dev/null &&
		check "$tmp/gen.pcap" "capgen: ns pcap"
else
	echo "FAIL: cannot build $CAPGEN"; failed=$((failed + 1))
fi

echo "readers_vs_tshark: $files files, $packets packets, $failed failed"
[ "$files" -gt 0 ] && [ "$failed" -eq 0 ]
