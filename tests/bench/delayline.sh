#!/usr/bin/env bash
# Accuracy of the testbed's userspace delay line: brings the testbed up with
# the given one-way delays, sends UDP datagrams client -> guest (echoed back),
# captures at the client's eth0, peth0, vif1.0 and the guest's eth0 with
# tcpdump (nanosecond stamps) and prints, per hop and direction, the measured
# one-way delay minus the configured one: median, p99, max.
#   tests/bench/delayline.sh [LINK [BRIDGE [GUEST [COUNT [RATE]]]]]   (defaults 1ms 300us 200us 2000 500)
set -eu
cd "$(dirname "$0")/../.."
[ "$(id -u)" -eq 0 ] || { echo "needs root"; exit 77; }
HOPLAT=${HOPLAT:-./hoplat}
L=${1:-1ms} B=${2:-300us} G=${3:-200us} N=${4:-2000} R=${5:-500}
tmp=$(mktemp -d /tmp/hoplat-dl.XXXXXX)
cleanup() { for p in $(cat "$tmp"/*.pid 2>/dev/null); do kill "$p" 2>/dev/null || true; done; "$HOPLAT" testbed down >/dev/null 2>&1 || true; rm -rf "$tmp"; }
trap cleanup EXIT
"$HOPLAT" testbed down >/dev/null 2>&1 || true
"$HOPLAT" testbed up --link-delay "$L" --bridge-delay "$B" --guest-delay "$G" >/dev/null
cap() { ip netns exec "$1" tcpdump -n -q -U --nano -s 128 -i "$2" -w "$tmp/$3.pcap" udp port 7777 2>"$tmp/$3.log" & echo $! >"$tmp/$3.pid"; }
cap hoplat-client eth0 client; cap hoplat-dom0 peth0 peth0; cap hoplat-dom0 vif1.0 vif; cap hoplat-guest eth0 guest
ip netns exec hoplat-guest python3 -c '
import socket
s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM); s.bind(("10.77.0.10",7777))
while True:
    d,a=s.recvfrom(2048); s.sendto(d,a)' & echo $! >"$tmp/echo.pid"
sleep 1
ip netns exec hoplat-client python3 -c '
import socket,time,sys
n,r=int(sys.argv[1]),float(sys.argv[2])
s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM); s.connect(("10.77.0.10",7777))
t=time.monotonic()
for i in range(n):
    s.send(b"%08d" % i + b"x"*56); t+=1.0/r
    d=t-time.monotonic()
    if d>0: time.sleep(d)' "$N" "$R"
sleep 0.5
for f in client peth0 vif guest; do kill -INT "$(cat "$tmp/$f.pid")"; done
sleep 0.5
python3 - "$tmp" "$L" "$B" "$G" <<'PY'
import struct,sys
tmp=sys.argv[1]
def ns(s):
    for u,m in (("us",1e3),("ms",1e6),("ns",1),("s",1e9)):
        if s.endswith(u): return float(s[:-len(u)])*m
    return float(s)*1e9
def read(name):
    b=open(f"{tmp}/{name}.pcap","rb").read(); o=24; req={}; rsp={}
    while o+16<=len(b):
        sec,frac,cl,_=struct.unpack_from("<IIII",b,o); d=b[o+16:o+16+cl]; o+=16+cl
        t=sec*10**9+frac; ihl=(d[14]&15)*4; u=14+ihl
        sp,dp=struct.unpack_from(">HH",d,u); seq=d[u+8:u+16]
        (req if dp==7777 else rsp)[seq]=t
    return req,rsp
c,p,v,g=(read(x) for x in ("client","peth0","vif","guest"))
def stat(name,a,b,conf):
    e=sorted(b[k]-a[k]-conf for k in a if k in b)
    if not e: print(f"{name:28s} no matches"); return
    q=lambda f:e[min(len(e)-1,int(f*len(e)))]
    print(f"{name:28s} n={len(e):5d} configured {conf/1e3:7.1f}us  error median {q(.5)/1e3:6.1f}us p99 {q(.99)/1e3:6.1f}us max {e[-1]/1e3:7.1f}us")
L,B,G=(ns(x) for x in sys.argv[2:5])
stat("link   client->peth0",c[0],p[0],L); stat("link   peth0->client",p[1],c[1],L)
stat("bridge peth0->vif1.0",p[0],v[0],B); stat("bridge vif1.0->peth0",v[1],p[1],B)
stat("guest  vif1.0->guest",v[0],g[0],G); stat("guest  guest->vif1.0",g[1],v[1],G)
PY
