#!/usr/bin/env bash
# The tables load as users load them, with no options: the JSON Lines and
# the CSV tables of `--csv DIR/` of three-point analyses (pcaps/demo: DNS,
# pcaps/http-ramp: HTTP, pcaps/guest-hang: an incident) in pandas
# (read_json(lines=True), read_csv), Python's csv.Sniffer and DictReader
# (what DuckDB-style sniffers do): one header, fixed columns, the expected
# dtypes (numbers numeric, ports and ns integers, no column read as a date),
# as many rows as the summary says, valid UTF-8.
set -u
cd "$(dirname "$0")/../.."
[ -x ./hoplat ] || { echo "./hoplat not built"; exit 1; }
. tests/it/lib/pymod.bash
py_with pandas
tmp=$(mktemp -d /tmp/hoplat-pandas.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
rc=0
n=0
for c in demo http-ramp guest-hang; do
	P=pcaps/$c
	[ -e $P/dom0.pcapng ] || continue
	n=$((n + 1))
	./hoplat analyze --client $P/client.pcapng#eth0 --uplink $P/dom0.pcapng#peth0 --vif $P/dom0.pcapng#vif1.0 \
		--json $tmp/$c.json --transactions $tmp/$c.jsonl --csv $tmp/$c/ >/dev/null 2>&1 ||
		{ echo "FAIL: $c: analyze exited $?"; rc=1; continue; }
	./hoplat analyze $P/client.pcapng --csv $tmp/$c-one.csv >/dev/null 2>&1 || { echo "FAIL: $c: --csv FILE"; rc=1; }
	$PY - $tmp $c docs/schema/transaction.schema.json <<'PY' || rc=1
import csv, io, json, sys
import pandas as pd
tmp, c, schema = sys.argv[1:4]
cols = json.load(open(schema))['required']
s = json.load(open('%s/%s.json' % (tmp, c)))
bad = []
def check(what, cond):
    if not cond:
        bad.append(what)
def no_dates(name, df):
    for k, t in df.dtypes.items():
        check('%s: %s read as %s' % (name, k, t), 'datetime' not in str(t))
def txn_dtypes(name, df):
    check('%s: columns %s' % (name, list(df.columns)), list(df.columns) == cols)
    n = s['dns']['transactions'] + s['http']['transactions']
    check('%s: %d rows, the summary %d' % (name, len(df), n), len(df) == n)
    for k in ('client_port', 'server_port', 'id', 'start_ns'):
        check('%s: %s is %s' % (name, k, df[k].dtype), str(df[k].dtype) == 'int64')
    for k in cols:
        if k.endswith('_us') or k in ('qtype', 'http_status'):
            check('%s: %s is %s' % (name, k, df[k].dtype), df[k].dtype.kind in 'fi')
        elif k not in ('client_port', 'server_port', 'id', 'start_ns'):   # strings, or all null
            check('%s: %s is %s' % (name, k, df[k].dtype), df[k].dtype == object or df[k].isna().all())
    no_dates(name, df)
    check('%s: total_us mean %.3f, summary %s' % (name, df['total_us'].mean(), 'total'),
          df['total_us'].notna().sum() == s['dns']['latency_us']['total']['count'] + s['http']['latency_us']['total']['count'])
for f in ('%s/%s.jsonl' % (tmp, c), '%s/%s/transactions.csv' % (tmp, c), '%s/%s-one.csv' % (tmp, c)):
    raw = open(f, 'rb').read()
    raw.decode('utf-8')   # valid UTF-8 (raises)
    df = pd.read_json(f, lines=True) if f.endswith('.jsonl') else pd.read_csv(f)
    if not f.endswith('-one.csv'):
        txn_dtypes(f.split('/')[-1], df)
    if f.endswith('.csv'):
        text = raw.decode()
        d = csv.Sniffer().sniff(text[:20000])
        check('%s: sniffed delimiter %r' % (f, d.delimiter), d.delimiter == ',')
        check('%s: sniffer finds no header' % f, csv.Sniffer().has_header(text[:20000]))
        rows = list(csv.DictReader(io.StringIO(text)))
        check('%s: DictReader rows of other width' % f, all(None not in r and len(r) == len(cols) for r in rows))
w = pd.read_csv('%s/%s/windows.csv' % (tmp, c))
check('windows.csv: %d rows, %d windows' % (len(w), len(s['windows'])), len(w) == len(s['windows']))
check('windows.csv: start_ns %s' % w['start_ns'].dtype, str(w['start_ns'].dtype) == 'int64')
check('windows.csv: the rows of the JSON', list(w['start_ns']) == [x['start_ns'] for x in s['windows']])
check('windows.csv: dns_transactions', list(w['dns_transactions']) == [x['dns']['transactions'] for x in s['windows']])
no_dates('windows.csv', w)
i = pd.read_csv('%s/%s/incidents.csv' % (tmp, c))
check('incidents.csv: %d rows, %d incidents' % (len(i), len(s['incidents'])), len(i) == len(s['incidents']))
if len(i):
    check('incidents.csv: open is %s' % i['open'].dtype, str(i['open'].dtype) == 'bool')
    check('incidents.csv: start_ns is %s' % i['start_ns'].dtype, str(i['start_ns'].dtype) == 'int64')
    check('incidents.csv: the JSON incidents', list(i['start_ns']) == [x['start_ns'] for x in s['incidents']])
st = pd.read_csv('%s/%s/steps.csv' % (tmp, c))
check('steps.csv: columns', 'request_rate' in st.columns and 'guest_p50_us' in st.columns)
for b in bad:
    print('FAIL %s: %s' % (c, b))
print('%s: %d transactions, %d windows, %d incidents loaded%s' % (c, s['dns']['transactions'] + s['http']['transactions'],
      len(w), len(i), '' if not bad else ' with %d failures' % len(bad)))
sys.exit(1 if bad else 0)
PY
done
[ $n -gt 0 ] || { echo "no shipped captures"; exit 77; }
exit $rc
