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
	# Processes still in a testbed namespace: their netns inode is gone with
	# the namespace, so look for our servers and the delay line by pid file too.
	for f in "$@"; do
		st=$(ps -o stat= -p "$f" 2>/dev/null)
		case "$st" in ""|Z*|X*) ;; *) echo "process $f ($st)";; esac
	done
	return 0
}
