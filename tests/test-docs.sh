#!/bin/sh
# test-docs.sh - what the README and the manual say against what sdtop
# does: the members of JSON's precopy object that are null when pre-copy
# does not converge (from a real run that cannot converge) are the ones
# the README names as null; the manual is read from the source tree with
# man -l man/sdtop.1 (man sdtop finds it only once installed); and
# "-- CMD" watches CMD alone, not its children, as the manual and the
# README say (--help says it too: test-cli.sh). The README's example of
# a set of processes is run as it is (with python3 and jq), and what it
# prints is held against what the README says of it: its lines have the
# shape of the README's excerpt; a page of shared memory that two
# processes write is in each one's count and once in the set's; the
# set's count is the processes' less their shared pages plus the set's;
# JSON lines have "format":2 first, a set's line its processes, and each
# VMA what backs it, one shared region the same in both processes; a
# single process's line has the members it had; with MAP_PRIVATE nothing
# is shared and the set's count is the sum.

set -u
name=test-docs
. "${abs_top_srcdir:-.}/tests/test-live-lib.sh"
top=${abs_top_srcdir:-.}
demo=$b/sdtop-demo
need "$sdtop" "$demo"

# A link of 1 byte/s: the demo's hot set outruns it every cycle.
"$sdtop" -b --json -n 3 -i 0.1 --bandwidth 1 -- "$demo" hotset --size 1M \
    >"$T/run.jsonl" 2>"$T/err" || fail "sdtop: status $?: $(cat "$T/err")"
obj=$(sed -n 's/.*"precopy":{\([^}]*"converges":false[^}]*\)}.*/\1/p' \
    "$T/run.jsonl" | head -n 1)
if [ -z "$obj" ]; then
	fail "no cycle that does not converge: $(head -c 300 "$T/run.jsonl")"
else
	nulls=$(printf '%s\n' "$obj" | tr ',' '\n' |
	    sed -n 's/^"\([a-z_]*\)":null$/\1/p' | sort)
	# The README's sentence on them: "... `a` and `b` are null ...".
	said=$(sed -n '/^## Pre-copy migration estimate/,/^## /p' \
	    "$top/README.md" | tr '\n' ' ' | tr -s ' ' |
	    sed 's/\. /.\n/g' | grep -E ' (are|is) null' | head -n 1 |
	    grep -oE '`[a-z_]+`' | tr -d '`' | sort)
	if [ -n "$nulls" ] && [ "$nulls" = "$said" ]; then
		echo "ok: README: $(echo $said) null when pre-copy does not converge"
	else
		fail "null in JSON: '$(echo $nulls)'; the README says: '$(echo $said)'"
	fi
fi

# The manual from the source tree.
[ -r "$top/man/sdtop.1" ] || fail "no man/sdtop.1"
grep -q '`man -l man/sdtop.1`' "$top/README.md" ||
    fail "README does not say man -l man/sdtop.1"
grep -q '`man sdtop`' "$top/README.md" && ! grep -q \
    '`man sdtop` after `make install`' "$top/README.md" &&
    fail "README says man sdtop without make install"

# -- CMD: the process itself, not its children.
grep -q "but not its children" "$top/man/sdtop.1" ||
    fail "the manual does not say that -- CMD leaves the children out"
tr '\n' ' ' <"$top/README.md" | grep -q "never its children" ||
    fail "README does not say that -- CMD leaves the children out"

# The README's example of a set: its block (after "<!-- check:
# set-example -->") and the excerpt of its output.
readme_block() {
	awk -v mark="<!-- check: $1 -->" '
		$0 == mark { on = 1; next }
		on && /^```/ { if (inside) exit; inside = 1; next }
		inside { print }
	' "$top/README.md"
}

# shape: lines with numbers as N, sizes in B, any method, no cost.
shape() {
	sed -e 's/  cost .*//' -e 's/[0-9][0-9.]*/N/g' \
	    -e 's/method [a-z-]*/method M/' -e 's/(N [KMGT]*i*B)/(N B)/'
}

# set_cycles FILE: a line per cycle of the set's text output in which no
# process exited or left: its count of processes, the set's dirty and
# shared counts, then each process's dirty and shared counts.
set_cycles() {
	awk '
	function flush() {
		if (cyc != "" && full)
			print n, d, s, list
		cyc = ""
	}
	/^cycle / {
		flush()
		cyc = $2
		full = $0 !~ /every process has exited/
		n = 0
		list = ""
		x = $0; sub(/.*  dirty /, "", x); sub(/\/.*/, "", x); d = x
		y = $0; sub(/ shared .*/, "", y); sub(/.*  /, "", y); s = y
		next
	}
	/^process / && cyc != "" {
		if ($0 ~ /\): (exited|left|not watched)/) {
			full = 0
			next
		}
		x = $0; sub(/.*  dirty /, "", x); sub(/\/.*/, "", x)
		y = $0; sub(/ shared\).*/, "", y); sub(/.*incl\. /, "", y)
		n++
		list = list " " x " " y
	}
	END { flush() }
	' "$1"
}

# check_set_text FILE: the counting rule in every whole cycle, and a
# cycle of both processes with the 64 shared pages in each, once in all.
check_set_text() {
	set_cycles "$1" >"$T/cycles"
	[ -s "$T/cycles" ] || { fail "set example: no whole cycle"; return; }
	while read -r n d s rest; do
		set -- $rest
		sum=0
		while [ $# -ge 2 ]; do
			sum=$((sum + $1 - $2))
			shift 2
		done
		[ "$d" -eq $((sum + s)) ] || fail "set example: the set's" \
		    "$d pages are not its processes' less their shared plus" \
		    "its $s shared: $n $d $s $rest"
	done <"$T/cycles"
	awk '$1 == 2 && $3 == 64 && $5 == 64 && $7 == 64 &&
	    $2 == $4 + $6 - 64 { ok = 1 } END { exit !ok }' "$T/cycles" ||
	    fail "set example: no cycle with 64 shared pages in each process" \
		"and 64 in the set: $(cat "$T/cycles")"
}

if ! command -v python3 >/dev/null 2>&1 ||
    ! command -v jq >/dev/null 2>&1 ||
    ! command -v timeout >/dev/null 2>&1; then
	echo "note: the README's set example was not run" \
	    "(it needs python3, jq and timeout)"
else
	mkdir "$T/set"
	readme_block set-example >"$T/set/example.sh"
	readme_block set-example-output >"$T/set/said"
	grep -q 'sdtop .*-T -- python3 shared.py' "$T/set/example.sh" ||
	    fail "no set example in the README"
	[ -s "$T/set/said" ] || fail "no output of the set example in the README"
	(cd "$T/set" && PATH="$b:$PATH" timeout 120 sh example.sh) \
	    >"$T/set/out" 2>"$T/set/err" ||
	    fail "the set example: status $?: $(tail -n 3 "$T/set/err")"

	# The text: the README's lines as sdtop prints them, and the rule.
	grep -v '^{' "$T/set/out" >"$T/set/text"
	shape <"$T/set/text" >"$T/set/shapes"
	shape <"$T/set/said" | while IFS= read -r line; do
		grep -Fxq -- "$line" "$T/set/shapes" ||
		    echo "$line"
	done >"$T/set/unseen"
	[ -s "$T/set/unseen" ] && fail "README lines sdtop does not print:" \
	    "$(head -n 2 "$T/set/unseen"); it printed: $(head -n 5 "$T/set/text")"
	check_set_text "$T/set/text"

	# The JSON of the README's jq: the same rule, the same pages.
	grep '^{' "$T/set/out" >"$T/set/jq.out"
	jq -s -e 'map(select(.processes | length == 2)) | length > 0 and
	    all(.[]; .dirty_pages == ([.processes[] | .[1] - .[2]] | add) +
		.shared_dirty_pages) and
	    any(.[]; .shared_dirty_pages == 64 and
		all(.processes[]; .[2] == 64))' "$T/set/jq.out" >/dev/null ||
	    fail "set example, JSON: not as the README says: $(cat "$T/set/jq.out")"

	# The whole JSON lines of the same program.
	(cd "$T/set" && timeout 60 "$sdtop" -b --json -i 0.5 -T -- \
	    python3 shared.py) >"$T/set/all.jsonl" 2>"$T/set/err" ||
	    fail "sdtop --json -T: status $?: $(tail -n 1 "$T/set/err")"
	grep -vq '^{"format":2,' "$T/set/all.jsonl" &&
	    fail "a line without \"format\":2 first"
	jq -s -e 'length > 1 and all(.[]; .set.kind == "tree" and
	    .set.cgroup == null and .set.roots == [.pid] and
	    .nproc == (.processes | length) and (has("vmas") | not))' \
	    "$T/set/all.jsonl" >/dev/null ||
	    fail "set lines: set, pid, nproc or processes not as documented"
	# Both alive: the parent first, the child after it; the region of
	# 64 shared pages the same file, inode and offset in both, written
	# by both, its pages tracked once. The last cycles may catch a
	# process on its way out, its region already unmapped by Python's
	# exit: those trailing cycles are left out, none before them.
	jq -s -e 'map(select(.nproc == 2 and
	    all(.processes[]; .exited == false))) |
	    until(length == 0 or all(last.processes[]; [.vmas[] |
		select(.perms == "rw-s" and .pages == 64)] | length == 1);
		.[:-1]) | length > 0 and
	    all(.[]; .processes[1].ppid == .processes[0].pid and
		([.processes[] | [.vmas[] | select(.perms == "rw-s" and
		    .pages == 64)] | select(length == 1) | .[0]] as $r |
		($r | length) == 2 and $r[0].inode != "0" and
		[$r[0].dev, $r[0].inode, $r[0].offset] ==
		    [$r[1].dev, $r[1].inode, $r[1].offset] and
		.tracked_pages == ([.processes[].tracked_pages] | add) - 64))
	    and any(.[]; [.processes[] | .vmas[] | select(.perms ==
		"rw-s" and .pages == 64) | .dirty_pages] == [64, 64])' \
	    "$T/set/all.jsonl" >/dev/null ||
	    fail "the shared region is not one file at one offset, tracked" \
		"once, written by both: $(jq -c '[.cycle, .tracked_pages,
		[.processes[] | [.pid, .ppid, .tracked_pages, (.vmas[] |
		select(.perms == "rw-s") | [.pages, .dev, .inode, .offset,
		.dirty_pages])]]]' "$T/set/all.jsonl")"

	# A single process's line: the members it had, "format" first, and
	# each VMA's offset, dev and inode at its end.
	jq -e -s 'all(.[]; (keys_unsorted - ["precopy", "target_cost",
	    "max_cost"]) == ["format", "cycle", "time", "clear_time", "pid",
	    "comm", "method", "interval", "dirty_pages", "discarded_pages",
	    "tracked_pages", "resident_pages", "page_size", "clear_ms",
	    "scan_ms", "converged", "exited", "exec", "vmas"] and
	    all(.vmas[]; keys_unsorted[-3:] == ["offset", "dev", "inode"]))' \
	    "$T/run.jsonl" >/dev/null ||
	    fail "a single process's line is not as documented:" \
		"$(head -c 400 "$T/run.jsonl")"

	# MAP_PRIVATE, as the README says: nothing shared, the set the sum.
	sed 's/\(mmap\.mmap(-1, 64 \* 4096\))/\1, mmap.MAP_PRIVATE)/' \
	    "$T/set/shared.py" >"$T/set/private.py"
	grep -q 'MAP_PRIVATE)' "$T/set/private.py" ||
	    fail "the README's shared.py has no mmap.mmap(-1, 64 * 4096)"
	(cd "$T/set" && timeout 60 "$sdtop" -b --json -i 0.5 -T -- \
	    python3 private.py) >"$T/set/private.jsonl" 2>"$T/set/err" ||
	    fail "sdtop --json -T, MAP_PRIVATE: status $?: $(tail -n 1 "$T/set/err")"
	jq -s -e 'map(select(.nproc == 2 and
	    all(.processes[]; .exited == false))) | length > 0 and
	    all(.[]; .shared_dirty_pages == 0 and
		all(.processes[]; .shared_dirty_pages == 0) and
		.dirty_pages == ([.processes[].dirty_pages] | add) and
		.dirty_pages >= 128)' "$T/set/private.jsonl" >/dev/null ||
	    fail "MAP_PRIVATE: not the sum, or something shared: $(jq -c \
		'[.cycle, .dirty_pages, .shared_dirty_pages]' "$T/set/private.jsonl")"
	[ $FAILS -eq 0 ] && echo "ok: the README's set example"
fi

finish
