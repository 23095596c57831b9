#!/usr/bin/env bash
# hoplat capture on two bridge ports while real clients (ping, dnsperf
# against BIND, httperf against lighttpd) go through the bridge, and tcpdump
# captures one of the ports. Checks: hoplat's file holds every packet tcpdump
# saw on that port (same bytes, timestamps within 1 ms), tshark reads it, both
# interface names are in it, if_tsresol is 9, statistics blocks are present,
# packets are in time order, SIGINT ends it with status 0 within a second.
set -u
cd "$(dirname "$0")/../.."
. tests/it/lib/t4_topo.bash
t4_need_root tshark capinfos tcpdump dnsperf httperf named lighttpd ping
t4_need_hoplat
D=$(mktemp -d /tmp/hoplat-t4-ns.XXXXXX)
chmod 777 "$D"		# hoplat and tcpdump drop to user tcpdump before writing
trap 't4_down; rm -rf "$D"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

t4_up
t4_named "$D" || exit 1
t4_lighttpd "$D" || exit 1

ip netns exec "$T4B" "$HOPLAT" capture -q -i vc -i vs -w "$D/h.pcapng" 2>"$D/h.err" &
HP=$!
t4_wait_line "$D/h.err" "listening on" || { cat "$D/h.err"; fail "hoplat capture did not start"; }
ip netns exec "$T4B" tcpdump -i vs -n -U --time-stamp-precision=nano -w "$D/t.pcap" 2>"$D/t.err" &
TP=$!
t4_wait_line "$D/t.err" "listening on" || fail "tcpdump did not start"

# The clients, through the bridge.
ip netns exec "$T4C" ping -q -c 100 -i 0.02 "$T4_SERVER" >"$D/ping.out" 2>&1 &
PP=$!
for h in www a b c d e f g h nx; do echo "$h.t4.test A"; done >"$D/queries"
ip netns exec "$T4C" dnsperf -s "$T4_SERVER" -d "$D/queries" -l 3 -Q 800 >"$D/dnsperf.out" 2>&1 ||
	{ cat "$D/dnsperf.out"; fail "dnsperf"; }
ip netns exec "$T4C" httperf --hog --server "$T4_SERVER" --port 80 --uri /big.html \
	--num-conns 300 --rate 150 --timeout 5 >"$D/httperf.out" 2>&1 || { cat "$D/httperf.out"; fail "httperf"; }
wait "$PP"
sleep 0.2
kill -INT "$TP"; wait "$TP"

t0=$(t4_now_ms)
kill -INT "$HP"; wait "$HP"; rc=$?
t1=$(t4_now_ms)
stop_ms=$((t1 - t0))
cat "$D/h.err"
[ "$rc" -eq 0 ] || fail "hoplat capture exited $rc after SIGINT"
[ "$stop_ms" -lt 1000 ] || fail "hoplat capture took ${stop_ms} ms to stop after SIGINT"

# tshark reads the whole file; both interfaces, ns resolution, statistics, time order.
tshark -r "$D/h.pcapng" -T fields -e frame.interface_name >"$D/ifnames" 2>"$D/tshark.err" ||
	{ cat "$D/tshark.err"; fail "tshark cannot read hoplat's file"; }
grep -v 'Running as user' "$D/tshark.err" | grep . && fail "tshark complained"
for i in vc vs; do grep -qx "$i" "$D/ifnames" || fail "no packets of $i in the file"; done
capinfos "$D/h.pcapng" >"$D/capinfos"
for i in vc vs; do grep -q "Name = $i" "$D/capinfos" || fail "no interface block named $i"; done
[ "$(grep -c 'Time resolution = 0x09' "$D/capinfos")" -eq 2 ] || fail "if_tsresol is not 9 on both interfaces"
[ "$(grep -c 'Number of stat entries = [1-9]' "$D/capinfos")" -eq 2 ] || fail "statistics blocks missing"
grep -q 'Strict time order: *True' "$D/capinfos" || fail "packets not in time order"

# Every packet tcpdump saw on vs is in hoplat's file, same bytes, same time (1 ms).
tshark -r "$D/h.pcapng" -Y 'frame.interface_name == "vs"' -F nsecpcap -w "$D/hvs.pcap" 2>/dev/null ||
	fail "tshark could not extract vs"
dump() { tcpdump -r "$1" -nn -tt --time-stamp-precision=nano -xx 2>/dev/null |
	awk '/^[0-9]/ { if (h != "") print t, h; t = $1; h = ""; next }
	     { $1 = ""; gsub(/ /, ""); h = h $0 } END { if (h != "") print t, h }'; }
dump "$D/t.pcap" >"$D/t.txt"
dump "$D/hvs.pcap" >"$D/h.txt"
read -r total missing < <(awk 'FNR == NR { n[$2]++; ts[$2, n[$2]] = $1; next }
	{ k = $2; ok = 0
	  for (i = 1; i <= n[k]; i++) { d = ts[k, i] - $1
	    if (!used[k, i] && d < 0.001 && d > -0.001) { used[k, i] = 1; ok = 1; break } }
	  total++; if (!ok) { miss++; if (miss <= 3) print "missing: " $1 " " substr(k, 1, 80) > "/dev/stderr" } }
	END { print total + 0, miss + 0 }' "$D/h.txt" "$D/t.txt")
echo "tcpdump saw $total packets on vs; missing from hoplat's file: $missing; hoplat wrote $(wc -l <"$D/h.txt") on vs, $(wc -l <"$D/ifnames") in all; SIGINT to exit: ${stop_ms} ms"
[ "$total" -gt 2000 ] || fail "too little traffic seen by tcpdump ($total)"
[ "$missing" -eq 0 ] || fail "$missing packets tcpdump saw are not in hoplat's file"

# The traffic really was DNS, HTTP and ping.
for p in dns http icmp; do
	n=$(tshark -r "$D/h.pcapng" -Y "$p && frame.interface_name == \"vs\"" 2>/dev/null | wc -l)
	[ "$n" -gt 50 ] || fail "only $n $p packets on vs"
done
echo "capture_ns: ok"
