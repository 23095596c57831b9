# The variants of the reference captures readers_vs_tshark reads, made the
# same way by the test and by regen.sh (sourced through ref.bash).

# ref_variants SRC PREV DIR: writes the files readers_vs_tshark reads made
# from reference capture SRC (PREV: the capture before it, or empty) into
# DIR, one "VIEW<TAB>FILE<TAB>LABEL" line each: pcapng, nanosecond pcap, gzip
# of each, SRC merged with PREV into one pcapng with two interfaces
# (mergecap -I none), and PREV's pcapng (made by the call for PREV) followed
# by that (two sections, interface ids cumulative).
ref_variants() {
	local src=$1 prev=$2 d=$3 b pb
	b=$(basename "$src" .pcap)
	editcap -F pcapng "$src" "$d/$b.pcapng" && printf '.pcapng\t%s\t%s\n' "$d/$b.pcapng" "$b (pcapng)"
	editcap -F nsecpcap "$src" "$d/$b.ns.pcap" && printf '.ns\t%s\t%s\n' "$d/$b.ns.pcap" "$b (ns pcap)"
	gzip -nc "$src" >"$d/$b.pcap.gz" && printf '.gz\t%s\t%s\n' "$d/$b.pcap.gz" "$b (gzip)"
	gzip -nc "$d/$b.pcapng" >"$d/$b.pcapng.gz" && printf '.pcapng.gz\t%s\t%s\n' "$d/$b.pcapng.gz" "$b (pcapng gzip)"
	[ -n "$prev" ] || return 0
	pb=$(basename "$prev" .pcap)
	mergecap -I none -F pcapng -w "$d/$b.merged.pcapng" "$prev" "$src" &&
		printf '.merged\t%s\t%s\n' "$d/$b.merged.pcapng" "$b + $pb (mergecap, two interfaces)"
	cat "$d/$pb.pcapng" "$d/$b.merged.pcapng" >"$d/$b.sections.pcapng" &&
		printf '.sections\t%s\t%s\n' "$d/$b.sections.pcapng" "$pb + merged (two sections, three interfaces)"
}

# ref_reader_norm: tshark's "time iface caplen section" rows (the .reader
# view) as "S.NNNNNNNNN<TAB>iface<TAB>caplen" with interfaces numbered
# file-wide, as hoplat numbers them: tshark numbers them per section, so a
# section's ids are shifted by the interfaces of the sections before it (here
# counted as the highest id each earlier section used: every interface in the
# files readers_vs_tshark builds carries packets). No interface (pcap): 0.
ref_reader_norm() {
	awk -F'\t' '{ id = ($2 == "" ? 0 : $2); sec = ($4 == "" ? 1 : $4)
		      if (sec != cur) { base += top; top = 0; cur = sec }
		      if (id + 1 > top) top = id + 1
		      printf "%s\t%s\t%s\n", $1, base + id, $3 }'
}
