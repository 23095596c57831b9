# Namespace topology for the capture/live tests (sourced, not run):
#   $T4C (client, c0 10.99.4.1) -- veth -- $T4B (br0: vc, vs) -- veth -- $T4S (server, s0 10.99.4.2)
# Names are unique per test run (prefix hoplat-t4-); t4_down removes everything.
T4P="hoplat-t4-$$"
T4C="$T4P-c" T4B="$T4P-b" T4S="$T4P-s"
T4_CLIENT=10.99.4.1 T4_SERVER=10.99.4.2

t4_need_root() {
	if [ "$(id -u)" -ne 0 ]; then echo "needs root (namespaces)"; exit 77; fi
	for t in "$@"; do
		command -v "$t" >/dev/null 2>&1 || { echo "needs $t"; exit 77; }
	done
}

# Skips (77) without the hoplat binary: $HOPLAT, by default ./hoplat.
t4_need_hoplat() {
	HOPLAT=${HOPLAT:-$PWD/hoplat}
	[ -x "$HOPLAT" ] || { echo "build ./hoplat first"; exit 77; }
}

t4_up() {
	local ns
	for ns in "$T4C" "$T4B" "$T4S"; do
		ip netns add "$ns"
		ip -n "$ns" link set lo up
		ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
	done
	ip link add c0 netns "$T4C" type veth peer name vc netns "$T4B"
	ip link add s0 netns "$T4S" type veth peer name vs netns "$T4B"
	ip -n "$T4B" link add br0 type bridge
	ip -n "$T4B" link set vc master br0
	ip -n "$T4B" link set vs master br0
	for l in br0 vc vs; do ip -n "$T4B" link set "$l" up; done
	ip -n "$T4C" addr add "$T4_CLIENT/24" dev c0
	ip -n "$T4S" addr add "$T4_SERVER/24" dev s0
	ip -n "$T4C" link set c0 up
	ip -n "$T4S" link set s0 up
}

t4_down() {
	local ns
	for ns in "$T4C" "$T4B" "$T4S"; do
		ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null
		ip netns del "$ns" 2>/dev/null
	done
	return 0
}

# BIND serving t4.test (www, a..z) on the server; config under $1.
t4_named() {
	local d=$1
	mkdir -p "$d/named"
	cat >"$d/named/named.conf" <<CONF
options { directory "$d/named"; listen-on { $T4_SERVER; }; listen-on-v6 { none; };
  recursion no; pid-file "$d/named/named.pid"; session-keyfile "$d/named/s.key"; };
zone "t4.test" { type primary; file "$d/named/db"; };
CONF
	{
		printf '$TTL 300\n@ IN SOA ns hostmaster 1 60 60 600 60\n@ IN NS ns\nns IN A %s\nwww IN A %s\n' \
			"$T4_SERVER" "$T4_SERVER"
		for h in a b c d e f g h; do printf '%s IN A 10.99.9.%d\n' "$h" $((RANDOM % 250 + 1)); done
	} >"$d/named/db"
	ip netns exec "$T4S" named -4 -f -u root -c "$d/named/named.conf" >"$d/named/log" 2>&1 &
	for _ in $(seq 50); do
		ip netns exec "$T4S" ss -lnu 2>/dev/null | grep -q "$T4_SERVER:53 " && return 0
		sleep 0.1
	done
	echo "named did not start:"; cat "$d/named/log"; return 1
}

# lighttpd serving a small page and a larger one on port 80.
t4_lighttpd() {
	local d=$1
	mkdir -p "$d/www"
	echo "hello from the guest" >"$d/www/index.html"
	head -c 20000 /dev/zero | tr '\0' x >"$d/www/big.html"
	cat >"$d/lighttpd.conf" <<CONF
server.document-root = "$d/www"
server.bind = "$T4_SERVER"
server.port = 80
server.pid-file = "$d/lighttpd.pid"
server.errorlog = "$d/lighttpd.err"
index-file.names = ( "index.html" )
CONF
	ip netns exec "$T4S" lighttpd -D -f "$d/lighttpd.conf" >"$d/lighttpd.log" 2>&1 &
	for _ in $(seq 50); do
		ip netns exec "$T4S" ss -lnt 2>/dev/null | grep -q "$T4_SERVER:80 " && return 0
		sleep 0.1
	done
	echo "lighttpd did not start:"; cat "$d/lighttpd.err" "$d/lighttpd.log" 2>/dev/null; return 1
}

# Waits until file $1 holds a line matching $2 (e.g. "listening on"); 0 or 1 after ~5 s.
t4_wait_line() {
	for _ in $(seq 100); do
		grep -q "$2" "$1" 2>/dev/null && return 0
		sleep 0.05
	done
	return 1
}

# t4_npk FILE: the number of packets in a capture file (capinfos).
t4_npk() { capinfos -Mc "$1" 2>/dev/null | awk '/Number of packets/ { print $NF }'; }

t4_now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
