#!/bin/sh
# test-view-procs-live.sh - the screen of a set of processes, in tmux: sdtop
# -T starts a shell that starts the ground-truth workload twice (one in
# phase 1, writing the even pages of its 64-page buffer, one in phase 0,
# writing none of it) and a sleep, then, when told, a third workload.
#   - the list names the set (tree of PID (sh)), counts its processes and
#     lists each by PID, the children indented under the shell;
#   - the workload in phase 1 has written 32 pages a cycle at least;
#   - Enter on its row shows its regions, titled with its PID: its buffer
#     with the even pages written; Escape goes back to the list;
#   - a process that starts later joins the list, under the shell;
#   - the sleep, opened, then killed: the screen says it exited and shows
#     the list again, without it;
#   - when every process has gone, the screen says so; q ends it.

name=test-view-procs-live
. "${srcdir:-.}/tests/test-view-lib.sh"

workload=$b/tests/workload
if [ ! -x "$workload" ]; then
	echo "SKIP: $workload is not built"
	exit 77
fi

# Whether sdtop can watch a process here at all; if it can, it must
# watch a tree too.
guard=
command -v timeout >/dev/null 2>&1 && guard="timeout -s KILL 60"
$guard "$sdtop" --batch -n 1 -i 0.1 -- sleep 0.3 >/dev/null \
    2>"$tmp/probe.err"
rc=$?
[ $rc -eq 137 ] && fail "sdtop --batch hung on sleep"
if [ $rc -ne 0 ]; then
	echo "SKIP: sdtop cannot watch a process here: $(tail -1 "$tmp/probe.err")"
	exit 77
fi
$guard "$sdtop" --batch -n 1 -i 0.1 -T -- sleep 0.3 >/dev/null \
    2>"$tmp/probe.err" ||
	fail "sdtop --batch -T failed: $(tail -1 "$tmp/probe.err")"

mkfifo "$tmp/go"
cat >"$tmp/tree.sh" <<EOF
echo \$\$ > "$tmp/sh.pid"
"$workload" --phase 1 > "$tmp/w1.out" &
"$workload" > "$tmp/w2.out" &
sleep 1000 &
echo \$! > "$tmp/sleep.pid"
read x < "$tmp/go"
"$workload" --pages 8 > "$tmp/w3.out" &
wait
EOF

# Every process the test started is killed at the end, whatever happened.
cleanup_more() {
	for f in sleep.pid w1.out w2.out w3.out sh.pid; do
		[ -s "$tmp/$f" ] || continue
		p=$(sed -n 's/^ready \([0-9]*\) .*/\1/p; s/^\([0-9][0-9]*\)$/\1/p' \
		    "$tmp/$f" | head -1)
		[ -n "$p" ] && kill -KILL "$p" 2>/dev/null
	done
}

has_file() {
	[ -s "$tmp/$1" ]
}
is_ready() {
	grep -q '^ready ' "$tmp/$1" 2>/dev/null
}
# The PID of a workload, from its "ready PID 0xSTART 0xEND" line.
ready_pid() {
	sed -n 's/^ready \([0-9]*\) .*/\1/p' "$tmp/$1"
}

# The screen row of the list whose first word is the PID $1.
list_row() {
	screen | awk -v pid="$1" '$1 == pid { print; exit }'
}
has_row() {
	[ -n "$(list_row "$1")" ]
}
lacks_row() {
	[ -z "$(list_row "$1")" ]
}
# Whether the row of PID $1 ends with $2 (its place in the tree and its
# name).
row_ends() {
	list_row "$1" | sed 's/ *$//' | grep -q -- "$2\$"
}
# Whether the row of PID $1 says it wrote $2 pages at least.
row_dirty_at_least() {
	d=$(list_row "$1" | awk '{ print $2 }')
	case $d in
	'' | *[!0-9]*) return 1 ;;
	esac
	[ "$d" -ge "$2" ]
}
# The index in the list of the row of PID $1: rows after the one that
# names the columns.
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

start -i 0.3 -T -- sh "$tmp/tree.sh"
for f in sh.pid sleep.pid; do
	wait_until "the shell did not write $f" has_file $f
done
for f in w1.out w2.out; do
	wait_until "a workload did not start ($f)" is_ready $f
done
shpid=$(cat "$tmp/sh.pid")
sleeppid=$(cat "$tmp/sleep.pid")
w1=$(ready_pid w1.out)
w2=$(ready_pid w2.out)

# --- the list ---
wait_header "tree of $shpid (sh)"
wait_header " 4 processes"
wait_for "PID DIRTY SHARED RESIDENT"
for p in "$shpid" "$w1" "$w2" "$sleeppid"; do
	wait_until "no row for process $p" has_row "$p"
done
wait_until "the shell is not a root of the tree" row_ends "$shpid" "  sh"
wait_until "workload $w1 is not under the shell" row_ends "$w1" \
    "[|\`]- workload"
wait_until "workload $w2 is not under the shell" row_ends "$w2" \
    "[|\`]- workload"
wait_until "sleep is not under the shell" row_ends "$sleeppid" "[|\`]- sleep"
wait_until "workload $w1 wrote fewer than 32 pages a cycle" \
    row_dirty_at_least "$w1" 32

# --- the regions of workload 1, and back ---
set -- $(grep '^ready ' "$tmp/w1.out")
title=$(printf '%x-%x' "$3" "$4")
select_row "$w1"
keys Enter
wait_for " process $w1 workload "
wait_header "tree of $shpid (sh)"
keys a
wait_for "1 cell = 1 page |"
wait_for "$title"
wait_row_after "$title" "$(rep 32 X.)" "the buffer of workload $w1"
keys Escape
wait_for "PID DIRTY SHARED RESIDENT"
wait_gone " process $w1 workload "
wait_until "no row for process $w1 after Escape" has_row "$w1"

# --- a process joins ---
echo go >"$tmp/go"
wait_until "the third workload did not start" is_ready w3.out
w3=$(ready_pid w3.out)
wait_until "no row for process $w3, which joined" has_row "$w3"
wait_until "workload $w3 is not under the shell" row_ends "$w3" \
    "[|\`]- workload"
wait_header " 5 processes"

# --- the process opened exits ---
select_row "$sleeppid"
keys Enter
wait_for " process $sleeppid sleep "
kill -TERM "$sleeppid"
wait_for "process $sleeppid exited; back to the list of processes"
wait_for "PID DIRTY SHARED RESIDENT"
wait_header " 4 processes"
wait_until "the sleep still has a row" lacks_row "$sleeppid"

# --- every process gone ---
kill -TERM "$w1" "$w2" "$w3"
wait_for "every process has exited; q quits"
wait_header "[all exited]"
keys q
wait_for "EXIT=0"
term_sane || fail "q left the terminal in raw mode"
echo "PASS"
exit 0
