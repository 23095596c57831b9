#!/usr/bin/env python3
"""Checks of hoplat's HTML report (tests/it/report_*.sh).

  report_check.py html REPORT.html [--figures [--empty=ID,...]]
                                                  parsed with html.parser: well nested, no script,
                                                  no event handler or link out, only the elements the
                                                  writer uses; --figures: every figure is there, drawn
                                                  (those named by --empty there with nothing drawn)
  report_check.py cross REPORT.html SUMMARY.json  at least one number per figure against the summary
  report_check.py png SHOT.png W H                a screenshot of the given size, drawn: not blank,
                                                  many colours, the figures' palette on it
  report_check.py text REPORT.html STRING...      each STRING is shown as text (escaped, not markup)
  report_check.py xml FILE.svg...                 each file is well-formed XML (the --plots SVGs)
"""
import json
import struct
import sys
import zlib
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

VOID = {'meta', 'br', 'img', 'input', 'link', 'hr', 'area', 'base', 'col', 'embed', 'source', 'track', 'wbr'}
# What rpt_html.c and svg.c write, and nothing else.
ALLOWED = {'html', 'head', 'meta', 'title', 'style', 'body', 'h1', 'h2', 'p', 'section', 'table', 'caption',
           'thead', 'tbody', 'tr', 'th', 'td', 'details', 'summary', 'figure', 'figcaption', 'footer',
           'svg', 'rect', 'text', 'line', 'path', 'g', 'circle', 'polygon'}
FIGURES = ['fig-rates', 'fig-latency', 'fig-breakdown', 'fig-timeline', 'fig-clock', 'fig-matching']


class Doc(HTMLParser):
    """The document as a tree of (tag, attrs, children, text), with every
    nesting fault and forbidden construct collected."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = {'tag': '#root', 'attrs': {}, 'kids': [], 'text': ''}
        self.stack = [self.root]
        self.faults = []

    def handle_starttag(self, tag, attrs):
        node = {'tag': tag, 'attrs': dict(attrs), 'kids': [], 'text': ''}
        self.stack[-1]['kids'].append(node)
        if tag not in ALLOWED:
            self.faults.append('element <%s>' % tag)
        for k, v in attrs:
            if k.startswith('on') or k in ('href', 'src', 'xlink:href', 'action', 'formaction'):
                self.faults.append('attribute %s=%r on <%s>' % (k, v, tag))
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if len(self.stack) < 2 or self.stack[-1]['tag'] != tag:
            self.faults.append('</%s> closes <%s>' % (tag, self.stack[-1]['tag']))
            return
        self.stack.pop()

    def handle_data(self, data):
        self.stack[-1]['text'] += data

    def handle_comment(self, data):
        self.faults.append('comment %r' % data[:40])

    def handle_pi(self, data):
        self.faults.append('processing instruction %r' % data[:40])


def parse(path):
    raw = open(path, 'rb').read()
    text = raw.decode('utf-8')        # strict: the writer replaces invalid UTF-8
    bad = [c for c in text if (ord(c) < 0x20 and c not in '\t\n') or 0x7f <= ord(c) <= 0x9f]
    d = Doc()
    d.feed(text)
    d.close()
    if bad:
        d.faults.append('control characters %r' % bad[:5])
    if len(d.stack) != 1:
        d.faults.append('unclosed: ' + ' '.join(n['tag'] for n in d.stack[1:]))
    return d


def walk(node):
    yield node
    for k in node['kids']:
        yield from walk(k)


def all_text(node):
    return node['text'] + ''.join(all_text(k) for k in node['kids'])


def find(root, tag=None, **attrs):
    return [n for n in walk(root) if (tag is None or n['tag'] == tag) and
            all(n['attrs'].get(k.replace('_', '-')) == v for k, v in attrs.items())]


def fail(msg):
    sys.exit('FAIL: ' + msg)


def check_html(path, figures, empty=()):
    d = parse(path)
    if d.faults:
        fail('%s: %s' % (path, '; '.join(d.faults[:8])))
    if find(d.root, 'script'):
        fail('%s: a <script> element' % path)
    if not figures:
        return d
    if not find(d.root, 'section', id='verdict'):
        fail('%s: no verdict section' % path)
    svgs = {n['attrs'].get('id'): n for n in find(d.root, 'svg')}
    want = FIGURES + [i for i in svgs if i and i.startswith('fig-cdf-')]
    if not any(i and i.startswith('fig-cdf-') for i in svgs):
        fail('%s: no latency distribution (fig-cdf-*)' % path)
    for fid in want:
        svg = svgs.get(fid)
        if svg is None:
            fail('%s: no <svg id=%s>' % (path, fid))
        drawn = [n for n in walk(svg) if (n['tag'] == 'path' and n['attrs'].get('class') == 'series' and
                                          'L' in n['attrs'].get('d', '')) or
                 (n['tag'] == 'g' and n['attrs'].get('class') in ('bar', 'marks') and n['kids'])]
        if not drawn and fid not in empty:
            fail('%s: figure %s draws no line, mark or bar' % (path, fid))
        if drawn and fid in empty:
            fail('%s: figure %s draws data where there is none' % (path, fid))
        if not find(d.root, 'table', data_figure=fid):
            fail('%s: no table of numbers under %s' % (path, fid))
    print('%s: well formed, %d figures drawn: %s' % (path, len(want), ' '.join(want)))
    return d


# ---- numbers against the summary ----

def table(d, fid):
    t = find(d.root, 'table', data_figure=fid)[0]
    head = [all_text(n) for n in find(t, 'th')]
    rows = [[all_text(c) for c in find(r, 'td')] for r in find(t, 'tr')]
    return [dict(zip(head, r)) for r in rows if r]


def close(a, b, tol=1e-6):
    return abs(float(a) - float(b)) <= tol * max(1.0, abs(float(b)))


def same(what, got, want, tol=1e-6):
    if not close(got, want, tol):
        fail('%s: the report shows %s, the summary has %s' % (what, got, want))


def secs(j, ns):
    return (ns - j['capture']['first_ns']) / 1e9


def head_point(j):
    return next(p for p in ('client', 'uplink', 'vif') if p in j['points'])


def cross_rates(d, j):
    rows = table(d, 'fig-rates')
    if j.get('steps') is not None:
        for r, s in zip(rows, j['steps']):
            same('rates: request_rate', r['request_rate'], s['request_rate'])
            for p, c in s.get('points', {}).items():
                same('rates: %s responses/s' % p, r['%s_responses_per_s' % p], c['responses'] / s['duration_s'], 1e-3)
        if len(rows) != len(j['steps']):
            fail('rates: %d rows for %d steps' % (len(rows), len(j['steps'])))
        return
    h = head_point(j)
    by_start = {round(secs(j, w['start_ns']), 3): w for w in j['windows']}
    for r in rows:
        w = by_start[round(float(r['start_s']), 3)]
        same('rates: requests/s', r['requests_per_s'], w['requests_per_s'][h])
        same('rates: responses/s', r['%s_responses_per_s' % h], w['responses_per_s'][h])


def cross_latency(d, j):
    rows = table(d, 'fig-latency')
    if j.get('steps') is not None:
        for r, s in zip(rows, j['steps']):
            same('latency: total mean', r['total_mean_us'], s['latency_us']['total']['mean'])
            same('latency: total band', r['total_plus_sd_us'],
                 s['latency_us']['total']['mean'] + s['latency_us']['total']['stddev'], 1e-5)
        return
    proto = 'http' if j['http']['transactions'] > j['dns']['transactions'] else 'dns'
    by_start = {round(secs(j, w['start_ns']), 3): w for w in j['windows']}
    for r in rows:
        w = by_start[round(float(r['start_s']), 3)]
        same('latency: total mean', r['total_mean_us'], w[proto]['latency_us']['total']['mean'])


def cross_breakdown(d, j):
    rows = table(d, 'fig-breakdown')
    hop = 'guest' if 'guest_mean_us' in rows[0] else 'total'
    if j.get('steps') is not None:
        for r, s in zip(rows, j['steps']):
            same('breakdown: %s' % hop, r['%s_mean_us' % hop], s['latency_us'][hop]['mean'])
        return
    for r in rows:
        proto = 'dns' if r['what'].startswith('DNS') else 'http'
        same('breakdown: %s' % hop, r['%s_mean_us' % hop], j[proto]['latency_us'][hop]['mean'])


def cross_cdf(d, j):
    for proto in ('dns', 'http'):
        if not find(d.root, 'table', data_figure='fig-cdf-' + proto):
            continue
        rows = {r['percent']: r for r in table(d, 'fig-cdf-' + proto)}
        lat = j[proto]['latency_us']['total']
        same('cdf %s: p50' % proto, rows['50']['total_us'], lat['p50'])
        same('cdf %s: max' % proto, rows['100']['total_us'], lat['max'])


def cross_timeline(d, j):
    rows = table(d, 'fig-timeline')
    if len(rows) != len(j.get('windows', [])):
        fail('timeline: %d rows for %d windows' % (len(rows), len(j.get('windows', []))))
    for r, w in zip(rows, j.get('windows', [])):
        for p, v in w['requests_per_s'].items():
            same('timeline: %s requests/s' % p, r['%s_requests_per_s' % p], v)
        same('timeline: start', r['start_ns'], w['start_ns'], 0)
    shades = [n for n in walk(find(d.root, 'svg', id='fig-timeline')[0]) if n['attrs'].get('class') == 'shade']
    limited = [s for s in j.get('steps') or [] if s.get('limit', 'none') != 'none']
    if len(shades) != len(j['incidents']) + len(limited):
        fail('timeline: %d shades for %d incidents and %d limited steps' % (len(shades), len(j['incidents']),
                                                                           len(limited)))


def cross_clock(d, j):
    rows = table(d, 'fig-clock')
    if 'clock' not in j:
        if rows:
            fail('clock: rows without a clock in the summary')
        return
    same('clock: offset', rows[0]['client_offset_us'], j['clock']['client_offset_ns'] / 1e3, 1e-3)
    same('clock: uncertainty', float(rows[0]['upper_us']) - float(rows[0]['client_offset_us']),
         j['clock']['split_uncertainty_ns'] / 1e3, 1e-3)


def cross_matching(d, j):
    rows = {r['hop']: r for r in table(d, 'fig-matching')}
    if 'matching' not in j:
        return
    same('matching: link matched', rows['link']['matched'], j['matching']['client_uplink']['matched'], 0)
    same('matching: bridge matched', rows['bridge']['matched'], j['matching']['uplink_vif']['matched'], 0)
    same('matching: guest lost', rows['guest']['lost'], j['loss']['guest'], 0)


def cross_verdict(d, j):
    v = find(d.root, 'section', id='verdict')[0]
    text = ' '.join(all_text(v).split())
    if j.get('verdict'):
        why = ' '.join(j['verdict']['why'].split())
        if why not in text:
            fail('verdict: %r not shown' % why)
        if j['verdict']['limit'] not in text:
            fail('verdict: limit %r not shown' % j['verdict']['limit'])
    for proto in ('dns', 'http'):
        if j[proto]['transactions'] and str(j[proto]['transactions']) not in text:
            fail('verdict: %s transactions not said' % proto)


def check_cross(path, summary):
    j = json.load(open(summary))
    # what a summary without a clock or cross-point matching cannot draw
    empty = [f for f, key in (('fig-clock', 'clock'), ('fig-matching', 'matching')) if key not in j]
    d = check_html(path, True, empty)
    for f in (cross_verdict, cross_rates, cross_latency, cross_breakdown, cross_cdf, cross_timeline,
              cross_clock, cross_matching):
        f(d, j)
    print('%s: every figure agrees with %s' % (path, summary))


# ---- screenshots ----

def png_rows(path):
    data = open(path, 'rb').read()
    if data[:8] != b'\x89PNG\r\n\x1a\n':
        fail('%s: not a PNG' % path)
    pos, idat = 8, b''
    while pos < len(data):
        n, typ = struct.unpack('>I4s', data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        pos += 12 + n
        if typ == b'IHDR':
            w, h, depth, ctype, _, _, interlace = struct.unpack('>IIBBBBB', body)
        elif typ == b'IDAT':
            idat += body
    if depth != 8 or ctype not in (2, 6) or interlace:
        fail('%s: PNG of depth %d colour type %d interlace %d' % (path, depth, ctype, interlace))
    bpp = 3 if ctype == 2 else 4
    raw, stride, prev, rows = zlib.decompress(idat), w * bpp, bytearray(w * bpp), []
    for y in range(h):
        at = y * (stride + 1)
        ft, line = raw[at], bytearray(raw[at + 1:at + 1 + stride])
        if ft == 1:
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 255
        elif ft == 2:
            line = bytearray((a + b) & 255 for a, b in zip(line, prev))
        elif ft == 3:
            for i in range(stride):
                line[i] = (line[i] + ((line[i - bpp] if i >= bpp else 0) + prev[i]) // 2) & 255
        elif ft == 4:
            for i in range(stride):
                a = line[i - bpp] if i >= bpp else 0
                b, c = prev[i], prev[i - bpp] if i >= bpp else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return w, h, bpp, rows


def check_png(path, want_w, want_h):
    w, h, bpp, rows = png_rows(path)
    if (w, h) != (want_w, want_h):
        fail('%s: %dx%d, not %dx%d' % (path, w, h, want_w, want_h))
    colours, ink = set(), 0
    for line in rows:
        for i in range(0, len(line), bpp):
            px = line[i:i + 3]
            colours.add(px)
            ink += px != b'\xff\xff\xff'
    share = ink / (w * h)
    # the palette the figures are drawn in (rf_comp_color, rf_point_color)
    palette = {bytes.fromhex(c) for c in ('0072B2', 'E69F00', '009E73')}
    seen = palette & colours
    if share < 0.03 or len(colours) < 50 or len(seen) < 2:
        fail('%s: blank or undrawn: %.1f%% ink, %d colours, figure colours %d of 3' %
             (path, 100 * share, len(colours), len(seen)))
    print('%s: %dx%d, %.1f%% not white, %d colours, %d figure colours' % (path, w, h, 100 * share,
                                                                             len(colours), len(seen)))


def check_text(path, strings):
    d = check_html(path, False)
    text = all_text(d.root)
    for s in strings:
        if s not in text:
            fail('%s: %r is not shown as text' % (path, s))
    print('%s: %d hostile strings shown as text, none active' % (path, len(strings)))


def main(a):
    if a[0] == 'html':
        empty = [x[len('--empty='):].split(',') for x in a if x.startswith('--empty=')]
        check_html(a[1], '--figures' in a, empty[0] if empty else ())
    elif a[0] == 'cross':
        check_cross(a[1], a[2])
    elif a[0] == 'png':
        check_png(a[1], int(a[2]), int(a[3]))
    elif a[0] == 'text':
        check_text(a[1], a[2:])
    elif a[0] == 'xml':
        for p in a[1:]:
            ET.parse(p)
        print('%d SVG files are well-formed XML' % len(a[1:]))
    else:
        sys.exit(__doc__)


if __name__ == '__main__':
    main(sys.argv[1:])
