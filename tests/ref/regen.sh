#!/usr/bin/env bash
# Re-creates the tshark output stored in tests/ref/tshark (README.md here),
# which the tests compare hoplat with instead of running tshark. Run it after
# adding or changing a capture in tests/ref/captures or pcaps/, or a file
# ref_sources names; the tests say when it is due. Each view below is the
# tshark command a test used to run, stored exactly as tshark printed it.
# Needs Wireshark's tshark, editcap and mergecap. Check the diff before
# committing: a new Wireshark may read a capture differently.
set -eu -o pipefail
cd "$(dirname "$0")/../.."
. tests/ref/ref.bash
for t in tshark editcap mergecap python3 xz sha256sum; do
	command -v $t >/dev/null || { echo "$t not installed"; exit 1; }
done
tmp=$(mktemp -d /tmp/hoplat-regen.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
tshark --version 2>/dev/null | head -n 1

# store OUT TSHARK-ARGS...: tshark's output into OUT
store() {
	local out=$1; shift
	mkdir -p "$(dirname "$out")"
	tshark -n "$@" 2>"$tmp/err" | xz -9e >"$out" || { cat "$tmp/err"; exit 1; }
}

# drop_if_same OUT BASE [FILTER]: OUT is removed when it reads like BASE
# (through FILTER): a cut or variant tshark reads like the capture itself is
# not stored, and the test compares with BASE.
drop_if_same() {
	local f=${3:-cat}
	if cmp -s <(ref_cat "$1" | $f) <(ref_cat "$2" | $f); then rm -f "$1"; fi
}
first11() { cut -f 1-11; }

# decode_vs_tshark: every capture whole and cut to 80 and 128 bytes (the cut
# ones without the DNS fields, which the test compares on whole captures only).
DECODE=(-T fields -E separator=/t -e frame.number -e ip.src -e ipv6.src -e ip.dst -e ipv6.dst
	-e tcp.srcport -e udp.srcport -e tcp.dstport -e udp.dstport -e tcp.seq_raw -e tcp.len)
DNS=(-e dns.id -e dns.qry.name -e dns.flags.rcode)
decode() {
	local c=$1 s
	store "$(ref_out "$c" .decode)" -r "$c" "${DECODE[@]}" "${DNS[@]}"
	for s in 80 128; do
		editcap -s "$s" "$c" "$tmp/cut.pcapng"
		store "$(ref_out "$c" .s$s.decode)" -r "$tmp/cut.pcapng" "${DECODE[@]}"
		drop_if_same "$(ref_out "$c" .s$s.decode)" "$(ref_out "$c" .decode)" first11
	done
}

# readers_vs_tshark: each reference capture and its variants (ref_variants).
READER=(-T fields -E separator=/t -e frame.time_epoch -e frame.interface_id -e frame.cap_len
	-e frame.section_number)
readers() {
	local c=$1 prev=$2 view f
	store "$(ref_out "$c" .reader)" -r "$c" "${READER[@]}"
	while IFS=$'\t' read -r view f _; do
		store "$(ref_out "$c" "$view.reader")" -r "$f" "${READER[@]}"
		drop_if_same "$(ref_out "$c" "$view.reader")" "$(ref_out "$c" .reader)" ref_reader_norm
	done < <(ref_variants "$c" "$prev" "$tmp")
}

# reference_oracle and pcaps_oracle: every DNS and HTTP response time, and
# (reference_oracle) the ports of requests, which hoplat is told.
TIMES=(-Y 'dns.time || http.time' -T fields -e frame.number -e frame.time_epoch -e dns.id
	-e dns.time -e http.time)
reference() {
	store "$(ref_out "$1" .times)" -r "$1" "${TIMES[@]}"
	store "$(ref_out "$1" .http-ports)" -r "$1" -Y http.request -T fields -e tcp.dstport
	store "$(ref_out "$1" .dns-ports)" -r "$1" -Y 'dns.flags.response == 0' -T fields \
		-e udp.dstport -e tcp.dstport
}

# The testbed captures in pcaps/, per interface (FILE#IFACE is one point).
# pcaps_oracle: response times of each interface's packets alone (of the
# whole file when it has one interface); xpoint_counts: what it counts per
# point; analyze_hang and xpoint_hang: the packets of guest-hang per point.
HANG=(-T fields -e frame.time_epoch -e ip.src -e ip.dst -e tcp.srcport -e tcp.dstport -e tcp.flags.syn
	-e tcp.flags.ack -e tcp.flags.reset -e tcp.len -e udp.srcport -e udp.dstport -e icmp.type)
SYN=(-T fields -e tcp.srcport -e tcp.dstport -e tcp.flags.ack -e tcp.seq_raw -e tcp.ack_raw)
COUNTS=(-T fields -E separator=/t -e frame.number -e tcp.stream -e tcp.srcport -e tcp.dstport
	-e tcp.flags -e dns.flags.response -e http.request -e http.response -e tcp.analysis.initial_rtt
	-e udp.port)
testbed() {
	local c=$1 i n
	store "$(ref_out "$c" .ifaces)" -r "$c" -T fields -e frame.interface_name
	n=$(ref_cat "$(ref_out "$c" .ifaces)" | sort -u | wc -l)
	[ "$n" -gt 1 ] || store "$(ref_out "$c" .times)" -r "$c" "${TIMES[@]}"
	for i in $(ref_cat "$(ref_out "$c" .ifaces)" | sort -u); do
		tshark -r "$c" -Y "frame.interface_name == \"$i\"" -w "$tmp/one.pcapng" 2>/dev/null
		[ "$n" -eq 1 ] || store "$(ref_out "$c" "#$i.times")" -r "$tmp/one.pcapng" "${TIMES[@]}"
		case $c in pcaps/demo/*|pcaps/http-ramp/*|pcaps/guest-hang/*)
			store "$(ref_out "$c" "#$i.counts")" -r "$tmp/one.pcapng" "${COUNTS[@]}";;
		esac
		case $c in pcaps/guest-hang/*)
			store "$(ref_out "$c" "#$i.hang")" -r "$c" -Y "frame.interface_name == \"$i\"" "${HANG[@]}"
			store "$(ref_out "$c" "#$i.syn")" -r "$c" -Y "frame.interface_name == \"$i\" && tcp.port == 80 && tcp.flags.syn == 1" "${SYN[@]}";;
		esac
	done
}

# http_reorder: the variants of http-lines-split.pcap (tcp_variants.py), with
# tshark's out-of-order reassembly (what hoplat must equal) and without (shown).
reorder() {
	local c=$REF_CAPS/http-lines-split.pcap v
	python3 tests/it/lib/tcp_variants.py "$c" "$tmp" 9 10
	for v in retrans dup-a ooo late hole; do
		store "$(ref_out "$c" ".$v.ooo")" -o tcp.reassemble_out_of_order:TRUE -r "$tmp/$v.pcap" \
			-d tcp.port==31337,http -Y http.time -T fields -e http.time
		store "$(ref_out "$c" ".$v.default")" -r "$tmp/$v.pcap" -d tcp.port==31337,http \
			-Y http.time -T fields -e http.time
	done
}

rm -rf tests/ref/tshark
prev=
for c in "$REF_CAPS"/*.pcap; do
	decode "$c"; readers "$c" "$prev"; reference "$c"
	prev=$c
done
for c in pcaps/*/*.pcapng; do
	decode "$c"; testbed "$c"
done
reorder
sha256sum "$REF_CAPS"/*.pcap pcaps/*/*.pcapng $(ref_sources) >"$REF_SUMS"
echo "$(find tests/ref/tshark -type f | wc -l) files, $(du -sb tests/ref/tshark | cut -f1) bytes in tests/ref/tshark"
