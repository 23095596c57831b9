#!/usr/bin/env bash
# --uplink and --vif given a Dom0 capture of both bridge ports without
# #IFACE (as `hoplat testbed run` writes dom0.pcapng): each point takes its
# interface by name (peth0 the uplink, vif1.0 the vif), says so, and the
# analysis equals the one with FILE#IFACE. Interfaces whose names say nothing
# (renamed in a copy) are not guessed: one point of both, with the note that
# says how to pick. --vif alone picks too.
set -u
cd "$(dirname "$0")/../.."
command -v python3 >/dev/null || { echo "python3 not installed"; exit 77; }
[ -x ./hoplat ] || { echo "./hoplat not built"; exit 1; }
tmp=$(mktemp -d /tmp/hoplat-ifaces.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
rc=0
fail() { echo "FAIL: $*"; rc=1; }

# same A.json B.json: equal but for the points' sources
same() { python3 tests/it/lib/same_summary.py "$1" "$2"; }

for P in pcaps/*/; do
	c=$P/client.pcapng d=$P/dom0.pcapng
	[ -e "$c" ] && [ -e "$d" ] || continue
	./hoplat analyze --client "$c" --uplink "$d#peth0" --vif "$d#vif1.0" --json "$tmp/named.json" \
		>/dev/null 2>&1 || fail "$P: analyze with #IFACE"
	./hoplat analyze --client "$c" --uplink "$d" --vif "$d" --json "$tmp/bare.json" \
		>/dev/null 2>"$tmp/bare.err" || fail "$P: analyze without #IFACE"
	grep -q "the uplink is interface peth0, by its name" "$tmp/bare.err" || fail "$P: no uplink note"
	grep -q "the vif is interface vif1.0, by its name" "$tmp/bare.err" || fail "$P: no vif note"
	grep -q "analyzed as one point" "$tmp/bare.err" && fail "$P: interfaces merged"
	same "$tmp/named.json" "$tmp/bare.json" || fail "$P: FILE differs from FILE#IFACE"
	./hoplat analyze --vif "$d" --json "$tmp/vif.json" >/dev/null 2>&1 || fail "$P: --vif alone"
	./hoplat analyze --vif "$d#vif1.0" --json "$tmp/vif-named.json" >/dev/null 2>&1
	same "$tmp/vif.json" "$tmp/vif-named.json" || fail "$P: --vif FILE differs from FILE#vif1.0"
	n=$((${n:-0} + 1))
done
[ "${n:-0}" -gt 0 ] || { echo "no client.pcapng and dom0.pcapng pair in pcaps/"; exit 77; }

# names that say nothing: the same bytes, interfaces renamed (same lengths)
d=$(ls pcaps/*/dom0.pcapng | head -1)
python3 -c 'import sys
b = open(sys.argv[1], "rb").read().replace(b"peth0", b"porta").replace(b"vif1.0", b"portb0")
open(sys.argv[2], "wb").write(b)' "$d" "$tmp/renamed.pcapng"
./hoplat analyze --uplink "$tmp/renamed.pcapng" --vif "$tmp/renamed.pcapng" >/dev/null 2>"$tmp/renamed.err"
grep -q "by its name" "$tmp/renamed.err" && fail "renamed: an interface was guessed"
grep -q "has 2 interfaces, analyzed as one point (pick one with .*porta portb0)" "$tmp/renamed.err" ||
	{ cat "$tmp/renamed.err"; fail "renamed: no note on the merged interfaces"; }
[ $rc -eq 0 ] && echo "analyze_ifaces: $n Dom0 captures: FILE equals FILE#IFACE; unnamed ports not guessed"
exit $rc
