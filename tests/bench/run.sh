#!/usr/bin/env bash
# make bench: runs the benchmarks from the repository's top; each prints
# Markdown for docs/performance.md. The other scripts here are tools a
# change is checked with, not benchmarks: inputs.sh (analyze.sh calls it),
# outputs.sh and detect_equiv.sh (both need what to compare with).
set -u
cd "$(dirname "$0")/../.."
rc=0
for b in analyze stages capture delayline; do
	echo "## $b"
	echo
	bash "tests/bench/$b.sh" || { echo "bench $b failed"; rc=1; }
	echo
done
exit $rc
