#!/usr/bin/env bash
# Progress of a long analysis: on a pseudo-terminal (script(1)) `analyze` redraws one line on stderr
# with the bytes read of the file's size, the share done, the time left, packets and packets per
# second, at most four times a second, and clears it at the end; with -q, or with stderr piped or
# sent to a file, there is none, and the summary is the same. The capture: 3 million packets of
# pcaps/demo's client repeated (build/tools/capgen), a few seconds of analysis.
set -u
cd "$(dirname "$0")/../.."
command -v script >/dev/null || { echo "script (bsdutils) not installed"; exit 77; }
make -s build/tools/capgen >/dev/null 2>&1 || { echo "cannot build build/tools/capgen"; exit 77; }
REPORT_TEST=progress . tests/it/lib/report_lib.bash
build/tools/capgen -r pcaps/demo/client.pcapng -n 3000000 "$D/big.pcapng" 2>/dev/null || fail "capgen"
size=$(stat -c %s "$D/big.pcapng")

# on a terminal: stdout to a file, stderr (the terminal) into script's typescript
start=$(date +%s%N)
script -qec "./hoplat analyze '$D/big.pcapng' --json '$D/tty.json' >'$D/tty.out'" "$D/typescript" >/dev/null
secs=$(( ($(date +%s%N) - start) / 1000000 ))e-3
python3 - "$D/typescript" "$size" "$secs" <<'PY' || fail "progress on a terminal"
import re, sys
raw = open(sys.argv[1], 'rb').read().decode('utf-8', 'replace')
raw = re.sub(r'\nScript (started|done) on .*\n?', '', raw)    # script's own lines
size, secs = int(sys.argv[2]), float(sys.argv[3])
lines = [l for l in raw.split('\r') if 'hoplat analyze:' in l]
pat = re.compile(r'\x1b\[Khoplat analyze: ([\d.]+)(k|M|G)?B of ([\d.]+)(M|G)B \((\d+)%\), (\d+):(\d\d) left, '
                 r'([\d.]+)(k|M)? packets, ([\d.]+)(k|M)? packets/s$')
if not lines:
    sys.exit('no progress line in %r' % raw[:300])
for l in lines:
    if not pat.match(l.rstrip('\n')):
        sys.exit('progress line %r' % l)
total = float(pat.match(lines[0]).group(3)) * {'M': 1e6, 'G': 1e9}[pat.match(lines[0]).group(4)]
if abs(total - size) > 0.001 * size:
    sys.exit('the line says %g bytes of file, the file has %d' % (total, size))
shares = [int(pat.match(l).group(5)) for l in lines]
if shares != sorted(shares):
    sys.exit('the share done goes back: %s' % shares)
# at most four a second (one more for rounding at the ends)
if len(lines) > 4 * secs + 2:
    sys.exit('%d lines in %.2f s' % (len(lines), secs))
if not raw.rstrip('\r\n').endswith('\r\x1b[K'):
    sys.exit('the line is not cleared at the end: %r' % raw[-80:])
print('%d progress lines in %.1f s, %s%% .. %s%%' % (len(lines), secs, shares[0], shares[-1]))
PY

# -q on a terminal, stderr piped, stderr to a file: no progress
script -qec "./hoplat analyze -q '$D/big.pcapng' >/dev/null" "$D/quiet" >/dev/null
grep -q 'packets/s' "$D/quiet" && fail "progress shown with -q"
./hoplat analyze "$D/big.pcapng" --json "$D/pipe.json" 2>&1 >/dev/null | cat >"$D/piped"
grep -q 'packets/s' "$D/piped" && fail "progress shown on a pipe"
./hoplat analyze "$D/big.pcapng" 2>"$D/file.err" >/dev/null
grep -q 'packets/s' "$D/file.err" && fail "progress shown into a file"
cmp -s "$D/tty.json" "$D/pipe.json" || fail "the summary differs with the progress line"
exit $rc
