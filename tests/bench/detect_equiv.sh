#!/usr/bin/env bash
# Old versus new on random streams, for a change to the detectors or the
# diagnosis that must not change what they say: BASE's analysis/detect,
# analysis/diagnose and analysis/engine/watch.c (every global symbol renamed
# old_*) and this tree's, fed the same generated packets, transactions and
# ticks (tests/bench/detect_equiv.c); their silence alerts, incidents (raised,
# ended, kept), step rows (as handed on and as stored) and verdicts compared
# byte for byte. Not part of any make target (it needs a commit to compare with).
#   tests/bench/detect_equiv.sh BASE [SEEDS [PACKETS [WHICH]]]
#   WHICH: any of s (silence), w (watch), d (diagnosis); default swd.
set -eu
cd "$(dirname "$0")/../.."
base=$1 seeds=${2:-300} n=${3:-20000} which=${4:-swd}
files="analysis/detect/silence.c analysis/detect/ports.c analysis/detect/burst.c analysis/detect/incident.c
analysis/diagnose/diagnose.c analysis/diagnose/sched.c analysis/diagnose/steps.c analysis/diagnose/verdict.c
analysis/engine/watch.c"
tmp=$(mktemp -d /tmp/hoplat-equiv.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
make -s -j2 hoplat >/dev/null
cf="-O2 -g -std=c11 -D_GNU_SOURCE -Wall -Wextra"
objs=""
for f in $files; do
	mkdir -p "$tmp/old/$(dirname "$f")"
	git show "$base:$f" >"$tmp/old/$f"
	git show "$base:${f%.c}.h" >"$tmp/old/${f%.c}.h"
	o=$tmp/$(basename "${f%.c}").o
	cc $cf -I"$tmp/old" -I. -c -o "$o" "$tmp/old/$f"
	objs="$objs $o"
done
nm --defined-only -g $objs | awk 'NF == 3 { print $3 " old_" $3 }' | sort -u >"$tmp/syms"
for o in $objs; do objcopy --redefine-syms="$tmp/syms" "$o"; done
new=$(find build -name '*.o' ! -path build/hoplat.o ! -path 'build/tests/*' ! -path 'build/tools/*')
cc $cf -I. -o "$tmp/equiv" tests/bench/detect_equiv.c $objs $new \
	-lpcap -lnl-route-3 -lnl-3 -lz -ljson-c -lm -lpthread
"$tmp/equiv" "$seeds" "$n" "$which"
