#!/bin/sh
# test-hostile.sh - crafted recordings and traces (tests/fixtures/hostile)
# through the real programs: sdtop --replay -b [--json], tracepgfault
# --report [--json]. A file that breaks a rule is refused with exit 1 and
# exactly one line on stderr naming the file, the line and the field; a
# file that holds hostile names is printed with them escaped. For every
# run: stdout is bounded (a few hundred bytes of input must not become
# gigabytes), peak memory is bounded, text output is safe for a terminal
# (tests/textcheck: valid UTF-8, no control but newline and tab, no C1)
# and JSON output is valid (jq), escaped just as safely.

set -u
B=${abs_top_builddir:-$(pwd)}
S=${abs_top_srcdir:-${srcdir:-.}}
SDTOP=$B/sdtop
TRACEPGFAULT=$B/tracepgfault
TEXTCHECK=$B/tests/textcheck
FX=$S/tests/fixtures/hostile
T=$(mktemp -d "${TMPDIR:-/tmp}/test-hostile.XXXXXX") || exit 99
trap 'rm -rf "$T"' EXIT
FAILS=0

for p in "$SDTOP" "$TRACEPGFAULT" "$TEXTCHECK"; do
	[ -x "$p" ] || { echo "SKIP: $p is not built"; exit 77; }
done
command -v jq >/dev/null 2>&1 || { echo "SKIP: jq is not installed"; exit 77; }

# Peak memory with GNU time when there is one (the time package); the
# sanitizers' shadow memory makes a larger floor.
TIME=
[ -x /usr/bin/time ] && /usr/bin/time -f %M true >/dev/null 2>&1 &&
    TIME=/usr/bin/time
RSS_MAX_KB=32768
grep -q '^SAN_CFLAGS = -fsanitize' "$B/Makefile" 2>/dev/null &&
    RSS_MAX_KB=65536
OUT_MAX=262144

fail() {
	echo "FAIL: $*"
	FAILS=$((FAILS + 1))
}

# run FILE ARGS...: run a program on a fixture (its path relative to the
# fixtures, so that errors name it as the test expects), leaving $T/out,
# $T/err, $st and $rss (KiB, or 0 without GNU time).
run() {
	f=$1
	shift
	rss=0
	if [ -n "$TIME" ]; then
		(cd "$FX" && $TIME -f %M -o "$T/rss" "$@" "$f") \
		    >"$T/out" 2>"$T/err" </dev/null
		st=$?
		rss=$(tail -n 1 "$T/rss")
	else
		(cd "$FX" && "$@" "$f") >"$T/out" 2>"$T/err" </dev/null
		st=$?
	fi
}

# The checks of every run: bounded output and memory, safe bytes on
# stdout and stderr, valid JSON when json is set.
check_run() {
	what=$1 json=$2
	size=$(wc -c <"$T/out")
	[ "$size" -le "$OUT_MAX" ] ||
	    fail "$what: $size bytes of output (at most $OUT_MAX)"
	[ "$rss" -le "$RSS_MAX_KB" ] ||
	    fail "$what: peak memory $rss KiB (at most $RSS_MAX_KB)"
	"$TEXTCHECK" "$T/out" "$T/err" >"$T/tc" 2>&1 ||
	    fail "$what: unsafe bytes: $(cat "$T/tc")"
	if [ "$json" = json ] && [ -s "$T/out" ] &&
	    ! jq -e . "$T/out" >/dev/null 2>&1; then
		fail "$what: stdout is not valid JSON"
	fi
}

# refuse FILE LINE ARGS...: exit 1, nothing on stdout past the cycles
# before LINE, exactly one stderr line "PROG: FILE:LINE".
refuse() {
	f=$1 want=$2
	shift 2
	run "$f" "$@"
	prog=$(basename "$1")
	json=text
	case "$*" in *--json*) json=json ;; esac
	check_run "$prog $* $f" "$json"
	lines=$(wc -l <"$T/err")
	if [ "$st" -ne 1 ]; then
		fail "$prog $* $f: status $st, want 1 ($(head -n 2 "$T/err"))"
	elif [ "$lines" -ne 1 ]; then
		fail "$prog $* $f: $lines lines on stderr"
	elif [ "$(cat "$T/err")" != "$prog: $f:$want" ]; then
		fail "$prog $* $f: stderr '$(cat "$T/err")', want" \
		    "'$prog: $f:$want'"
	else
		echo "ok: $prog $* $f -> $(cat "$T/err")"
	fi
}

# accept FILE EXPECTED ARGS...: exit 0, nothing on stderr, stdout equal
# to expected/EXPECTED (when not "-").
accept() {
	f=$1 want=$2
	shift 2
	run "$f" "$@"
	prog=$(basename "$1")
	json=text
	case "$*" in *--json*) json=json ;; esac
	check_run "$prog $* $f" "$json"
	if [ "$st" -ne 0 ] || [ -s "$T/err" ]; then
		fail "$prog $* $f: status $st: $(head -n 2 "$T/err")"
	elif [ "$want" != - ] && ! cmp -s "$T/out" "$FX/expected/$want"; then
		fail "$prog $* $f: output differs from expected/$want:"
		diff "$FX/expected/$want" "$T/out" | head -n 10
	else
		echo "ok: $prog $* $f ($(wc -c <"$T/out") bytes, $rss KiB)"
	fi
}

# Each rejection through both output formats of the reader.
refuse_rec() {
	refuse "$1" "$2" "$SDTOP" -b --replay
	refuse "$1" "$2" "$SDTOP" -b --json --replay
}
refuse_trace() {
	refuse "$1" "$2" "$TRACEPGFAULT" --report
	refuse "$1" "$2" "$TRACEPGFAULT" --report --json
	refuse "$1" "$2" "$SDTOP" -b --replay
	refuse "$1" "$2" "$SDTOP" -b --json --replay
}

# --- An endless line (/dev/zero): one line, refused at its bound ---
# A recording's line may be 64 MiB long, which bounds the memory here
# (the line and, while it grows, its previous half). AddressSanitizer
# would keep every freed half in its quarantine: not sdtop's memory.
rss_max=$RSS_MAX_KB asan=${ASAN_OPTIONS-}
RSS_MAX_KB=$((RSS_MAX_KB + 98304))
export ASAN_OPTIONS="${asan:+$asan:}quarantine_size_mb=0"
refuse_rec /dev/zero "1: a line longer than 64 MiB: not a recording"
RSS_MAX_KB=$rss_max ASAN_OPTIONS=$asan
refuse /dev/zero "1: header: a line longer than 65536 bytes, not a tracepgfault trace" \
    "$TRACEPGFAULT" --report

# --- Recordings ---
# A page size below this machine's overflowed the old reader's bitmaps.
refuse_rec page-size-1024.jsonl "1: page_size: 1024 is out of range (4096..1048576)"
refuse_rec page-size-3000.jsonl "1: page_size: 3000 is not a power of two"
# Any sane page size reads right: pages of the file's size.
accept page-size-64k.jsonl page-size-64k.jsonl.txt "$SDTOP" -b --replay
# The first line is good and printed; the second is refused.
refuse_rec unaligned.jsonl "2: vmas[0].start: 0x1800 is not a multiple of page_size 4096"
# A region's size costs nothing: only its written pages do. Tracked
# regions of 2^40 pages, and many of 2^28, are one row each; written pages
# past 2^27 in a cycle (here, three regions written whole) are refused.
accept huge-region.jsonl - "$SDTOP" -b --replay
accept huge-region.jsonl - "$SDTOP" -b --json --replay
accept many-tib.jsonl - "$SDTOP" -b --json --replay
refuse_rec many-written.jsonl "1: vmas[2].dirty[0]: the written and discarded pages of this cycle pass 134217728"
refuse_rec invalid-utf8.jsonl "1: column 36: unable to decode byte 0xff near '\"'"
# A region of 2^40 pages untracked, and one of 2^28 tracked: one row
# each, the second zoomed to 65,536 cells.
accept huge-untracked.jsonl - "$SDTOP" -b --replay
accept tib-region.jsonl - "$SDTOP" -b --replay
grep -qF '| (4096 pages/cell)  rw-p' "$T/out" ||
    fail "the 1 TiB region is not drawn 4096 pages a cell"
accept tib-region.jsonl - "$SDTOP" -b --json --replay
# Hostile names: escaped in text, escaped by JSON.
accept names.jsonl names.jsonl.txt "$SDTOP" -b --replay
accept names.jsonl names.jsonl.json "$SDTOP" -b --json --replay
[ "$(jq -r '.vmas[1].name' "$T/out")" = "/tmp/café/日本語.so" ] ||
    fail "the UTF-8 name did not pass through JSON unchanged"

# --- Traces ---
refuse_trace unaligned.trace "6: start: 1800 is not a multiple of the page size 4096"
refuse_trace unaligned-change.trace "7: end: 41800 is not a multiple of the page size 4096"
refuse_trace id-order.trace "7: id: 3 is not above the last region id 5"
refuse_trace page-size-3000.trace "2: page_size: 3000 is not a power of two"
refuse_trace page-size-late.trace "3: page_size: given after the first record"
refuse_trace end-count.trace "8: faults: 7, but the trace holds 1 fault records"
# A 93-byte trace with region id 99,999,999 (the old report sized an
# array by it: 24 GB): memory as for any other.
accept big-id-1e8.trace - "$TRACEPGFAULT" --report
accept big-id-1e8.trace - "$TRACEPGFAULT" --report --json
accept big-id-1e8.trace - "$SDTOP" -b --replay
# Ids and counts past 2^53 made JSON numbers that JSON readers refuse
# (the second file is the fuzzer's).
refuse_trace big-id.trace "3: id: 18446744073709551615 is out of range (1..9007199254740991)"
refuse_trace fuzz-json-big-id.trace "5: id: 18446744073709551615 is out of range (1..9007199254740991)"
refuse_trace lost-count.trace "4: count: 18446744073709551615 makes more than 9007199254740991 lost in all"
refuse_trace lost-end.trace "5: lost: 4, but the lost records count 5"
# A region of 2^40 pages: a zoomed row in the report, untracked in sdtop.
accept huge-region.trace - "$TRACEPGFAULT" --report
accept huge-region.trace - "$TRACEPGFAULT" --report --json
accept huge-region.trace - "$SDTOP" -b --replay
# A fault a billion seconds in: the report is short, the replay refuses
# to play a billion cycles.
accept far-time.trace - "$TRACEPGFAULT" --report
refuse far-time.trace "7: time: 999999999999999999 ns is past window 100000 of 1 s (a longer --interval makes fewer)" "$SDTOP" -b --replay
accept page-size-64k.trace page-size-64k.trace.report "$TRACEPGFAULT" --report
accept page-size-64k.trace page-size-64k.trace.txt "$SDTOP" -b --replay
accept names.trace names.trace.report "$TRACEPGFAULT" --report
accept names.trace names.trace.report.json "$TRACEPGFAULT" --report --json
accept names.trace names.trace.txt "$SDTOP" -b --replay
accept names.trace names.trace.json "$SDTOP" -b --json --replay
accept names.trace - "$TRACEPGFAULT" --report --timeline 0.000000001

[ $FAILS -eq 0 ] || { echo "$FAILS failure(s)"; exit 1; }
echo "all hostile files checked"
