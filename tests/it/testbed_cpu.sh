#!/usr/bin/env bash
# hoplat testbed up --guest-cpu / --client-cpu: the quotas land in cgroups of
# the cpu controller (v1 here), the servers and the clients run inside them,
# a starved BIND answers the top step of a ramp late while the low step stays
# fast, down removes the groups; a machine without the controller gets a clear
# refusal and nothing built.
# Bounds: at 2% of a CPU BIND is throttled in most periods at 1600 queries/s
# (measured: all of them, dnsperf's average 38-44 ms) and in none at 100/s
# (0.4-0.5 ms); the test asks for half the periods and 5 ms against a fifth and
# 3 ms.
set -u
. tests/it/testbed_lib.bash
tb_need_root
tmp=$(mktemp -d /tmp/hoplat-tbcpu.XXXXXX)
poller=
trap '[ -n "$poller" ] && kill "$poller" 2>/dev/null; "$HOPLAT" testbed down >/dev/null 2>&1; rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
CG=$(awk '$3 == "cgroup" && $4 ~ /(^|,)cpu(,|$)/ {print $2; exit}' /proc/self/mounts)
[ -n "$CG" ] || { echo "no cgroup v1 cpu hierarchy on this machine"; exit 77; }

for bad in 0 abc -5 0.5; do
	out=$("$HOPLAT" testbed up --guest-cpu "$bad" 2>&1); rc=$?
	[ "$rc" -eq 2 ] && echo "$out" | grep -q -- "--guest-cpu '$bad'" || fail "--guest-cpu $bad: exit $rc, '$out'"
done
# Without the controller (unmounted in a private mount namespace): refused before anything is made.
out=$(unshare -m sh -c "umount '$CG' && '$HOPLAT' testbed up --guest-cpu 5" 2>&1) && fail "up without a cpu controller succeeded"
echo "$out" | grep -q "no cgroup cpu controller" || fail "unclear refusal: $out"
echo "no controller: $out"
left=$(tb_leftovers)
[ -z "$left" ] || fail "left after the refused up: $left"

"$HOPLAT" testbed up --guest-cpu 2 --client-cpu 400 >"$tmp/up" || { cat "$tmp/up"; fail "up"; }
grep -q "cpu quota guest: 2% of one CPU, cgroup $CG/hoplat-testbed-guest" "$tmp/up" || fail "status: $(cat "$tmp/up")"
[ "$(cat "$CG/hoplat-testbed-guest/cpu.cfs_quota_us")" = 2000 ] || fail "guest quota $(cat "$CG/hoplat-testbed-guest/cpu.cfs_quota_us")"
[ "$(cat "$CG/hoplat-testbed-client/cpu.cfs_quota_us")" = 400000 ] || fail "client quota"
[ "$(cat "$CG/hoplat-testbed-guest/cpu.shares")" = 9548 ] || fail "guest shares (nice -10's weight)"
# Who is in the groups while the ramp runs.
( while :; do
	for g in guest client; do
		while read -r p; do echo "$g $(cat /proc/"$p"/comm 2>/dev/null)"; done <"$CG/hoplat-testbed-$g/cgroup.procs"
	done
	sleep 0.2
done ) >"$tmp/members" 2>/dev/null &
poller=$!
"$HOPLAT" testbed run dns-ramp --out "$tmp/r" --rates 100,1600 --duration 2 >/dev/null 2>"$tmp/log" ||
	{ cat "$tmp/log"; fail "run"; }
kill "$poller"; wait "$poller" 2>/dev/null; poller=
grep -q "^guest named" "$tmp/members" || fail "named never in the guest's cgroup: $(sort -u "$tmp/members")"
grep -q "^client dnsperf" "$tmp/members" || fail "dnsperf never in the client's cgroup: $(sort -u "$tmp/members")"
grep -qv "^guest named\|^client dnsperf\|^[a-z]* $" "$tmp/members" && fail "others in the groups: $(sort -u "$tmp/members")"
python3 - "$tmp/r/scenario.json" <<'PY' || fail "the quota did not starve the top step only"
import json, sys
d = json.load(open(sys.argv[1]))
q = d["cpu_quota"]
assert q["guest_pct"] == 2 and q["client_pct"] == 400 and q["cgroup_version"] == 1, q
lo, hi = d["steps"]
for s in (lo, hi):
    g = s["guest_cgroup"]
    print(f"{s['rate']:g} q/s: throttled in {g['throttled_periods']} of {g['periods']} periods, "
          f"dnsperf average {s['avg_latency_s'] * 1e3:.2f} ms, {s['queries_completed']} of {s['queries_sent']} answered")
ok = (hi["guest_cgroup"]["throttled_periods"] >= hi["guest_cgroup"]["periods"] / 2 and hi["avg_latency_s"] > 0.005
      and lo["guest_cgroup"]["throttled_periods"] <= lo["guest_cgroup"]["periods"] / 5 and lo["avg_latency_s"] < 0.003)
sys.exit(0 if ok else 1)
PY
"$HOPLAT" testbed down >/dev/null
for g in guest client; do [ -e "$CG/hoplat-testbed-$g" ] && fail "cgroup hoplat-testbed-$g left after down"; done
echo "ok: quotas in $CG, servers and clients inside them, the top step starved, groups removed"
