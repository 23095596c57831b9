#!/usr/bin/env bash
# Real traffic: BIND 9 (authoritative for one zone, on 127.0.0.1 and a high
# port) answers dnsperf (a few thousand queries over a few names, one of
# them NXDOMAIN); tcpdump captures on lo. hoplat and tshark must agree:
# every response time within 1 us, equal counts, and hoplat's unanswered
# queries equal tshark's queries without a response (two passes).
set -u
cd "$(dirname "$0")/../.."
[ "$(id -u)" -eq 0 ] || { echo "needs root (tcpdump on lo)"; exit 77; }
for tool in named dnsperf tcpdump tshark python3; do
	command -v $tool >/dev/null || { echo "$tool not installed"; exit 77; }
done
[ -x ./hoplat ] || { echo "./hoplat not built"; exit 1; }

tmp=$(mktemp -d /tmp/hoplat-dnsperf.XXXXXX)
chmod 755 "$tmp"
named_pid= dump_pid=
cleanup() {
	[ -n "$dump_pid" ] && kill "$dump_pid" 2>/dev/null && wait "$dump_pid" 2>/dev/null
	[ -n "$named_pid" ] && kill "$named_pid" 2>/dev/null && wait "$named_pid" 2>/dev/null
	[ -n "${nft_table:-}" ] && nft delete table inet "$nft_table" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

port=$((20000 + RANDOM % 20000))
cat >"$tmp/zone.db" <<ZONE
\$TTL 300
@	IN SOA ns.hoplat.test. admin.hoplat.test. 1 3600 600 86400 300
@	IN NS ns
@	IN MX 10 mail
ns	IN A 127.0.0.1
www	IN A 192.0.2.10
www	IN AAAA 2001:db8::10
mail	IN A 192.0.2.25
ZONE
cat >"$tmp/named.conf" <<CONF
options {
	directory "$tmp";
	pid-file "$tmp/named.pid";
	listen-on port $port { 127.0.0.1; };
	listen-on-v6 { none; };
	recursion no;
	notify no;
	rate-limit { responses-per-second 0; };
};
controls { };
zone "hoplat.test" { type primary; file "$tmp/zone.db"; };
CONF
printf '%s\n' 'www.hoplat.test A' 'www.hoplat.test AAAA' 'mail.hoplat.test A' 'hoplat.test MX' \
	'nx.hoplat.test A' 'hoplat.test SOA' >"$tmp/queries"

named -g -c "$tmp/named.conf" >"$tmp/named.log" 2>&1 &
named_pid=$!
for _ in $(seq 50); do
	grep -q 'running' "$tmp/named.log" && break
	kill -0 "$named_pid" 2>/dev/null || break
	sleep 0.1
done
grep -q 'running' "$tmp/named.log" || { echo "named did not start:"; tail -n 20 "$tmp/named.log"; exit 1; }

# Drop about one response in 40 before it reaches lo (netfilter output
# runs before the capture point), so some queries stay unanswered.
nft_table=
if command -v nft >/dev/null; then
	nft_table=hoplat_dnsperf_$$
	nft add table inet $nft_table &&
	nft add chain inet $nft_table out '{ type filter hook output priority 0; }' &&
	nft add rule inet $nft_table out udp sport "$port" numgen random mod 40 == 0 drop ||
		{ echo "nft failed"; exit 1; }
fi

# dnsperf_captured PCAP FILTER LOG NAME ARGS...: dnsperf ARGS against the
# server (its output in LOG) while tcpdump on lo writes PCAP (tcpdump's own
# messages in PCAP.log); NAME names the run when dnsperf fails.
dnsperf_captured() {
	local pcap=$1 filter=$2 log=$3 name=$4
	shift 4
	tcpdump -i lo -n -U --time-stamp-precision=nano -w "$pcap" "$filter" 2>"$pcap.log" &
	dump_pid=$!
	for _ in $(seq 50); do
		grep -q 'listening on' "$pcap.log" && break
		sleep 0.1
	done
	sleep 0.5	# tcpdump says 'listening' a little before it captures
	dnsperf -s 127.0.0.1 -p "$port" -d "$tmp/queries" "$@" >"$log" 2>&1 ||
		{ echo "$name failed:"; cat "$log"; exit 1; }
	sleep 0.5
	kill -INT "$dump_pid"; wait "$dump_pid" 2>/dev/null; dump_pid=
}

# tshark_times PCAP TRANSPORT OUT: the oracle, tshark's dns.time of every
# response, as a TSV for oracle_compare.py.
tshark_times() {
	{ printf 'frame.number\tframe.time_epoch\tdns.id\tdns.time\n'
	  tshark -r "$1" -d "$2.port==$port,dns" -Y 'dns.time' -T fields -e frame.number \
		-e frame.time_epoch -e dns.id -e dns.time 2>/dev/null; } >"$3"
}

dnsperf_captured "$tmp/cap.pcap" "udp port $port" "$tmp/dnsperf.log" dnsperf -l 3 -Q 1000 -c 4
grep -E 'Queries (sent|completed|lost)' "$tmp/dnsperf.log"

./hoplat analyze "$tmp/cap.pcap" --dns-port "$port" --transactions "$tmp/hoplat.jsonl" \
	--json "$tmp/summary.json" >"$tmp/hoplat.txt" || { echo "hoplat failed"; cat "$tmp/hoplat.txt"; exit 1; }
cat "$tmp/hoplat.txt"
tshark_times "$tmp/cap.pcap" udp "$tmp/tshark.tsv"
python3 tests/it/oracle_compare.py "$tmp/hoplat.jsonl" "$tmp/tshark.tsv" dnsperf || exit 1

# unanswered: tshark's queries without a response (second pass knows), which
# also counts each retransmitted query; hoplat counts those apart
ws_unanswered=$(tshark -2 -r "$tmp/cap.pcap" -d "udp.port==$port,dns" \
	-Y 'dns.flags.response == 0 && !dns.response_in' 2>/dev/null | wc -l)
python3 - "$tmp/summary.json" "$ws_unanswered" "$([ -n "$nft_table" ] && echo 1 || echo 0)" <<'PY' || exit 1
import json, sys
s = json.load(open(sys.argv[1]))
d = s["dns"]
ws = int(sys.argv[2])
mine = d["unanswered"] + d["retransmissions"]
print(f"answered {d['answered']}, unanswered {d['unanswered']} (tshark: {ws} queries without response), "
      f"NXDOMAIN {d['rcodes'].get('NXDOMAIN', 0)}, p50 {d['latency_us']['total']['p50']} us")
ok = True
if mine != ws:
    print(f"FAIL: unanswered: hoplat {mine}, tshark {ws}"); ok = False
if sys.argv[3] == "1" and d["unanswered"] == 0:
    print("FAIL: responses were dropped but hoplat saw every query answered"); ok = False
if d["answered"] < 2000:
    print(f"FAIL: only {d['answered']} answered transactions; the run was too small"); ok = False
if d["rcodes"].get("NXDOMAIN", 0) == 0:
    print("FAIL: no NXDOMAIN answers counted"); ok = False
sys.exit(0 if ok else 1)
PY
# DNS over TCP: the same server, dnsperf over TCP connections
dnsperf_captured "$tmp/tcp.pcap" "tcp port $port" "$tmp/dnsperf-tcp.log" "dnsperf over TCP" -m tcp -l 2 -Q 500 -c 4
grep -E 'Queries (sent|completed)' "$tmp/dnsperf-tcp.log"
./hoplat analyze "$tmp/tcp.pcap" --dns-port "$port" --transactions "$tmp/tcp.jsonl" \
	--json "$tmp/tcp.json" >"$tmp/tcp.txt" || { echo "hoplat failed"; cat "$tmp/tcp.txt"; exit 1; }
tshark_times "$tmp/tcp.pcap" tcp "$tmp/tshark-tcp.tsv"
python3 tests/it/oracle_compare.py "$tmp/tcp.jsonl" "$tmp/tshark-tcp.tsv" dnsperf-tcp || exit 1
n_tcp=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["dns"]["answered"])' "$tmp/tcp.json")
[ "$n_tcp" -ge 500 ] || { echo "FAIL: only $n_tcp DNS over TCP transactions answered"; exit 1; }

echo "dns_bind_dnsperf: hoplat equals tshark on every response (UDP and TCP)"
