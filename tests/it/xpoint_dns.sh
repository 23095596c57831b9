#!/usr/bin/env bash
# Cross-point DNS (BIND + dnsperf traffic): client, uplink and vif derived by
# gen_hops with jitter, an asymmetric link, a client clock 2.5 s ahead and
# 40 ppm fast, and a query lost on each hop. hoplat's components must match
# the truth (median error <= 1 us, p99 <= 5 us), the clock within bounds,
# every loss on its hop (queries lost on the way in and answers lost on the
# way back). Both Dom0 points in one pcapng (#IFACE) here.
. tests/it/lib/xpoint_lib.sh
rc=0
xp_case dns3 dns client,uplink,vif combined --link-in 60 --link-out 80 --bridge 15 --jitter 10 \
	--offset-ns 2500000000 --skew-ppm 40 --drop link:5 --drop bridge:40 --drop guest:77 --drop link-back:120 --drop bridge-back:200 --repeat 2 || rc=1
# the clock behind and slow, a larger asymmetry, a router on the link (TTL - 1)
xp_case dns3b dns client,uplink,vif separate --link-in 40 --link-out 140 --bridge 8 --jitter 20 \
	--offset-ns -7300000000 --skew-ppm -85 --drop guest:3 --drop link:100 --seed 99 --repeat 2 --router || rc=1
# drift beyond the matching window: 1000 ppm over ~4 minutes moves the client
# clock ~250 ms, more than the 200 ms window; the clock pass must track it
xp_case dnsdrift dns client,uplink,vif separate --offset-ns 86400000000000 --skew-ppm 1000 \
	--drop bridge:5000 --repeat 240 --seed 3 || rc=1
rm -rf "$XP/dnsdrift"
# time series: the windows add up to the summary, and the CSV has a row per window
d=$XP/dns3
python3 - "$d/out.json" "$d/csv/windows.csv" <<'PY' || rc=1
import json, sys
s = json.load(open(sys.argv[1]))
w = s.get('windows')
rows = open(sys.argv[2]).readlines()[1:]   # windows.csv: one header, a row per window
n = sum(x['dns']['transactions'] for x in w or [])
q = sum(x['requests_per_s']['client'] for x in w or [])   # 1 s windows: per second = count
print('windows: %d (csv rows %d), transactions %d of %d, client queries %d' % (len(w or []), len(rows), n, s['dns']['transactions'], q))
ok = w and len(rows) == len(w) and n == s['dns']['transactions'] and q >= s['dns']['transactions']
ok = ok and all('total' in x['dns']['latency_us'] for x in w if x['dns']['transactions'] > 3)
sys.exit(0 if ok else 1)
PY
exit $rc
