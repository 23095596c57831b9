# Shared by the HTTP tests with real lighttpd, httperf and tcpdump
# (http_lighttpd_httperf.sh, http_snaplen.sh); sourced, not run. The test
# defines fail() and an array TPIDS that its cleanup kills.

# Skips (77) without the tools or without $HOPLAT.
hl_need_tools() {
	for t in lighttpd httperf tcpdump tshark editcap python3; do
		command -v $t >/dev/null || { echo "$t not installed"; exit 77; }
	done
	[ -x "$HOPLAT" ] || { echo "build ./hoplat first"; exit 77; }
}

# The files served, under $1/www: 1 KB, 20 KB and 200 KB of random bytes.
hl_files() {
	mkdir -p "$1/www"
	head -c 1024 /dev/urandom >"$1/www/f1k.bin"
	head -c 20480 /dev/urandom >"$1/www/f20k.bin"
	head -c 204800 /dev/urandom >"$1/www/f200k.bin"
}

# Waits until file $1 holds a line matching $2; 0, or 1 after ~5 s.
hl_wait_line() { for i in $(seq 50); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done; return 1; }

# hl_tcpdumps OUT IFACE PORT [PREFIX...]: two tcpdumps of TCP port PORT on
# IFACE, one full (OUT-0.pcap) and one cut to 128 bytes (OUT-128.pcap),
# started by PREFIX (e.g. ip netns exec NS); their pids go into TPIDS.
# Returns when both listen.
hl_tcpdumps() {
	local out=$1 ifc=$2 port=$3 s
	shift 3
	for s in 0 128; do
		"$@" tcpdump -i "$ifc" -n -U --immediate-mode -B 131072 -s $s --time-stamp-precision=nano \
			-w "$out-$s.pcap" tcp port "$port" 2>"$out-$s.err" &
		TPIDS+=($!)
		hl_wait_line "$out-$s.err" "listening on" || fail "tcpdump did not start"
	done
}

# Stops the tcpdumps (SIGINT: their files end cleanly) after 0.3 s for the
# last packets.
hl_tcpdumps_stop() {
	sleep 0.3
	for p in "${TPIDS[@]}"; do kill -INT "$p"; wait "$p"; done
	TPIDS=()
}

# hl_tshark_http FILE [tshark args...]: tshark's HTTP rows, the oracle's input
# for http_vs_tshark.py. Out-of-order segments are reassembled, as hoplat
# does: a veth delivers a segment ahead of its predecessor now and then, and
# Wireshark 4.0's default then drops that response and pairs the rest of the
# connection one off.
hl_tshark_http() {
	local f=$1; shift
	tshark -o tcp.reassemble_out_of_order:TRUE -r "$f" "$@" -Y http -T fields -E aggregator=' ' \
		-e frame.number -e frame.time_epoch -e tcp.stream -e tcp.srcport -e tcp.dstport \
		-e http.request.method -e http.response.code -e http.time 2>/dev/null
}

# hl_tshark_keys FILE...: FILE.keys for each, the packets' identities that
# http_vs_tshark.py --retime matches between two captures of the same traffic.
hl_tshark_keys() {
	local f
	for f in "$@"; do
		tshark -r "$f" -T fields -e frame.number -e frame.time_epoch -e tcp.srcport -e tcp.dstport \
			-e tcp.seq_raw -e tcp.ack_raw -e tcp.len -e tcp.flags >"$f.keys" 2>/dev/null
	done
}
