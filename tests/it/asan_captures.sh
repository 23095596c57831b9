#!/usr/bin/env bash
# Sanitizers over every shipped capture: ./hoplat-asan (ASan + UBSan) analyzes
# each reference and pcaps/ capture whole, cut short at several lengths, and
# with bytes flipped, single point and three points. Any sanitizer report
# fails; a damaged file must still end with exit status 0 or 1 (never a
# crash) and a one-line error naming the file.
set -u
cd "$(dirname "$0")/../.."
make -s -j2 hoplat-asan >/dev/null || exit 1
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=99
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:exitcode=99
tmp=$(mktemp -d /tmp/hoplat-asan.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail=0 runs=0
run() {
	runs=$((runs + 1))
	./hoplat-asan analyze "$@" --json "$tmp/out.json" --transactions "$tmp/out.jsonl" \
		--csv "$tmp/out.csv" >"$tmp/stdout" 2>"$tmp/stderr"
	local rc=$?
	case $rc in
	0|1) ;;
	2)	# unreadable from the start: one line naming the file, nothing else
		if [ "$(wc -l <"$tmp/stderr")" -ne 1 ] || ! grep -q "$tmp/" "$tmp/stderr"; then
			echo "exit 2 without a one-line error: analyze $*"; head -5 "$tmp/stderr"; fail=1
		fi;;
	*)	echo "exit $rc: analyze $*"; head -20 "$tmp/stderr"; fail=1;;
	esac
}
caps=(tests/ref/captures/*.pcap pcaps/*/client.pcapng pcaps/*/dom0.pcapng)
for f in "${caps[@]}"; do
	[ -f "$f" ] || continue
	run "$f"
	size=$(stat -c %s "$f")
	for frac in 13 37 71 97; do
		head -c $((size * frac / 100)) "$f" >"$tmp/cut"
		run "$tmp/cut"
	done
	# flip bytes past the file header: packets become malformed, the file may not
	python3 - "$f" "$tmp/flip" <<'PY'
import random, sys
data = bytearray(open(sys.argv[1], 'rb').read())
rnd = random.Random(len(data))
for _ in range(max(1, len(data) // 200)):
    i = rnd.randrange(64, len(data)) if len(data) > 64 else 0
    data[i] ^= 1 << rnd.randrange(8)
open(sys.argv[2], 'wb').write(data)
PY
	run "$tmp/flip"
done
for d in pcaps/*/; do
	[ -f "$d/client.pcapng" ] || continue
	run --client "$d/client.pcapng#eth0" --uplink "$d/dom0.pcapng#peth0" --vif "$d/dom0.pcapng#vif1.0"
done
echo "$runs sanitizer runs"
exit $fail
