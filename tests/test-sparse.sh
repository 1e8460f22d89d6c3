#!/bin/sh
# test-sparse.sh - a process with a 1 TiB and a 16 TiB MAP_NORESERVE
# reservation, a few pages of each written (tests/sparse-target), watched
# through the real sdtop with uffd-wp and with hash: every region is
# tracked and its written pages are exactly the target's (tests/gtcheck),
# the batch text stays a few lines a region, and sdtop's peak memory
# follows the target's resident pages, not its address space: at most
# 2 bits a resident page + 8 MiB above the same run on a small target.
# Each region's resident pages are the target's, and pre-copy's round 0
# sends them, not the reservations.
#
# Exits 77 (skip) when this machine refuses the reservations
# (vm.overcommit_memory) or GNU time is missing.

set -u
name=test-sparse
. "${srcdir:-.}/tests/test-live-lib.sh"
target=$b/tests/sparse-target
need "$sdtop" "$target" "$gtcheck"
[ -x /usr/bin/time ] && /usr/bin/time -f %M true >/dev/null 2>&1 ||
    { echo "SKIP: GNU time (/usr/bin/time) is needed to measure memory"; exit 77; }

# start_target ARGS...: start it, WPID and $T/t.out; wait for "ready".
start_target() {
	: > "$T/t.out"
	"$target" "$@" > "$T/t.out" 2>&1 &
	WPID=$!
	wait_for grep -q '^ready \|^refused ' "$T/t.out" ||
	    { fail "the target did not start: $(cat "$T/t.out")"; return 1; }
	if grep -q '^refused ' "$T/t.out"; then
		echo "SKIP: this machine refuses the reservation: $(cat "$T/t.out")"
		exit 77
	fi
}

# peak METHOD OUT ARGS...: one batch run under GNU time; prints KiB.
peak() {
	m=$1 out=$2
	shift 2
	/usr/bin/time -f %M -o "$T/rss" "$sdtop" -b -m "$m" "$@" "$WPID" \
	    > "$out" 2> "$T/err" || fail "$m: sdtop status $?: $(cat "$T/err")"
	tail -n 1 "$T/rss"
}

methods=hash
"$sdtop" --probe 2>&1 | grep -q '^uffd-wp  *yes' && methods="uffd-wp hash"

for m in $methods; do
	start_target --mib 1 || continue
	small=$(peak "$m" "$T/small.jsonl" --json -n 3 -i 0.2)
	kill "$WPID"; wait "$WPID"; WPID=

	start_target --reserve 1024 --reserve 16384 || continue
	resident=$(awk '/^ready /{print $3}' "$T/t.out")
	n=$(grep -c '^region ' "$T/t.out")
	wait_for sh -c "[ \$(grep -c '^resident ' '$T/t.out') -ge $n ]" ||
	    fail "$m: the target did not say what it has resident"
	awk '/^resident /{print "x", $2, $3}' "$T/t.out" > "$T/resident"
	big=$(peak "$m" "$T/big.jsonl" --json -n 3 -i 0.2)
	grep '^region ' "$T/t.out" | while read -r _ label rest; do
		"$gtcheck" "phase 1 $rest" "$T/big.jsonl" > "$T/gt" 2>&1 ||
		    echo "FAIL: $m, $label: $(head -n 3 "$T/gt")"
	done > "$T/gtfails"
	[ -s "$T/gtfails" ] && fail "$(cat "$T/gtfails")"
	bound=$((small + 8192 + resident / 4 / 1024))
	[ "$big" -le "$bound" ] ||
	    fail "$m: peak $big KiB, above $bound KiB ($small KiB on a small target, $resident pages resident)"
	# The text: a few lines a region a cycle, whatever its size.
	peak "$m" "$T/big.txt" -n 2 -i 0.2 > /dev/null
	lines=$(wc -l < "$T/big.txt")
	[ "$lines" -le 200 ] || fail "$m: $lines lines of text for 2 cycles"
	# Pre-copy round 0: the resident pages, not the reservations.
	"$sdtop" -b --json -m "$m" -n 2 -i 0.2 --bandwidth 1Gbit "$WPID" \
	    > "$T/pc.jsonl" 2> "$T/err" || fail "$m: --bandwidth: $(cat "$T/err")"
	while read -r _ start want; do
		jq -r --arg s "$start" --argjson w "$want" '
		    .vmas[] | select(.start == $s) |
		    if .resident_pages == $w then empty else
		    "FAIL: \(.start): resident_pages \(.resident_pages), want \($w)" end' \
		    "$T/pc.jsonl"
	done < "$T/resident" > "$T/pcfails"
	grep -q . "$T/resident" || fail "$m: the target printed no resident line"
	jq -r '(.resident_pages * .page_size) as $r |
	    if .precopy.memory_bytes == $r and .resident_pages < .tracked_pages / 1000
	    then empty else
	    "FAIL: cycle \(.cycle): round 0 \(.precopy.memory_bytes) bytes, resident \(.resident_pages) of \(.tracked_pages) pages" end' \
	    "$T/pc.jsonl" >> "$T/pcfails"
	[ -s "$T/pcfails" ] && fail "$m: $(head -n 3 "$T/pcfails")"
	echo "$m: regions exact, peak $big KiB (small target $small KiB, bound $bound), $lines lines of text, round 0 $(jq -r '.precopy.memory_bytes' "$T/pc.jsonl" | tail -n 1) bytes"
	kill "$WPID"; wait "$WPID"; WPID=
done

finish
