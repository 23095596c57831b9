#!/usr/bin/env bash
# Unanswered connection attempts (an HTTP transaction starts at its
# SYN; one that reached the vif and was never answered is lost at the guest).
# 1. pcaps/guest-hang (the guest stops answering): loss.guest and
#    http.unanswered equal the connection attempts tshark sees reaching
#    vif1.0 without a SYN-ACK; each is a JSONL row with name null, id 0 and
#    lost_at "guest"; pcaps/guest-hang/expected.json (pcaps/expected.py) agrees;
#    one point alone (the client) counts the same attempts unanswered.
# 2. gen_hops --drop link-syn/bridge-syn/guest-syn: a SYN lost on each hop
#    (and a request lost at the guest after its handshake) is placed on its
#    hop, with all three points and with every pair.
. tests/it/lib/xpoint_lib.sh
. tests/ref/ref.bash
rc=0
P=pcaps/guest-hang
[ -e $P/dom0.pcapng ] || { echo "no $P"; exit 77; }
ref_need

# tshark (stored in tests/ref by tests/ref/regen.sh): per interface, connection
# attempts (client port, ISN) with and without a SYN-ACK, from the packets
# with SYN to or from port 80 (tcp ports, ack flag, raw seq and ack)
attempts() {	# FILE IFACE -> "syns answered"
	ref_cat "$(ref_out "$1" "#$2.syn")" |
	python3 -c '
import sys
syn, sa = set(), set()
for l in sys.stdin:
    sp, dp, ack, seq, an = l.split()
    if ack in ("0", "False"):
        syn.add((sp, int(seq)))
    else:
        sa.add((dp, int(an) - 1))
print(len(syn), len(syn & sa))'
}
read -r syn_c ans_c < <(attempts $P/client.pcapng eth0)
read -r syn_u ans_u < <(attempts $P/dom0.pcapng peth0)
read -r syn_v ans_v < <(attempts $P/dom0.pcapng vif1.0)
guest=$((syn_v - ans_v))
echo "tshark: attempts client $syn_c ($ans_c answered), uplink $syn_u ($ans_u), vif $syn_v ($ans_v): $guest reached vif1.0 without a SYN-ACK"
[ "$guest" -gt 0 ] || { echo "FAIL: the capture has no unanswered attempt at the vif"; rc=1; }

D=$XP/hang
mkdir -p $D
./hoplat analyze --client $P/client.pcapng#eth0 --uplink $P/dom0.pcapng#peth0 --vif $P/dom0.pcapng#vif1.0 \
	--json $D/out.json --transactions $D/out.jsonl --csv $D/out.csv >$D/out.txt 2>&1 || { tail -3 $D/out.txt; rc=1; }
./hoplat analyze $P/client.pcapng --json $D/one.json >/dev/null 2>&1 || rc=1
python3 - $D/out.json $D/out.jsonl $D/one.json $P/expected.json "$guest" "$((syn_u - syn_v))" \
	"$((syn_c - syn_u))" "$((syn_c - ans_c))" <<'PY' || rc=1
import json, sys
s, rows, one, exp = (json.load(open(sys.argv[1])), [json.loads(l) for l in open(sys.argv[2])],
                     json.load(open(sys.argv[3])), json.load(open(sys.argv[4])))
guest, bridge, link, unans_c = (int(x) for x in sys.argv[5:9])
att = [r for r in rows if r['proto'] == 'http' and r['name'] is None]
ok = True
def check(what, got, want):
    global ok
    print('%-58s %6s (want %s)' % (what, got, want))
    if got != want:
        ok = False
check('loss.guest', s['loss']['guest'], guest)
check('loss.bridge', s['loss']['bridge'], bridge)
check('loss.link', s['loss']['link'], link)
check('http.unanswered', s['http']['unanswered'], guest + bridge + link)
check('http.attempts_unanswered (client)', s['http']['attempts_unanswered'], unans_c)
check('http.connections (client)', s['http']['connections'], s['points']['client']['http_connections'])
check('JSONL attempts (name null, id 0, status null, total null)',
      sum(1 for r in att if r['id'] == 0 and r['http_status'] is None and r['total_us'] is None), unans_c)
check('JSONL attempts lost at the guest', sum(1 for r in att if r['lost_hop'] == 'guest'), guest)
check('http.answered + unanswered = transactions', s['http']['answered'] + s['http']['unanswered'],
      s['http']['transactions'])
check('client alone: http.unanswered', one['http']['unanswered'], unans_c)
e = exp['http']
check('expected.json unanswered_lost_at.guest', e['unanswered_lost_at']['guest'], guest)
check('expected.json attempts_unanswered_at_vif', e.get('attempts_unanswered_at_vif'), guest)
check('expected.json transactions', e['transactions'], s['http']['transactions'])
check('expected.json answered', e['answered'], s['http']['answered'])
sys.exit(0 if ok else 1)
PY
# the CSV names the attempt with an empty field
n=$(grep -c '^"http",[^,]*,[^,]*,[^,]*,[^,]*,0,,' $D/out.csv)
[ "$n" -ge "$guest" ] || { echo "FAIL: CSV attempts $n"; rc=1; }

# 2. generated: a SYN lost on each hop
for pts in client,uplink,vif client,uplink client,vif uplink,vif; do
	xp_case "syn-${pts//,/-}" http $pts separate --link-in 40 --link-out 60 --bridge 12 --jitter 6 \
		--offset-ns 1700000000 --skew-ppm 35 --drop link-syn:3 --drop bridge-syn:7 \
		--drop guest-syn:11 --drop guest:15 --repeat 2 || rc=1
	# every SYN drop is in the truth and placed (the compare checks each lost_at)
	n=$(grep -c '"lost_at":"\(link\|bridge\|guest\)"' "$XP/syn-${pts//,/-}/truth.jsonl")
	[ "$n" -eq 4 ] || { echo "FAIL: truth has $n losses, want 4"; rc=1; }
done
exit $rc
