#!/usr/bin/env bash
# End to end, DNS: BIND and dnsperf on the testbed (1 ms link, 300 us bridge,
# 200 us guest; and no delay), captured at the three points, analyzed by
# hoplat: each query's link, bridge and guest time equals tshark's on the
# same captures (tb_e2e in testbed_lib.bash, testbed_oracle.py).
set -u
. tests/it/testbed_lib.bash
tb_need_root
command -v tshark >/dev/null || { echo "needs tshark"; exit 77; }
tmp=$(mktemp -d /tmp/hoplat-e2e-dns.XXXXXX)
trap '"$HOPLAT" testbed down >/dev/null 2>&1; rm -rf "$tmp"' EXIT
tb_e2e dns 1 "$tmp"
