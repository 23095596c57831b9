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
exit $rc
