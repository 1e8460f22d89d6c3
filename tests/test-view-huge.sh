#!/bin/sh
# test-view-huge.sh - the screen, in tmux, on a recording with a region
# of 2^52 - 5 pages (tests/fixtures/replay/huge-region.jsonl): a 4-page
# region at 0, then one from 0x4000 to 0xfffffffffffff000 whose first
# page and last three pages are written. At one page a cell and 120
# columns its last row holds (2^52 - 5) mod 120 = 11 cells, "........XXX",
# below a row of 120 clean cells; at two pages a cell, 2^51 - 2 cells,
# the last row is (2^51 - 2) mod 120 = 6 cells, "....XX".
#
# Checked: zoom 1 and End (G) show the region's last cells, zooming out keeps
# the end shown, Home (g) goes back to its first cells, q and SIGTERM end
# sdtop and give the terminal back. The screen draws only the rows it
# shows, so none of this waits on the rows scrolled past.

name=test-view-huge
. "${srcdir:-.}/tests/test-view-lib.sh"

rec=${srcdir:-.}/tests/fixtures/replay/huge-region.jsonl
huge="0000000000004000-fffffffffffff000"

# sdtop, if it is still running when the test ends, is ended for good.
pid=
cleanup_more() {
	[ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null
}

# Whether the screen has a row that is $2 right below a row that is $1.
rows_are() {
	screen | awk -v a="$1" -v b="$2" '
	    prev == a && $0 == b { found = 1 }
	    { prev = $0 }
	    END { exit !found }'
}
wait_rows() {
	wait_until "$3: want '$2' below '$1'" rows_are "$1" "$2"
}

dots=$(rep 120 .)

start --replay "$rec"
sdtop_pid
wait_header "cycle 1 "
wait_for "$huge"

# One page a cell: the region's first cells, then, at its end, its last.
keys a
wait_for " 1 cell = 1 page |"
wait_row_after "$huge" "X$(rep 119 .)" "first cells at zoom 1"
keys G
wait_rows "$dots" "$(rep 8 .)XXX" "last cells at zoom 1"
wait_gone "$huge"

# Two pages a cell: the scroll position stays within the map, at its end.
keys Z
wait_for " 1 cell = 2 pages "
wait_rows "$dots" "....XX" "last cells at zoom 2"
keys g
wait_row_after "$huge" "x$(rep 119 .)" "first cells at zoom 2"
keys G
wait_rows "$dots" "....XX" "last cells at zoom 2 after End"

keys q
wait_for "EXIT=0"
term_sane || fail "q left the terminal in raw mode"
pid=

# SIGTERM ends sdtop at the end of the region too.
start --replay "$rec"
sdtop_pid
wait_for "$huge"
keys a
wait_for " 1 cell = 1 page |"
keys NPage
keys G
wait_rows "$dots" "$(rep 8 .)XXX" "last cells at zoom 1, second run"
kill -TERM "$pid"
wait_for "EXIT=0"
term_sane || fail "SIGTERM left the terminal in raw mode"
pid=

echo "PASS: $name"
