#!/bin/sh
# test-hash-gt.sh - the hash method through the real binary, against the
# ground-truth workload: in every phase (0-4) each cycle's written pages of
# the workload's buffer must be exactly the phase's set (tests/gtcheck), and
# the workload must come out unharmed (SIGUSR2 -> "alive").
#
# The workload increments a byte of every page it writes, so each write
# changes the content and the hash method can see all of them. A cycle
# after the first runs from the collect before it (the baseline is that
# collect's reading): its clear_time must not be later than that cycle's
# time. (Writes between a collect and the next clear are checked page by
# page in tests/test-hash.c.)

b=${abs_top_builddir:-.}
sdtop=$b/sdtop
workload=$b/tests/workload
gtcheck=$b/tests/gtcheck

for p in "$sdtop" "$workload" "$gtcheck"; do
	if [ ! -x "$p" ]; then
		echo "SKIP: $p is not built"
		exit 77
	fi
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/test-hash-gt.XXXXXX") || exit 1
wpid=
cleanup() {
	[ -n "$wpid" ] && kill -KILL "$wpid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

fail() {
	echo "FAIL: $*"
	echo "--- workload output:"; cat "$tmp/w.out"
	exit 1
}

# Wait (600 polls 0.05 s apart, 30 s and more on a loaded machine: a
# guard against hanging, not a measurement) for a line of the workload's
# output that starts with $1; print it.
wait_line() {
	i=0
	while [ $i -lt 600 ]; do
		line=$(grep -m 1 "^$1" "$tmp/w.out")
		if [ -n "$line" ]; then
			echo "$line"
			return 0
		fi
		kill -0 "$wpid" 2>/dev/null || return 1
		sleep 0.05
		i=$((i + 1))
	done
	return 1
}

"$workload" >"$tmp/w.out" 2>"$tmp/w.err" &
wpid=$!
wait_line "ready " >/dev/null || fail "the workload did not start"

if ! "$sdtop" --probe "$wpid" >"$tmp/probe" 2>&1; then
	fail "sdtop --probe $wpid failed: $(cat "$tmp/probe")"
fi
if grep -q '^process_vm_readv  *no ' "$tmp/probe"; then
	echo "SKIP: $(grep '^process_vm_readv' "$tmp/probe")"
	exit 77
fi

for k in 0 1 2 3 4; do
	if [ "$k" -gt 0 ]; then
		kill -USR1 "$wpid"
	fi
	if [ "$k" -lt 4 ]; then
		phase=$(wait_line "phase $k ") || fail "no phase $k line"
		"$sdtop" --batch --json -m hash -n 2 -i 0.2 "$wpid" \
		    >"$tmp/run$k.jsonl" 2>"$tmp/err$k" ||
			fail "sdtop, phase $k: $(cat "$tmp/err$k")"
		"$gtcheck" "$phase" "$tmp/run$k.jsonl" ||
			fail "phase $k: $phase"
	else
		# Start at once: the new region appears during the run (new
		# in the cycle it appears in, exact in the later ones).
		"$sdtop" --batch --json -m hash -n 5 -i 0.2 "$wpid" \
		    >"$tmp/run$k.jsonl" 2>"$tmp/err$k" ||
			fail "sdtop, phase $k: $(cat "$tmp/err$k")"
		phase=$(wait_line "phase $k ") || fail "no phase $k line"
		"$gtcheck" "$phase" "$tmp/run$k.jsonl" --allow-new ||
			fail "phase $k: $phase"
	fi
	grep -q '"method": *"hash"' "$tmp/run$k.jsonl" ||
		fail "phase $k: the cycles do not name the hash method"
	# A cycle after the first began at the collect before it (its
	# baseline is that collect's reading): it says so in clear_time.
	if command -v jq >/dev/null 2>&1; then
		jq -e -s '[.[] | select(.exited != true)] as $c |
		    [range(1; $c | length) | select($c[.].clear_time >
		    $c[. - 1].time)] | length == 0' "$tmp/run$k.jsonl" \
		    >/dev/null || fail "phase $k: a cycle is dated after" \
		    "the collect it began at"
	fi
	echo "ok: phase $k: $phase"
done

kill -USR2 "$wpid"
wait "$wpid"
rc=$?
wpid=
grep -q '^alive ' "$tmp/w.out" || fail "the workload did not say alive"
[ "$rc" -eq 0 ] || fail "the workload exited $rc"
echo "ok: the workload survived: $(grep '^alive ' "$tmp/w.out")"
exit 0
