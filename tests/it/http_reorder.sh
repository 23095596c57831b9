#!/usr/bin/env bash
# TCP reassembly against tshark: variants of an HTTP exchange whose response
# spans three segments (pcaps/reference http-lines-split.pcap): the last
# segment retransmitted, an earlier one duplicated, the last two swapped, one
# lost and retransmitted after the last, one lost for good. hoplat must time
# each response at the packet that completed it, as tshark does with
# -o tcp.reassemble_out_of_order:TRUE (Wireshark 4.0's default, FALSE, gives
# up on reordered segments; both are shown), and not time the one with a hole.
set -u
cd "$(dirname "$0")/../.."
HOPLAT=${HOPLAT:-$PWD/hoplat}
REF=../shared/pcaps/reference/http-lines-split.pcap
[ -x "$HOPLAT" ] || { echo "build ./hoplat first"; exit 77; }
[ -f "$REF" ] || { echo "reference captures not found"; exit 77; }
for t in tshark python3; do command -v $t >/dev/null || { echo "$t not installed"; exit 77; }; done
D=$(mktemp -d /tmp/hoplat-reorder.XXXXXX)
trap 'rm -rf "$D"' EXIT
python3 tests/it/lib/tcp_variants.py "$REF" "$D" 9 10 || { echo "FAIL: variants"; exit 1; }
rc=0
for v in retrans dup-a ooo late hole; do
	want=$(tshark -o tcp.reassemble_out_of_order:TRUE -r "$D/$v.pcap" -d tcp.port==31337,http \
		-Y http.time -T fields -e http.time 2>/dev/null | awk '{ printf "%.3f\n", $1 * 1e6 }')
	dflt=$(tshark -r "$D/$v.pcap" -d tcp.port==31337,http -Y http.time -T fields -e http.time \
		2>/dev/null | awk '{ printf "%.3f\n", $1 * 1e6 }')
	"$HOPLAT" analyze "$D/$v.pcap" --http-port 31337 --transactions "$D/$v.jsonl" >/dev/null 2>&1 ||
		{ echo "FAIL: hoplat analyze $v"; exit 1; }
	got=$(python3 -c 'import json, sys
for l in open(sys.argv[1]):
    t = json.loads(l)
    if t["proto"] == "http" and t["response_us"] is not None:
        print("%.3f" % t["response_us"])' "$D/$v.jsonl")
	verdict=ok
	[ "$got" = "$want" ] || { verdict=DIFFER; rc=1; }
	printf '%-8s hoplat [%s]  tshark ooo-reassembly [%s]  tshark default [%s]  %s\n' \
		"$v" "${got:-none}" "${want:-none}" "${dflt:-none}" "$verdict"
done
[ "$(tshark -o tcp.reassemble_out_of_order:TRUE -r "$D/hole.pcap" -d tcp.port==31337,http -Y http.time 2>/dev/null | wc -l)" -eq 0 ] ||
	{ echo "FAIL: tshark timed the response with a hole: the variant is wrong"; exit 1; }
[ $rc -eq 0 ] || { echo "FAIL: hoplat differs from tshark"; exit 1; }
echo ok
