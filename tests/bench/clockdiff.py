#!/usr/bin/env python3
"""How far two analyses of the same captures differ once the clock estimate
moved: the transactions (JSON Lines) matched by what identifies them, and per
timed field the largest difference in microseconds; any other difference (a
transaction missing, a status, a lost_at) is listed. Also the clocks of the
two summaries.
  clockdiff.py OLD.jsonl NEW.jsonl [OLD.json NEW.json]"""
import json, sys

def key(t):
    return (t.get('proto'), t.get('client'), t.get('server'), t.get('id'), t.get('name'), t.get('start_ns'))

def load(path):
    out = {}
    for line in open(path):
        t = json.loads(line)
        out.setdefault(key(t), []).append(t)
    return out

old, new = load(sys.argv[1]), load(sys.argv[2])
worst, other, n = {}, [], 0
for k, ts in old.items():
    us = new.get(k, [])
    if len(us) != len(ts):
        other.append('%s: %d before, %d after' % (k, len(ts), len(us)))
        continue
    for a, b in zip(ts, us):
        n += 1
        for f in a:
            x, y = a[f], b.get(f)
            if x == y:
                continue
            if f.endswith('_us') and isinstance(x, (int, float)) and isinstance(y, (int, float)):
                worst[f] = max(worst.get(f, 0), abs(x - y))
            else:
                other.append('%s: %s %r -> %r' % (k, f, x, y))
for k in new:
    if k not in old:
        other.append('%s: new' % (k,))
print('transactions compared: %d' % n)
for f, d in sorted(worst.items()):
    print('  %-12s largest difference %.3f us' % (f, d))
print('other differences: %d' % len(other))
for o in other[:10]:
    print('  ' + o)
if len(sys.argv) > 4:
    a = json.load(open(sys.argv[3])).get('clock') or {}
    b = json.load(open(sys.argv[4])).get('clock') or {}
    print('clock before: %s' % a)
    print('clock after:  %s' % b)
