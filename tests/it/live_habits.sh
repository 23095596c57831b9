#!/usr/bin/env bash
# live's small habits on a terminal and off it:
#  - without -w nothing is written, and the closing lines of a replay say
#    "packets read" (never "packets written");
#  - on a terminal (a pty: stdout and stderr both on it) a window line never
#    lands on top of the status line: the status line is cleared first;
#  - the status line names the window its rates are from (a row is made
#    three windows after its end).
set -u
cd "$(dirname "$0")/../.."
[ -x ./hoplat ] || { echo "./hoplat not built"; exit 1; }
P=pcaps/demo/client.pcapng
[ -e $P ] || { echo "no pcaps/demo"; exit 77; }
tmp=$(mktemp -d /tmp/hoplat-livehabits.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
rc=0
fail() { echo "FAIL: $*"; rc=1; }

./hoplat live -r $P --speed 0 >/dev/null 2>$tmp/nw.err || fail "live -r: exited $?"
grep -q "packets written" $tmp/nw.err && fail "live without -w says packets written: $(cat $tmp/nw.err)"
grep -q "packets read" $tmp/nw.err || fail "live -r without -w: $(cat $tmp/nw.err)"
./hoplat live -r $P --speed 0 -Z root -w $tmp/out.pcapng >/dev/null 2>$tmp/w.err || fail "live -r -w: exited $?"
grep -q "packets written" $tmp/w.err || fail "live -w: $(cat $tmp/w.err)"

# On a pty: the demo's 4.5 s at twice its pace.
python3 - "$tmp/tty.out" <<'PY' || rc=1
import os, pty, sys, time, re
pid, fd = pty.fork()
if pid == 0:
    os.execv('./hoplat', ['hoplat', 'live', '-r', 'pcaps/demo/client.pcapng', '--speed', '2'])
out = b''
while True:
    try:
        b = os.read(fd, 65536)
    except OSError:
        break
    if not b:
        break
    out += b
os.waitpid(pid, 0)
open(sys.argv[1], 'wb').write(out)
text = out.decode('utf-8', 'replace').replace('\r\n', '\n')
ok = True
# every window line starts a line: whatever came before it on that line was cleared
wins = 0
for seg in text.split('\n'):
    m = re.search(r'\d\d:\d\d:\d\d\.\d+  pkts ', seg)
    if not m:
        continue
    wins += 1
    before = seg[:m.start()]
    if before and not before.endswith('\r\x1b[K'):
        print('FAIL: a window line on top of the status line: %r' % seg[:160])
        ok = False
statuses = re.findall(r'\r([^\r\n]*?\|\s+\d\d:\d\d:\d\d\.\d+ dns [^\r\n]*?)\x1b\[K', text)
print('window lines %d, status lines %d' % (wins, len(statuses)))
if wins < 3 or not statuses:
    print('FAIL: expected window and status lines')
    ok = False
sys.exit(0 if ok else 1)
PY
[ $rc -eq 0 ] && echo "live_habits: ok"
exit $rc
