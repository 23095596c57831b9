#!/usr/bin/env bash
# The inputs of `analyze` and `live -r` as tcpdump and Wireshark users bring
# them (capture/input.c):
# 1. Several files per point: pcaps/demo split with editcap -c, given as a
#    quoted glob per point or as several FILEs in any order, and rotated
#    files written by the capture loop itself (live -r ... -w -C, and -G at
#    the recorded pace): the JSON summary and every transaction equal the
#    whole capture's. live -r of a glob equals live -r of the whole.
# 2. A BPF filter: `analyze -r F EXPR` (and --filter EXPR, and FILTER after
#    --client/--uplink/--vif) keeps exactly the packets tcpdump keeps with
#    the same expression on the same file (Ethernet, and the same capture
#    re-framed as raw IP and as Linux cooked); the analysis equals the one
#    of tcpdump's -w output of that filter; `live -r F EXPR` too. A filter
#    that does not compile: one line, status 2, before any input is opened
#    (a FIFO nobody writes does not block it).
# 3. FILE#INDEX equals FILE#NAME; a typo in FILE#IFACE: one line naming
#    what the file has, status 2, nothing analyzed or printed on stdout.
# 4. A FIFO or stdin: one point reads it (equal to the file); any point of
#    a cross-point analysis too (the clock is estimated in the one read): the
#    same analysis as from the files; one pipe for two points is refused in
#    one line at the start, never waits (under timeout).
# 5. hoplat -V, --version, help, help COMMAND.
set -u
cd "$(dirname "$0")/../.."
for t in editcap tcpdump python3 timeout; do
	command -v $t >/dev/null || { echo "$t not installed"; exit 77; }
done
[ -x ./hoplat ] || { echo "build ./hoplat first"; exit 77; }
P=pcaps/demo
[ -e $P/client.pcapng ] && [ -e $P/dom0.pcapng ] || { echo "no pcaps/demo"; exit 77; }
D=$(mktemp -d /tmp/hoplat-inputs.XXXXXX)
chmod 777 "$D"	# live drops root privileges (as tcpdump) before writing
trap 'rm -rf "$D"' EXIT
rc=0
fail() { echo "FAIL: $*"; rc=1; }
H=./hoplat

# same A.json B.json: equal but for the points' sources
same() { python3 tests/it/lib/same_summary.py "$1" "$2"; }
packets() { python3 -c 'import json,sys; print(sum(p["packets"] for p in json.load(open(sys.argv[1]))["points"].values()))' "$1"; }

# ---- 1. several files per point
three="--client $P/client.pcapng --uplink $P/dom0.pcapng#peth0 --vif $P/dom0.pcapng#vif1.0"
# shellcheck disable=SC2086
$H analyze $three --json $D/whole.json --transactions $D/whole.jsonl >/dev/null 2>&1 || fail "whole"
mkdir $D/split
editcap -c 700 $P/client.pcapng $D/split/c.pcapng >/dev/null
editcap -c 1500 $P/dom0.pcapng $D/split/d.pcapng >/dev/null
nc=$(ls $D/split/c_*.pcapng | wc -l) nd=$(ls $D/split/d_*.pcapng | wc -l)
[ "$nc" -ge 3 ] && [ "$nd" -ge 3 ] || fail "editcap made $nc and $nd files"
$H analyze --client "$D/split/c_*.pcapng" --uplink "$D/split/d_*.pcapng#peth0" --vif "$D/split/d_*.pcapng#vif1.0" \
	--json $D/split.json --transactions $D/split.jsonl >$D/split.txt 2>&1 || fail "split: $(tail -1 $D/split.txt)"
same $D/whole.json $D/split.json || fail "three points from $nc+$nd split files differ from the whole"
cmp -s $D/whole.jsonl $D/split.jsonl || fail "split: the transactions differ"
# the interfaces picked by name in every file of the glob
$H analyze --client "$D/split/c_*.pcapng" --uplink "$D/split/d_*.pcapng" --vif "$D/split/d_*.pcapng" \
	--json $D/split2.json >/dev/null 2>$D/split2.err || fail "split, no #IFACE"
same $D/whole.json $D/split2.json || fail "split without #IFACE differs from the whole"
grep -q "the vif is interface vif1.0, by its name" $D/split2.err || fail "split: no vif note"
# one point, several FILEs, newest first
$H analyze $P/client.pcapng --json $D/one.json --transactions $D/one.jsonl >/dev/null 2>&1
# shellcheck disable=SC2046
$H analyze $(ls $D/split/c_*.pcapng | sort -r) --json $D/args.json --transactions $D/args.jsonl >/dev/null 2>&1 ||
	fail "several FILEs"
same $D/one.json $D/args.json && cmp -s $D/one.jsonl $D/args.jsonl || fail "several FILEs differ from the whole"
# shellcheck disable=SC2046
$H analyze $(for f in $(ls $D/split/c_*.pcapng | sort -r); do echo "-r $f"; done) --json $D/rr.json >/dev/null 2>&1
same $D/one.json $D/rr.json || fail "-r given several times differs from the whole"
for f in $D/split/c_*.pcapng; do grep -q "\"source\":\"[^\"]*$f" $D/args.json || fail "the source does not name $f"; done
echo "split: $nc client and $nd Dom0 files = the whole ($(packets $D/whole.json) packets, $(wc -l <$D/whole.jsonl) transactions)"

# rotated by the capture loop: -C by size (as fast as possible), -G by time (recorded pace)
mkdir -m 777 $D/rot
$H live -q -Z root -r $P/dom0.pcapng --speed 0 -w $D/rot/c.pcapng -C 0.15 >$D/rot.out 2>&1 || fail "live -w -C"
nr=$(ls $D/rot/c.pcapng* | wc -l)
[ "$nr" -ge 3 ] || fail "-C 0.15 made $nr files"
$H analyze --client $P/client.pcapng --uplink "$D/rot/c.pcapng*" --vif "$D/rot/c.pcapng*" --json $D/rot.json \
	--transactions $D/rot.jsonl >/dev/null 2>&1 || fail "rotated -C"
same $D/whole.json $D/rot.json && cmp -s $D/whole.jsonl $D/rot.jsonl || fail "rotated by -C differs from the whole"
$H live -q -Z root -r $P/client.pcapng --speed 1 -w "$D/rot/g_%H%M%S.pcapng" -G 1 >$D/rotg.out 2>&1 || fail "live -w -G"
ng=$(ls $D/rot/g_*.pcapng | wc -l)
[ "$ng" -ge 3 ] || fail "-G 1 made $ng files"
$H analyze "$D/rot/g_*.pcapng" --json $D/rotg.json --transactions $D/rotg.jsonl >/dev/null 2>&1 || fail "rotated -G"
same $D/one.json $D/rotg.json && cmp -s $D/one.jsonl $D/rotg.jsonl || fail "rotated by -G differs from the whole"
echo "rotated: $nr files (-C), $ng files (-G) = the whole"
# live -r of the glob = live -r of the whole
$H live -q -Z root -r $P/dom0.pcapng --speed 0 --uplink peth0 --vif vif1.0 --json $D/lw.json >/dev/null 2>&1
$H live -q -Z root -r "$D/rot/c.pcapng*" --speed 0 --uplink peth0 --vif vif1.0 --json $D/lg.json >/dev/null 2>&1 ||
	fail "live -r GLOB"
same $D/lw.json $D/lg.json || fail "live -r of the rotated files differs from live -r of the whole"

# ---- 2. filters
python3 - $P/client.pcapng $D/raw.pcap $D/sll.pcap <<'PY'
# the Ethernet frames re-framed as raw IP (LINKTYPE_RAW) and Linux cooked (LINKTYPE_LINUX_SLL)
import struct, subprocess, sys
pcap = subprocess.run(['editcap', '-F', 'pcap', sys.argv[1], '-'], capture_output=True, check=True).stdout
for dst, lt in ((sys.argv[2], 101), (sys.argv[3], 113)):
    out, off = [struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 262144, lt)], 24
    while off < len(pcap):
        sec, usec, cap, wire = struct.unpack_from('<IIII', pcap, off)
        f = pcap[off + 16:off + 16 + cap]
        off += 16 + cap
        new = f[14:] if lt == 101 else struct.pack('>HHH', 0, 1, 6) + f[6:12] + b'\0\0' + f[12:]
        out.append(struct.pack('<IIII', sec, usec, len(new), wire - cap + len(new)) + new)
    open(dst, 'wb').write(b''.join(out))
PY
checked=0
for f in $P/client.pcapng $P/dom0.pcapng pcaps/http-ramp/dom0.pcapng pcaps/guest-hang/client.pcapng $D/raw.pcap $D/sll.pcap; do
	for e in 'host 10.77.0.10 and port 53' 'tcp[tcpflags] & tcp-syn != 0' 'udp and src host 10.77.0.10' \
		'icmp or arp' 'ip6' 'greater 100' 'not port 53'; do
		want=$(tcpdump -r $f "$e" 2>/dev/null | wc -l)
		$H analyze -r $f --json $D/f.json "$e" >/dev/null 2>$D/f.err || { fail "-r $f '$e': $(cat $D/f.err)"; continue; }
		got=$(packets $D/f.json)
		[ "$got" = "$want" ] || fail "-r $f '$e': $got packets, tcpdump $want"
		checked=$((checked + 1))
	done
done
echo "filters: $checked file/expression pairs, hoplat's packets = tcpdump's"
# the words after the options form one expression; --filter is the same
$H analyze -r $P/client.pcapng --json $D/w1.json udp and src host 10.77.0.10 >/dev/null 2>&1
$H analyze --filter 'udp and src host 10.77.0.10' $P/client.pcapng --json $D/w2.json >/dev/null 2>&1
same $D/w1.json $D/w2.json || fail "FILTER words and --filter differ"
[ "$(packets $D/w1.json)" = 1200 ] || fail "FILTER words: $(packets $D/w1.json) packets"
# the analysis of the filtered packets = the analysis of tcpdump's filtered file
for e in 'port 53 and (ip[2:2] & 1 = 0)' 'greater 90'; do
	tcpdump --time-stamp-precision=nano -r $P/client.pcapng -w $D/td.pcap "$e" 2>/dev/null
	$H analyze $D/td.pcap --json $D/td.json --transactions $D/td.jsonl >/dev/null 2>&1
	$H analyze -r $P/client.pcapng "$e" --json $D/hf.json --transactions $D/hf.jsonl >/dev/null 2>&1
	same $D/td.json $D/hf.json && cmp -s $D/td.jsonl $D/hf.jsonl ||
		fail "'$e': analyze -r F EXPR differs from analyzing tcpdump -r F -w G EXPR"
done
# cross-point with a filter: every point filtered
# shellcheck disable=SC2086
$H analyze $three --json $D/xf.json 'udp port 53 and ip[5] & 1 = 0' >/dev/null 2>&1 || fail "three points with a filter"
python3 - $D/xf.json $D/whole.json <<'PY' || fail "three points with a filter: not about half the queries"
import json, sys
f, w = (json.load(open(p)) for p in sys.argv[1:3])
n, m = f["dns"]["transactions"], w["dns"]["transactions"]
print("three points, filter on IP ID parity: %d of %d DNS transactions" % (n, m))
sys.exit(0 if 0.3 * m < n < 0.7 * m and all(p["packets"] < w["points"][k]["packets"] for k, p in f["points"].items()) else 1)
PY
# live -r with a filter
$H live -q -Z root -r $P/client.pcapng --speed 0 --json $D/lf.json 'udp and src host 10.77.0.10' >/dev/null 2>&1 ||
	fail "live -r with a filter"
[ "$(packets $D/lf.json)" = 1200 ] || fail "live -r FILTER: $(packets $D/lf.json) packets, want 1200"
# a filter that does not compile: before the inputs are opened (a FIFO without a writer would block)
mkfifo $D/nowriter
timeout 10 $H analyze -r $D/nowriter 'host 10.77.0.10 and prot 53' >$D/bad.out 2>$D/bad.err
s=$?
[ $s -eq 2 ] || fail "bad filter: status $s (124: it waited on the FIFO)"
[ "$(wc -l <$D/bad.err)" -eq 1 ] && grep -q "filter 'host 10.77.0.10 and prot 53'" $D/bad.err ||
	fail "bad filter: $(cat $D/bad.err)"
[ -s $D/bad.out ] && fail "bad filter: something on stdout"
echo "bad filter: $(cat $D/bad.err)"

# ---- 3. #INDEX, and a typo in #IFACE
$H analyze --uplink $P/dom0.pcapng#0 --vif $P/dom0.pcapng#1 --json $D/idx.json >/dev/null 2>&1 || fail "#INDEX"
$H analyze --uplink $P/dom0.pcapng#peth0 --vif $P/dom0.pcapng#vif1.0 --json $D/name.json >/dev/null 2>&1
same $D/idx.json $D/name.json || fail "FILE#0/#1 differ from FILE#peth0/#vif1.0"
for bad in peth vif1.1 2; do
	$H analyze --client $P/client.pcapng --uplink $P/dom0.pcapng#$bad --vif $P/dom0.pcapng#vif1.0 \
		--json $D/typo.json >$D/typo.out 2>$D/typo.err
	s=$?
	[ $s -eq 2 ] || fail "#$bad: status $s"
	[ -s $D/typo.out ] && fail "#$bad: an analysis was printed"
	[ -e $D/typo.json ] && fail "#$bad: --json written"
	[ "$(wc -l <$D/typo.err)" -eq 1 ] &&
		grep -q "dom0.pcapng has no interface named '$bad' (it has: #0 peth0, #1 vif1.0)" $D/typo.err ||
		fail "#$bad: $(cat $D/typo.err)"
done
echo "typo: $(cat $D/typo.err)"

# ---- 4. FIFO and stdin
$H analyze $P/client.pcapng --json $D/file.json >/dev/null 2>&1
rm -f $D/fifo && mkfifo $D/fifo
timeout 30 sh -c 'cat "$1" >"$2"' - $P/client.pcapng $D/fifo &	# bounded: no reader, no hang
timeout 20 $H analyze $D/fifo --json $D/fifo.json >/dev/null 2>&1 || fail "one point from a FIFO: status $?"
same $D/file.json $D/fifo.json || fail "one point from a FIFO differs from the file"
timeout 20 $H analyze - --json $D/stdin.json <$P/client.pcapng >/dev/null 2>&1 || fail "one point from stdin"
same $D/file.json $D/stdin.json || fail "one point from stdin differs from the file"
wait
# cross-point from a pipe: the clock is estimated from the captures' starts
# read ahead, in the one read, so any point may be a pipe: the same analysis
timeout 30 sh -c 'cat "$1" >"$2"' - $P/client.pcapng $D/fifo &
timeout 20 $H analyze --client $D/fifo --uplink $P/dom0.pcapng#peth0 --vif $P/dom0.pcapng#vif1.0 \
	--json $D/cf.json --transactions $D/cf.jsonl >/dev/null 2>&1 || fail "three points, the client from a FIFO"
wait
same $D/whole.json $D/cf.json && cmp -s $D/whole.jsonl $D/cf.jsonl || fail "the client from a FIFO differs from the files"
timeout 20 $H analyze --client $P/client.pcapng --uplink -#peth0 --vif $P/dom0.pcapng#vif1.0 --json $D/uf.json \
	--transactions $D/uf.jsonl <$P/dom0.pcapng >/dev/null 2>&1 || fail "three points, the uplink from stdin"
same $D/whole.json $D/uf.json && cmp -s $D/whole.jsonl $D/uf.jsonl || fail "the uplink from stdin differs from the files"
echo "cross-point from a FIFO and stdin: the same analysis"
# one pipe for two points is still refused (two readers would split its bytes)
timeout 20 $H analyze --client $P/client.pcapng --uplink -#peth0 --vif -#vif1.0 <$P/dom0.pcapng >$D/x.out 2>$D/x.err
s=$?
[ $s -eq 2 ] || fail "one pipe, two points: status $s (124: it hung)"
[ "$(wc -l <$D/x.err)" -eq 1 ] && grep -q "is read once" $D/x.err || fail "one pipe, two points: $(cat $D/x.err)"
[ -s $D/x.out ] && fail "one pipe, two points: an analysis was printed"
# a Dom0 point that the clock pass does not read may be a pipe
timeout 20 $H analyze --uplink $P/dom0.pcapng#peth0 --vif -#vif1.0 --json $D/pv.json <$P/dom0.pcapng >/dev/null 2>&1 ||
	fail "the vif from stdin"
same $D/name.json $D/pv.json || fail "the vif from stdin differs from the file"
# shellcheck disable=SC2086
timeout 20 $H analyze --client $P/client.pcapng --uplink $P/dom0.pcapng#peth0 --vif -#vif1.0 --json $D/pv3.json \
	<$P/dom0.pcapng >/dev/null 2>&1 || fail "three points, the vif from stdin"
same $D/whole.json $D/pv3.json || fail "three points with the vif from stdin differ from the files"

# ---- 5. version and help
v=$($H -V) && [ "$v" = "$($H --version)" ] && [[ $v == "hoplat "[0-9]* ]] || fail "-V: '$v'"
$H help | grep -q "analyze" || fail "help"
$H help analyze | grep -q -- "--filter EXPR" || fail "help analyze"
$H help live | grep -q "usage: hoplat live" || fail "help live"
$H help nosuch >/dev/null 2>&1
[ $? -eq 2 ] || fail "help nosuch: not status 2"

[ $rc -eq 0 ] && echo "analyze_inputs: ok"
exit $rc
