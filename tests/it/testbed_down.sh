#!/usr/bin/env bash
# hoplat testbed down leaves nothing: no namespace, process, veth, state
# file or CPU quota cgroup, after a full `up`, after an `up` killed half-way,
# and twice in a row; a stale pid file does not get an unrelated process
# killed, nor does a process found in a quota group (it is moved out).
set -u
. tests/it/testbed_lib.bash
tb_need_root
trap '"$HOPLAT" testbed down >/dev/null 2>&1' EXIT
fail() { echo "FAIL: $*"; exit 1; }

"$HOPLAT" testbed up --link-delay 1ms --bridge-delay 300us --guest-delay 200us --loss 1 --guest-cpu 50 --client-cpu 50 \
	>/tmp/hoplat-tb-up.$$ 2>&1 ||
	{ cat /tmp/hoplat-tb-up.$$; rm -f /tmp/hoplat-tb-up.$$; fail "up"; }
rm -f /tmp/hoplat-tb-up.$$
"$HOPLAT" testbed status >/dev/null || fail "status says the testbed is not whole after up"
dl=$(cat /run/hoplat-testbed/delayline.pid) || fail "no delay line pid file"
kill -0 "$dl" || fail "delay line $dl not running"
inns=$(ip netns pids hoplat-dom0 | tr '\n' ' ')
[ -n "$inns" ] || fail "no process in hoplat-dom0 (the delay line should be there)"
cg=$(tb_leftovers | sed -n 's/^cgroup \(.*hoplat-testbed-guest\)$/\1/p')
[ -n "$cg" ] && tb_leftovers | grep -q "^cgroup .*hoplat-testbed-client$" || fail "no quota cgroups after up: $(tb_leftovers)"
# A process in a quota group that is no testbed process: moved out, not killed.
sleep 30 &
squatter=$!
echo "$squatter" >"$cg/cgroup.procs" || fail "could not put pid $squatter in $cg"
"$HOPLAT" testbed down >/dev/null || fail "down"
left=$(tb_leftovers "$dl" $inns)
[ -z "$left" ] || fail "left after down: $left"
kill -0 "$squatter" 2>/dev/null || fail "down killed pid $squatter that was in its cgroup but no testbed process"
kill "$squatter"; wait "$squatter" 2>/dev/null
"$HOPLAT" testbed status >/dev/null && fail "status says up after down"
"$HOPLAT" testbed down >/dev/null || fail "second down"

# An up killed at several points must still be undone by down.
for t in 0.02 0.06 0.15 0.3; do
	"$HOPLAT" testbed up --link-delay 1ms --bridge-delay 300us --guest-delay 200us --guest-cpu 20 >/dev/null 2>&1 &
	up=$!
	sleep "$t"
	kill -9 "$up" 2>/dev/null
	wait "$up" 2>/dev/null
	dl=$(cat /run/hoplat-testbed/delayline.pid 2>/dev/null)
	"$HOPLAT" testbed down >/dev/null || fail "down after up killed at ${t}s"
	left=$(tb_leftovers $dl)
	[ -z "$left" ] || fail "left after up killed at ${t}s and down: $left"
done

# A failed up (a namespace of ours already there) undoes nothing of others and says why.
ip netns add hoplat-guest
out=$("$HOPLAT" testbed up 2>&1) && fail "up succeeded over an existing hoplat-guest"
echo "$out" | grep -q "hoplat-guest exists" || fail "unclear message: $out"
"$HOPLAT" testbed down >/dev/null
left=$(tb_leftovers)
[ -z "$left" ] || fail "left: $left"
# A stale pid file naming somebody else's process (pid reuse) must not get it killed.
sleep 30 &
other=$!
mkdir -p /run/hoplat-testbed && echo "$other" >/run/hoplat-testbed/named.pid
"$HOPLAT" testbed down >/dev/null
kill -0 "$other" 2>/dev/null || fail "down killed pid $other, not one of the testbed's programs"
kill "$other"; wait "$other" 2>/dev/null
[ -e /run/hoplat-testbed ] && fail "/run/hoplat-testbed left"
echo "testbed down: clean after up, killed ups and a refused up; stale pid files harmless"
