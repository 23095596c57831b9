#!/usr/bin/env bash
# make bench: runs every tests/bench/*.sh (except this one) from the
# repository's top; each prints Markdown for docs/performance.md.
set -u
cd "$(dirname "$0")/../.."
rc=0
for b in tests/bench/*.sh; do
	[ "$(basename "$b")" = run.sh ] && continue
	echo "## $(basename "$b" .sh)"
	echo
	bash "$b" || { echo "bench $b failed"; rc=1; }
	echo
done
exit $rc
