#!/usr/bin/env bash
# Cross-point keep-alive HTTP (httperf --num-calls): the first request on a
# connection from its SYN, later ones from the request; components, clock and
# losses against gen_hops' truth.
. tests/it/lib/xpoint_lib.sh
rc=0
xp_case ka3 keepalive client,uplink,vif combined --link-in 60 --link-out 80 --bridge 15 --jitter 10 \
	--offset-ns 1700000000 --skew-ppm 25 --drop link:7 --drop bridge:20 --drop guest:33 --drop link-back:45 --drop bridge-back:60 --repeat 2 || rc=1
exit $rc
