#!/usr/bin/env python3
"""The house plan, checked: every folder of the source tree is a layer, and an
#include may only point to the file's own folder or to a layer below it. Two
folders of one rank are siblings and never include each other. Inside a
folder, no two modules (a .c and its .h are one module) include each other in
a circle. docs/design.md draws the same plan.

usage: check-layers.py [ROOT]   exit 0 clean, 1 a violation (one line each)
"""
import os
import re
import sys

# Bottom to top. Rank: an include may only go to a strictly lower rank.
LAYERS = {
    "common": 0,                 # durations, histograms, tables, hashes, text helpers
    "decode": 1,                 # bounded cursor, file readers, protocol layers
    "capture": 2,                # live backends, replay, the merged input, pcapng writer
    "bridge-setup/bridge": 2,    # netlink view of a Dom0 bridge
    "bridge-setup/testbed": 2,   # the namespace testbed
    "analysis/point": 3,         # one point: IP reassembly, DNS, TCP, HTTP -> transactions
    "analysis/path": 4,          # cross-point: same packet, clocks, attribution
    "analysis/detect": 5,        # detectors over every packet (silences)
    "analysis/results": 6,       # statistics and the time series, kept as data
    "analysis/diagnose": 7,      # steps, limits, verdict (read results)
    "analysis/engine": 8,        # the one streaming path that assembles the above
    "analysis/report": 8,        # text, JSON, JSON Lines, CSV drawn from results
    "cmd": 9,                    # the subcommands
    ".": 10,                     # hoplat.c
}

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def layer_of(path):
    d = os.path.dirname(path) or "."
    return d if d in LAYERS else None


def module(path):
    """A .c, its .h and its internal X_int.h are one module."""
    m = os.path.splitext(path)[0]
    return m[:-4] if m.endswith("_int") else m


def sources(root):
    for d in LAYERS:
        full = os.path.join(root, d)
        if not os.path.isdir(full):
            continue
        for name in sorted(os.listdir(full)):
            if name.endswith((".c", ".h")):
                yield os.path.normpath(os.path.join(d, name))


def check(root):
    errors = []
    graph = {}
    for src in sources(root):
        here = layer_of(src)
        if here is None:
            continue
        text = open(os.path.join(root, src), encoding="utf-8", errors="replace").read()
        for m in INCLUDE.finditer(text):
            inc = m.group(1)
            line = text.count("\n", 0, m.start()) + 1
            there = layer_of(inc)
            if there is None:
                if not os.path.isdir(os.path.join(root, os.path.dirname(inc) or ".")):
                    errors.append(f"{src}:{line}: includes {inc}, in no layer of the plan")
                else:
                    errors.append(f"{src}:{line}: includes {inc}: its folder is not in the plan "
                                  "(tests/check-layers.py LAYERS)")
                continue
            if there == here:
                a, b = module(src), module(inc)
                if a != b:
                    graph.setdefault(a, set()).add(b)
                continue
            if LAYERS[there] > LAYERS[here]:
                errors.append(f"{src}:{line}: includes {inc}: {there} is above {here}")
            elif LAYERS[there] == LAYERS[here]:
                errors.append(f"{src}:{line}: includes {inc}: {there} and {here} are siblings")
    errors += cycles(graph)
    return errors


def cycles(graph):
    """Module cycles inside a folder, each reported once."""
    found, seen = [], set()
    state = {}

    def visit(n, stack):
        state[n] = 1
        stack.append(n)
        for m in sorted(graph.get(n, ())):
            if state.get(m) == 1:
                cyc = stack[stack.index(m):]
                key = frozenset(cyc)
                if key not in seen:
                    seen.add(key)
                    found.append("include cycle: " + " -> ".join(cyc + [m]))
            elif not state.get(m):
                visit(m, stack)
        stack.pop()
        state[n] = 2

    for n in sorted(graph):
        if not state.get(n):
            visit(n, [])
    return found


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..")
    errors = check(root)
    for e in errors:
        print("check-layers: " + e)
    if errors:
        print(f"check-layers: {len(errors)} violation(s) of the plan in docs/design.md")
        return 1
    print("check-layers: every include points down the stack, no cycles")
    return 0


if __name__ == "__main__":
    sys.exit(main())
