#!/usr/bin/env python3
"""Inputs for the report tests (tests/it/report_*.sh).

  report_gen.py steps IN.json OUT.json      IN (a real summary) with load steps, a verdict and an
                                            incident in the keys of the diagnosis: steps[]
                                            with start_ns, end_ns, duration_s, request_rate,
                                            response_rate, answered_fraction, points.<role>, per
                                            component latency_us, limit, why, evidence; verdict
  report_gen.py hostile-json IN.json OUT.json   the same, every string hostile: <script>, quotes, &,
                                            control bytes, raw invalid UTF-8, in values and in keys
  report_gen.py hostile-pcap OUT.pcapng IFNAME  DNS and HTTP over one interface named IFNAME (bytes
                                            as given), whose DNS names and HTTP paths hold
                                            <script>, quotes, &, control bytes and invalid UTF-8
"""
import json
import os
import struct
import sys

HOSTILE = (b'<script>alert(1)</script> "dq" \'sq\' & &amp; `touch pwned` @x \x01\x1b[31m \xff\xfe \xc0\x80 '
           b'\xed\xa0\x80 \xe2\x82')


def steps_of(j, hostile=''):
    """Four steps splitting the capture, the top two limited by the server."""
    first, last = j['capture']['first_ns'], j['capture']['last_ns']
    points = [p for p in ('client', 'uplink', 'vif') if p in j['points']]
    span = (last - first) // 4
    steps = []
    for i, rate in enumerate((100.0, 200.0, 400.0, 800.0)):
        dur = span / 1e9
        answered = 1.0 if i < 2 else 0.9 - 0.2 * (i - 2)
        req = int(rate * dur)
        lat = {}
        for k, (c, base) in enumerate((('total', 3000.0), ('client', 10.0), ('link', 2000.0),
                                       ('bridge', 600.0), ('guest', 400.0))):
            m = base * (1 + 2 * max(0, i - 1)) if c in ('guest', 'total') else base
            lat[c] = {'count': req, 'p50': round(m * 0.98, 3), 'p90': round(m * 1.2, 3), 'p99': round(m * 1.9, 3),
                      'mean': round(m, 3), 'stddev': round(m * 0.15 + k, 3)}
        limit = 'none' if i < 2 else 'server'
        steps.append({
            'step': i + 1, 'start_ns': first + i * span, 'end_ns': first + (i + 1) * span,
            'duration_s': round(dur, 6), 'request_rate': rate * 1.001, 'response_rate': round(rate * answered, 3),
            'answered_fraction': answered,
            'points': {p: {'requests': req, 'responses': int(req * answered) - n} for n, p in enumerate(points)},
            'latency_us': lat, 'limit': limit,
            'why': hostile + ('the server answered at its unloaded speed' if limit == 'none'
                              else 'guest time grew past its unloaded level'),
            'evidence': {hostile + 'guest_p90_us': lat['guest']['p90'], 'answered_fraction': answered}})
    return steps


def with_steps(src, dst, hostile=''):
    j = json.load(open(src))
    j['steps'] = steps_of(j, hostile)
    j['verdict'] = {'limit': 'server', 'why': hostile + 'The server fell behind from 400 requests/s: guest '
                    'time tripled and 10% of requests went unanswered.',
                    'evidence': {hostile + 'guest_p90_us': 1440.0, 'first_rate': 400.4}, 'first_limited_step': 3}
    first = j['capture']['first_ns']
    j['incidents'] = [{'kind': hostile + 'app_only', 'kind_text': hostile + 'the service stopped answering',
                       'point': 'vif', 'start_ns': first + 500000000, 'end_ns': first + 900000000,
                       'open': False, 'duration_s': 0.4, 'guest': hostile + '10.0.0.2',
                       'unanswered': {'dns': 3, hostile + 'tcp_syn': 1}}]
    j['incidents_total'] = 1
    if hostile:
        for p in j['points'].values():
            p['source'] = hostile + '.pcapng#' + hostile
        j['read_error'] = hostile
    out = json.dumps(j).encode()
    if hostile:
        # raw bytes, not \u escapes: the reader must cope with what any file holds
        raw = HOSTILE.replace(b'\\', b'\\\\').replace(b'"', b'\\"')
        raw = raw.replace(b'\x01', b'\\u0001').replace(b'\x1b', b'\\u001b')
        out = out.replace(hostile.encode(), raw)
    open(dst, 'wb').write(out)


# ---- a hostile capture ----

def csum(b):
    if len(b) % 2:
        b += b'\0'
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def ip4(src, dst, proto, payload):
    h = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(payload), 1, 0, 64, proto, 0, bytes(src), bytes(dst))
    return h[:10] + struct.pack('!H', csum(h)) + h[12:] + payload


def eth(payload, back=False):
    a, b = bytes.fromhex('020000000001'), bytes.fromhex('020000000002')
    return (a + b if back else b + a) + b'\x08\x00' + payload


CLI, SRV = (10, 0, 0, 1), (10, 0, 0, 2)


def udp(sport, dport, data, back=False):
    u = struct.pack('!HHHH', sport, dport, 8 + len(data), 0) + data
    return eth(ip4(SRV if back else CLI, CLI if back else SRV, 17, u), back)


def tcp(sport, dport, seq, ack, flags, data=b'', back=False):
    t = struct.pack('!HHIIBBHHH', sport, dport, seq, ack, 5 << 4, flags, 65535, 0, 0) + data
    return eth(ip4(SRV if back else CLI, CLI if back else SRV, 6, t), back)


def dns_name(labels):
    return b''.join(bytes([len(l)]) + l for l in labels) + b'\0'


NAMES = [[b'<script>alert(1)</script>', b'example'], [b'"dq"\'sq\'&amp;', b'\x01\x02\x7f'],
         [b'\xff\xfe\xc0\x80', b'\xed\xa0\x80\xe2\x82'], [b'<img src=x onerror=alert(2)>', b'a&b']]
PATHS = [b'/<script>alert("p")</script>?a=1&b=\'2\'', b'/%3Cscript%3E\x01\x7f', b'/\xff\xfe\xc3\x28"&<',
         b'/<svg/onload=alert(3)>']


def packets():
    t, out = 1700000000 * 10**9, []
    for i, name in enumerate(NAMES * 5):
        q = struct.pack('!HHHHHH', i, 0x0100, 1, 0, 0, 0) + dns_name(name) + b'\0\1\0\1'
        r = struct.pack('!HHHHHH', i, 0x8180, 1, 0, 0, 0) + dns_name(name) + b'\0\1\0\1'
        out += [(t, udp(40000 + i, 53, q)), (t + 300000, udp(53, 40000 + i, r, True))]
        t += 50 * 10**6
    for i, path in enumerate(PATHS * 5):
        sp, c, s = 50000 + i, 1000, 5000
        req = b'GET ' + path + b' HTTP/1.1\r\nHost: <script>&"\'\r\nUser-Agent: \xff\xfe\xc0\r\n\r\n'
        resp = b'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-Evil: <script>\r\n\r\nok'
        out += [(t, tcp(sp, 80, c, 0, 0x02)), (t + 100000, tcp(80, sp, s, c + 1, 0x12, back=True)),
                (t + 200000, tcp(sp, 80, c + 1, s + 1, 0x10)),
                (t + 210000, tcp(sp, 80, c + 1, s + 1, 0x18, req)),
                (t + 600000, tcp(80, sp, s + 1, c + 1 + len(req), 0x18, resp, back=True)),
                (t + 700000, tcp(sp, 80, c + 1 + len(req), s + 1 + len(resp), 0x11)),
                (t + 800000, tcp(80, sp, s + 1 + len(resp), c + 2 + len(req), 0x11, back=True)),
                (t + 900000, tcp(sp, 80, c + 2 + len(req), s + 2 + len(resp), 0x10))]
        t += 50 * 10**6
    return out


def block(typ, body):
    body += b'\0' * (-len(body) % 4)
    n = 12 + len(body)
    return struct.pack('<II', typ, n) + body + struct.pack('<I', n)


def option(code, value):
    return struct.pack('<HH', code, len(value)) + value + b'\0' * (-len(value) % 4)


def pcapng(path, ifname):
    # if_name, and if_tsresol 9: nanosecond timestamps
    idb = struct.pack('<HHI', 1, 0, 262144) + option(2, ifname) + option(9, b'\x09') + b'\0\0\0\0'
    out = block(0x0A0D0D0A, struct.pack('<IHHq', 0x1A2B3C4D, 1, 0, -1)) + block(1, idb)
    for t, data in packets():
        out += block(6, struct.pack('<IIIII', 0, t >> 32, t & 0xffffffff, len(data), len(data)) + data)
    open(path, 'wb').write(out)


def main(a):
    if a[0] == 'steps':
        with_steps(a[1], a[2])
    elif a[0] == 'hostile-json':
        with_steps(a[1], a[2], '@HOSTILE@')
    elif a[0] == 'hostile-pcap':
        pcapng(a[1], os.fsencode(a[2]))
    else:
        sys.exit(__doc__)


if __name__ == '__main__':
    main(sys.argv[1:])
