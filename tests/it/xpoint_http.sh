#!/usr/bin/env bash
# Cross-point HTTP, a new connection per request (lighttpd + httperf
# --num-conns): SYN, SYN-ACK, request and last response packet crossing
# client, uplink and vif; components, clock and losses against gen_hops' truth.
. tests/it/lib/xpoint_lib.sh
rc=0
xp_case http3 http client,uplink,vif separate --link-in 60 --link-out 80 --bridge 15 --jitter 10 \
	--offset-ns 3100000000 --skew-ppm 55 --drop link:5 --drop bridge:9 --drop guest:13 --drop link-back:20 --drop bridge-back:30 --repeat 2 || rc=1
xp_case http3c http client,uplink,vif combined --link-in 100 --link-out 50 --bridge 25 --jitter 5 \
	--offset-ns -900000000 --skew-ppm -30 --drop bridge:2 --seed 5 --repeat 2 --router || rc=1
exit $rc
