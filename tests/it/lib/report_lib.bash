# Sourced by tests/it/report_*.sh, from the repository's top: a scratch
# directory D (removed at exit), fail() to record a failure in rc, and the
# report test helpers CHECK (report_check.py) and GEN (report_gen.py).
[ -x ./hoplat ] || { echo "build ./hoplat first"; exit 77; }
D=$(mktemp -d "/tmp/hoplat-${REPORT_TEST:-report}.XXXXXX")
trap 'rm -rf "$D"' EXIT
rc=0
fail() { echo "FAIL: $*"; rc=1; }
CHECK="python3 tests/it/lib/report_check.py"
GEN="python3 tests/it/lib/report_gen.py"
