#!/usr/bin/env bash
# End to end, DNS: BIND and dnsperf on the testbed, captured at the three
# points, analyzed by hoplat. Issue 5's acceptance:
#   1 ms link, 300 us bridge: dns link p50 = 2 ms +-10%, bridge p50 = 600 us +-20%
#   + 200 us guest delay: guest p50 rises by 400 us +-20%
#   no delay: link and bridge p50 within 50 us of zero
set -u
. tests/it/testbed_lib.bash
tb_need_root
tb_need_xpt
tmp=$(mktemp -d /tmp/hoplat-e2e-dns.XXXXXX)
trap '"$HOPLAT" testbed down >/dev/null 2>&1; rm -rf "$tmp"' EXIT
P=dns
tb_scenario dns-ramp "$tmp/a" --link-delay 1ms --bridge-delay 300us || exit 1
tb_scenario dns-ramp "$tmp/b" --link-delay 1ms --bridge-delay 300us --guest-delay 200us || exit 1
tb_scenario dns-ramp "$tmp/c" || exit 1
for r in a b c; do tb_analyze "$tmp/$r" || exit 1; done
g() { tb_get "$tmp/$1/analysis.json" "$P.latency_us.$2.p50"; }
rc=0
tb_within "dns link p50 (1ms each way)" "$(g a link)" 2000 200 || rc=1
tb_within "dns bridge p50 (300us each way)" "$(g a bridge)" 600 120 || rc=1
tb_within "dns guest p50 rise (200us each way)" "$(python3 -c "print($(g b guest)-$(g a guest))")" 400 80 || rc=1
tb_within "dns link p50, no delay" "$(g c link)" 0 50 || rc=1
tb_within "dns bridge p50, no delay" "$(g c bridge)" 0 50 || rc=1
exit $rc
