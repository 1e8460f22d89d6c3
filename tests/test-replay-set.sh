#!/bin/sh
# test-replay-set.sh - recordings of sets of processes (JSON Lines format
# 2) through sdtop --replay -b [--json]. The recordings written by hand in
# tests/fixtures/replay (a tree whose processes share a memfd, join, exit
# and include one not watched; PIDs sharing a System V segment; a cgroup
# that empties) print back byte for byte as JSON, and as safe text with a
# line per process. Each crafted line (made here from them with jq: a
# wrong nproc, totals that count a shared page twice, a process listed
# twice, format 3, ...) is refused with exit 1 and exactly one stderr line
# naming the file, the line and the field. Then live recordings of
# sdtop -T (a shell that forks; processes writing one shared mapping, when
# python3 is here) replay to the same bytes.

set -u
name=test-replay-set
. "${abs_top_srcdir:-${srcdir:-.}}/tests/test-live-lib.sh"
S=${abs_top_srcdir:-${srcdir:-.}}
FX=$S/tests/fixtures/replay
TEXTCHECK=$b/tests/textcheck
OUT_MAX=262144

need "$sdtop" "$TEXTCHECK"
need_jq

# run FILE ARGS...: sdtop ARGS FILE in $T (so that errors name FILE as
# given), leaving $T/out, $T/err and $st.
run() {
	f=$1
	shift
	(cd "$T" && "$sdtop" "$@" "$f") >"$T/out" 2>"$T/err" </dev/null
	st=$?
	size=$(wc -c <"$T/out")
	[ "$size" -le "$OUT_MAX" ] ||
	    fail "sdtop $* $f: $size bytes of output (at most $OUT_MAX)"
	"$TEXTCHECK" "$T/out" "$T/err" >"$T/tc" 2>&1 ||
	    fail "sdtop $* $f: unsafe bytes: $(cat "$T/tc")"
}

# same FILE: the JSON replay of FILE (in $T) is FILE, byte for byte, and
# its text replay is safe; leaves the text in $T/text.
same() {
	run "$1" -b --json --replay
	if [ "$st" -ne 0 ] || [ -s "$T/err" ]; then
		fail "--json --replay $1: status $st: $(head -n 2 "$T/err")"
	elif ! cmp -s "$T/out" "$T/$1"; then
		fail "--json --replay $1 does not print the recording back:"
		diff "$T/$1" "$T/out" | cut -c 1-300 | head -n 6
		# The fields that differ, for the first line that does.
		n=$(cmp "$T/$1" "$T/out" | sed -n 's/.* line \([0-9]*\)$/\1/p')
		for f in "$T/$1" "$T/out"; do
			sed -n "${n:-1}p" "$f" | jq -c 'paths(scalars) as $p |
			    [($p | map(tostring) | join(".")), getpath($p)]' \
			    > "$f.fields" 2>&1
		done
		diff "$T/$1.fields" "$T/out.fields" | head -n 20
	else
		echo "ok: $1 prints back as it was ($(wc -l <"$T/out") cycles)"
	fi
	run "$1" -b --replay
	[ "$st" -eq 0 ] && [ ! -s "$T/err" ] ||
	    fail "--replay $1: status $st: $(head -n 2 "$T/err")"
	cp "$T/out" "$T/text"
}

# has TEXT: the last text replay holds the line TEXT.
has() {
	grep -qxF -- "$1" "$T/text" || fail "the text has no line '$1'"
}

# --- Recordings written by hand: back byte for byte ---
for f in set-tree set-pids set-cgroup three-cycles; do
	cp "$FX/$f.jsonl" "$T/"
done
same set-tree.jsonl
has "cycle 1  tree of 100 (app)  3 processes  method uffd-wp  interval 1s  dirty 6/28 pages (24.0 KiB)  3 shared  not converged  discarded 1 (4.0 KiB)  cost 0.75% (faults and sdtop's CPU)"
has "process 101 (worker)  ppid 100  method uffd-wp  dirty 3/8 pages (incl. 2 shared)  resident 8"
has "process 102 (helper): not watched: Operation not permitted"
has "process 101 (worker): exited"
has "process 103 (worker2)  ppid 100  method uffd-wp  dirty 3/10 pages (incl. 1 shared)  resident 10  joined"
has "cycle 3  tree of 100 (app)  2 processes: every process has exited"
same set-pids.jsonl
has "cycle 1  pids 200 300  2 processes  method mixed  interval 0.5s  dirty 9/16 pages (36.0 KiB)  2 shared  not converged  discarded 1 (4.0 KiB)  cost 1.50% (sdtop's CPU)"
same set-cgroup.jsonl
has "process 2 (kthreadd\\x1b]0;owned\\x07): not watched: a kernel thread\\x1b[2J\\xc2\\x9b31m"
has "cycle 2  cgroup /sys/fs/cgroup/app.slice  0 processes  method none  interval 1s  dirty 0/0 pages (0 B)  0 shared  not converged"
# Inodes use all 64 bits (overlayfs's xino): the shared memfd's inode is
# 2^64 - 1 in every line, read and written back exactly.
sed 's/"inode":"4321"/"inode":"18446744073709551615"/g' \
    "$T/set-tree.jsonl" >"$T/inode-64.jsonl"
same inode-64.jsonl
has "cycle 1  tree of 100 (app)  3 processes  method uffd-wp  interval 1s  dirty 6/28 pages (24.0 KiB)  3 shared  not converged  discarded 1 (4.0 KiB)  cost 0.75% (faults and sdtop's CPU)"

# A line of format 1 (no "format") and one that says it reads as before.
run three-cycles.jsonl -b --json --replay
jq -c 'del(.format)' "$T/out" >"$T/f1.jsonl"
jq -c '.format = 1' "$T/f1.jsonl" >"$T/f1b.jsonl"
for f in f1.jsonl f1b.jsonl; do
	run "$f" -b --json --replay
	if [ "$st" -ne 0 ] || [ "$(jq -c 'del(.format)' "$T/out")" != \
	    "$(cat "$T/f1.jsonl")" ]; then
		fail "$f (format 1) does not read as it did: $(cat "$T/err")"
	else
		echo "ok: $f (format 1) reads as it did"
	fi
done

# --- Crafted lines ---
# mut NAME FROM LINE FILTER: $T/NAME.jsonl is $T/FROM with line LINE put
# through jq FILTER.
mut() {
	n=$(wc -l <"$T/$2")
	i=1
	: >"$T/$1.jsonl"
	while [ "$i" -le "$n" ]; do
		if [ "$i" -eq "$3" ]; then
			sed -n "${i}p" "$T/$2" | jq -c "$4" >>"$T/$1.jsonl" ||
			    fail "jq $4"
		else
			sed -n "${i}p" "$T/$2" >>"$T/$1.jsonl"
		fi
		i=$((i + 1))
	done
}

# refuse NAME WANT: both replays of $T/NAME.jsonl exit 1 with exactly the
# stderr line "sdtop: NAME.jsonl:WANT".
refuse() {
	for json in "" --json; do
		run "$1.jsonl" -b $json --replay
		if [ "$st" -ne 1 ]; then
			fail "$1 $json: status $st, want 1 ($(head -n 2 "$T/err"))"
		elif [ "$(wc -l <"$T/err")" -ne 1 ]; then
			fail "$1 $json: $(wc -l <"$T/err") lines on stderr:" \
			    "$(head -n 3 "$T/err")"
		elif [ "$(cat "$T/err")" != "sdtop: $1.jsonl:$2" ]; then
			fail "$1 $json: stderr '$(cat "$T/err")', want" \
			    "'sdtop: $1.jsonl:$2'"
		fi
	done
	echo "ok: $1 -> $(cat "$T/err")"
}

# crafted NAME LINE FILTER WANT: a line of set-tree.jsonl changed.
crafted() {
	mut "$1" set-tree.jsonl "$2" "$3"
	refuse "$1" "$2: $4"
}

crafted nproc-short 1 '.nproc = 2' "nproc: 2, but processes holds 3"
crafted nproc-long 1 '.nproc = 4' "nproc: 4, but processes holds 3"
crafted nproc-huge 1 '.nproc = 100000' "nproc: 100000 is out of range (0..65536)"
crafted nproc-none 1 'del(.nproc)' "nproc: missing"
crafted procs-object 1 '.processes = {}' "processes: not an array"
crafted procs-number 1 '.processes[1] = 7' "processes[1]: not an object"
crafted format-3 1 '.format = 3' "format: 3 is newer than this sdtop reads (1..2)"
crafted format-3-late 2 '.format = 3' "format: 3 is newer than this sdtop reads (1..2)"
[ "$(jq -c .cycle "$T/out")" = 1 ] ||
    fail "format-3-late: the cycle before the refused line is not printed"
crafted format-text 1 '.format = "2"' "format: not a whole number"
crafted format-1-set 1 'del(.format)' "set: a set of processes is of format 2, not 1"
# The shared memfd's pages 0-2 are written by two processes: 3, not 4.
crafted dirty-twice 1 '.dirty_pages = 7' "dirty_pages: 7, but the processes hold 6"
crafted shared-twice 1 '.shared_dirty_pages = 4' "shared_dirty_pages: 4, but the processes hold 3"
crafted tracked-twice 1 '.tracked_pages = 32' "tracked_pages: 32, but the processes hold 28"
crafted proc-shared 1 '.processes[1].shared_dirty_pages = 1' "processes[1].shared_dirty_pages: 1, but its shared regions hold 2"
crafted resident-low 1 '.resident_pages = 21' "resident_pages: 21, but the processes hold 22..26 (4 pages mapped more than once)"
crafted resident-high 1 '.resident_pages = 27' "resident_pages: 27, but the processes hold 22..26 (4 pages mapped more than once)"
crafted discarded-wrong 1 '.discarded_pages = 0' "discarded_pages: 0, but the processes hold 1"
crafted proc-twice 1 '.processes[1].pid = 100' "processes: process 100 is listed twice"
crafted proc-counts 1 '.processes[0].dirty_pages = 5' "processes[0].dirty_pages: 5, but the regions hold 4"
crafted proc-range 1 '.processes[1].vmas[0].dirty = [["0x10003000","0x10005000"]]' "processes[1].vmas[0].dirty[0]: 0x10003000-0x10005000 is empty, out of order or outside 0x10000000-0x10004000"
crafted proc-discard 1 '.processes[0].vmas[1].discarded = [["0x10001000","0x10002000"]]' "processes[0].vmas[1].discarded[0]: 0x10001000-0x10002000 holds written pages"
crafted proc-vma-count 1 '.processes[0].vmas[1].dirty_pages = 3' "processes[0].vmas[1].dirty_pages: 3, but its dirty ranges hold 2 pages"
crafted proc-vma-order 1 '.processes[0].vmas |= [.[1], .[0], .[2]]' "processes[0].vmas[1].start: 0x400000 is below the end of processes[0].vmas[0]"
crafted unwatched-vmas 1 '.processes[2].vmas = .processes[1].vmas' "processes[2].vmas: a process that is not watched has no regions"
crafted proc-error 1 '.processes[2].error = 5' "processes[2].error: not a reason or null"
crafted proc-mixed 1 '.processes[0].target_cost.kind = "mixed"' "processes[0].target_cost.kind: not \"faults\" or \"sdtop_cpu\""
crafted proc-pid 1 '.processes[0].pid = 0' "processes[0].pid: 0 is out of range (1..2147483647)"
crafted proc-method 1 '.processes[1].method = ""' "processes[1].method: not a method name"
crafted exited-alive 3 '.processes[1].exited = false' "processes[1].exited: false in a set whose members have all exited"
crafted root-pid 1 '.pid = 101' "pid: 101, but the first root is 100"
crafted set-kind 1 '.set.kind = "forest"' "set.kind: not \"tree\", \"pids\" or \"cgroup\""
crafted set-roots 1 '.set.roots = []' "set.roots: none given"
crafted set-string 1 '.set = "tree"' "set: not an object"
crafted set-vmas 1 '.vmas = []' "vmas: a set's regions are in its processes"
crafted vma-dev 1 '.processes[0].vmas[2].dev = "0:zz"' "processes[0].vmas[2].dev: not \"MAJ:MIN\" in hex, as maps writes it"
crafted vma-offset 1 '.processes[1].vmas[1].offset = "0x1800"' "processes[1].vmas[1].offset: 0x1800 is not a multiple of page_size 4096 or ends past 2^64"
crafted vma-inode 1 '.processes[1].vmas[1].inode = "-1"' "processes[1].vmas[1].inode: not a string of decimal digits below 2^64, as maps writes it"
crafted vma-inode-big 1 '.processes[1].vmas[1].inode = "18446744073709551616"' "processes[1].vmas[1].inode: not a string of decimal digits below 2^64, as maps writes it"
crafted vma-inode-zeros 1 '.processes[1].vmas[1].inode = "04321"' "processes[1].vmas[1].inode: not a string of decimal digits below 2^64, as maps writes it"
crafted vma-inode-none 1 'del(.processes[1].vmas[1].inode)' "processes[1].vmas[1].inode: missing"
crafted vma-dev-none 1 'del(.processes[0].vmas[0].dev)' "processes[0].vmas[0].dev: missing"
crafted vma-inode-number 1 '.processes[1].vmas[1].inode = 5' "processes[1].vmas[1].inode: not a string of decimal digits below 2^64, as maps writes it"
crafted precopy-memory 2 '.precopy.memory_bytes = 98304' "precopy.memory_bytes: 98304, but the processes hold 20 resident pages of 4096 bytes"
mut cgroup-roots set-cgroup.jsonl 1 '.set.roots = [5]'
refuse cgroup-roots "1: set.roots: a cgroup has none"

# Pages written past 2^27 in one line, half in each of two processes.
jq -c '.processes = [.processes[0], .processes[1]] | .nproc = 2 |
    del(.dirty_pages, .shared_dirty_pages, .discarded_pages,
    .tracked_pages, .resident_pages) |
    .processes[] |= (del(.dirty_pages, .shared_dirty_pages,
    .discarded_pages, .tracked_pages, .resident_pages) |
    .vmas = [{start: "0x10000000", end: "0x4010001000", perms: "rw-p",
    name: "", pages: 67108865, tracked: true, new: false,
    dirty: [["0x10000000", "0x4010001000"]], offset: "0x0", dev: "00:00",
    inode: "0"}])' \
    <"$T/set-tree.jsonl" | head -n 1 >"$T/dirty-past.jsonl"
refuse dirty-past "1: processes[1].vmas[0].dirty[0]: the written and discarded pages of this cycle pass 134217728"
# Tracked pages of a set past 2^53: three processes of a whole address
# space each (tracked, nothing written: no memory).
jq -c '.processes = [.processes[0], .processes[1], .processes[1]] |
    .processes[2].pid = 105 | .nproc = 3 |
    del(.dirty_pages, .shared_dirty_pages, .discarded_pages,
    .tracked_pages, .resident_pages) |
    .processes[] |= (del(.dirty_pages, .shared_dirty_pages,
    .discarded_pages, .tracked_pages, .resident_pages) |
    .vmas = [{start: "0x0", end: "0xfffffffffffff000", perms: "rw-p",
    name: "", pages: 4503599627370495, tracked: true, new: false,
    offset: "0x0", dev: "00:00", inode: "0"}])' \
    <"$T/set-tree.jsonl" | head -n 1 >"$T/tracked-past.jsonl"
refuse tracked-past "1: processes[2].tracked_pages: the processes' tracked pages pass 9007199254740991"

# --- Live: what sdtop records of a set, it replays to the same bytes ---
OUT_MAX=67108864
"$sdtop" -b --json -T -n 3 -i 0.2 -- sh -c \
    'for i in 1 2 3; do (sleep 1; :) & done; sleep 1; wait' \
    >"$T/live.jsonl" 2>"$T/live.err"
st=$?
if [ "$st" -ne 0 ] || [ "$(wc -l <"$T/live.jsonl")" -ne 3 ]; then
	fail "sdtop -T -- sh: status $st, $(wc -l <"$T/live.jsonl") cycles: $(head -n 2 "$T/live.err")"
else
	[ "$(jq -s 'map(.nproc) | max' "$T/live.jsonl")" -ge 2 ] ||
	    fail "the forks of sh never joined: $(jq -c .nproc "$T/live.jsonl" | tr '\n' ' ')"
	same live.jsonl
fi

# Processes writing one shared mapping: a page written by each counts once.
if command -v python3 >/dev/null 2>&1; then
	cat >"$T/shared.py" <<'EOF'
import mmap, os, sys
stop = sys.argv[1] + "/stop"
m = mmap.mmap(-1, 64 * 4096)
kids = []
for k in range(3):
    p = os.fork()
    if p == 0:
        while not os.path.exists(stop):
            for i in range(16):
                m[i * 4096] = k
            os.sched_yield()
        os._exit(0)
    kids.append(p)
open(sys.argv[1] + "/ready", "w").write(str(os.getpid()))
while not os.path.exists(stop):
    for i in range(16, 20):
        m[i * 4096] = 9
    os.sched_yield()
for p in kids:
    os.waitpid(p, 0)
EOF
	python3 "$T/shared.py" "$T" &
	WPID=$!
	wait_for test -s "$T/ready"
	"$sdtop" -b --json -T -n 4 -i 0.2 --bandwidth 1Gbit "$WPID" \
	    >"$T/shared.jsonl" 2>"$T/shared.err"
	st=$?
	touch "$T/stop"
	wait "$WPID"
	WPID=
	if [ "$st" -ne 0 ]; then
		fail "sdtop -T PID: status $st: $(head -n 2 "$T/shared.err")"
	else
		# A cycle of four processes whose pages written in the
		# mapping count once: fewer than the processes' own sum.
		jq -e -s 'map(select(.nproc == 4 and .shared_dirty_pages > 0
		    and .dirty_pages < (.processes | map(.dirty_pages) |
		    add))) | length > 0' "$T/shared.jsonl" >/dev/null ||
		    fail "no cycle counts the shared pages once:" \
		    "$(jq -c '[.nproc, .dirty_pages, .shared_dirty_pages]' \
		    "$T/shared.jsonl" | tr '\n' ' ')"
		same shared.jsonl
	fi
else
	echo "note: python3 is not here: no live run of a shared mapping"
fi

finish
