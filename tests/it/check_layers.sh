#!/usr/bin/env bash
# make check-layers can fail: on a copy of the source tree, an include that
# goes up the stack (a decoder including the engine), one across sideways
# (capture including the bridge view), one to a folder outside the plan and
# an include cycle between two modules of one folder are each reported, with
# the file and line; the tree as it is passes.
set -u
cd "$(dirname "$0")/../.."
tmp=$(mktemp -d /tmp/hoplat-layers.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
rc=0
fail() { echo "FAIL: $*"; rc=1; }

copy() {	# a fresh copy of the sources into $tmp/t
	rm -rf "$tmp/t"
	mkdir -p "$tmp/t"
	cp -r common decode capture analysis bridge-setup cmd hoplat.c "$tmp/t/"
}

python3 tests/check-layers.py >/dev/null || fail "the tree as it is does not pass"

# expect FILE LINE-TO-ADD WANTED-MESSAGE
expect() {
	copy
	sed -i "0,/^#include \"/s||$2\n#include \"|" "$tmp/t/$1"
	out=$(python3 tests/check-layers.py "$tmp/t"); s=$?
	[ $s -eq 1 ] || fail "$1 + '$2': exit $s, want 1"
	echo "$out" | grep -q "$3" || fail "$1 + '$2': no '$3' in: $out"
	echo "  $(echo "$out" | head -1)"
}
expect decode/dns.c '#include "analysis/engine/engine.h"' "decode/dns.c:[0-9]*: includes analysis/engine/engine.h: analysis/engine is above decode"
expect capture/capture.c '#include "bridge-setup/bridge/br_view.h"' "are siblings"
expect common/dur.c '#include "tests/testlib.h"' "in no layer of the plan\|not in the plan"
expect analysis/point/txn.h '#include "analysis/point/point.h"' "include cycle: .*analysis/point/point.*analysis/point/txn"

[ $rc -eq 0 ] && echo "check_layers: each wrong include is caught, the tree passes"
exit $rc
