#!/bin/sh
# test-discard-live.sh - pages given back, through the real sdtop, against
# tests/discard-target, which writes its pages once and then gives some
# back (MADV_DONTNEED) on a schedule, saying which and when. For uffd-wp
# (when this kernel and user can) and hash, three times: pages given back
# for good, (--rewrite) also pages given back and written again at once,
# and (--readback) pages given back and read again at once, which then map
# the shared zero page: given back all the same, neither written nor
# resident (skipped where such a read maps a page of zeros instead).
#  - In every cycle that can be judged by time (tests/discheck), the
#    region's "discarded" pages are exactly those given back since the
#    last collect and its "dirty" pages exactly those written again;
#    its resident_pages are its pages less those given back; a region
#    with untouched pages has exactly its written pages resident.
#  - `sdtop -b -n 2 -w 128 -m METHOD PID` then draws "-" exactly for the
#    cells (two pages each) that hold nothing (given back, or never
#    touched), "." for the others.
#  - The target comes out unharmed: every page holds what it wrote.

set -u
name=test-discard-live
. "${srcdir:-.}/tests/test-live-lib.sh"
target=$b/tests/discard-target
discheck=$b/tests/discheck
need "$sdtop" "$target" "$discheck"

# cells REGION ZOOM: the cells the target's REGION must show now, ZOOM
# pages a cell: "-" for a cell whose pages all hold nothing, "." for the
# others.
cells() {
	awk -v want="$1" -v z="$2" -v ps="$(getconf PAGESIZE)" '
		function hex(x,  i, v) { v = 0; x = tolower(substr(x, 3))
		    for (i = 1; i <= length(x); i++)
			v = v * 16 + index("0123456789abcdef",
			    substr(x, i, 1)) - 1
		    return v }
		function mark(list, v,  n, parts, i, r, a, p) {
		    if (list == "-") return
		    n = split(list, parts, ",")
		    for (i = 1; i <= n; i++) {
			r = split(parts[i], a, "-")
			if (r == 1) a[2] = a[1]
			for (p = a[1] + 0; p <= a[2] + 0; p++) has[p] = v } }
		$1 == "region" && $2 == want {
		    n = (hex($4) - hex($3)) / ps
		    for (p = 0; p < n; p++) has[p] = (want == "disc")
		    if (want == "sparse") mark($5, 1) }
		$1 == "discard" && want == "disc" { mark($4, 0) }
		END { for (p = 0; p < n; p += z) {
			c = "-"
			for (q = p; q < p + z && q < n; q++) if (has[q]) c = "."
			printf "%s", c }
		    print "" }
	' "$T/t.out"
}

# row FILE REGION: the cells of REGION in the second cycle of a text run.
row() {
	start=$(awk -v want="$2" '$1 == "region" && $2 == want {
	    s = substr($3, 3); while (length(s) < 16) s = "0" s; print s }' \
	    "$T/t.out")
	awk -v s="$start" '/^cycle 2 / { on = 1 }
	    on && index($0, "Region: " s " ") == 1 {
		sub(/^[^|]*\|/, ""); sub(/\|.*/, ""); print; exit }' "$1"
}

# run METHOD VARIANT...: one target, one JSON run while it gives pages
# back, one text run after, and its check.
run() {
	m=$1
	shift
	v=${1:-plain}
	# What a failed run before left behind.
	for p in $SPID $WPID; do
		kill -9 "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	SPID= WPID=
	: > "$T/t.out"
	"$target" "$@" > "$T/t.out" 2>&1 &
	WPID=$!
	wait_line '^ready' "$T/t.out" ||
	    { fail "$m $v: the target did not start: $(cat "$T/t.out")"; return; }
	if [ "$v" = --readback ] && ! grep -q '^zeropage yes' "$T/t.out"; then
		echo "$m $v: skipped, a read here does not map the zero page"
		kill -9 "$WPID"
		wait "$WPID" 2>/dev/null
		WPID=
		return
	fi
	"$sdtop" --batch --json -m "$m" -n 24 -i 0.15 "$WPID" \
	    > "$T/run.jsonl" 2> "$T/err" &
	SPID=$!
	# Its first cycle is out: the regions are known and not new.
	wait_for test -s "$T/run.jsonl" ||
	    { fail "$m $v: no first cycle: $(cat "$T/err")"; return; }
	kill -USR1 "$WPID"
	wait "$SPID"
	st=$?
	SPID=
	[ $st -eq 0 ] || { fail "$m $v: sdtop exited $st: $(cat "$T/err")"; return; }
	kill -USR2 "$WPID"
	wait_line '^stopped\|^exhausted' "$T/t.out" ||
	    { fail "$m $v: the target did not stop"; return; }
	[ "$v" = --rewrite ] && rw=1 || rw=0
	if "$discheck" "$T/t.out" "$T/run.jsonl" --min-discards 3 \
	    --min-rewrites $rw > "$T/check" 2>&1; then
		echo "$m $v: $(tail -n 1 "$T/check")"
	else
		fail "$m $v: $(head -n 8 "$T/check")"
	fi

	# One page a cell, the text is the course's (X and . only): two pages
	# a cell show "-" for the cells that hold nothing.
	"$sdtop" -b -n 2 -w 128 -m "$m" "$WPID" > "$T/text" 2> "$T/err" ||
	    fail "$m $v: sdtop -b -n 2 exited $?: $(cat "$T/err")"
	ok=1
	for r in disc sparse; do
		want=$(cells $r 2)
		got=$(row "$T/text" $r)
		[ -n "$want" ] && [ "$got" = "$want" ] && continue
		fail "$m $v: the $r region's cells are
  $got, not
  $want"
		ok=0
	done
	[ $ok -eq 1 ] && echo "$m $v: '-' exactly at the cells that hold nothing"

	kill -TERM "$WPID"
	wait "$WPID"
	st=$?
	WPID=
	[ $st -eq 0 ] && grep -q '^alive' "$T/t.out" ||
	    fail "$m $v: the target was harmed (status $st): $(tail -n 1 "$T/t.out")"
}

methods=hash
"$sdtop" --probe 2>&1 | grep -q '^uffd-wp  *yes' && methods="uffd-wp hash"
for m in $methods; do
	run "$m"
	run "$m" --rewrite
	run "$m" --readback
done
finish
