#!/usr/bin/env bash
# A thread per point (analysis/engine/split.c) gives what one thread gives:
# the JSON summary, every transaction and the text, byte for byte, with
# HOPLAT_THREADS=0 (one thread) and HOPLAT_THREADS=1 (a thread per point,
# one point included, which analyze runs in one thread by default), on every
# shipped capture (three points, two, and each point alone), the reference
# captures, and a client capture cut short with a BPF filter (the damaged
# file's message at the same place).
set -u
cd "$(dirname "$0")/../.."
[ -x ./hoplat ] || { echo "build ./hoplat first"; exit 77; }
ls pcaps/*/client.pcapng >/dev/null 2>&1 || { echo "no pcaps/*"; exit 77; }
D=$(mktemp -d /tmp/hoplat-threads.XXXXXX)
trap 'rm -rf "$D"' EXIT
rc=0 n=0
both() {	# NAME ARGS...: one thread and a thread per point, compared
	local name=$1; shift
	HOPLAT_THREADS=0 ./hoplat analyze "$@" --json "$D/$name.1.json" --transactions "$D/$name.1.jsonl" \
		>"$D/$name.1.txt" 2>"$D/$name.1.err"
	echo "status $?" >>"$D/$name.1.err"
	HOPLAT_THREADS=1 ./hoplat analyze "$@" --json "$D/$name.n.json" --transactions "$D/$name.n.jsonl" \
		>"$D/$name.n.txt" 2>"$D/$name.n.err"
	echo "status $?" >>"$D/$name.n.err"
	for x in json jsonl txt err; do
		cmp -s "$D/$name.1.$x" "$D/$name.n.$x" || { echo "FAIL: $name: the $x differs"; rc=1; }
	done
	n=$((n + 1))
}
for d in pcaps/*/; do
	[ -f "$d/client.pcapng" ] || continue
	k=$(basename "$d")
	both "$k" --client "$d/client.pcapng#eth0" --uplink "$d/dom0.pcapng#peth0" --vif "$d/dom0.pcapng#vif1.0"
	both "$k-cu" --client "$d/client.pcapng#eth0" --uplink "$d/dom0.pcapng#peth0"
	both "$k-uv" --uplink "$d/dom0.pcapng#peth0" --vif "$d/dom0.pcapng#vif1.0"
	both "$k-c" "$d/client.pcapng"
	both "$k-v" "$d/dom0.pcapng#vif1.0"
done
for f in tests/ref/captures/*.pcap; do
	[ -f "$f" ] && both "ref-$(basename "$f" .pcap)" "$f"
done
P=pcaps/demo
head -c $(($(stat -c %s $P/client.pcapng) * 2 / 3)) $P/client.pcapng >"$D/cut.pcapng"
both cut --client "$D/cut.pcapng" --uplink $P/dom0.pcapng#peth0 --vif $P/dom0.pcapng#vif1.0 udp
grep -q "truncated" "$D/cut.n.err" || { echo "FAIL: the cut capture was not said: $(cat "$D/cut.n.err")"; rc=1; }
[ $rc -eq 0 ] && echo "analyze_threads: $n analyses, the same with one thread and a thread per point"
exit $rc
