#!/usr/bin/env bash
# HTTP timing from captures cut by a small snaplen: lighttpd on 127.0.0.1 (a
# high port, given to hoplat with --http-port), httperf fetching files of
# 1 KB, 20 KB and 200 KB one connection per request and in keep-alive
# sessions mixing the sizes (so no response length can be guessed), and a
# CGI answer lighttpd sends chunked (keep-alive, 3 per connection), captured
# on loopback by tcpdump twice: full and -s 128. hoplat's response_us on
#   - the full capture cut afterwards to 128, 96, 80 and 66 bytes (66: no
#     payload byte captured at all on loopback's Ethernet + IPv4 + TCP
#     timestamps; 80: the request line itself is cut),
#   - the live -s 128 capture (its own timestamps: the oracle's frames are
#     re-timed to the same packets in it),
# must equal tshark's http.time on the full capture within 1 us, with equal
# counts.
set -u
cd "$(dirname "$0")/../.."
HOPLAT=${HOPLAT:-$PWD/hoplat}
. tests/it/lib/http_lib.bash
[ "$(id -u)" -eq 0 ] || { echo "needs root (tcpdump on loopback)"; exit 77; }
hl_need_tools

PORT=$((20000 + $$ % 20000))
D=$(mktemp -d /tmp/hoplat-snap.XXXXXX)
LPID= TPIDS=()
cleanup() {
	for p in "${TPIDS[@]}" $LPID; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	if [ -n "${HOPLAT_KEEP:-}" ]; then echo "kept $D"; else rm -rf "$D"; fi
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }

hl_files "$D"
cat >"$D/lighttpd.conf" <<CONF
server.document-root = "$D/www"
server.bind = "127.0.0.1"
server.port = $PORT
server.errorlog = "$D/lighttpd.err"
server.max-keep-alive-requests = 1000
mimetype.assign = (".bin" => "application/octet-stream")
server.modules += ("mod_cgi")
server.stream-response-body = 2
cgi.assign = (".sh" => "/bin/sh")
CONF
# a CGI answer has no length: lighttpd sends it chunked (HTTP/1.1)
cat >"$D/www/chunked.sh" <<'CGI'
printf 'Content-Type: text/plain\r\n\r\n'
i=0; while [ $i -lt 300 ]; do echo "line $i of a body sent in chunks, long enough to span segments"; i=$((i+1)); done
sleep 0.02
echo "the end, after a pause: lighttpd has sent what came before already"
CGI
lighttpd -D -f "$D/lighttpd.conf" >"$D/lighttpd.out" 2>&1 &
LPID=$!
for i in $(seq 50); do ss -ltn 2>/dev/null | grep -q "127.0.0.1:$PORT " && break; sleep 0.1; done
ss -ltn | grep -q "127.0.0.1:$PORT " || { cat "$D/lighttpd.out" "$D/lighttpd.err"; echo "lighttpd did not start"; exit 77; }

hl_tcpdumps "$D/cap" lo $PORT

# sessions of 4 calls each, sizes mixed (httperf --wsesslog: blank line between sessions)
for i in 1 2 3 4 5; do printf '/f20k.bin\n/f1k.bin\n/f200k.bin\n/f1k.bin\n\n'; done >"$D/sessions"
hperf() { httperf --hog --server 127.0.0.1 --port $PORT --timeout 5 "$@" >>"$D/httperf.out" 2>&1; }
for f in f1k f20k f200k; do hperf --uri /$f.bin --num-conns 30 --rate 100 || fail "httperf"; done
hperf --wsesslog 20,0,"$D/sessions" --rate 20 || fail "httperf sessions"
hperf --uri /chunked.sh --num-conns 10 --num-calls 3 --rate 20 || fail "httperf chunked"
grep -q "Reply status: 1xx=0 2xx=30 " "$D/httperf.out" || { tail -n 12 "$D/httperf.out"; fail "the CGI did not answer"; }
hl_tcpdumps_stop

full=$D/cap-0.pcap live=$D/cap-128.pcap
n=$(tshark -r "$full" -d tcp.port==$PORT,http -Y 'http.transfer_encoding == "chunked"' 2>/dev/null | wc -l)
[ "$n" -eq 30 ] || fail "expected 30 chunked responses, tshark sees $n"
CMP=tests/it/lib/http_vs_tshark.py
hl_tshark_http "$full" -d tcp.port==$PORT,http >"$D/full.tsv" || fail "tshark"
hl_tshark_keys "$full" "$live"
analyze() {
	"$HOPLAT" analyze "$1" --http-port $PORT --transactions "$2.jsonl" >"$2.txt" 2>&1 ||
		{ cat "$2.txt"; fail "hoplat analyze $1"; }
}
rc=0
analyze "$full" "$D/full"
python3 $CMP "$D/full.tsv" "$D/full.jsonl" "full capture" || rc=1
for s in 128 96 80 66; do
	editcap -s $s "$full" "$D/cut-$s.pcap" || fail "editcap"
	analyze "$D/cut-$s.pcap" "$D/cut-$s"
	python3 $CMP "$D/full.tsv" "$D/cut-$s.jsonl" "full capture cut to $s bytes" || rc=1
done
analyze "$live" "$D/live"
# Packets one tcpdump dropped and the other kept make the two captures differ
# in what can be timed: then the live comparison is only shown.
drops=$(cat "$D"/cap-*.err | awk '/dropped by kernel/ { n += $1 } END { print n + 0 }')
if [ "$drops" -eq 0 ]; then
	python3 $CMP "$D/full.tsv" "$D/live.jsonl" "live -s 128 capture" --oracle fifo --retime "$full.keys" "$live.keys" || rc=1
else
	echo "tcpdump dropped $drops packets: the live -s 128 comparison is informational"
	python3 $CMP "$D/full.tsv" "$D/live.jsonl" "live -s 128 capture" --oracle fifo --retime "$full.keys" "$live.keys" --best-effort
fi
# names survive a 128-byte cut: every request line fits (connection attempts
# never answered have no request: name null, not counted)
n=$(grep -Ec '"name":"GET /(f1k.bin|f20k.bin|f200k.bin|chunked.sh)"' "$D/cut-128.jsonl")
t=$(grep '"proto":"http"' "$D/cut-128.jsonl" | grep -vc '"name":null')
[ "$n" -eq "$t" ] || { echo "cut to 128: $n of $t transactions named GET /<the file>"; rc=1; }

# Close-delimited bodies: the same CGI to an HTTP/1.0 client (no length, no
# chunks; the body ends when lighttpd closes), captured apart. On the full
# capture hoplat ends the body at the server's FIN, as Wireshark does. Cut to
# 128 bytes the head is cut before its end, so a Content-Length it might hold
# is not in the captured bytes: the body is taken to end with its last byte,
# as it would with a length, and the agreement is only shown.
hl_tcpdumps "$D/close" lo $PORT
hperf --uri /chunked.sh --num-conns 10 --rate 20 --http-version 1.0 || fail "httperf HTTP/1.0"
hl_tcpdumps_stop
grep -q "Reply status: 1xx=0 2xx=10 " "$D/httperf.out" || { tail -n 12 "$D/httperf.out"; fail "the CGI did not answer HTTP/1.0"; }
hl_tshark_http "$D/close-0.pcap" -d tcp.port==$PORT,http >"$D/close.tsv" || fail "tshark"
n=$(tshark -r "$D/close-0.pcap" -d tcp.port==$PORT,http \
	-Y 'http.response && !http.content_length_header && !http.transfer_encoding' 2>/dev/null | wc -l)
[ "$n" -eq 10 ] || fail "expected 10 close-delimited responses, tshark sees $n"
hl_tshark_keys "$D/close-0.pcap" "$D/close-128.pcap"
analyze "$D/close-0.pcap" "$D/close-full"
python3 $CMP "$D/close.tsv" "$D/close-full.jsonl" "HTTP/1.0 close-delimited" || rc=1
analyze "$D/close-128.pcap" "$D/close-live"
python3 $CMP "$D/close.tsv" "$D/close-live.jsonl" "HTTP/1.0 close-delimited, live -s 128" --best-effort \
	--oracle fifo --retime "$D/close-0.pcap.keys" "$D/close-128.pcap.keys"
[ $rc -eq 0 ] || fail "hoplat differs from tshark"
echo "ok"
