#!/usr/bin/env bash
# The DPDK backend without hardware, through DPDK's virtual devices:
#  1. net_pcap replaying a capture (made here with tcpdump: ping and UDP
#     through a veth): hoplat-dpdk capture -i dpdk:0 -c N writes exactly the
#     input's packets, byte for byte and in order; tshark reads the pcapng.
#  2. net_af_packet on a veth in a namespace: live ping traffic through the
#     DPDK port into the pcapng, every echo request seen.
# Builds `make hoplat-dpdk` (beside ./hoplat). Root, --no-huge, own --file-prefix.
set -u
cd "$(dirname "$0")/../.."
. tests/it/lib/t4_topo.bash
t4_need_root tshark tcpdump ping pkg-config
pkg-config --exists libdpdk || { echo "libdpdk-dev not installed"; exit 77; }
make -s hoplat-dpdk >/dev/null 2>&1 || { make hoplat-dpdk 2>&1 | tail -5; echo "FAIL: make hoplat-dpdk"; exit 1; }
D=$(mktemp -d /tmp/hoplat-t4-dpdk.XXXXXX)
chmod 755 "$D"
trap 't4_down; rm -rf "$D" "/var/run/dpdk/hoplat-t4-$$"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
EAL="--no-huge -m 256 --no-pci --file-prefix=hoplat-t4-$$ --iova-mode=va --log-level=error --no-telemetry"
bytes() { tcpdump -r "$1" -nn -xx 2>/dev/null | awk '/^[0-9]/ { if (h != "") print h; h = ""; next }
	{ $1 = ""; gsub(/ /, ""); h = h $0 } END { if (h != "") print h }'; }

t4_up
# 1. The input: real packets of several sizes, captured by tcpdump.
ip netns exec "$T4B" tcpdump -i vc -n -U -w "$D/in.pcap" 2>"$D/t.err" &
TP=$!
t4_wait_line "$D/t.err" "listening on" || fail "tcpdump did not start"
ip netns exec "$T4C" ping -q -c 60 -i 0.01 -s 1200 "$T4_SERVER" >/dev/null 2>&1
ip netns exec "$T4C" ping -q -c 60 -i 0.01 -s 32 "$T4_SERVER" >/dev/null 2>&1
sleep 0.3; kill -INT $TP; wait $TP
n=$(bytes "$D/in.pcap" | wc -l)
[ "$n" -ge 200 ] || fail "input has only $n packets"

timeout 30 ./hoplat-dpdk capture -q -Z root -i dpdk:0 -w "$D/out.pcapng" -c "$n" \
	--dpdk-args "$EAL --vdev=net_pcap0,rx_pcap=$D/in.pcap" 2>"$D/pcap.err" ||
	{ cat "$D/pcap.err"; fail "hoplat-dpdk (net_pcap) exited $?"; }
tshark -r "$D/out.pcapng" -q 2>&1 | grep -v 'Running as user' | grep . && fail "tshark cannot read the output"
bytes "$D/in.pcap" >"$D/in.txt"
bytes "$D/out.pcapng" >"$D/out.txt"
cmp -s "$D/in.txt" "$D/out.txt" || fail "net_pcap: packets differ from the input ($(wc -l <"$D/out.txt") vs $n)"
grep -q 'Name = dpdk:0' <(capinfos "$D/out.pcapng") || fail "no interface named dpdk:0"
echo "net_pcap: $n packets written, identical to the input"

# 2. net_af_packet on the bridge port vc, live.
ip netns exec "$T4B" timeout 30 "$PWD/hoplat-dpdk" capture -q -Z root -i dpdk:0 -w "$D/af.pcapng" -c 40 \
	--dpdk-args "$EAL --vdev=net_af_packet0,iface=vc" 2>"$D/af.err" &
P=$!
t4_wait_line "$D/af.err" "listening on" || { cat "$D/af.err"; fail "hoplat-dpdk (net_af_packet) did not start"; }
ip netns exec "$T4C" ping -q -c 30 -i 0.05 "$T4_SERVER" >/dev/null 2>&1
wait $P || { cat "$D/af.err"; fail "hoplat-dpdk (net_af_packet) exited $?"; }
req=$(tshark -r "$D/af.pcapng" -Y 'icmp.type == 8' 2>/dev/null | wc -l)
[ "$req" -ge 19 ] || fail "net_af_packet: only $req echo requests captured"
echo "net_af_packet: 40 packets, $req echo requests"
echo "capture_dpdk: ok"
