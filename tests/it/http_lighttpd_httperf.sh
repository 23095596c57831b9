#!/usr/bin/env bash
# Real lighttpd + httperf in two network namespaces joined by a veth pair
# (MTU 1500, offloads off, so responses span segments as on a real link).
# Three workloads, each captured by two tcpdumps on the client's veth: one
# full (-s 0) and one cut to 128 bytes (-s 128):
#   a) one new connection per request (as in the paper): --num-conns/--rate
#   b) keep-alive: --num-calls 5
#   c) pipelining: --num-calls 6 --burst-length 3
#   d) "Connection: close": the server closes first (it holds TIME_WAIT)
# Files served: 1 KB, 20 KB, 200 KB. Checks against tshark on the full capture
# (same number of timed responses, each response_us within 1 us of http.time):
# hoplat on the full capture; hoplat on the full capture cut to 128 bytes by
# editcap (the same packets, heads cut); hoplat on the live -s 128 capture,
# with the oracle's frames re-timed to that capture's timestamps of the same
# packets (two tcpdumps stamp received packets each with its own clock
# reading, a few us apart). Pipelining (c): Wireshark pairs a response
# with the latest request, so hoplat is checked against tshark's reassembly
# frames paired in order; on cut captures pipelined boundaries are not in the
# captured bytes: best effort, agreement printed. Also http.connections and
# the side that closed first against tshark. tshark reassembles out-of-order
# segments, as hoplat does (hl_tshark_http): the veth reorders now and then.
set -u
cd "$(dirname "$0")/../.."
HOPLAT=${HOPLAT:-$PWD/hoplat}
. tests/it/lib/http_lib.bash
[ "$(id -u)" -eq 0 ] || { echo "needs root (network namespaces)"; exit 77; }
hl_need_tools

NC=hl-c-$$ NS=hl-s-$$ CIP=10.213.7.1 SIP=10.213.7.2
D=$(mktemp -d /tmp/hoplat-http.XXXXXX)
chmod 755 "$D"
LPID= TPIDS=()
cleanup() {
	for p in "${TPIDS[@]}" $LPID; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	ip netns del "$NC" 2>/dev/null; ip netns del "$NS" 2>/dev/null
	if [ -n "${HOPLAT_KEEP:-}" ]; then echo "kept $D"; else rm -rf "$D"; fi
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }

ip netns add "$NC" && ip netns add "$NS" || { echo "cannot create network namespaces"; exit 77; }
ip link add hlc0 netns "$NC" type veth peer name hls0 netns "$NS" || fail "veth"
ip -n "$NC" addr add $CIP/24 dev hlc0; ip -n "$NS" addr add $SIP/24 dev hls0
for n in "$NC" "$NS"; do ip -n "$n" link set lo up; done
ip -n "$NC" link set hlc0 mtu 1500 up; ip -n "$NS" link set hls0 mtu 1500 up
# segments of at most one MTU, as on a NIC (tests/deps.sh installs ethtool;
# without it the veth's offloads stay on: larger segments, the checks hold
# all the same)
if command -v ethtool >/dev/null; then
	ip netns exec "$NC" ethtool -K hlc0 tso off gso off gro off >/dev/null 2>&1
	ip netns exec "$NS" ethtool -K hls0 tso off gso off gro off >/dev/null 2>&1
fi

hl_files "$D"
cat >"$D/lighttpd.conf" <<CONF
server.document-root = "$D/www"
server.bind = "$SIP"
server.port = 80
server.errorlog = "$D/lighttpd.err"
server.max-keep-alive-requests = 1000
server.max-keep-alive-idle = 30
mimetype.assign = (".bin" => "application/octet-stream")
CONF
ip netns exec "$NS" lighttpd -D -f "$D/lighttpd.conf" >"$D/lighttpd.out" 2>&1 &
LPID=$!
for i in $(seq 50); do ip netns exec "$NS" ss -ltn 2>/dev/null | grep -q "$SIP:80 " && break; sleep 0.1; done
ip netns exec "$NS" ss -ltn | grep -q "$SIP:80 " || { cat "$D/lighttpd.out" "$D/lighttpd.err"; fail "lighttpd did not start"; }

# capture MODE CMD...: runs the workload while both tcpdumps capture.
capture() {
	local m=$1; shift
	TPIDS=()
	hl_tcpdumps "$D/$m" hlc0 80 ip netns exec "$NC"
	"$@" || fail "workload $m"
	hl_tcpdumps_stop
}

hperf() { ip netns exec "$NC" httperf --hog --server $SIP --port 80 --timeout 5 "$@" >>"$D/httperf.out" 2>&1; }
work_a() { for f in f1k f20k f200k; do hperf --uri /$f.bin --num-conns 40 --rate 100 || return 1; done; }
work_b() { for f in f1k f20k f200k; do hperf --uri /$f.bin --num-conns 10 --num-calls 5 --rate 20 || return 1; done; }
work_d() { hperf --uri /f20k.bin --num-conns 20 --rate 50 --add-header 'Connection: close\n'; }
work_c() { for f in f1k f20k; do hperf --uri /$f.bin --num-conns 10 --num-calls 6 --burst-length 3 --rate 20 || return 1; done; }

capture a work_a
capture b work_b
capture c work_c
capture d work_d

rc=0
CMP=tests/it/lib/http_vs_tshark.py
analyze() {
	"$HOPLAT" analyze "$1" --transactions "$2.jsonl" --json "$2.json" >"$2.txt" 2>&1 ||
		{ cat "$2.txt"; fail "hoplat analyze $1"; }
}
for m in a b c d; do
	full=$D/$m-0.pcap live=$D/$m-128.pcap cut=$D/$m-cut128.pcap
	# the full capture cut to 128 bytes afterwards: the same packets and
	# timestamps as the live -s 128 capture would have if both tcpdumps
	# stamped each packet alike (they do not: each reads its own clock)
	editcap -s 128 "$full" "$cut" || fail "editcap"
	hl_tshark_http "$full" >"$D/$m.tsv" || fail "tshark $m"
	hl_tshark_keys "$full" "$live"
	RT=(--retime "$full.keys" "$live.keys")
	analyze "$full" "$D/$m-full"
	analyze "$cut" "$D/$m-cut"
	analyze "$live" "$D/$m-live"
	if [ $m = c ]; then
		# pipelining: Wireshark 4.0 pairs a response with the latest request
		# (packet-http.c push_res), so its http.time is not the request's
		# response time; hoplat pairs in order, checked against the same
		# reassembly frames paired in order. Cut heads: best effort.
		python3 $CMP "$D/$m.tsv" "$D/$m-full.jsonl" "$m full" --oracle fifo || rc=1
		python3 $CMP "$D/$m.tsv" "$D/$m-full.jsonl" "$m full" --best-effort
		python3 $CMP "$D/$m.tsv" "$D/$m-cut.jsonl" "$m cut to 128" --oracle fifo --best-effort || rc=1
		python3 $CMP "$D/$m.tsv" "$D/$m-live.jsonl" "$m live -s 128" --oracle fifo --best-effort "${RT[@]}" || rc=1
	else
		python3 $CMP "$D/$m.tsv" "$D/$m-full.jsonl" "$m full" || rc=1
		python3 $CMP "$D/$m.tsv" "$D/$m-cut.jsonl" "$m cut to 128" || rc=1
		python3 $CMP "$D/$m.tsv" "$D/$m-live.jsonl" "$m live -s 128" --oracle fifo "${RT[@]}" || rc=1
	fi
	# connections and who closed first, from tshark's view of the SYNs and FINs
	conns=$(tshark -r "$full" -Y "tcp.flags.syn==1 && tcp.flags.ack==0" -T fields -e tcp.stream 2>/dev/null | sort -u | wc -l)
	tshark -r "$full" -Y "tcp.flags.fin==1" -T fields -e tcp.stream -e tcp.srcport 2>/dev/null >"$D/$m.fin"
	by_client=$(awk '!seen[$1]++ && $2 != 80' "$D/$m.fin" | wc -l)
	by_server=$(awk '!seen[$1]++ && $2 == 80' "$D/$m.fin" | wc -l)
	python3 - "$conns" "$by_client" "$by_server" "$m" "$D/$m-full.json" "$D/$m-cut.json" <<'PY' || rc=1
import json, sys
conns, bc, bs, m = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
ok = True
for path in sys.argv[5:]:
    j = json.load(open(path))
    got = j["http"]["connections"]
    cb, sb = j["tcp"]["closed_by_client"], j["tcp"]["closed_by_server"]
    if got != conns or (cb, sb) != (bc, bs):
        print(f"{m}: {path}: http.connections {got}, closed first by client/server {cb}/{sb}; "
              f"tshark {conns}, {bc}/{bs}")
        ok = False
print(f"{m}: {conns} connections, first FIN by client {bc}, by server {bs}: {'ok' if ok else 'DIFFER'}")
sys.exit(0 if ok else 1)
PY
done
[ $rc -eq 0 ] || { tail -n 5 "$D/httperf.out"; fail "hoplat differs from tshark"; }
echo "ok"
