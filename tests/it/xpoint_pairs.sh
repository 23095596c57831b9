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
