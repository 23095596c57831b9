#!/usr/bin/env bash
# One read of each capture: a three-point analysis whose uplink and vif are
# two interfaces of one Dom0 file reads that file once (its points' readers
# share its chunks, decode/readahead.c), plain and gzipped: the bytes the
# process reads (read(2) and pread(2), strace -f) are the captures' sizes,
# but for what each opening reads of a file's start (at most 1 MiB in all
# here, a gzip's reads being 256 KiB): a second read of the Dom0 file would
# be 3 MB (gzip) to 16 MB more. And the summary and the transactions equal
# those of the same points in separate files.
. tests/it/lib/xpoint_lib.sh
command -v strace >/dev/null || { echo "strace not installed"; exit 77; }
rc=0
fail() { echo "FAIL: $*"; rc=1; }
cap=$(xp_capture dns)
mkdir -p "$XP/c" "$XP/s"
"$GEN" --in "$cap" --out "$XP/c" --layout combined --repeat 96 >/dev/null || exit 1
"$GEN" --in "$cap" --out "$XP/s" --layout separate --repeat 96 >/dev/null || exit 1
gzip -1 -c "$XP/c/dom0.pcapng" >"$XP/c/dom0.pcapng.gz"
# bytes read by hoplat analyze ARGS...
bytes_read() {
	strace -f -qq -e trace=read,pread64 -o "$XP/trace" ./hoplat analyze "$@" >/dev/null 2>&1 || return 1
	grep -v unfinished "$XP/trace" | awk '{ n = $NF; if (n ~ /^[0-9]+$/) s += n } END { print s + 0 }'
}
size() { stat -c %s "$@" | awk '{ s += $1 } END { print s }'; }
for dom0 in dom0.pcapng dom0.pcapng.gz; do
	files=$(size "$XP/c/client.pcapng" "$XP/c/$dom0")
	[ "$(size "$XP/c/$dom0")" -gt 4194304 ] || [ $dom0 != dom0.pcapng ] ||
		fail "$dom0: $(size "$XP/c/$dom0") bytes, too short to read ahead"
	got=$(bytes_read --client "$XP/c/client.pcapng" --uplink "$XP/c/$dom0#peth0" --vif "$XP/c/$dom0#vif1.0" \
		--json "$XP/c.json" --transactions "$XP/c.jsonl") || fail "$dom0: analyze failed"
	echo "$dom0: read $got bytes of captures holding $files"
	[ "${got:-0}" -ge "$files" ] || fail "$dom0: read $got bytes, less than the captures' $files"
	[ "${got:-0}" -le $((files + 1048576)) ] || fail "$dom0: read $got bytes, more than once the captures' $files"
done
./hoplat analyze --client "$XP/s/client.pcapng" --uplink "$XP/s/uplink.pcapng" --vif "$XP/s/vif.pcapng" \
	--json "$XP/s.json" --transactions "$XP/s.jsonl" >/dev/null 2>&1 || fail "separate files: analyze failed"
python3 tests/it/lib/same_summary.py "$XP/s.json" "$XP/c.json" || fail "one Dom0 file: the summary differs from separate files"
cmp -s "$XP/s.jsonl" "$XP/c.jsonl" || fail "one Dom0 file: the transactions differ from separate files"
[ $rc -eq 0 ] && echo "ok: one read of each capture, the same analysis"
exit $rc
