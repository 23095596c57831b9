#!/usr/bin/env python3
"""Compare hoplat's transactions (JSON Lines) with Wireshark's dns.time and
http.time (tshark fields), response by response.

usage: oracle_compare.py HOPLAT.jsonl TSHARK.tsv LABEL
TSHARK.tsv has a header line naming its columns; the ones used are
frame.time_epoch, dns.time and http.time (dns.id when present is checked
against hoplat's ids). A frame may hold several DNS messages (TCP), so
responses are matched by frame time: the multiset of times in each frame
must agree within 1 us, and the counts must be equal.
Exit 0 when they agree, 1 otherwise (the differences are printed)."""
import json
import sys
from decimal import Decimal

TOL_NS = 1000


def ns(text):
    return int((Decimal(text) * 1000000000).to_integral_value())


def tshark_rows(path):
    by_frame = {"dns": {}, "http": {}}
    ids = {}
    with open(path) as f:
        header = f.readline().rstrip("\n").split("\t")
        col = {name: i for i, name in enumerate(header)}
        for line in f:
            cells = line.rstrip("\n").split("\t")
            cells += [""] * (len(header) - len(cells))
            t = ns(cells[col["frame.time_epoch"]])
            for proto in ("dns", "http"):
                key = proto + ".time"
                if key in col and cells[col[key]]:
                    for v in cells[col[key]].split(","):
                        by_frame[proto].setdefault(t, []).append(ns(v))
            if "dns.id" in col and cells[col["dns.id"]]:
                ids[t] = {int(x, 16) for x in cells[col["dns.id"]].split(",")}
    return by_frame, ids


def hoplat_rows(path):
    by_frame = {"dns": {}, "http": {}}
    ids = {}
    with open(path) as f:
        for line in f:
            t = json.loads(line, parse_float=Decimal)
            if t["total_us"] is None:
                continue
            total = round(Decimal(str(t["total_us"])) * 1000)
            resp_at = t["start_ns"] + int(total)
            if t["proto"] == "dns":
                v = int(total)
            else:
                if t["response_us"] is None:
                    continue
                v = int(round(Decimal(str(t["response_us"])) * 1000))
            by_frame[t["proto"]].setdefault(resp_at, []).append(v)
            if t["proto"] == "dns":
                ids.setdefault(resp_at, set()).add(t["id"])
    return by_frame, ids


def main():
    hop, hop_ids = hoplat_rows(sys.argv[1])
    ws, ws_ids = tshark_rows(sys.argv[2])
    label = sys.argv[3]
    bad = 0
    for proto in ("dns", "http"):
        n_ws = sum(len(v) for v in ws[proto].values())
        n_hop = sum(len(v) for v in hop[proto].values())
        worst = 0
        for t in sorted(set(ws[proto]) | set(hop[proto])):
            a = sorted(ws[proto].get(t, []))
            b = sorted(hop[proto].get(t, []))
            if len(a) != len(b):
                print(f"{label}: {proto} response at {t}: wireshark {a} hoplat {b}")
                bad += 1
                continue
            for x, y in zip(a, b):
                worst = max(worst, abs(x - y))
                if abs(x - y) > TOL_NS:
                    print(f"{label}: {proto} response at {t}: wireshark {x} ns, hoplat {y} ns")
                    bad += 1
            if proto == "dns" and t in ws_ids and not hop_ids.get(t, set()) <= ws_ids[t]:
                print(f"{label}: dns ids at {t}: wireshark {ws_ids[t]} hoplat {hop_ids[t]}")
                bad += 1
        if n_ws != n_hop:
            print(f"{label}: {proto} count: wireshark {n_ws}, hoplat {n_hop}")
            bad += 1
        if n_ws or n_hop:
            print(f"{label}: {proto} {n_hop} responses timed, wireshark {n_ws}, worst difference {worst} ns")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
