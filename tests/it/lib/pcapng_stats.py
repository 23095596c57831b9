#!/usr/bin/env python3
"""Prints what a pcapng file says about each interface, for the capture
tests (tshark and capinfos do not show the statistics blocks' options):

    if IDX NAME first_ts=NS packets=N
    isb IDX start=NS end=NS ifrecv=N ifdrop=N filteraccept=N osdrop=N

Timestamps in ns (any if_tsresol that is a power of 10); an option left out
of a block prints as -1. Reads every section; interface indexes restart in
each (as in the file)."""
import struct
import sys

ISB_OPTS = {2: "start", 3: "end", 4: "ifrecv", 5: "ifdrop", 6: "filteraccept", 7: "osdrop"}


def options(body, endian):
    """(code, value bytes) of an options list."""
    off = 0
    while off + 4 <= len(body):
        code, length = struct.unpack_from(endian + "HH", body, off)
        if code == 0:
            return
        yield code, body[off + 4:off + 4 + length]
        off += 4 + (length + 3) // 4 * 4


def ts_ns(hi, lo, res):
    units = (hi << 32) | lo
    return units * 10 ** (9 - res) if res <= 9 else units // 10 ** (res - 9)


def main(path):
    data = open(path, "rb").read()
    off, endian, ifaces = 0, "<", []
    while off + 12 <= len(data):
        btype = struct.unpack_from("<I", data, off)[0]
        if btype == 0x0A0D0D0A:
            endian = "<" if struct.unpack_from("<I", data, off + 8)[0] == 0x1A2B3C4D else ">"
            ifaces = []
        total = struct.unpack_from(endian + "I", data, off + 4)[0]
        if total < 12 or off + total > len(data):
            break
        body = data[off + 8:off + total - 4]
        if btype == 1:
            name, res = "?", 6
            for code, v in options(body[8:], endian):
                if code == 2:
                    name = v.decode("utf-8", "replace")
                if code == 9:
                    res = v[0]
            ifaces.append({"name": name, "res": res, "first": None, "n": 0})
        elif btype == 6:
            i, hi, lo = struct.unpack_from(endian + "III", body, 0)
            t = ts_ns(hi, lo, ifaces[i]["res"])
            if ifaces[i]["first"] is None or t < ifaces[i]["first"]:
                ifaces[i]["first"] = t
            ifaces[i]["n"] += 1
        elif btype == 5:
            i = struct.unpack_from(endian + "I", body, 0)[0]
            got = {k: -1 for k in ISB_OPTS.values()}
            for code, v in options(body[12:], endian):
                if code in (2, 3):
                    hi, lo = struct.unpack_from(endian + "II", v)
                    got[ISB_OPTS[code]] = ts_ns(hi, lo, ifaces[i]["res"])
                elif code in ISB_OPTS:
                    got[ISB_OPTS[code]] = struct.unpack_from(endian + "Q", v)[0]
            print("isb %d %s" % (i, " ".join("%s=%d" % (k, got[k]) for k in ISB_OPTS.values())))
        off += total
    for i, f in enumerate(ifaces):
        print("if %d %s first_ts=%d packets=%d" % (i, f["name"], -1 if f["first"] is None else f["first"], f["n"]))


if __name__ == "__main__":
    main(sys.argv[1])
