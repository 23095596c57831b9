# The reference captures and the tshark output stored for them
# (tests/ref/README.md). Sourced from the repository's top by the tests that
# read them and by tests/ref/regen.sh, which writes the output.

REF_CAPS=tests/ref/captures
REF_SUMS=tests/ref/SHA256SUMS

# ref_cat FILE: prints stored tshark output (xz-compressed, exactly as tshark
# printed it); tests read it instead of running tshark.
ref_cat() {
	[ -e "$1" ] || { echo "no stored tshark output $1 (run tests/ref/regen.sh)" >&2; return 1; }
	xz -dc "$1"
}

# The files the stored output depends on besides the captures: how it is
# made, and the makers of the variants tests read.
ref_sources() { echo tests/ref/regen.sh tests/ref/variants.bash tests/it/lib/tcp_variants.py; }
. tests/ref/variants.bash

# ref_out CAPTURE VIEW: where tshark's output VIEW for CAPTURE is stored
# (regen.sh lists the views: a test's tshark command, on the capture or on a
# variant of it).
ref_out() {
	echo "tests/ref/tshark/${1#"$REF_CAPS"/}$2.tsv.xz"
}

# ref_need: for a test reading the stored output; skips it (77) without xz,
# fails it (1) when a capture in tests/ref/captures or pcaps/ or a source
# differs from the one the output was made from, saying which (regen.sh
# makes the output new).
ref_need() {
	local bad missing= f
	command -v xz >/dev/null || { echo "xz not installed"; exit 77; }
	bad=$(sha256sum --quiet -c "$REF_SUMS" 2>/dev/null | tr '\n' ' ')
	for f in "$REF_CAPS"/*.pcap pcaps/*/*.pcapng $(ref_sources); do
		grep -q "  $f\$" "$REF_SUMS" 2>/dev/null || missing="$missing $f"
	done
	[ -z "$bad" ] && [ -z "$missing" ] && return 0
	echo "FAIL: tshark output in tests/ref is stale: run tests/ref/regen.sh (${bad}${missing:+no output for$missing})"
	exit 1
}
