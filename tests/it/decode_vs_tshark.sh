#!/usr/bin/env bash
# Decoders against the oracle: every packet of every reference capture (and
# of pcaps/ when present) decoded by hoplat (build/tools/decdump) and by
# tshark; addresses, ports, TCP sequence numbers and segment lengths, and
# the DNS id, query name and rcode of DNS over UDP must agree frame by frame.
# Frames tshark reads through an ICMP error (two IP headers) and IP fragments
# (tshark shows the reassembled datagram on the last one) are left out of
# the layer-4 comparison. Each capture is also cut to a snaplen of 80 and 128
# bytes (editcap -s): ports, sequence numbers and tcp.len (from the IP
# length) must still agree; DNS is not compared on cut captures.
set -u
cd "$(dirname "$0")/../.."
command -v tshark >/dev/null || { echo "tshark not installed"; exit 77; }
make -s build/tools/decdump >/dev/null || { echo "cannot build decdump"; exit 1; }
ref=../shared/pcaps/reference
[ -d "$ref" ] || ref=/work/shared/pcaps/reference
files=$(ls "$ref"/*.pcap pcaps/*/*.pcap* 2>/dev/null)
[ -n "$files" ] || { echo "no captures to compare"; exit 77; }
tmp=$(mktemp -d /tmp/hoplat-decvs.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail=0
for orig in $files; do
for snap in 0 80 128; do
	f=$orig
	if [ "$snap" != 0 ]; then
		f="$tmp/$(basename "$orig").s$snap.pcapng"
		editcap -s "$snap" "$orig" "$f" >/dev/null 2>&1 || { echo "editcap failed on $orig"; fail=1; continue; }
	fi
	build/tools/decdump "$f" >"$tmp/ours" 2>"$tmp/err" || { echo "decdump failed on $f: $(cat "$tmp/err")"; fail=1; continue; }
	tshark -n -r "$f" -T fields -E separator=/t -e frame.number -e ip.src -e ipv6.src \
		-e ip.dst -e ipv6.dst -e tcp.srcport -e udp.srcport -e tcp.dstport -e udp.dstport \
		-e tcp.seq_raw -e tcp.len -e dns.id -e dns.qry.name -e dns.flags.rcode \
		>"$tmp/theirs" 2>/dev/null
	python3 - "$f" "$tmp/ours" "$tmp/theirs" "$snap" <<'PY' || fail=1
import sys
name, ours, theirs = sys.argv[1], open(sys.argv[2]).read().splitlines(), open(sys.argv[3]).read().splitlines()
cut = sys.argv[4] != "0"
if len(ours) != len(theirs):
    print(f"{name}: {len(ours)} frames decoded, tshark read {len(theirs)}"); sys.exit(1)
bad = compared = 0
for o, t in zip(ours, theirs):
    o, t = o.split("\t"), (t.split("\t") + [""] * 14)[:14]
    status = o[14]
    if any("," in x for x in t[1:5]):
        continue                      # ICMP error quoting another IP header
    cols = list(range(0, 5))          # addresses always
    if status == "ok" and not any("," in x for x in t[5:11]):
        cols += list(range(5, 11))    # ports, seq, tcp.len
        if o[6] and "," not in t[11] and not cut:
            cols += [11, 12, 13]      # DNS over UDP
    t[12] = t[12].split(",")[0]       # the first question (qdcount can be more)
    diff = [(i, o[i], t[i]) for i in cols if o[i] != t[i]]
    if status not in ("ok", "frag") and t[9] and "," not in t[9]:
        diff.append((14, status, "a TCP segment tshark reads"))
    compared += 1
    if diff:
        bad += 1
        if bad <= 5:
            print(f"{name} frame {o[0]} ({status}): " + ", ".join(f"col {i} hoplat={a!r} tshark={b!r}" for i, a, b in diff))
print(f"{name.split('/')[-1]}: {compared} frames compared, {bad} differ")
sys.exit(1 if bad else 0)
PY
	[ "$snap" != 0 ] && rm -f "$f"
done
done
exit $fail
