#!/usr/bin/env bash
# The HTML report in a browser: headless Chromium (Debian's chromium), with no network at all (its
# own network namespace when root), draws the reports of pcaps/demo and pcaps/http-ramp (ramps, three
# points) and of a summary given load steps and a verdict: each screenshot has the window's size and
# is drawn (not blank: ink, many colours, the figures' palette), decoded with python's zlib. A blank
# page must fail the same check. Skipped when chromium is missing and cannot be installed.
set -u
cd "$(dirname "$0")/../.."
if ! command -v chromium >/dev/null && [ "$(id -u)" -eq 0 ]; then
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null 2>&1
fi
command -v chromium >/dev/null || { echo "chromium is not installed and cannot be (tests/deps.sh)"; exit 77; }
REPORT_TEST=browser . tests/it/lib/report_lib.bash
W=1000 H=2400
NONET=()
[ "$(id -u)" -eq 0 ] && unshare -n true 2>/dev/null && NONET=(unshare -n)

shot() {	# shot PAGE.html OUT.png
	rm -rf "$D/profile"
	"${NONET[@]}" timeout 180 chromium --headless --no-sandbox --disable-gpu --no-first-run \
		--disable-background-networking --hide-scrollbars --user-data-dir="$D/profile" \
		--window-size=$W,$H --screenshot="$2" "file://$1" >"$D/chromium.log" 2>&1
	[ -s "$2" ] || { fail "chromium drew no screenshot of $1"; tail -5 "$D/chromium.log"; }
}

for c in demo http-ramp; do
	./hoplat analyze --client "pcaps/$c/client.pcapng#eth0" --uplink "pcaps/$c/dom0.pcapng#peth0" \
		--vif "pcaps/$c/dom0.pcapng#vif1.0" --json "$D/$c.json" --html "$D/$c.html" >/dev/null 2>&1 ||
		fail "$c: analyze --html"
	$CHECK html "$D/$c.html" --figures >/dev/null || fail "$c: figures"
done
$GEN steps "$D/demo.json" "$D/steps.json" &&
	./hoplat report "$D/steps.json" --html "$D/steps.html" || fail "steps: hoplat report"
for page in demo http-ramp steps; do
	shot "$D/$page.html" "$D/$page.png"
	[ -s "$D/$page.png" ] && { $CHECK png "$D/$page.png" $W $H || fail "$page: screenshot"; }
done
# the check must tell a blank page
echo '<!DOCTYPE html><html><body><p>.</p></body></html>' >"$D/blank.html"
shot "$D/blank.html" "$D/blank.png"
$CHECK png "$D/blank.png" $W $H >/dev/null 2>&1 && fail "a blank page passes the screenshot check"
echo "chromium${NONET[*]:+ without network}: 3 reports drawn, a blank page told apart"
exit $rc
