#!/usr/bin/env bash
# Decoders against the oracle: every packet of every reference capture and of
# pcaps/ decoded by hoplat (build/tools/decdump) and by tshark (its output
# stored in tests/ref/tshark by tests/ref/regen.sh); addresses, ports, TCP
# sequence numbers and segment lengths, and the DNS id, query name and rcode
# of DNS over UDP must agree frame by frame.
# Frames tshark reads through an ICMP error (two IP headers) and IP fragments
# (tshark shows the reassembled datagram on the last one) are left out of
# the layer-4 comparison. Each capture is also cut to a snaplen of 80 and 128
# bytes (editcap -s): ports, sequence numbers and tcp.len (from the IP
# length) must still agree; DNS is not compared on cut captures (where tshark
# reads a cut capture like the whole one, only the whole one's output is stored).
set -u
cd "$(dirname "$0")/../.."
. tests/ref/ref.bash
command -v editcap >/dev/null || { echo "editcap not installed"; exit 77; }
ref_need
make -s build/tools/decdump >/dev/null || { echo "cannot build decdump"; exit 1; }
files=$(ls "$REF_CAPS"/*.pcap pcaps/*/*.pcapng)
tmp=$(mktemp -d /tmp/hoplat-decvs.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail=0 n=0
# Each capture and cut: decdump's rows and tshark's into $tmp/N.ours and
# $tmp/N.theirs, "N<TAB>NAME<TAB>SNAP" into $tmp/list; one python compares all.
for orig in $files; do
for snap in 0 80 128; do
	f=$orig n=$((n + 1))
	if [ "$snap" != 0 ]; then
		f="$tmp/$(basename "$orig").s$snap.pcapng"
		editcap -s "$snap" "$orig" "$f" >/dev/null 2>&1 || { echo "editcap failed on $orig"; fail=1; continue; }
	fi
	build/tools/decdump "$f" >"$tmp/$n.ours" 2>"$tmp/err" || { echo "decdump failed on $f: $(cat "$tmp/err")"; fail=1; continue; }
	[ "$snap" != 0 ] && rm -f "$f"
	want=$(ref_out "$orig" .s$snap.decode)
	[ "$snap" != 0 ] && [ -e "$want" ] || want=$(ref_out "$orig" .decode)
	ref_cat "$want" | cut -f "1-$([ "$snap" = 0 ] && echo 14 || echo 11)" >"$tmp/$n.theirs" || { fail=1; continue; }
	printf '%s\t%s\t%s\n' "$n" "$(basename "$f")" "$snap" >>"$tmp/list"
done
done
python3 - "$tmp" <<'PY' || fail=1
import sys

def compare(name, ours, theirs, cut):
    if len(ours) != len(theirs):
        print(f"{name}: {len(ours)} frames decoded, tshark read {len(theirs)}")
        return False
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
    print(f"{name}: {compared} frames compared, {bad} differ")
    return bad == 0

tmp, ok = sys.argv[1], True
for line in open(tmp + "/list"):
    n, name, snap = line.rstrip("\n").split("\t")
    rows = [open(f"{tmp}/{n}.{w}").read().splitlines() for w in ("ours", "theirs")]
    ok = compare(name, rows[0], rows[1], snap != "0") and ok
sys.exit(0 if ok else 1)
PY
exit $fail
