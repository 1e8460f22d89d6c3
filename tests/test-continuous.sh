#!/bin/sh
# test-continuous.sh - under uffd-wp and hash a cycle runs on from the last
# collect, so a write made while sdtop's output waits to be read is counted
# in the next cycle, never lost nor counted twice. tests/once-target writes
# each of its pages exactly once, 2 ms apart, while sdtop runs 20 cycles of
# 0.05 s into a reader that takes 0.1 s a line; the target's 2,000 more
# mappings make each line longer than a pipe holds, so sdtop waits for the
# reader after each collect and each clear comes well after it: each page
# must be in exactly one cycle.

set -u
name=test-continuous
. "${srcdir:-.}/tests/test-live-lib.sh"
target=$b/tests/once-target
need "$sdtop" "$target"
need_jq
PAGES=300
PS=$(getconf PAGESIZE)

# once METHOD: one run, judged.
once() {
	m=$1
	before=$FAILS
	: > "$T/t.out"
	"$target" $PAGES 2000 2000 > "$T/t.out" 2>&1 &
	WPID=$!
	wait_for grep -q '^ready ' "$T/t.out" ||
	    { fail "$m: the target did not start"; return; }
	set -- $(cat "$T/t.out")
	lo=$3 hi=$4
	: > "$T/$m.jsonl"
	( "$sdtop" -b --json -m "$m" -i 0.05 -n 20 "$WPID" 2> "$T/err" |
	    while IFS= read -r l; do sleep 0.1; printf '%s\n' "$l"; done \
	    > "$T/$m.jsonl" ) &
	reader=$!
	wait_line '"cycle":1' "$T/$m.jsonl" || fail "$m: no first cycle"
	kill -USR1 "$WPID"
	wait "$reader"
	grep -q '^done$' "$T/t.out" ||
	    fail "$m: the target did not finish its writes: $(cat "$T/t.out")"
	[ "$(jq -s 'length' "$T/$m.jsonl")" -eq 20 ] ||
	    fail "$m: not 20 cycles: $(cat "$T/err")"
	# A gap between cycles is the point: at least one must be there.
	jq -e -s '[range(1; length) as $i | select(.[$i].clear_time <
	    .[$i - 1].time)] | length > 0' "$T/$m.jsonl" > /dev/null ||
	    fail "$m: no cycle ran on from the collect before it"
	# Every page of [lo, hi) in exactly one cycle.
	jq -r -s --arg lo "$lo" --arg hi "$hi" --argjson ps "$PS" '
	    def hex: ltrimstr("0x") | explode | reduce .[] as $c (0;
	        . * 16 + (if $c >= 97 then $c - 87 else $c - 48 end));
	    ($lo | hex) as $l | ($hi | hex) as $h |
	    [.[] | .cycle as $c | .vmas[]? | select((.start | hex) <= $l and
	        (.end | hex) >= $h) | .dirty[]? | [(.[0] | hex), (.[1] | hex)] |
	        select(.[1] > $l and .[0] < $h) |
	        range(([.[0], $l] | max); ([.[1], $h] | min); $ps)] |
	    group_by(.) | map(length) as $counts |
	    "\($counts | length) \($counts | map(select(. > 1)) | length)"
	    ' "$T/$m.jsonl" > "$T/count"
	read seen twice < "$T/count"
	[ "$seen" -eq $PAGES ] && [ "$twice" -eq 0 ] ||
	    fail "$m: $seen of $PAGES pages seen, $twice twice"
	kill -TERM "$WPID" 2>/dev/null
	wait "$WPID" 2>/dev/null
	WPID=
	[ "$FAILS" -eq "$before" ] && echo "$m: every page in exactly one cycle"
}

if "$sdtop" --probe 2>&1 | grep -q '^uffd-wp  *yes'; then
	once uffd-wp
else
	echo "note: uffd-wp cannot be used here: hash only"
fi
once hash
finish
