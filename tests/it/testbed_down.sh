#!/usr/bin/env bash
# hoplat testbed down leaves nothing: no namespace, process, veth or state
# file, after a full `up`, after an `up` killed half-way, and twice in a row;
# a stale pid file does not get an unrelated process killed.
set -u
. tests/it/testbed_lib.bash
tb_need_root
trap '"$HOPLAT" testbed down >/dev/null 2>&1' EXIT
fail() { echo "FAIL: $*"; exit 1; }

"$HOPLAT" testbed up --link-delay 1ms --bridge-delay 300us --guest-delay 200us --loss 1 >/tmp/hoplat-tb-up.$$ 2>&1 ||
	{ cat /tmp/hoplat-tb-up.$$; rm -f /tmp/hoplat-tb-up.$$; fail "up"; }
rm -f /tmp/hoplat-tb-up.$$
"$HOPLAT" testbed status >/dev/null || fail "status says the testbed is not whole after up"
dl=$(cat /run/hoplat-testbed/delayline.pid) || fail "no delay line pid file"
kill -0 "$dl" || fail "delay line $dl not running"
inns=$(ip netns pids hoplat-dom0 | tr '\n' ' ')
[ -n "$inns" ] || fail "no process in hoplat-dom0 (the delay line should be there)"
"$HOPLAT" testbed down >/dev/null || fail "down"
left=$(tb_leftovers "$dl" $inns)
[ -z "$left" ] || fail "left after down: $left"
"$HOPLAT" testbed status >/dev/null && fail "status says up after down"
"$HOPLAT" testbed down >/dev/null || fail "second down"

# An up killed at several points must still be undone by down.
for t in 0.02 0.06 0.15 0.3; do
	"$HOPLAT" testbed up --link-delay 1ms --bridge-delay 300us --guest-delay 200us >/dev/null 2>&1 &
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
