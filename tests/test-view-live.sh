#!/bin/sh
# test-view-live.sh - the screen, end to end in tmux, watching the
# ground-truth workload (tests/workload) with the best method this machine
# has. The workload says which pages it writes in each phase, so the cells
# the screen must show follow from its own lines:
#   phase 1: the even pages of its 64-page buffer
#   phase 2: pages 0-7 and the last one
# Checked: the header, the buffer's title and cells, the sparkline, the
# keys that drive the cycle (pause, clear, interval, rescan), --record,
# q and SIGTERM leaving the terminal sane and the workload unharmed, and
# the target's exit keeping the last frame.

name=test-view-live
. "${srcdir:-.}/tests/test-view-lib.sh"

workload=$b/tests/workload
if [ ! -x "$workload" ]; then
	echo "SKIP: $workload is not built"
	exit 77
fi

wpid=
cleanup_more() {
	[ -n "$wpid" ] && kill -KILL "$wpid" 2>/dev/null
}

# Wait (WAIT_POLLS times 0.1 s at most, a guard, not a measurement) for
# a workload line starting with $1; print it.
wait_line() {
	i=0
	while [ $i -lt $WAIT_POLLS ]; do
		line=$(grep -m 1 "^$1" "$tmp/w.out")
		if [ -n "$line" ]; then
			echo "$line"
			return 0
		fi
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

"$workload" --pages 64 >"$tmp/w.out" 2>"$tmp/w.err" &
wpid=$!
ready=$(wait_line "ready ") || fail "the workload did not start"
set -- $ready
start_hex=$3
end_hex=$4
# The buffer's title: its addresses as the screen writes them, with
# no leading zeros (it is among the highest, so none are added).
title=$(printf '%x-%x' "$start_hex" "$end_hex")

# The method: auto unless VIEW_METHOD names one. It must work here, or
# skip; a hang is a failure (timeout(1) guards it when there is one).
method=${VIEW_METHOD:-auto}
guard=
command -v timeout >/dev/null 2>&1 && guard="timeout -s KILL 60"
$guard "$sdtop" --batch --json -m "$method" -n 1 -i 0.1 "$wpid" \
    >/dev/null 2>"$tmp/probe.out"
rc=$?
[ $rc -eq 137 ] && fail "sdtop --batch -m $method hung on the workload"
if [ $rc -ne 0 ]; then
	echo "SKIP: sdtop cannot watch a process here:" \
	    "$(head -1 "$tmp/probe.out")"
	exit 77
fi
kill -0 "$wpid" || fail "the workload died under sdtop --batch"

kill -USR1 "$wpid"
wait_line "phase 1 " >/dev/null || fail "no phase 1"

start -m "$method" -i 0.3 --record "$tmp/rec.jsonl" "$wpid"
wait_for " this cycle"
wait_until "the terminal is canonical while the screen runs" term_raw
wait_header "pid $wpid workload"
wait_header "interval 0.3s"

# Zoom 1 whatever the layout: a toggles auto-zoom off.
keys a
wait_for "1 cell = 1 page |"
wait_for "$title"
# The buffer's title matches the regular expression $1.
title_matches() {
	screen | grep -F -- "$title" | grep -q -- "$1"
}
wait_until "buffer title without 64 pages and 32 dirty" \
    title_matches " 64 pages .* 32 dirty"
wait_row_after "$title" "$(rep 32 X.)" "phase 1 cells"
wait_until "an empty sparkline" shows_re '^ history .*[^ ]'

# --- pause: the cycle stops; space resumes it ---
# The cycle number in the header, once the header shows one.
cycle_now() {
	screen | head -n 1 | sed -n 's/.* cycle \([0-9][0-9]*\) .*/\1/p'
}
has_cycle() {
	[ -n "$(cycle_now)" ]
}
# Whether the header's cycle is past $1.
cycle_past() {
	c=$(cycle_now)
	[ -n "$c" ] && [ "$c" -gt "$1" ]
}
keys p
wait_for "[paused"
wait_until "no cycle in the header" has_cycle
c1=$(cycle_now)
# A second with no new cycle is the check itself, not a wait.
sleep 1
wait_until "no cycle in the header" has_cycle
c2=$(cycle_now)
[ "$c1" = "$c2" ] || fail "cycles went on while paused ($c1, $c2)"
keys Space
wait_until "the cycles did not resume" cycle_past "$c2"

# --- c: clear now, the history restarts ---
keys c
wait_for "cleared"
wait_for "not converged yet"

# --- interval keys ---
keys +
wait_for "interval 0.5s"
keys -
wait_for "interval 0.25s"
keys i 0 . 4 Enter
wait_for "interval 0.4s"
keys i 9 9 9 9 Enter
wait_for "not an interval"
wait_until "a bad interval was taken" header_shows "interval 0.4s"
# A sign is not dropped to make a number of what was typed.
keys i - 5 Enter
wait_for 'not an interval: "-5"'
wait_until "a negative interval was taken" header_shows "interval 0.4s"

# --- r: rescan without clearing ---
keys r
wait_for "rescanned"

# --- phase 2: pages 0-7 and the last ---
kill -USR1 "$wpid"
wait_line "phase 2 " >/dev/null || fail "no phase 2"
wait_for " 9 dirty"
wait_row_after "$title" "$(rep 8 X)$(rep 55 .)X" "phase 2 cells"

# --- q: status 0, terminal sane, the workload alive, the recording ---
keys q
wait_for "EXIT=0"
term_sane || fail "q left the terminal in raw mode"
kill -0 "$wpid" || fail "the workload died"
n=$(grep -c '"cycle":' "$tmp/rec.jsonl")
[ "$n" -ge 3 ] || fail "--record wrote $n cycles"
"$sdtop" --batch --replay "$tmp/rec.jsonl" >/dev/null 2>&1 ||
	fail "the recording does not replay"

# --- SIGTERM ---
start -m "$method" -i 0.3 "$wpid"
wait_for " this cycle"
sdtop_pid
kill -TERM "$pid"
wait_for "EXIT=0"
term_sane || fail "SIGTERM left the terminal in raw mode"
kill -0 "$wpid" || fail "the workload died"

# --- the target exits: the last frame stays ---
start -m "$method" -i 0.3 "$wpid"
wait_for " this cycle"
kill -USR2 "$wpid"
wait_line "alive " >/dev/null || fail "the workload is not intact: \
$(cat "$tmp/w.out")"
wait_for "[process exited]"
wait_until "the last frame was not kept" shows "$title"
wpid=
keys q
wait_for "EXIT=0"
term_sane || fail "q after the exit left the terminal in raw mode"

echo "PASS"
exit 0
