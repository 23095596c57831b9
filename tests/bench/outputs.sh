#!/usr/bin/env bash
# The outputs a speed-up must leave unchanged: `hoplat analyze --json
# --transactions` (and the text summary) on every shipped capture (pcaps/*,
# three points and each point alone), the reference captures and the real
# testbed captures in ../captures/*/ when present (copied to build/bench/captures
# the first time: they are remade now and then, the comparison needs the same files).
#   tests/bench/outputs.sh DIR          writes DIR/<case>.{json,jsonl,txt}
#   tests/bench/outputs.sh DIR OLD      ... and compares with OLD (exit 1 on a difference)
# Not part of `make bench` (no timing): the check before and after a change.
set -u
cd "$(dirname "$0")/../.."
out=$1 old=${2:-}
HOPLAT=${HOPLAT:-./hoplat}
mkdir -p "$out"
one() {	# NAME ARGS...
	local name=$1; shift
	"$HOPLAT" analyze "$@" --json "$out/$name.json" --transactions "$out/$name.jsonl" \
		>"$out/$name.txt" 2>"$out/$name.err"
	echo "rc=$?" >>"$out/$name.err"
}
three() {	# NAME DIR
	local d=$2
	one "$1" --client "$d/client.pcapng#eth0" --uplink "$d/dom0.pcapng#peth0" --vif "$d/dom0.pcapng#vif1.0"
	one "$1-client" "$d/client.pcapng#eth0"
	one "$1-uplink" "$d/dom0.pcapng#peth0"
	one "$1-vif" "$d/dom0.pcapng#vif1.0"
}
for d in pcaps/*/; do
	[ -f "$d/client.pcapng" ] && three "pcaps-$(basename "$d")" "${d%/}"
done
for f in tests/ref/captures/*.pcap; do
	one "ref-$(basename "$f" .pcap)" "$f"
done
caps=build/bench/captures
if [ ! -d "$caps" ] && ls ../captures/*/client.pcapng >/dev/null 2>&1; then
	for d in ../captures/*/; do
		[ -f "$d/client.pcapng" ] || continue
		mkdir -p "$caps/$(basename "$d")"
		cp "$d/client.pcapng" "$d/dom0.pcapng" "$caps/$(basename "$d")/"
	done
fi
for d in "$caps"/*/; do
	[ -f "$d/client.pcapng" ] && three "cap-$(basename "$d")" "${d%/}"
done
[ -n "$old" ] || exit 0
rc=0
for f in "$old"/*; do
	n=$(basename "$f")
	cmp -s "$f" "$out/$n" || { echo "differs: $n"; rc=1; }
done
exit $rc
