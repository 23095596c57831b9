#!/usr/bin/env bash
# Outputs are created as Debian's tcpdump creates them,
# as tcpdump does: root opens the interfaces, becomes the -Z user (by
# default tcpdump, else nobody) and keeps CAP_DAC_OVERRIDE only to create its
# outputs, so a root-owned directory works and every file belongs to that
# user:
# - capture -w into a root-owned 0755 directory: exit 0, file owned by the
#   -Z user; once open, no capability is left (CapPrm and CapEff 0);
# - -G rotation into a root-only 0700 directory: every file made, owned by
#   the user; CAP_DAC_OVERRIDE stays permitted, never effective, meanwhile;
# - live -w F --json F --transactions F -Z nobody into the root directory:
#   exit 0, the JSON summary written at the end, all three owned by nobody;
#   live --json alone (the issue's "Permission denied" at the end) too.
set -u
cd "$(dirname "$0")/../.."
. tests/it/lib/t4_topo.bash
t4_need_root tshark capinfos ping dnsperf named
t4_need_hoplat
D=$(mktemp -d /tmp/hoplat-t4-priv.XXXXXX)
chmod 755 "$D"
trap 't4_down; rm -rf "$D"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
# A pid's capability sets and uid, from /proc.
caps() { awk '/^(CapPrm|CapEff|Uid):/ { v[$1] = $2 } END { printf "CapPrm=%s CapEff=%s uid=%s", v["CapPrm:"], v["CapEff:"], v["Uid:"] }' "/proc/$1/status"; }
timeout_wait() { ( sleep 10; kill -9 "$1" 2>/dev/null ) & local k=$!; wait "$1"; local rc=$?; kill $k 2>/dev/null; return $rc; }

t4_up
t4_named "$D" || exit 1
ip netns exec "$T4C" ping -q -i 0.01 -c 100000 "$T4_SERVER" >/dev/null 2>&1 &
R="$D/root"
mkdir -m 755 "$R"
def=tcpdump; id tcpdump >/dev/null 2>&1 || def=nobody

# capture into a root-owned directory, default user and -Z nobody.
for z in "" nobody; do
	f="$R/c${z:-default}.pcapng"
	ip netns exec "$T4B" "$HOPLAT" capture -q -i vc -w "$f" ${z:+-Z "$z"} 2>"$D/c$z.err" &
	P=$!
	t4_wait_line "$D/c$z.err" "listening on" || { cat "$D/c$z.err"; fail "-Z '$z' into a root dir: did not start"; }
	c=$(caps $P)
	sleep 0.3
	kill -INT $P; timeout_wait $P || { cat "$D/c$z.err"; fail "-Z '$z' into a root dir: exit status $?"; }
	[ "$(stat -c %U "$f")" = "${z:-$def}" ] || fail "-Z '$z': file owned by $(stat -c %U "$f")"
	[ "$(t4_npk "$f")" -gt 5 ] || fail "-Z '$z': only $(t4_npk "$f") packets"
	[ "$c" = "CapPrm=0000000000000000 CapEff=0000000000000000 uid=$(id -u "${z:-$def}")" ] ||
		fail "-Z '$z': while capturing: $c (want no capability left, uid of ${z:-$def})"
	echo "-Z '$z' into root's 0755 dir: owned by $(stat -c %U "$f"), $(t4_npk "$f") packets; running with $c"
done

# -G 1 -W 3 into a root-only directory.
mkdir -m 700 "$R/private"
ip netns exec "$T4B" "$HOPLAT" capture -q -i vc -w "$R/private/g-%H%M%S.pcapng" -G 1 -W 3 -Z nobody 2>"$D/g.err" &
P=$!
t4_wait_line "$D/g.err" "listening on" || { cat "$D/g.err"; fail "-G into a 0700 root dir: did not start"; }
sleep 0.5
c=$(caps $P)
timeout_wait $P || { cat "$D/g.err"; fail "-G into a 0700 root dir: exit status $?"; }
ls -l "$R/private"
[ "$(ls "$R/private" | wc -l)" -eq 3 ] || fail "-G -W 3: $(ls "$R/private" | wc -l) files"
[ -z "$(find "$R/private" -type f ! -user nobody)" ] || fail "-G: files not owned by nobody"
for f in "$R"/private/*; do [ -n "$(t4_npk "$f")" ] || fail "-G: $f unreadable"; done
# CAP_DAC_OVERRIDE (bit 1) permitted for the files to come, never effective.
[ "$c" = "CapPrm=0000000000000002 CapEff=0000000000000000 uid=$(id -u nobody)" ] ||
	fail "-G: while capturing: $c (want CAP_DAC_OVERRIDE permitted only)"
echo "-G 1 -W 3 into root's 0700 dir: 3 files owned by nobody; running with $c"

# live: -w, --json and --transactions into the root directory, -Z nobody.
for h in www a b c d; do echo "$h.t4.test A"; done >"$D/queries"
run_live() {
	: >"$D/live.err"	# before the background job starts: no "listening" line of the last run
	ip netns exec "$T4B" "$HOPLAT" live --client vc -Z nobody "$@" >"$D/live.out" 2>"$D/live.err" &
	P=$!
	t4_wait_line "$D/live.err" "listening on" || { cat "$D/live.err"; fail "live $*: did not start"; }
	ip netns exec "$T4C" dnsperf -s "$T4_SERVER" -d "$D/queries" -l 1 -Q 100 >/dev/null 2>&1
	sleep 0.3
	kill -INT $P; timeout_wait $P || { cat "$D/live.err"; fail "live $*: exit status $?"; }
}
run_live -w "$R/l.pcapng" --json "$R/s.json" --transactions "$R/t.jsonl"
for f in l.pcapng s.json t.jsonl; do
	[ "$(stat -c %U "$R/$f")" = nobody ] || fail "live: $f owned by $(stat -c %U "$R/$f")"
done
python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); assert d' "$R/s.json" ||
	fail "live --json: not a JSON summary"
n=$(wc -l <"$R/t.jsonl")
[ "$n" -ge 50 ] || fail "live --transactions: $n lines"
[ "$(t4_npk "$R/l.pcapng")" -gt 100 ] || fail "live -w: $(t4_npk "$R/l.pcapng") packets"
echo "live -w --json --transactions -Z nobody into root's dir: all owned by nobody, $n transactions"
rm -f "$R/s.json"
run_live --json "$R/s.json"
python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$R/s.json" || fail "live --json alone: no summary"
echo "live --json alone: written"

# A file that cannot be made for other reasons still fails clearly.
ip netns exec "$T4B" "$HOPLAT" capture -q -i vc -w "$R/missing/x.pcapng" 2>"$D/m.err" && fail "missing dir: exit 0"
grep -q "missing/x.pcapng: cannot create: No such file or directory" "$D/m.err" || { cat "$D/m.err"; fail "missing dir: message"; }
echo "capture_privs: ok"
