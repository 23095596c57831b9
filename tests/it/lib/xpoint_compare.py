#!/usr/bin/env python3
"""Compares hoplat's cross-point output with gen_hops' truth.

usage: xpoint_compare.py DIR POINTS OUT.jsonl OUT.json
  DIR holds truth.jsonl and truth.json; POINTS is e.g. client,uplink,vif.
Checks (exit 1 on any failure, one line per check):
  every truth transaction is reported, and no extra ones;
  per component (those separable with POINTS): |error| median <= 1 us, p99 <= 5 us;
  link_in/link_out (client + a Dom0 point): error <= crossings * (10 us + half the asymmetry);
  lost_at equal for every transaction;
  clock offset error <= 10 us + half the asymmetry, skew error <= 1 ppm;
  matching reported for every pair of points.
"""
import json, sys

def pct(v, p):
    v = sorted(v)
    if not v:
        return 0.0
    k = max(0, min(len(v) - 1, int(round(p / 100.0 * len(v) + 0.5)) - 1))
    return v[k]

def main():
    d, points, out_jsonl, out_json = sys.argv[1], sys.argv[2].split(','), sys.argv[3], sys.argv[4]
    truth = [json.loads(l) for l in open(d + '/truth.jsonl')]
    clock = json.load(open(d + '/truth.json'))
    got = [json.loads(l) for l in open(out_jsonl)]
    for g in got:   # the truth's forms: "ip:port", lost_at
        g['client'] = ('[%s]:%d' if ':' in g['client_ip'] else '%s:%d') % (g['client_ip'], g['client_port'])
        g['lost_at'] = g['lost_hop']
    summ = json.load(open(out_json))
    fails = []
    by = {}
    for g in got:
        by.setdefault((g['proto'], g['client'], g['id']), []).append(g)
    has_c = 'client' in points
    pairs = []
    for t in truth:
        if not has_c and t['lost_at'] == 'link':
            continue	# never reached the first point given: invisible
        cands = by.get((t['proto'], t['client'], t['id']), [])
        ref = t['start_ns'] if has_c else t['start_true_ns']
        best = None
        for g in cands:
            dt = abs(g['start_ns'] - ref)
            if dt < 20e6 and (best is None or dt < abs(best['start_ns'] - ref)):
                best = g
        if best is None:
            fails.append('missing %s %s id %s start %s' % (t['proto'], t['client'], t['id'], ref))
            continue
        cands.remove(best)
        pairs.append((t, best))
    extra = sum(len(v) for v in by.values())
    print('joined %d of %d truth transactions; %d reported beyond the truth' % (len(pairs), len(truth), extra))
    if extra:
        fails.append('%d transactions reported that the truth does not have' % extra)
    comps = []
    if points == ['client', 'uplink', 'vif']:
        comps = ['total', 'client', 'link', 'bridge', 'guest']
    elif points == ['client', 'uplink']:
        comps = ['total', 'client', 'link']
    elif points == ['client', 'vif']:
        comps = ['total', 'client', 'network', 'guest']
    elif points == ['uplink', 'vif']:
        comps = ['bridge', 'guest']
    for proto in ('dns', 'http'):
        pp = [(t, g) for t, g in pairs if t['proto'] == proto and t['lost_at'] is None]
        if not pp:
            continue
        for c in comps:
            k = c + '_us'
            errs = []
            if proto == 'dns' and c == 'client':   # a query is one packet: no client part (null)
                bad = [g for t, g in pp if g[k] is not None]
                if bad:
                    fails.append('dns: %d transactions with a client_us (%s)' % (len(bad), bad[0][k]))
                continue
            for t, g in pp:
                if g.get(k) is None:
                    fails.append('%s %s id %s: %s missing' % (proto, t['client'], t['id'], k))
                    continue
                errs.append(abs(g[k] - t[k]))
            if not errs:
                continue
            med, p99 = pct(errs, 50), pct(errs, 99)
            print('%s %-8s n=%d error median %.3f us p99 %.3f us max %.3f us' % (proto, c, len(errs), med, p99, max(errs)))
            if med > 1.0 or p99 > 5.0:
                fails.append('%s %s error median %.3f p99 %.3f us' % (proto, c, med, p99))
        if has_c and len(points) > 1:
            bound = 10.0 + clock['half_asymmetry_ns'] / 1000.0
            worst = 0.0
            for t, g in pp:
                n = 2 if proto == 'http' and t['id'] == 0 else 1	# SYN and request cross
                for k in ('link_in_us', 'link_out_us'):
                    if points[1] == 'uplink':
                        e = abs(g[k] - t[k])
                        worst = max(worst, e / (n * bound))
            print('%s one-way link error: worst %.2f of its bound' % (proto, worst))
            if worst > 1.0:
                fails.append('%s one-way link error beyond its bound (%.2f)' % (proto, worst))
    lost_ok = 0
    for t, g in pairs:
        if t['lost_at'] != g['lost_at']:
            exp = t['lost_at']
            # with the hop's ends not both given, a loss is named by the merged hop
            if exp == 'bridge' and points == ['client', 'vif']:
                exp = 'link'
            if exp == 'bridge' and points == ['client', 'uplink']:
                exp = 'guest'
            if exp != g['lost_at']:
                fails.append('lost_at %s expected %s (%s %s id %s)' % (g['lost_at'], t['lost_at'], t['proto'], t['client'], t['id']))
                continue
        if t['lost_at']:
            lost_ok += 1
    print('losses placed: %d' % lost_ok)
    if has_c and len(points) > 1:
        c = summ.get('clock')
        if not c:
            fails.append('no clock in the summary')
        else:
            oe = abs(c['client_offset_ns'] - clock['client_offset_ns'])
            se = abs(c['client_skew_ppm'] - clock['client_skew_ppm'])
            ob = 10000 + clock['half_asymmetry_ns']
            print('clock: offset error %d ns (bound %d), skew error %.3f ppm' % (oe, ob, se))
            if oe > ob:
                fails.append('clock offset error %d ns > %d' % (oe, ob))
            if se > 1.0:
                fails.append('clock skew error %.3f ppm' % se)
    m = summ.get('matching', {})
    for i in range(len(points)):
        for j in range(i + 1, len(points)):
            key = points[i] + '_' + points[j]
            if key not in m or m[key]['matched'] == 0:
                fails.append('matching %s missing or empty' % key)
    for f in fails[:30]:
        print('FAIL', f)
    sys.exit(1 if fails else 0)

main()
