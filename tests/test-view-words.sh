#!/bin/sh
# test-view-words.sh - what the screen says in words, at 80x24 and
# 132x45, in tmux:
#   - a recording of one cycle that wrote one page: one page and one
#     cycle are never "1 pages" or "1 cycles" (header, history, titles,
#     the status line at the end of the recording);
#   - its read-only library, shown with w, says it is not tracked and
#     why, and no dirty count;
#   - a command sdtop starts that fails says why on the screen, as batch
#     mode does on stderr: a program that cannot be run at all, and one
#     that runs (env) and then fails, with its status and its last line
#     on stderr; and a program that cannot be run says why even when
#     sdtop was started without a stdin or a stdout (whose descriptor
#     numbers its own pipes then take).
# The recorded interval is an hour, so nothing moves unless a key says so.

name=test-view-words
. "${srcdir:-.}/tests/test-view-lib.sh"

vma() {	# start end perms name pages tracked dirty_pages dirty
	printf '{"start":"%s","end":"%s","perms":"%s","name":"%s","pages":%d,'\
'"tracked":%s,"new":false,"dirty_pages":%d,"dirty":[%s]}' "$@"
}
{
	printf '{"cycle":1,"time":1800000001.5,"pid":4242,"comm":"tapewriter",'\
'"method":"uffd-wp","interval":3600,"dirty_pages":1,"tracked_pages":4,'\
'"page_size":4096,"clear_ms":0.1,"scan_ms":0.2,"converged":false,'\
'"exited":false,"vmas":[%s,%s]}\n' \
	    "$(vma 0x10000000 0x10004000 rw-p "" 4 true 1 \
	    '["0x10000000","0x10001000"]')" \
	    "$(vma 0x20000000 0x20004000 r--p /usr/lib/libtape.so 4 false 0 "")"
	printf '{"cycle":2,"time":1800000002.5,"pid":4242,"comm":"tapewriter",'\
'"method":"uffd-wp","interval":3600,"dirty_pages":0,"tracked_pages":0,'\
'"page_size":4096,"converged":false,"exited":true,"vmas":[]}\n'
} >"$tmp/rec.jsonl"
"$sdtop" --batch --replay "$tmp/rec.jsonl" >"$tmp/batch.txt" 2>&1 ||
	fail "sdtop --batch --replay rejects the recording: $(cat "$tmp/batch.txt")"

# Whether the screen says "1 pages" or "1 cycles" anywhere.
says_one_plural() {
	screen | grep -q '\(^\|[^0-9.]\)1 \(pages\|cycles\)'
}
# Whether every row of the library says "not tracked", why, and no
# dirty count.
library_untracked() {
	screen | grep -F libtape.so >"$tmp/lib" || return 1
	grep -q 'not tracked' "$tmp/lib" && grep -q '(read-only)' "$tmp/lib" &&
	    ! grep -q ' dirty' "$tmp/lib"
}

# --- a command that cannot run, sdtop's stdin or stdout closed ---
for close in '<&-' '>&-'; do
	eval "\"\$sdtop\" -- /nonexistent/cmd $close" 2>"$tmp/err"
	grep -q "cannot run /nonexistent/cmd: No such file or directory" \
	    "$tmp/err" || fail "$close: sdtop said: $(cat "$tmp/err")"
done

for size in 80x24 132x45; do
	PANE_COLS=${size%x*}
	PANE_ROWS=${size#*x}
	export PANE_COLS PANE_ROWS

	# --- one page, one cycle ---
	start --replay "$tmp/rec.jsonl"
	wait_for "cycle 1 "
	wait_for " dirty 1 page (4.0 KiB) this cycle"
	wait_for " 1 cycle, not converged yet"
	wait_for "max 1 page"
	says_one_plural && fail "$size: a count of one in the plural"

	# --- the read-only library ---
	keys w
	wait_for "| all regions |"
	wait_until "$size: the library does not say it is not tracked and why" \
	    library_untracked

	# --- the end of the recording ---
	keys .
	wait_for "the process exited after 1 cycle;"
	says_one_plural && fail "$size: a count of one in the plural"
	keys q
	wait_for "EXIT=0"

	# --- a command that cannot run: said before the screen starts ---
	start -- /nonexistent/cmd
	wait_for "EXIT=1"
	wait_for "/nonexistent/cmd: No such file or directory"

	# --- a command that runs, then fails: said on the screen ---
	start -- env /nonexistent/cmd
	wait_for "[process exited]"
	wait_for "status 127"
	wait_for "No such file or directory"
	keys q
	wait_for "EXIT=0"
	term_sane || fail "$size: q left the terminal in raw mode"
done
echo "PASS"
exit 0
