#!/usr/bin/env bash
# Client port exhaustion in `analyze` and `live -r`, on pcaps/port-exhaustion
# (httperf with its source ports narrowed to 40000-40199: ~200 connections,
# all closed first by the client, then no port left until the capture ends).
# With three points and with the client alone: exactly one incident, kind
# client_port_exhaustion, open to the end, whose client, server, ports seen,
# port range, connections closed first by the client and stall start (the
# last new connection's SYN) equal tshark's account of the client capture.
# live -r (as fast as possible) raises it too: one ALERT line, the same
# incident in --json. And on every shipped capture replayed by live -r at 4x,
# each incident is raised within 2 s of its start (detected_ns - start_ns).
# pcaps/demo, http-ramp and guest-hang: no port exhaustion.
set -u
cd "$(dirname "$0")/../.."
command -v tshark >/dev/null || { echo "tshark not installed"; exit 77; }
[ -x ./hoplat ] || { echo "build ./hoplat first"; exit 77; }
[ -e pcaps/port-exhaustion/client.pcapng ] || { echo "no pcaps/port-exhaustion"; exit 77; }
D=$(mktemp -d /tmp/hoplat-analyze-ports.XXXXXX)
chmod 777 "$D"	# live drops root privileges (as tcpdump) before writing --json
trap 'rm -rf "$D"' EXIT
rc=0
fail() { echo "FAIL: $*"; rc=1; }
P=pcaps/port-exhaustion

# tshark on the client capture: client, server:port, distinct SYN source
# ports, lowest, highest, connections whose first FIN came from the client,
# the last SYN's time (ns).
tshark -r $P/client.pcapng -Y tcp -T fields -e frame.time_epoch -e ip.src -e ip.dst -e tcp.srcport \
	-e tcp.dstport -e tcp.flags.syn -e tcp.flags.ack -e tcp.flags.fin 2>/dev/null | python3 -c '
import sys
def ns(t):
    s, _, frac = t.partition(".")
    return int(s) * 10**9 + int((frac + "000000000")[:9])
on = lambda v: v in ("1", "True")
ports, fin_first, last_syn, who = set(), {}, 0, None
for l in sys.stdin:
    t, src, dst, sp, dp, syn, ack, fin = l.rstrip("\n").split("\t")[:8]
    if on(syn) and not on(ack):
        ports.add(int(sp)); last_syn = ns(t); who = (src, dst, dp)
    elif on(fin):
        conn = (sp, dp) if dp == "80" else (dp, sp)
        fin_first.setdefault(conn, dp == "80")
print(who[0], "%s:%s" % (who[1], who[2]), len(ports), min(ports), max(ports), sum(fin_first.values()), last_syn)' >$D/oracle
read -r -a O <$D/oracle
echo "tshark: client ${O[0]} to ${O[1]}: ${O[2]} ports ${O[3]}-${O[4]}, ${O[5]} closed first by the client, last SYN ${O[6]}"

# check JSON TOLERANCE_NS: the one incident against the oracle (stall start within the tolerance:
# on the Dom0 clock with three points).
check() {
	python3 - "$1" "$2" "${O[@]}" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
tol = int(sys.argv[2])
client, server, n, lo, hi, closed, last = sys.argv[3:10]
inc = s["incidents"]
if len(inc) != 1 or inc[0]["kind"] != "client_port_exhaustion":
    sys.exit("expected one client_port_exhaustion, got %r" % inc)
i = inc[0]
want = {"client": client, "server": server, "ports_seen": int(n), "port_min": int(lo), "port_max": int(hi),
        "closed_by_client": int(closed), "ports_held": int(closed), "open": True, "point": "client",
        "reuse_interval_s": None}
err = ["%s %r, tshark %r" % (k, i.get(k), v) for k, v in want.items() if i.get(k) != v]
if abs(i["stall_start_ns"] - int(last)) > tol or i["start_ns"] != i["stall_start_ns"]:
    err.append("stall start %d, tshark's last SYN %s" % (i["stall_start_ns"], last))
if err:
    sys.exit("; ".join(err))
print("  %s: %s ports %d-%d held, stall from %d (%+d ns from tshark's last SYN)" %
      (sys.argv[1].split("/")[-1], i["ports_seen"], i["port_min"], i["port_max"], i["stall_start_ns"],
       i["stall_start_ns"] - int(last)))
PY
}

./hoplat analyze --client $P/client.pcapng#eth0 --json $D/client.json >$D/client.txt 2>&1 ||
	fail "analyze (client) exited $?"
check $D/client.json 0 || fail "client alone"
grep -q "client ${O[0]} out of source ports toward ${O[1]} from .*: ${O[2]} ports seen (${O[3]}-${O[4]})" $D/client.txt ||
	fail "text summary: $(grep -A1 '^incidents' $D/client.txt)"
./hoplat analyze --client $P/client.pcapng#eth0 --uplink $P/dom0.pcapng#peth0 --vif $P/dom0.pcapng#vif1.0 \
	--json $D/three.json >/dev/null 2>&1 || fail "analyze (three points) exited $?"
check $D/three.json 1000000 || fail "three points"

./hoplat live -r $P/client.pcapng --speed 0 --client eth0 --json $D/live.json >$D/live.out 2>$D/live.err ||
	fail "live -r exited $?"
check $D/live.json 0 || fail "live -r"
[ "$(grep -c "^ALERT .* client ${O[0]} out of source ports toward ${O[1]} at client" $D/live.out)" = 1 ] ||
	fail "live -r: not one ALERT line: $(grep ALERT $D/live.out)"

# Raised within 2 s of its start, replayed at 4x (the ticks of live's clock too).
for c in port-exhaustion guest-hang; do
	./hoplat live -r pcaps/$c/dom0.pcapng --speed 4 --uplink peth0 --vif vif1.0 --json $D/r.json >$D/r.out 2>&1 ||
		fail "$c: live -r exited $?"
	python3 - $D/r.json $c <<'PY' || fail "$c: an incident raised late"
import json, sys
inc = json.load(open(sys.argv[1]))["incidents"]
if not inc:
    sys.exit("no incident")
late = [(i["kind"], (i["detected_ns"] - i["start_ns"]) / 1e9) for i in inc if i["detected_ns"] - i["start_ns"] > 2 * 10**9]
if late:
    sys.exit("raised late: %r" % late)
print("  %s live -r --speed 4: %s" % (sys.argv[2], ", ".join("%s raised %.3f s after its start" %
      (i["kind"], (i["detected_ns"] - i["start_ns"]) / 1e9) for i in inc)))
PY
done

for c in demo http-ramp guest-hang; do
	./hoplat analyze --client pcaps/$c/client.pcapng#eth0 --json $D/none.json >/dev/null 2>&1 ||
		fail "$c: analyze exited $?"
	grep -q client_port_exhaustion $D/none.json && fail "$c: a port exhaustion"
done
echo "  demo, http-ramp, guest-hang: no port exhaustion"
[ $rc = 0 ] && echo "analyze_ports: ok"
exit $rc
