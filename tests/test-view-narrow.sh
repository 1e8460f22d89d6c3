#!/bin/sh
# test-view-narrow.sh - the screen at the sizes people have, 80x24 and
# 132x45, in tmux, watching the ground-truth workload (tests/workload)
# with a 3 MiB region of which it wrote only the first page (--sparse 3).
# At both sizes:
#   - the regions keep their names: [heap], [stack] and the workload's
#     own file on a title row (not only in the header);
#   - the line saying why auto chose its method is whole: it ends inside
#     the screen, at the end of a clause of the reason sdtop --batch
#     gives, and the help screen holds that reason whole;
#   - with all regions shown (w), the read-only ones say "not tracked"
#     and no dirty count;
#   - the title bar ends with the state ([running]), and the totals row
#     under it holds whole parts only (the pages
#     written, then what fits of the cost, the pages tracked and the
#     times), never one cut by the edge of the screen;
#     The pre-copy row (--bandwidth) too;
#   - an error on the status line goes away by itself;
#   - under -m uffd-wp, one page a cell, the untouched pages of the
#     sparse region are "-" (not present) and its written page is not.

name=test-view-narrow
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

has_ready() {
	grep -q '^ready ' "$tmp/w.out" 2>/dev/null
}
"$workload" --pages 64 --sparse 3 >"$tmp/w.out" 2>"$tmp/w.err" &
wpid=$!
wait_until "the workload did not start" has_ready

# The sparse region: the only 3 MiB one, rw-p and anonymous.
sparse=
while read -r range perms rest; do
	s=${range%-*}
	e=${range#*-}
	[ "$perms" = rw-p ] && [ $((0x$e - 0x$s)) -eq 3145728 ] && sparse=$s
done <"/proc/$wpid/maps"
[ -n "$sparse" ] || fail "no 3 MiB region in the workload's map"
# Its start as a title shows it, whatever number of leading zeros.
sparse=$(printf '%x' "0x$sparse")

guard=
command -v timeout >/dev/null 2>&1 && guard="timeout -s KILL 60"
$guard "$sdtop" --batch -n 1 -i 0.1 "$wpid" >/dev/null 2>"$tmp/auto.err"
rc=$?
[ $rc -eq 137 ] && fail "sdtop --batch hung on the workload"
if [ $rc -ne 0 ]; then
	echo "SKIP: sdtop cannot watch a process here: $(head -1 "$tmp/auto.err")"
	exit 77
fi
# Why auto chose its method, as batch mode says it (none when the best
# one works).
why=$(sed -n 's/^sdtop: using [^ ]* (\(.*\))$/\1/p' "$tmp/auto.err")
uffd=no
$guard "$sdtop" --batch -m uffd-wp -n 1 -i 0.1 "$wpid" >/dev/null 2>&1 &&
    uffd=yes

# The method row: the first row that starts with " method ".
method_row() {
	screen | grep -m 1 '^ method '
}
# Whether the method row fits in the screen and ends at the end of a clause
# of $why: what follows it in $why is nothing, or ":", ";", "," or " (".
method_row_whole() {
	r=$(method_row | sed 's/ *$//')
	[ -n "$r" ] && [ ${#r} -le "$PANE_COLS" ] || return 1
	# The reason shown: after "method NAME: ", before a hint in brackets
	# at the end (" (h: ...)"), if any; its first clause, the one of the
	# first method passed over.
	shown=$(printf '%s\n' "$r" | sed 's/^ method [^:]*: //; s/ *(h[ :][^()]*)$//')
	shown=${shown%%; *}
	case $why in
	"$shown" | "$shown:"* | "$shown;"* | "$shown,"* | "$shown ("*)
		return 0 ;;
	esac
	return 1
}
# Whether the help screen, its rows joined, holds $why whole.
help_has_why() {
	j=$(screen | tr '\n' ' ' | tr -s ' ')
	w=$(printf '%s' "$why" | tr -s ' ')
	case $j in
	*"$w"*) return 0 ;;
	esac
	return 1
}
# Whether every row of a read-only region shown says "not tracked" and
# no dirty count, and there is at least one.
readonly_rows_untracked() {
	screen | grep -E ' r(--|-x)p ' >"$tmp/ro" || return 1
	! grep -v 'not tracked' "$tmp/ro" | grep -q . &&
	    ! grep -q ' dirty' "$tmp/ro"
}
# Whether the title bar (the first row) ends with the state, whole.
title_has_state() {
	screen | sed -n 1p | grep -Eq '  \[[a-z ]+\] *$'
}
# Whether the totals row (the second) is made of whole parts.
totals_row_whole() {
	screen | sed -n 2p | sed 's/ *$//' | grep -Eq \
	    '^ dirty [0-9]+ pages? \([^)]*\) this cycle(   discarded [0-9]+)?(   tracked [0-9]+ pages? \([^)]*\))?(   cost [0-9.]+% \([^)]*\)|   cost unknown)?(   scan [0-9.]+ ms  clear [0-9.]+ ms)?$'
}
# Whether the pre-copy row is made of whole parts.
precopy_row_whole() {
	screen | grep -m 1 '^ pre-copy ' | sed 's/ *$//' | grep -Eq \
	    '^ pre-copy of [0-9.]+ [A-Za-z]+ resident( over [0-9.]+ [A-Za-z]+/s)?(: converges in [0-9]+ rounds?|: does not converge)?(, downtime [0-9.]+ ms)?(, dirty rate [0-9.]+ [A-Za-z]+/s)?(, total [0-9.]+ s, [0-9.]+ [A-Za-z]+ sent| \(the process dirties memory faster than the link sends it\))?$'
}
# Whether a title row (perms shown) names the workload's file.
shows_workload_title() {
	screen | grep -q 'rw-p.*workload'
}

for size in 80x24 132x45; do
	PANE_COLS=${size%x*}
	PANE_ROWS=${size#*x}
	export PANE_COLS PANE_ROWS

	start -i 0.2 --bandwidth 1Gbit "$wpid"
	wait_for " this cycle"
	wait_until "$size: the totals row is cut: $(screen | sed -n 2p)" \
	    totals_row_whole
	wait_until "$size: the title bar lost the state: $(screen | sed -n 1p)" \
	    title_has_state
	wait_for " pre-copy of "
	wait_until "$size: the pre-copy row is cut: $(screen | grep '^ pre-copy')" \
	    precopy_row_whole

	# --- the names ---
	wait_for "[heap]"
	wait_until "$size: no title names the workload" shows_workload_title
	keys G
	wait_for "[stack]"
	keys g

	# --- the method line, and the whole reason in the help ---
	if [ -n "$why" ]; then
		wait_until "$size: the method line is cut: $(method_row)" \
		    method_row_whole
		keys h
		wait_for " sdtop keys ("
		keys G
		wait_until "$size: the help does not hold the reason: $why" \
		    help_has_why
		keys Escape
		wait_for " this cycle"
	fi

	# --- the read-only regions, all regions shown ---
	keys w
	wait_for "| all regions |"
	wait_until "$size: a read-only row does not say it is not tracked" \
	    readonly_rows_untracked
	keys w
	wait_for "| writable |"

	# --- an error goes away by itself ---
	keys i 9 9 9 9 Enter
	wait_for "not an interval"
	wait_gone "not an interval"

	keys q
	wait_for "EXIT=0"
	term_sane || fail "$size: q left the terminal in raw mode"

	# --- absent pages under uffd-wp ---
	if [ $uffd = yes ]; then
		start -m uffd-wp -i 0.2 "$wpid"
		wait_for " this cycle"
		keys a
		wait_for "1 cell = 1 page |"
		# Page 0 written before the first clear: clean, then 3 MiB
		# never touched.
		wait_until "$size: the sparse region's title is not shown" \
		    shows "$sparse"
		wait_row_after "$sparse" ".$(rep $((PANE_COLS - 1)) -)" \
		    "$size: the sparse region"
		keys q
		wait_for "EXIT=0"
	fi
done
kill -0 "$wpid" || fail "the workload died"
[ $uffd = yes ] || echo "note: uffd-wp is not available here: no - cells checked"
echo "PASS"
exit 0
