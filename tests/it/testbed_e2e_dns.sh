#!/usr/bin/env bash
# End to end, DNS: BIND and dnsperf on the testbed, captured at the three
# points, analyzed by hoplat. Issue 5's acceptance (tb_e2e in testbed_lib.bash):
#   1 ms link, 300 us bridge: dns link p50 = 2 ms +-10%, bridge p50 = 600 us +-20%
#   + 200 us guest delay: guest p50 rises by 400 us +-20%
#   no delay: link and bridge p50 within 50 us of zero
set -u
. tests/it/testbed_lib.bash
tb_need_root
tb_need_xpt
tmp=$(mktemp -d /tmp/hoplat-e2e-dns.XXXXXX)
trap '"$HOPLAT" testbed down >/dev/null 2>&1; rm -rf "$tmp"' EXIT
tb_e2e dns 1 "$tmp"
