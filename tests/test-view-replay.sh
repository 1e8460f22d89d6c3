#!/bin/sh
# test-view-replay.sh - the screen, end to end in tmux, playing a recording
# this test writes itself, so every expected cell follows from the pages it
# marks as written:
#   0x10000000  4 pages rw-p  anonymous   c1 none, c2 none, c3 all
#   0x20000000 40 pages rw-p  [heap]      c1 0-9,  c2 0-3 and 20, c3 none
#   0x30000000  4 pages r--p  a library   untracked
#   0x40000000  8 pages rw-p  anonymous   from c2: new, then c3 all
# Cycle 4 writes nothing and has converged; cycle 5 says the process exited.
# The recorded interval is an hour, so nothing moves unless a key says so.
#
# Checked: header, region titles, cells at zoom 1, 2 and 4 (below the
# title, or on its row when they fit after it), the new and untracked marks, the ASCII sparkline and the convergence line, stepping,
# pause, interval keys, sort, filter, help, resize, a tiny terminal, the
# mouse wheel, SIGTSTP/SIGCONT, and that q and SIGTERM give the terminal back.

name=test-view-replay
. "${srcdir:-.}/tests/test-view-lib.sh"

# --- the recording ---
vma() {	# start end perms name pages tracked new dirty_pages dirty
	printf '{"start":"%s","end":"%s","perms":"%s","name":"%s","pages":%d,'\
'"tracked":%s,"new":%s,"dirty_pages":%d,"dirty":[%s]}' "$@"
}
cycle() {	# n dirty_pages converged vmas (the 8-page region tracked from 3)
	printf '{"cycle":%d,"time":%d.5,"pid":4242,"comm":"tapewriter",'\
'"method":"uffd-wp","interval":3600,"dirty_pages":%d,"tracked_pages":%d,'\
'"page_size":4096,"clear_ms":0.1,"scan_ms":0.2,"converged":%s,'\
'"exited":false,"vmas":[%s]}\n' "$1" $((1800000000 + $1)) "$2" \
	    $(($1 < 3 ? 44 : 52)) "$3" "$4"
}
lib=$(vma 0x30000000 0x30004000 r--p /usr/lib/libtape.so 4 false false 0 "")
{
	cycle 1 10 false "$(vma 0x10000000 0x10004000 rw-p "" 4 true false 0 \
	    ""),$(vma 0x20000000 0x20028000 rw-p "[heap]" 40 true false 10 \
	    '["0x20000000","0x2000a000"]'),$lib"
	cycle 2 5 false "$(vma 0x10000000 0x10004000 rw-p "" 4 true false 0 \
	    ""),$(vma 0x20000000 0x20028000 rw-p "[heap]" 40 true false 5 \
	    '["0x20000000","0x20004000"],["0x20014000","0x20015000"]'),$lib,$(
	    vma 0x40000000 0x40008000 rw-p "" 8 false true 0 "")"
	cycle 3 12 false "$(vma 0x10000000 0x10004000 rw-p "" 4 true false 4 \
	    '["0x10000000","0x10004000"]'),$(vma 0x20000000 0x20028000 rw-p \
	    "[heap]" 40 true false 0 ""),$lib,$(vma 0x40000000 0x40008000 \
	    rw-p "" 8 true false 8 '["0x40000000","0x40008000"]')"
	cycle 4 0 true "$(vma 0x10000000 0x10004000 rw-p "" 4 true false 0 \
	    ""),$(vma 0x20000000 0x20028000 rw-p "[heap]" 40 true false 0 ""),$(
	    )$lib,$(vma 0x40000000 0x40008000 rw-p "" 8 true false 0 "")"
	printf '{"cycle":5,"time":1800000005.5,"pid":4242,"comm":"tapewriter",'\
'"method":"uffd-wp","interval":3600,"dirty_pages":0,"tracked_pages":0,'\
'"page_size":4096,"converged":true,"exited":true,"vmas":[]}\n'
} >"$tmp/rec.jsonl"

# The recording must be valid for sdtop itself, or nothing below means
# anything.
"$sdtop" --batch --replay "$tmp/rec.jsonl" >"$tmp/batch.txt" 2>&1 ||
	fail "sdtop --batch --replay rejects the recording: $(cat "$tmp/batch.txt")"

start --replay "$tmp/rec.jsonl"
wait_for "cycle 1 "
# Addresses have the digits the largest needs, 8 here.
heap="20000000-20028000"
anon="10000000-10004000"

# While the screen runs the terminal is not canonical: the check can fail.
wait_until "the terminal is canonical while the screen runs" term_raw

# --- header and cells at zoom 1 ---
for w in "pid 4242" tapewriter "method uffd-wp" "cycle 1 " "[playing]"; do
	wait_header "$w"
done
# The title of region $1 matches the regular expression $2.
title_matches() {
	screen | grep -F -- "$1" | grep -q -- "$2"
}
wait_until "no [heap] title with 40 pages and 10 dirty" \
    title_matches "$heap" "40 pages.* 10 dirty.*\[heap\]"
# The titles take 61 columns of 120: 40 cells fit after them, and 4.
wait_row_end "$heap" "$(rep 10 X)$(rep 30 .)" "heap cells, cycle 1"
# One row for the 4-page region, the heap's title right below it.
wait_row_end "$anon" "...." "anonymous cells, cycle 1"
wait_until "the 4-page region takes more than one row" \
    rows_apart "$anon" "$heap" 1

# --- w: all regions / writable only ---
shows libtape.so && fail "a read-only region shown by default"
keys w
wait_for libtape.so
wait_row_end libtape.so "~~~~" "untracked cells"
keys w
wait_gone libtape.so

# --- s: sort by dirty count, and back by address ---
wait_until "not sorted by address" above "$anon" "$heap"
keys s
wait_for "by dirty"
wait_until "s did not put the dirtiest region first" above "$heap" "$anon"
keys s
wait_for "by address"
wait_until "s did not sort by address again" above "$anon" "$heap"

# --- Z, z, a: zoom out, in, auto ---
keys Z
wait_for "1 cell = 2 pages"
# 40 pages are 20 cells now: they fit after the title.
wait_row_end "$heap" "$(rep 5 X)$(rep 15 .)" "heap at zoom 2"
keys Z
wait_for "1 cell = 4 pages"
# Pages 8-11 hold 2 written of 4: "most", x.
wait_row_end "$heap" "XXx$(rep 7 .)" "heap at zoom 4"
keys z
wait_for "1 cell = 2 pages"
keys a
wait_for "1 cell = 1 page auto"

# --- . steps: cycle 2 has a new region ---
keys .
wait_for "cycle 2 "
wait_until "stepping did not pause" header_shows "[paused]"
wait_row_end "$heap" "$(rep 4 X)$(rep 16 .)X$(rep 19 .)" "heap cells, cycle 2"
new="40000000-40008000"
wait_until "the new region is not marked new" \
    title_matches "$new" "new region"
wait_row_end "$new" "++++++++" "new region cells"

# --- , steps back ---
keys ,
wait_for "cycle 1 "
keys .
wait_for "cycle 2 "
keys .
wait_for "cycle 3 "
wait_row_end "$new" "XXXXXXXX" "cycle 3, new region written"
keys .
wait_for "cycle 4 "

# --- the ASCII sparkline: 10, 5, 12, 0 scaled to 12 ---
# Whether the history row shows them: the largest count at the top
# level, the zero one blank, 10 and 5 in between in order, the scale.
spark_ok() {
	screen | awk -v ramp=" _.-=+*#" '
	    function lvl(c) { return index(ramp, c) - 1 }
	    /^ history / {
		c1 = lvl(substr($0, 10, 1)); c2 = lvl(substr($0, 11, 1))
		c3 = lvl(substr($0, 12, 1)); c4 = substr($0, 13, 1)
		ok = c3 == 7 && c4 == " " && c1 > 0 && c1 < 7 &&
		    c2 > 0 && c2 < c1 && index($0, "max 12 pages")
		exit
	    }
	    END { exit !ok }'
}
wait_until "the sparkline is not 10, 5, 12, 0 of max 12 pages" spark_ok
# The working set is the mean of the four counts: (10+5+12+0)/4 = 6.
wait_for "converged at cycle 4: ~6 pages, 24.0 KiB"
wait_until "header lacks converged" header_shows "converged"

# --- past the last cycle: the process exited, the last frame stays ---
keys .
wait_for "[process exited]"
wait_until "the last frame was not kept" header_shows "cycle 4 "

# --- space, -, +, i: playback ---
keys ,
wait_for "cycle 3 "
keys Space
wait_for "[playing]"
keys Space
wait_for "[paused]"
keys -
wait_for "played every 30m"
keys +
wait_for "played every 60m"
keys i 2 . 5 Enter
wait_for "played every 2.5s"

# --- h: the help screen lists the keys; any key closes it ---
keys h
wait_for "step to the previous cycle"
wait_until "help lacks Z" shows_re "^  Z  *zoom out"
keys x
wait_gone "step to the previous cycle"

# --- resize, and a tiny terminal ---
$T resize-window -t t -x 60 -y 20
wait_for "1 cell = "
# Whether no row is wider than $1.
narrow() {
	screen | awk -v w="$1" 'length($0) > w { exit 1 }'
}
wait_until "a row wider than 60" narrow 60
$T resize-window -t t -x 30 -y 8
wait_for "terminal too small"
$T resize-window -t t -x 120 -y 40
wait_for "[heap]"

# --- the mouse wheel scrolls three rows ---
# A recording of eight 4-page regions, whose cells fit after their
# titles on 80 columns: at zoom 1 each takes a row, 8 map rows of which a
# 10-row screen shows 3, below the 5 header rows. A wheel turn is what
# xterm reports in SGR mouse mode (1006): button 65 down, 64 up, at a
# column and row of the map, written into the pane.
wheel_down=$(printf '\033[<65;10;7M')
wheel_up=$(printf '\033[<64;10;7M')
{
	printf '{"cycle":1,"time":1800000001.5,"pid":4242,"comm":"tapewriter",'\
'"method":"uffd-wp","interval":3600,"dirty_pages":0,"tracked_pages":32,'\
'"page_size":4096,"clear_ms":0.1,"scan_ms":0.2,"converged":false,'\
'"exited":false,"vmas":['
	for i in 1 2 3 4 5 6 7 8; do
		[ $i -gt 1 ] && printf ','
		vma "0x${i}0000000" "0x${i}0004000" rw-p "" 4 true false 0 ""
	done
	printf ']}\n'
} >"$tmp/wheel.jsonl"
# The title of the region at $1 0000000 (8 digits).
r() {
	printf '%d0000000-%d0004000' "$1" "$1"
}
PANE_COLS=80 PANE_ROWS=10 start --replay "$tmp/wheel.jsonl"
wait_for "cycle 1 "
wait_for "1 cell = 1 page auto"
wait_until "the map does not start with the first region" \
    row_after_has "not converged yet" "$(r 1)"
wait_until "the first region takes more than one row" \
    rows_apart "$(r 1)" "$(r 2)" 1
keys -l "$wheel_down"
wait_for "$(r 4)"
# Rows 3-5: the fourth region first.
wait_until "one wheel turn down did not scroll three rows" \
    row_after_has "not converged yet" "$(r 4)"
wait_gone "$(r 3)"
keys -l "$wheel_up"
wait_gone "$(r 4)"
wait_until "the wheel up did not go back to the first row" \
    row_after_has "not converged yet" "$(r 1)"
# Two turns down would be row 6: it stops at the last screen, row 5.
keys -l "$wheel_down$wheel_down"
wait_for "$(r 8)"
wait_until "two wheel turns down did not stop at the last screen" \
    row_after_has "not converged yet" "$(r 6)"
keys q
wait_for "EXIT=0"

start --replay "$tmp/rec.jsonl"
wait_for "cycle 1 "
wait_for "[heap]"

# --- SIGTSTP gives the terminal back; SIGCONT takes it again ---
sdtop_pid
kill -TSTP "$pid"
wait_until "SIGTSTP did not stop sdtop" stopped "$pid"
term_sane || fail "stopped by SIGTSTP with the terminal in raw mode"
kill -CONT "$pid"
wait_until "not back in raw mode after SIGCONT" term_raw
wait_for "[heap]"

# --- q quits with status 0 and a sane terminal ---
keys q
wait_for "EXIT=0"
term_sane || fail "q left the terminal in raw mode"

# --- SIGTERM too, here in a UTF-8 locale: Unicode blocks ---
LOC=C.UTF-8 start --replay "$tmp/rec.jsonl"
wait_for "cycle 1 "
keys . . .
wait_for "cycle 4 "
wait_until "no Unicode block in UTF-8" shows_re '^ history .*█'
sdtop_pid
kill -TERM "$pid"
wait_for "EXIT=0"
term_sane || fail "SIGTERM left the terminal in raw mode"

# --- A malformed record: said on the status line, then on stderr with
# status 1 once q gives the terminal back ---
head -n 2 "$tmp/rec.jsonl" > "$tmp/bad.jsonl"
echo '{"cycle": "three"}' >> "$tmp/bad.jsonl"
start --replay "$tmp/bad.jsonl"
wait_for "cycle 1 "
keys . .
wait_for "bad.jsonl:3: cycle"
keys q
wait_for "EXIT=1"
shows_re "^sdtop: .*bad.jsonl:3: cycle" ||
    fail "the error was not said again on stderr after q"
term_sane || fail "a bad recording left the terminal in raw mode"

echo "PASS"
exit 0
