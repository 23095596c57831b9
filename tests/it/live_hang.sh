#!/usr/bin/env bash
# hoplat live on the bridge (--uplink vc --vif vs) while a client pings and
# queries BIND in the guest namespace; then the guest is silenced (nftables
# netdev ingress drop on its interface) while the client keeps sending.
# Checks: no alert while it answers; the ALERT line (guest 10.99.4.2, at the
# vif, silent at all layers) within 2 s of the silence (measured); RESUMED
# once the drop is lifted. Then the bridge drops what it would forward to the
# vif (nftables bridge forward): an ALERT at the uplink, lost in the bridge,
# and RESUMED once lifted. SIGINT ends it with status 0; --json, --transactions
# and -w written; replaying the -w file (-r) gives the same two guest alerts
# (the transactions the bridge lost may add a loss burst's at the end).
set -u
cd "$(dirname "$0")/../.."
. tests/it/lib/t4_topo.bash
t4_need_root tshark dnsperf named ping nft
t4_need_hoplat
D=$(mktemp -d /tmp/hoplat-t4-live.XXXXXX)
chmod 777 "$D"
trap 't4_down; [ -n "${T4_KEEP:-}" ] || rm -rf "$D"' EXIT
fail() { echo "FAIL: $*"; cat "$D/live.out" "$D/live.err" 2>/dev/null | tail -30; exit 1; }

t4_up
t4_named "$D" || exit 1
ip netns exec "$T4B" "$HOPLAT" live -q --uplink vc --vif vs -w "$D/live.pcapng" \
	--json "$D/live.json" --transactions "$D/live.jsonl" >"$D/live.out" 2>"$D/live.err" &
LP=$!
t4_wait_line "$D/live.err" "listening on" || fail "hoplat live did not start"
ip netns exec "$T4C" ping -q -i 0.05 -c 360 "$T4_SERVER" >/dev/null 2>&1 &
for h in www a b c d; do echo "$h.t4.test A"; done >"$D/queries"
ip netns exec "$T4C" dnsperf -s "$T4_SERVER" -d "$D/queries" -l 16 -Q 100 -t 2 >"$D/dnsperf.out" 2>&1 &
sleep 3
grep -q ALERT "$D/live.out" && fail "an alert while the guest answers"

# Silence the guest: everything arriving at its interface is dropped.
t0=$(t4_now_ms)
printf 'table netdev hoplat_t4 {\n chain in {\n  type filter hook ingress device "s0" priority 0; policy drop;\n }\n}\n' |
	ip netns exec "$T4S" nft -f - || fail "nft"
t_alert=
for _ in $(seq 200); do
	grep -q '^ALERT' "$D/live.out" && { t_alert=$(t4_now_ms); break; }
	sleep 0.02
done
[ -n "$t_alert" ] || fail "no alert 4 s after the guest went silent"
delay=$((t_alert - t0))
alert=$(grep -m1 '^ALERT' "$D/live.out")
echo "$alert"
echo "alert $delay ms after the guest was silenced"
[ "$delay" -le 2000 ] || fail "alert took $delay ms (limit 2000)"
case $alert in *"guest $T4_SERVER "*"at vif (silent at all layers)"*) ;; *) fail "alert line: $alert";; esac

sleep 1
ip netns exec "$T4S" nft delete table netdev hoplat_t4
for _ in $(seq 100); do grep -q '^RESUMED' "$D/live.out" && break; sleep 0.05; done
grep -q "^RESUMED .*guest $T4_SERVER" "$D/live.out" || fail "no RESUMED line after the drop was lifted"

# The bridge loses the requests: they reach the uplink, never the vif.
sleep 0.5
printf 'table bridge hoplat_t4 {\n chain to_vif {\n  type filter hook forward priority 0;\n  oifname "vs" drop\n }\n}\n' |
	ip netns exec "$T4B" nft -f - || fail "nft bridge"
for _ in $(seq 200); do [ "$(grep -c '^ALERT .* guest ' "$D/live.out")" -ge 2 ] && break; sleep 0.02; done
alert=$(grep '^ALERT .* guest ' "$D/live.out" | sed -n 2p)
echo "$alert"
case $alert in *"guest $T4_SERVER "*"at uplink (lost in the bridge)"*) ;; *) fail "bridge loss alert: '$alert'";; esac
ip netns exec "$T4B" nft delete table bridge hoplat_t4
for _ in $(seq 100); do [ "$(grep -c '^RESUMED' "$D/live.out")" -ge 2 ] && break; sleep 0.05; done
grep '^RESUMED' "$D/live.out" | sed -n 2p | grep -q "guest $T4_SERVER answers again at uplink" ||
	fail "no RESUMED line at the uplink after the bridge drop was lifted"
sleep 0.5
kill -INT $LP; wait $LP; rc=$?
[ "$rc" -eq 0 ] || fail "hoplat live exited $rc after SIGINT"
# a window's line comes when it closes, a few windows after its end (so
# that late transactions count in it): checked once all are out
grep -q 'dns [1-9]' "$D/live.out" || fail "no DNS in the window lines"
[ "$(grep -c '^ALERT .* guest ' "$D/live.out")" -eq 2 ] || fail "not one alert per silence"
grep -q '"dns"' "$D/live.json" || fail "--json summary missing or without dns"
[ "$(wc -l <"$D/live.jsonl")" -gt 100 ] || fail "--transactions: $(wc -l <"$D/live.jsonl") lines"
n=$(tshark -r "$D/live.pcapng" 2>/dev/null | wc -l)
[ "$n" -gt 500 ] || fail "-w: $n packets"
echo "windows: $(grep -c 'pkts' "$D/live.out"), transactions: $(wc -l <"$D/live.jsonl"), packets kept: $n"
# The kept packets replayed through the same path (-r, as fast as possible): the same alert.
"$HOPLAT" live -r "$D/live.pcapng" --uplink vc --vif vs --speed 0 >"$D/replay.out" 2>"$D/replay.err" ||
	{ cat "$D/replay.err"; fail "hoplat live -r exited $?"; }
grep -q "^ALERT .*guest $T4_SERVER .*at vif (silent at all layers)" "$D/replay.out" || fail "no alert in the replay"
grep -q "^ALERT .*guest $T4_SERVER .*at uplink (lost in the bridge)" "$D/replay.out" ||
	fail "no bridge loss alert in the replay"
[ "$(grep -c '^ALERT .* guest ' "$D/replay.out")" -eq 2 ] || fail "replay: not exactly two guest alerts"
grep '^ALERT' "$D/replay.out" | sed 's/^/replay: /'
echo "live_hang: ok"
