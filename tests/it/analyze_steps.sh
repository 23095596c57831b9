#!/usr/bin/env bash
# Load steps and the verdict in `analyze` and `live` on the shipped captures.
# pcaps/demo (dnsperf 200 then 400 q/s) and pcaps/http-ramp (httperf 50 then
# 100 conn/s), three points and the client alone: one step per rate of
# scenario.json, each request_rate within 5% of the rate offered and equal
# (to the query) to tshark's count of DNS queries / SYNs at the client
# between the step's start_ns and end_ns (moved to the Dom0 clock by the
# JSON's clock offset, 10 us of slack for its skew); every step limit "none", verdict
# "none", the text summary's first line says so, steps.csv (--csv DIR/) has a row
# per step and verdict.csv a row. pcaps/guest-hang: verdict "guest_hang".
# `live -r client.pcapng --speed 0` prints one STEP line per step.
set -u
cd "$(dirname "$0")/../.."
command -v tshark >/dev/null || { echo "tshark not installed"; exit 77; }
[ -x ./hoplat ] || { echo "build ./hoplat first"; exit 77; }
[ -e pcaps/demo/client.pcapng ] || { echo "no pcaps/demo"; exit 77; }
D=$(mktemp -d /tmp/hoplat-analyze-steps.XXXXXX)
chmod 777 "$D"	# live drops root privileges before writing
trap 'rm -rf "$D"' EXIT
rc=0
fail() { echo "FAIL: $*"; rc=1; }

three() {	# DIR -> the three points' arguments
	echo "--client $1/client.pcapng#eth0 --uplink $1/dom0.pcapng#peth0 --vif $1/dom0.pcapng#vif1.0"
}

# tshark's send times at the client: DNS queries, or HTTP SYNs.
sends() {	# DIR KIND
	local filter='dns.flags.response == 0'
	[ "$2" = http ] && filter='tcp.flags.syn == 1 && tcp.flags.ack == 0'
	tshark -r "$1/client.pcapng" -Y "$filter" -T fields -e frame.time_epoch 2>/dev/null >"$D/sends"
}

check() {	# NAME DIR KIND JSON
	python3 - "$1" "$2/scenario.json" "$D/sends" "$4" "$3" <<'PY' || rc=1
import json, sys
name, scen, sends, out, kind = sys.argv[1:]
def ns(t):
    s, _, f = t.partition(".")
    return int(s) * 10**9 + int((f + "000000000")[:9])
rates = json.load(open(scen))["rates"]
times = [ns(l.strip()) for l in open(sends) if l.strip()]
d = json.load(open(out))
off = d.get("clock", {}).get("client_offset_ns", 0)
times = [t - off for t in times]
steps, bad = d["steps"], []
if len(steps) != len(rates):
    bad.append(f"{len(steps)} steps for rates {rates}")
for s, want in zip(steps, rates):
    got = s["connection_rate" if kind == "http" else "request_rate"]
    if abs(got - want) > 0.05 * want:
        bad.append(f"step {s['step']}: rate {got} for {want}")
    n = sum(1 for t in times if s["start_ns"] - 10000 <= t < s["end_ns"])
    mine = s["points"]["client"]["attempts" if kind == "http" else "requests"]
    if n != mine:
        bad.append(f"step {s['step']}: {mine} sends, tshark {n} in [start_ns, end_ns)")
    if s["limit"] != "none":
        bad.append(f"step {s['step']}: limit {s['limit']} ({s['why']})")
    for k in ("p50", "p90", "p99", "mean", "stddev"):
        if s["latency_us"]["total"][k] is None:
            bad.append(f"step {s['step']}: total {k} null")
if d["verdict"]["limit"] != "none":
    bad.append(f"verdict {d['verdict']}")
for b in bad:
    print(f"FAIL {name}: {b}")
print(f"{name}: {len(steps)} steps " + ", ".join(f"{s['request_rate']:.1f}/s {s['limit']}" for s in steps)
      + f"; verdict {d['verdict']['limit']}")
sys.exit(1 if bad else 0)
PY
}

for c in demo:dns http-ramp:http; do
	dir=pcaps/${c%%:*} kind=${c##*:}
	sends "$dir" "$kind"
	# shellcheck disable=SC2046
	./hoplat analyze $(three "$dir") --json "$D/three.json" --csv "$D/three/" >"$D/three.txt" 2>/dev/null ||
		fail "$dir: analyze failed"
	check "$dir (three points)" "$dir" "$kind" "$D/three.json"
	./hoplat analyze "$dir/client.pcapng" --json "$D/one.json" >/dev/null 2>&1 || fail "$dir: analyze failed"
	check "$dir (client alone)" "$dir" "$kind" "$D/one.json"
	head -1 "$D/three.txt" | grep -q '^verdict: none\. No limit found' ||
		fail "$dir: the text summary does not open with the verdict: $(head -1 "$D/three.txt")"
	n=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["steps"]))' "$D/three.json")
	[ "$(($(wc -l <"$D/three/steps.csv") - 1))" = "$n" ] || fail "$dir: steps.csv rows differ from the JSON's $n"
	grep -q '^none,,' "$D/three/verdict.csv" || fail "$dir: no verdict row in verdict.csv"
	lines=$(./hoplat live -r "$dir/client.pcapng" --speed 0 -q 2>/dev/null | grep -c '^STEP ')
	[ "$lines" = "$n" ] || fail "$dir: live printed $lines STEP lines for $n steps"
done

# shellcheck disable=SC2046
./hoplat analyze $(three pcaps/guest-hang) --json "$D/hang.json" >/dev/null 2>&1
v=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["verdict"]["limit"])' "$D/hang.json")
[ "$v" = guest_hang ] || fail "pcaps/guest-hang: verdict $v, not guest_hang"
exit $rc
