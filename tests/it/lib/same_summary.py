#!/usr/bin/env python3
"""same_summary.py A.json B.json: exit 0 when two `analyze --json` summaries
are equal but for the points' sources (the same packets read from other
files: a split capture, a glob, a pipe, #INDEX for #NAME); else 1, with the
first keys that differ."""
import json
import sys


def diff(a, b, path=""):
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            yield from diff(a.get(k), b.get(k), f"{path}.{k}")
    elif a != b:
        yield f"{path}: {a!r} != {b!r}"


a, b = (json.load(open(p)) for p in sys.argv[1:3])
for j in (a, b):
    for p in j["points"].values():
        p.pop("source")
d = list(diff(a, b))
for line in d[:5]:
    print(line[:200], file=sys.stderr)
sys.exit(1 if d else 0)
