#!/usr/bin/env bash
# TCP reassembly against tshark: variants of an HTTP exchange whose response
# spans three segments (tests/ref/captures/http-lines-split.pcap): the last
# segment retransmitted, an earlier one duplicated, the last two swapped, one
# lost and retransmitted after the last, one lost for good. hoplat must time
# each response at the packet that completed it, as tshark does with
# -o tcp.reassemble_out_of_order:TRUE (Wireshark 4.0's default, FALSE, gives
# up on reordered segments; both are shown), and not time the one with a hole.
# tshark's times are stored in tests/ref (tests/ref/regen.sh).
set -u
cd "$(dirname "$0")/../.."
. tests/ref/ref.bash
HOPLAT=${HOPLAT:-$PWD/hoplat}
REF=$REF_CAPS/http-lines-split.pcap
[ -x "$HOPLAT" ] || { echo "build ./hoplat first"; exit 77; }
command -v python3 >/dev/null || { echo "python3 not installed"; exit 77; }
ref_need
D=$(mktemp -d /tmp/hoplat-reorder.XXXXXX)
trap 'rm -rf "$D"' EXIT
python3 tests/it/lib/tcp_variants.py "$REF" "$D" 9 10 || { echo "FAIL: variants"; exit 1; }
rc=0
us() { ref_cat "$(ref_out "$REF" ".$1")" | awk '{ printf "%.3f\n", $1 * 1e6 }'; }
for v in retrans dup-a ooo late hole; do
	[ -e "$(ref_out "$REF" ".$v.ooo")" ] || { echo "FAIL: no stored tshark output for $v (run tests/ref/regen.sh)"; exit 1; }
	want=$(us $v.ooo) dflt=$(us $v.default)
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
[ -z "$(us hole.ooo)" ] || { echo "FAIL: tshark timed the response with a hole: the variant is wrong"; exit 1; }
[ $rc -eq 0 ] || { echo "FAIL: hoplat differs from tshark"; exit 1; }
echo ok
