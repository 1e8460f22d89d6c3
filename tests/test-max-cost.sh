#!/bin/sh
# test-max-cost.sh - the estimate of what watching costs the target, and
# --max-cost, through the real sdtop binary on a workload that writes all
# of its PAGES pages every 2 ms (phase 3 of tests/workload), with uffd-wp.
#
# Every cycle of `sdtop --batch --json -m uffd-wp` must give a fault cost
# above zero and a percent equal to dirty_pages * fault_ns / the time the
# cycle lasted (time - clear_time), as
# recomputed from the same line. Under a --max-cost lower than any cost of
# these writes, each interval follows the rule of src/cost.c from the one
# before (double over the limit, halve under half of it, within the
# user's interval and 10 times it), grows, stops at the cap, and
# "max_cost" says it was lengthened; under a --max-cost of 100 % (above
# anything 200 faults in 50 ms cost) the interval stays the user's.
# Nothing here judges a figure: the rule is checked on what sdtop said.
#
# Exits 77 (skip) with one line when the kernel or user cannot do uffd-wp.

set -u
name=test-max-cost
. "${srcdir:-.}/tests/test-live-lib.sh"
need "$sdtop" "$workload"
need_jq
need_uffd

PAGES=200

start_workload 3 --phase 3 --pages $PAGES || finish

# The estimate, cycle by cycle, recomputed from the line itself.
"$sdtop" --batch --json -m uffd-wp -n 4 -i 0.1 "$WPID" > "$T/plain.jsonl" \
    2> "$T/err" || fail "plain run: status $?: $(cat "$T/err")"
n=$(jq -s 'length' "$T/plain.jsonl")
[ "$n" -eq 4 ] || fail "plain run: $n cycles, expected 4"
jq -c 'select(.target_cost == null or .target_cost.kind != "faults"
    or (.target_cost.fault_ns > 0 | not) or .dirty_pages < '$PAGES'
    or (((.dirty_pages * .target_cost.fault_ns /
        ((.time - .clear_time) * 1e9) * 100)
    - .target_cost.percent) | fabs) > 1e-3 * (1 + .target_cost.percent))
    | {cycle, interval, dirty_pages, target_cost}' "$T/plain.jsonl" \
    > "$T/wrong"
[ -s "$T/wrong" ] && fail "estimate: $(head -n 2 "$T/wrong")"
jq -e 'has("max_cost") | not' "$T/plain.jsonl" > /dev/null ||
    fail "plain run: max_cost given without --max-cost"
echo "fault cost here: $(jq -r '.target_cost.fault_ns' "$T/plain.jsonl" |
    head -n 1) ns"

# The text header says the same.
"$sdtop" --batch -m uffd-wp -n 1 -i 0.1 "$WPID" > "$T/plain.txt" \
    2> "$T/err" || fail "text run: status $?: $(cat "$T/err")"
grep -q '^cycle 1 .* cost [0-9.]*% ([0-9.]* us/fault)$' "$T/plain.txt" ||
    fail "text: no cost in '$(head -n 1 "$T/plain.txt")'"

# check_rule FILE USER LIMIT: each interval follows from the cycle before.
check_rule() {
	jq -s -c --argjson u "$2" --argjson l "$3" '
	    . as $c | range(1; length) | . as $i | $c[$i - 1] as $p |
	    ($p.interval * (if $p.target_cost.percent > $l then 2
	        elif $p.target_cost.percent < $l / 2 then 0.5 else 1 end))
	    as $want |
	    ([[$want, $u * 10] | min, $u] | max) as $want |
	    select((($c[$i].interval - $want) | fabs) > 1e-4 * $want or
	        $c[$i].interval > $u * 10 * 1.0001 or $c[$i].interval < $u or
	        $c[$i].max_cost.percent != $l or
	        $c[$i].max_cost.user_interval != $u or
	        $c[$i].max_cost.lengthened != ($c[$i].interval > $u)) |
	    {cycle: $c[$i].cycle, interval: $c[$i].interval, want: $want,
	        max_cost: $c[$i].max_cost}' "$1"
}

# A limit below anything these writes cost: the interval grows to 10x.
"$sdtop" --batch --json -m uffd-wp -n 7 -i 0.05 --max-cost 0.01 "$WPID" \
    > "$T/low.jsonl" 2> "$T/err" || fail "low: status $?: $(cat "$T/err")"
check_rule "$T/low.jsonl" 0.05 0.01 > "$T/wrong"
[ -s "$T/wrong" ] && fail "low: $(head -n 2 "$T/wrong")"
jq -e -s '.[0].interval == 0.05 and (.[1].interval > .[0].interval) and
    (map(.interval) | max) == 0.5 and .[-1].max_cost.lengthened' \
    "$T/low.jsonl" > /dev/null ||
    fail "low: the interval did not grow to the cap: $(jq -c -s \
    'map(.interval)' "$T/low.jsonl")"

# A limit above anything they cost: the interval stays the user's.
"$sdtop" --batch --json -m uffd-wp -n 4 -i 0.05 --max-cost 100 "$WPID" \
    > "$T/high.jsonl" 2> "$T/err" || fail "high: status $?: $(cat "$T/err")"
check_rule "$T/high.jsonl" 0.05 100 > "$T/wrong"
[ -s "$T/wrong" ] && fail "high: $(head -n 2 "$T/wrong")"
jq -e -s 'length == 4 and all(.interval == 0.05 and
    .max_cost.lengthened == false and .target_cost.percent < 50)' \
    "$T/high.jsonl" > /dev/null ||
    fail "high: $(jq -c -s 'map([.interval, .target_cost.percent])' \
    "$T/high.jsonl")"

# A recording of it replays with its cost and limit.
"$sdtop" --batch --json --replay "$T/low.jsonl" > "$T/replayed.jsonl" \
    2> "$T/err" || fail "replay: status $?: $(cat "$T/err")"
jq -c '{target_cost, max_cost}' "$T/low.jsonl" > "$T/a"
jq -c '{target_cost, max_cost}' "$T/replayed.jsonl" > "$T/b"
cmp -s "$T/a" "$T/b" || fail "replay: the cost differs"

check_alive "cost runs"
finish
