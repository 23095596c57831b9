#!/usr/bin/env bash
# Shared by tests/it/testbed_*.sh and bridge_show.sh (sourced, not run: no .sh
# test of its own... it is named *_lib.sh and exits 0 when run directly).
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

# The cross-point analysis (issue 3) is probed, never assumed.
tb_need_xpt() {
	"$HOPLAT" analyze --help 2>&1 | grep -q -- '--uplink' || { echo "cross-point analysis not built"; exit 77; }
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

# tb_analyze DIR: hoplat's three-point analysis of a run, JSON into DIR/analysis.json.
tb_analyze() {
	"$HOPLAT" analyze --client "$1/client.pcapng#eth0" --uplink "$1/dom0.pcapng#peth0" \
		--vif "$1/dom0.pcapng#vif1.0" --json "$1/analysis.json" >"$1/analysis.txt" 2>&1 ||
		{ echo "analyze $1 failed:"; tail -5 "$1/analysis.txt"; return 1; }
}

# tb_get FILE dotted.key : a number from a JSON file.
tb_get() {
	python3 -c 'import json,sys
v=json.load(open(sys.argv[1]))
for k in sys.argv[2].split("."): v=v[k]
print(v)' "$1" "$2"
}

# tb_within NAME VALUE WANT TOL_ABS : prints a line, fails when |VALUE-WANT| > TOL_ABS.
tb_within() {
	python3 -c 'import sys
n,v,w,t=sys.argv[1],float(sys.argv[2]),float(sys.argv[3]),float(sys.argv[4])
ok=abs(v-w)<=t
print(("ok   " if ok else "FAIL ") + f"{n}: {v:.1f} us, want {w:.0f} +- {t:.0f}")
sys.exit(0 if ok else 1)' "$@"
}

# tb_e2e PROTO RT TMP: issue 5's acceptance for PROTO (dns, http) on
# PROTO-ramp runs in TMP/a, b, c. RT is how many round trips a transaction's
# components sum over (each expected value and tolerance is RT times the
# per-round-trip one):
#   1 ms link, 300 us bridge: link p50 = 2 ms +-10%, bridge p50 = 600 us +-20%
#   + 200 us guest delay: guest p50 rises by 400 us +-20%
#   no delay: link and bridge p50 within 50 us of zero
tb_e2e() {
	local P=$1 RT=$2 tmp=$3 r rc=0
	tb_scenario "$P-ramp" "$tmp/a" --link-delay 1ms --bridge-delay 300us || return 1
	tb_scenario "$P-ramp" "$tmp/b" --link-delay 1ms --bridge-delay 300us --guest-delay 200us || return 1
	tb_scenario "$P-ramp" "$tmp/c" || return 1
	for r in a b c; do tb_analyze "$tmp/$r" || return 1; done
	g() { tb_get "$tmp/$1/analysis.json" "$P.latency_us.$2.p50"; }
	tb_within "$P link p50 (1ms each way)" "$(g a link)" $((RT * 2000)) $((RT * 200)) || rc=1
	tb_within "$P bridge p50 (300us each way)" "$(g a bridge)" $((RT * 600)) $((RT * 120)) || rc=1
	tb_within "$P guest p50 rise (200us each way)" "$(python3 -c "print($(g b guest)-$(g a guest))")" $((RT * 400)) $((RT * 80)) || rc=1
	tb_within "$P link p50, no delay" "$(g c link)" 0 50 || rc=1
	tb_within "$P bridge p50, no delay" "$(g c bridge)" 0 50 || rc=1
	return $rc
}
