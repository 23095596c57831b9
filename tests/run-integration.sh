#!/usr/bin/env bash
# Runs every integration test tests/it/*.sh from the repository's top.
# A test exits 0 (pass), 77 (skipped, with a reason on stdout) or else (fail).
# HOPLAT_IT=pattern runs only the tests whose name matches.
set -u
cd "$(dirname "$0")/.."
pass=0 fail=0 skip=0 failed=() t0=$(date +%s)
for t in tests/it/*.sh; do
	[ -e "$t" ] || continue
	name=$(basename "$t" .sh)
	if [ -n "${HOPLAT_IT:-}" ] && [[ "$name" != *${HOPLAT_IT}* ]]; then continue; fi
	start=$(date +%s)
	out=$(bash "$t" 2>&1); rc=$?
	secs=$(( $(date +%s) - start ))
	case $rc in
	0) pass=$((pass + 1)); echo "ok   $name (${secs}s)";;
	77) skip=$((skip + 1)); echo "skip $name: $(echo "$out" | tail -n 1)";;
	*) fail=$((fail + 1)); failed+=("$name"); echo "FAIL $name (${secs}s)"; echo "$out" | tail -n 40 | sed 's/^/    /';;
	esac
done
echo "integration: $pass passed, $fail failed, $skip skipped in $(( $(date +%s) - t0 ))s"
[ "$fail" -eq 0 ]
