#!/usr/bin/env bash
# End to end, HTTP: lighttpd and httperf (one connection per request) on the testbed, captured at the three
# points, analyzed by hoplat. Issue 5's acceptance:
#   1 ms link, 300 us bridge: link p50 = 2 ms +-10%, bridge p50 = 600 us +-20%
#   + 200 us guest delay: guest p50 rises by 400 us +-20%
#   no delay: link and bridge p50 within 50 us of zero
# per round trip. Issue 3 sums an HTTP transaction's components over its
# critical path SYN, SYN-ACK, request, last response packet: two round trips,
# so the expected values here are twice the per-round-trip ones (RT=2).
set -u
. tests/it/testbed_lib.bash
tb_need_root
tb_need_xpt
tmp=$(mktemp -d /tmp/hoplat-e2e-http.XXXXXX)
trap '"$HOPLAT" testbed down >/dev/null 2>&1; rm -rf "$tmp"' EXIT
P=http
tb_scenario http-ramp "$tmp/a" --link-delay 1ms --bridge-delay 300us || exit 1
tb_scenario http-ramp "$tmp/b" --link-delay 1ms --bridge-delay 300us --guest-delay 200us || exit 1
tb_scenario http-ramp "$tmp/c" || exit 1
for r in a b c; do tb_analyze "$tmp/$r" || exit 1; done
RT=2
g() { tb_get "$tmp/$1/analysis.json" "$P.latency_us.$2.p50"; }
rc=0
tb_within "http link p50 (1ms each way)" "$(g a link)" $((RT * 2000)) $((RT * 200)) || rc=1
tb_within "http bridge p50 (300us each way)" "$(g a bridge)" $((RT * 600)) $((RT * 120)) || rc=1
tb_within "http guest p50 rise (200us each way)" "$(python3 -c "print($(g b guest)-$(g a guest))")" $((RT * 400)) $((RT * 80)) || rc=1
tb_within "http link p50, no delay" "$(g c link)" 0 50 || rc=1
tb_within "http bridge p50, no delay" "$(g c bridge)" 0 50 || rc=1
exit $rc
