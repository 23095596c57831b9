#!/usr/bin/env bash
# End to end, HTTP: lighttpd and httperf (one connection per request) on the testbed, captured at the three
# points, analyzed by hoplat. Issue 5's acceptance (tb_e2e in testbed_lib.bash):
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
tb_e2e http 2 "$tmp"
