#!/usr/bin/env bash
# Every pair of points (client+uplink, client+vif, uplink+vif) on DNS and
# HTTP: the separable components match the truth, merged ones are named
# (client+vif: network_us = link + bridge), losses land on the (merged) hop,
# the clock is estimated whenever the client is given, matching is reported.
. tests/it/lib/xpoint_lib.sh
rc=0
for kind in dns http; do
	for pts in client,uplink client,vif uplink,vif; do
		xp_case "$kind-${pts/,/-}" $kind $pts separate --link-in 50 --link-out 70 --bridge 12 \
			--jitter 8 --offset-ns 4200000000 --skew-ppm 70 --drop link:4 --drop bridge:11 \
			--drop guest:17 --drop bridge-back:25 --repeat 3 || rc=1
	done
done
# captures that start at different times (Dom0's, then the client's, cut to
# start half way): the coarse offset still finds the other's packets
d=$XP/late
mkdir -p "$d"
"$GEN" --in "$(xp_capture dns)" --out "$d" --layout separate --repeat 12 --offset-ns 5000000000 \
	--skew-ppm 50 || rc=1
first() { tshark -r "$1" -c 1 -T fields -e frame.time_epoch 2>/dev/null; }
n=$(tshark -r "$d/client.pcapng" 2>/dev/null | wc -l)
for cut in client uplink; do
	editcap -r "$d/$cut.pcapng" "$d/${cut}_late.pcapng" $((n / 2))-$n >/dev/null || rc=1
	c=$d/client.pcapng u=$d/uplink.pcapng
	[ $cut = client ] && c=$d/client_late.pcapng || u=$d/uplink_late.pcapng
	./hoplat analyze --client "$c" --uplink "$u" --json "$d/$cut.json" >/dev/null 2>&1 || rc=1
	python3 - "$d/$cut.json" "$(first "$d/client.pcapng")" "$(first "$c")" <<'PY' || rc=1
import json, sys
c = json.load(open(sys.argv[1])).get('clock') or {}
t0, t1 = float(sys.argv[2]), float(sys.argv[3])
want = 5e9 + 50e-6 * (t1 - t0) * 1e9 / (1 + 50e-6)	# the offset at the client's first packet
err = abs(c.get('client_offset_ns', 0) - want)
print('late start (%s cut): offset error %.0f ns, skew %.3f ppm' % (sys.argv[1].split('/')[-1], err, c.get('client_skew_ppm', 0)))
sys.exit(0 if err <= 20000 + 2000 and abs(c.get('client_skew_ppm', 0) - 50) <= 1 else 1)
PY
done
# all three points as interfaces of one pcapng (one host, one clock: no estimate)
if command -v mergecap >/dev/null; then
	d=$XP/onefile
	mkdir -p "$d"
	"$GEN" --in "$(xp_capture http)" --out "$d" --layout combined --offset-ns 0 --skew-ppm 0 \
		--drop bridge:3 --repeat 2 || rc=1
	mergecap -F pcapng -w "$d/all.pcapng" "$d/client.pcapng" "$d/dom0.pcapng" || rc=1
	./hoplat analyze --client "$d/all.pcapng#eth0" --uplink "$d/all.pcapng#peth0" \
		--vif "$d/all.pcapng#vif1.0" --json "$d/out.json" --transactions "$d/out.jsonl" \
		>"$d/out.txt" 2>&1 || { echo "analyze failed"; tail -3 "$d/out.txt"; rc=1; }
	echo "== one file, three interfaces"
	python3 tests/it/lib/xpoint_compare.py "$d" client,uplink,vif "$d/out.jsonl" "$d/out.json" || rc=1
fi
exit $rc
