#!/bin/sh
# test-view-procs-replay.sh - the screen of a set of processes replayed,
# in tmux, from the hand-written recording of a tree
# (tests/fixtures/replay/set-tree.jsonl): app (100) with its children
# worker (101) and helper (102), which cannot be watched; in cycle 2
# worker has exited and worker2 (103) has joined; then all have gone.
# Stepped through, cycle by cycle:
#   - the header counts the processes and says who joined and exited;
#   - each row says joined, exited, or not watched and why, under app;
#   - the sparklines, on one scale, hold the cycles shown so far;
#   - Enter on a process not watched, or exited, says why it opens not;
#   - a process opened shows its regions and stays open the next cycle;
#   - stepping back to a cycle without it shows the list again, saying
#     so; Backspace goes back to the list too.

name=test-view-procs-replay
. "${srcdir:-.}/tests/test-view-lib.sh"

rec=${abs_top_srcdir:-${srcdir:-.}}/tests/fixtures/replay/set-tree.jsonl
[ -r "$rec" ] || fail "no $rec"

# The screen row of the list whose first word is the PID $1.
list_row() {
	screen | awk -v pid="$1" '$1 == pid { print; exit }'
}
# Whether the row of PID $1 holds $2.
row_has() {
	list_row "$1" | grep -qF -- "$2"
}
wait_row() {
	wait_until "the row of process $1 never showed: $2" row_has "$1" "$2"
}
# The index in the list of the row of PID $1.
row_index() {
	screen | awk -v pid="$1" '
	    /PID +DIRTY +SHARED +RESIDENT/ { h = NR }
	    h && $1 == pid { print NR - h - 1; exit }'
}
# Select the row of PID $1 (from the first row, one row at a time).
select_row() {
	i=$(row_index "$1")
	[ -n "$i" ] || fail "no row for process $1 to select"
	keys g
	while [ "$i" -gt 0 ]; do
		keys j
		i=$((i - 1))
	done
}

start --replay "$rec"
# The end of the recording, back to cycle 1 and on to cycle 2, paused.
wait_for "every process exited after 2 cycles"
wait_header "[all exited]"
keys ,
wait_header "cycle 1  [paused"
keys .
wait_header "cycle 2  [paused"

# --- cycle 2: the list ---
wait_header " sdtop  tree of 100 (app)  3 processes, +1 joined, 1 exited "
wait_for "PID DIRTY SHARED RESIDENT"
# app wrote 4 pages, then 1; worker2 3 pages: one scale, of 4 pages.
wait_row 100 " 1      1       18"
wait_row 100 "#.  uffd-wp  app"
wait_row 101 "|- worker  exited"
wait_row 102 "|- helper  not watched: Operation not permitted"
wait_row 103 " 3      1       10"
wait_row 103 "*  uffd-wp  \`- worker2  + joined"

# --- what cannot be opened ---
select_row 102
keys Enter
wait_for "process 102 is not watched: Operation not permitted"
select_row 101
keys Enter
wait_for "process 101 has exited"
wait_for "PID DIRTY SHARED RESIDENT"

# --- worker2's regions, then a cycle without it ---
select_row 103
keys Enter
wait_for " process 103 worker2  dirty 3 pages (12.0 KiB), 1 in shared mappings"
wait_for "[heap]"
wait_for "/memfd:shm"
keys ,
wait_header "cycle 1  [paused"
wait_for "process 103 is not in cycle 1; back to the list of processes"
wait_for "PID DIRTY SHARED RESIDENT"
wait_header " sdtop  tree of 100 (app)  3 processes  "
wait_row 101 "|- worker"
lacks "+ joined" || fail "a process joined in cycle 1: $(screen)"

# --- app's regions, kept from cycle to cycle ---
select_row 100
keys Enter
wait_for " process 100 app  dirty 4 pages (16.0 KiB), 2 in shared mappings"
wait_for "[heap]"
keys .
wait_header "cycle 2  [paused"
wait_for " process 100 app  dirty 1 page (4.0 KiB), 1 in shared mappings"
keys BSpace
wait_for "PID DIRTY SHARED RESIDENT"
wait_gone " process 100 app "

keys q
wait_for "EXIT=0"
term_sane || fail "q left the terminal in raw mode"
echo "PASS"
exit 0
