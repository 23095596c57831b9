# Shared by tests/it/xpoint_*.sh (sourced from the repository's top).
# xp_setup: a temp dir in $XP, removed on exit.
# xp_capture KIND: the real capture to derive hops from: made fresh with
#   BIND+dnsperf / lighttpd+httperf in a namespace when root and the tools are
#   there (HOPLAT_XP_FIXTURE=1 forces the shipped one), else
#   tests/fixtures/xpoint_KIND.pcap.gz (taken the same way). Prints its path.
# xp_case NAME KIND POINTS LAYOUT [gen_hops args...]: derive, analyze, compare.
set -u
XP=$(mktemp -d /tmp/hoplat-xpoint.XXXXXX)
trap 'rm -rf "$XP"' EXIT
GEN=build/tools/gen_hops
for b in ./hoplat "$GEN"; do
	[ -x "$b" ] || { echo "$b not built (make)"; exit 77; }
done

xp_capture() {
	local kind=$1
	if [ "${HOPLAT_XP_FIXTURE:-0}" != 1 ] && [ "$(id -u)" = 0 ] && command -v named >/dev/null &&
	   command -v dnsperf >/dev/null && command -v lighttpd >/dev/null && command -v httperf >/dev/null; then
		if [ ! -e "$XP/fresh/xpoint_$kind.pcap" ]; then
			mkdir -p "$XP/fresh"
			tests/fixtures/make_xpoint_captures.sh "$XP/fresh" >"$XP/fresh.log" 2>&1 ||
				{ echo "making captures failed:" >&2; tail -5 "$XP/fresh.log" >&2; }
		fi
		[ -s "$XP/fresh/xpoint_$kind.pcap" ] && { echo "$XP/fresh/xpoint_$kind.pcap"; return; }
	fi
	echo "tests/fixtures/xpoint_$kind.pcap.gz"
}

# The --client/--uplink/--vif arguments for POINTS in LAYOUT.
xp_args() {
	local dir=$1 points=$2 layout=$3 a=""
	for p in ${points//,/ }; do
		if [ "$layout" = combined ]; then
			case $p in
			client) a="$a --client $dir/client.pcapng";;
			uplink) a="$a --uplink $dir/dom0.pcapng#peth0";;
			vif) a="$a --vif $dir/dom0.pcapng#vif1.0";;
			esac
		else
			a="$a --$p $dir/$p.pcapng"
		fi
	done
	echo "$a"
}

xp_case() {
	local name=$1 kind=$2 points=$3 layout=$4
	shift 4
	local dir=$XP/$name cap
	mkdir -p "$dir"
	cap=$(xp_capture "$kind")
	echo "== $name: $kind from $cap, points $points ($layout), gen_hops $*"
	"$GEN" --in "$cap" --out "$dir" --layout "$layout" "$@" || { echo "gen_hops failed"; return 1; }
	# shellcheck disable=SC2046
	./hoplat analyze $(xp_args "$dir" "$points" "$layout") --json "$dir/out.json" \
		--transactions "$dir/out.jsonl" --csv "$dir/csv/" >"$dir/out.txt" 2>&1 ||
		{ echo "hoplat analyze failed:"; tail -5 "$dir/out.txt"; return 1; }
	python3 tests/it/lib/xpoint_compare.py "$dir" "$points" "$dir/out.jsonl" "$dir/out.json"
}
