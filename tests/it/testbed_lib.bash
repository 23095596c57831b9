#!/usr/bin/env bash
# Shared by tests/it/testbed_*.sh and bridge_show.sh; sourced, not run (its
# name does not end in .sh, so tests/run-integration.sh does not take it for a test).
HOPLAT=${HOPLAT:-./hoplat}
TB_NS="hoplat-client hoplat-dom0 hoplat-guest"

tb_need_root() {
	[ "$(id -u)" -eq 0 ] || { echo "needs root (namespaces)"; exit 77; }
	[ -x "$HOPLAT" ] || { echo "no $HOPLAT binary"; exit 77; }
	for ns in $TB_NS; do
		if ip netns list | grep -qw "$ns"; then echo "a testbed is already up (namespace $ns): not touching it"; exit 77; fi
	done
}

# Prints what of the testbed is left (nothing when clean).
tb_leftovers() {
	for ns in $TB_NS; do ip netns list | grep -qw "$ns" && echo "namespace $ns"; done
	[ -e /run/hoplat-testbed ] && echo "/run/hoplat-testbed"
	for ns in $TB_NS; do [ -e "/run/netns/$ns" ] && echo "/run/netns/$ns"; done
	# Links of ours in the namespace the test runs in (none should ever be made here).
	ip -o link show 2>/dev/null | awk -F': ' '{print $2}' | sed 's/@.*//' |
		grep -E '^(peth0|vif1\.0|lnk-c|lnk-u|gst-v|gst-g)$' | sed 's/^/link /'
	# The CPU quota groups (--guest-cpu, --client-cpu), wherever the cpu controller is.
	local cg
	for cg in $(awk '($3 == "cgroup" && $4 ~ /(^|,)cpu(,|$)/) || $3 == "cgroup2" {print $2}' /proc/self/mounts); do
		for g in hoplat-testbed-guest hoplat-testbed-client; do [ -e "$cg/$g" ] && echo "cgroup $cg/$g"; done
	done
	# Processes still in a testbed namespace: their netns inode is gone with
	# the namespace, so look for our servers and the delay line by pid file too.
	for f in "$@"; do
		st=$(ps -o stat= -p "$f" 2>/dev/null)
		case "$st" in ""|Z*|X*) ;; *) echo "process $f ($st)";; esac
	done
	return 0
}

# tb_scenario NAME OUTDIR UP-ARGS... : a fresh testbed with UP-ARGS, one short run, down.
tb_scenario() {
	local name=$1 out=$2; shift 2
	local rates=500,1000
	[ "$name" = http-ramp ] && rates=100,200
	"$HOPLAT" testbed down >/dev/null 2>&1
	"$HOPLAT" testbed up "$@" >/dev/null || { echo "testbed up $*: failed"; return 1; }
	"$HOPLAT" testbed run "$name" --out "$out" --rates "$rates" --duration 2 >/dev/null 2>"$out.log" ||
		{ echo "testbed run $name:"; cat "$out.log"; "$HOPLAT" testbed down >/dev/null; return 1; }
	"$HOPLAT" testbed down >/dev/null
}

# tb_analyze DIR: hoplat's three-point analysis of a run, into DIR/analysis.json and .jsonl.
tb_analyze() {
	"$HOPLAT" analyze --client "$1/client.pcapng#eth0" --uplink "$1/dom0.pcapng#peth0" \
		--vif "$1/dom0.pcapng#vif1.0" --json "$1/analysis.json" --transactions "$1/analysis.jsonl" \
		>"$1/analysis.txt" 2>&1 || { echo "analyze $1 failed:"; tail -5 "$1/analysis.txt"; return 1; }
}

# tb_e2e PROTO RT TMP: hoplat end to end on PROTO-ramp runs in TMP/delays
# (1 ms link, 300 us bridge, 200 us guest) and TMP/none (no delay): every
# transaction's link, bridge and guest time equal tshark's on the same
# captures (testbed_oracle.py). RT is how many round trips a transaction
# crosses each hop on (DNS 1; HTTP 2: SYN/SYN-ACK and request/response): the
# oracle's p50 of each component is at least RT times two crossings of the
# configured delay, which shows the delays where hoplat puts them.
tb_e2e() {
	local P=$1 RT=$2 tmp=$3 rc=0
	tb_scenario "$P-ramp" "$tmp/delays" --link-delay 1ms --bridge-delay 300us --guest-delay 200us || return 1
	tb_scenario "$P-ramp" "$tmp/none" || return 1
	for r in delays none; do tb_analyze "$tmp/$r" || return 1; done
	python3 tests/it/testbed_oracle.py "$P" "$tmp/delays" $((RT * 2000)) $((RT * 600)) $((RT * 400)) || rc=1
	python3 tests/it/testbed_oracle.py "$P" "$tmp/none" 0 0 0 || rc=1
	return $rc
}
