#!/bin/sh
# test-view-exec.sh - the screen follows a process that runs a new
# program: sdtop starts a shell that waits, then execs the ground-truth
# workload in phase 1 (it writes the even pages of its 64-page buffer).
# The screen must say so on its status line, name the new program in its
# header, and show the buffer's cells exactly.

name=test-view-exec
. "${srcdir:-.}/tests/test-view-lib.sh"

workload=$b/tests/workload
if [ ! -x "$workload" ]; then
	echo "SKIP: $workload is not built"
	exit 77
fi

mkfifo "$tmp/go"
start -i 0.3 -- sh -c "read x < '$tmp/go'; exec '$workload' --phase 1 > '$tmp/w.out'"
wait_header " sh "
echo go > "$tmp/go"
wait_for "ran a new program, workload"
wait_header " workload "
has_ready() {
	grep -q '^ready ' "$tmp/w.out" 2>/dev/null
}
wait_until "the workload did not start" has_ready
set -- $(grep '^ready ' "$tmp/w.out")
# The buffer's title: its addresses as the screen writes them, with
# no leading zeros (it is among the highest, so none are added).
title=$(printf '%x-%x' "$3" "$4")
keys a
wait_for "1 cell = 1 page |"
wait_for "$title"
wait_row_after "$title" "$(rep 32 X.)" "the buffer after the exec"
keys q
wait_for "EXIT=0"
echo "ok"
