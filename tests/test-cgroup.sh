#!/bin/sh
# test-cgroup.sh - sdtop --cgroup DIR watches exactly the processes of the
# cgroup DIR and of the directories below it, and sees what each writes.
#
# In a cgroup directory made for the test (cgroup v2 where it can be
# written: /sys/fs/cgroup on a pure v2 system, /sys/fs/cgroup/unified on a
# hybrid one; else a v1 hierarchy), two ground-truth workloads in DIR and
# one in DIR/sub, each writing its own set of pages (tests/workload,
# phases 1-3), and one more outside:
#  - for every method this kernel and user have, every cycle lists
#    exactly the processes of DIR and DIR/sub (their cgroup.procs), the
#    set says it is that cgroup, and each process's written pages are
#    exactly its workload's (tests/gtcheck, cycle by cycle);
#  - while sdtop runs, the one outside is moved in and one inside is moved
#    out: the first is listed from some cycle on, "joined" there only,
#    exact from that cycle; the second is listed until one cycle that
#    says it left ("exited", moved out of the cgroup), then never again,
#    and sdtop leaves nothing in it (no userfaultfd); the others are
#    listed every cycle;
#  - an empty cgroup is watched all the same: -n 2 prints 2 cycles of no
#    process and exits 0;
#  - a cgroup removed while watched ends the run: its last cycle says its
#    processes left as "the cgroup was removed", and sdtop exits 0.
# Every workload comes out whole. The directories are removed at the end.
#
# Exits 77 (skip), saying why, only when no cgroup hierarchy is writable.

set -u
name=test-cgroup
. "${srcdir:-.}/tests/test-live-lib.sh"
need "$sdtop" "$workload" "$gtcheck"
need_jq

dir=
W=
cleanup_more() {
	for p in $W; do
		kill -9 "$p" 2>/dev/null
	done
	for p in $W; do
		wait "$p" 2>/dev/null
	done
	[ -n "$dir" ] || return 0
	for d in "$dir/empty" "$dir/gone" "$dir/sub" "$dir"; do
		[ -d "$d" ] || continue
		wait_for rmdir "$d" 2>/dev/null ||
		    echo "note: $d could not be removed"
	done
}

# The first hierarchy a directory can be made in: v2, then v1.
base=
tried=
for cand in /sys/fs/cgroup /sys/fs/cgroup/unified /sys/fs/cgroup/pids \
    /sys/fs/cgroup/systemd /sys/fs/cgroup/cpu /sys/fs/cgroup/memory; do
	[ -f "$cand/cgroup.procs" ] || continue
	if mkdir "$cand/sdtop-test.$$" 2>/dev/null; then
		base=$cand
		dir=$cand/sdtop-test.$$
		break
	fi
	tried="$tried $cand"
done
if [ -z "$base" ]; then
	echo "SKIP: no cgroup hierarchy is writable here (tried:${tried:- none found})"
	exit 77
fi
mkdir "$dir/sub" "$dir/empty" || { echo "FAIL: mkdir under $dir"; exit 1; }
echo "cgroup: $dir"

# start_w NAME PHASE: a workload in phase PHASE, its output in
# $T/NAME.out, its PID in $pid.
start_w() {
	"$workload" --phase "$2" > "$T/$1.out" 2>&1 &
	pid=$!
	W="$W $pid"
	wait_line "^phase $2 " "$T/$1.out" ||
	    { echo "FAIL: workload $1 did not start"; exit 1; }
}

# move PID DIR: put the process in the cgroup DIR.
move() {
	echo "$1" > "$2/cgroup.procs" ||
	    { echo "FAIL: cannot move $1 into $2"; exit 1; }
}

start_w a 1; A=$pid
start_w b 2; B=$pid
start_w c 3; C=$pid
start_w o 1; O=$pid
move "$A" "$dir"
move "$B" "$dir"
move "$C" "$dir/sub"

# The processes of the cgroup now, sorted, on one line.
members() {
	cat "$dir/cgroup.procs" "$dir/sub/cgroup.procs" | sort -n | tr '\n' ' '
}

# listed RUN: per cycle, the PIDs listed and not gone, sorted.
listed() {
	jq -r '[.processes[] | select(.exited != true) | .pid] | sort |
	    map(tostring) | join(" ") + " "' "$1"
}

# judge RUN PID NAME LABEL: the workload NAME's pages, every cycle PID is
# listed and not gone, against its phase line (tests/gtcheck).
judge() {
	jq -c --argjson p "$2" '. as $c | .processes[] |
	    select(.pid == $p and .exited != true) | . + {cycle: $c.cycle,
	    page_size: $c.page_size, clear_time: $c.clear_time}' "$1" \
	    > "$T/one.jsonl"
	if "$gtcheck" "$(grep '^phase ' "$T/$3.out" | tail -n 1)" \
	    "$T/one.jsonl" > "$T/gt" 2>&1; then
		echo "$4: $3 ($2): $(cat "$T/gt")"
	else
		fail "$4: $3 ($2): $(head -n 5 "$T/gt")"
	fi
}

methods=
"$sdtop" --probe > "$T/probe" 2>&1
grep -q '^soft-dirty  *yes' "$T/probe" && methods="$methods soft-dirty"
grep -q '^uffd-wp  *yes' "$T/probe" && methods="$methods uffd-wp"
grep -q '^process_vm_readv  *yes' "$T/probe" && methods="$methods hash"

# Who is in the cgroup does not change: every cycle, exactly them.
want=$(members)
[ "$want" = "$(printf '%s\n' "$A" "$B" "$C" | sort -n | tr '\n' ' ')" ] ||
    fail "the cgroup holds $want, not $A $B $C"
for m in $methods; do
	run=$T/static-$m.jsonl
	"$sdtop" -b --json --cgroup "$dir" -m "$m" -n 3 -i 0.2 > "$run" \
	    2> "$T/err" || { fail "$m: sdtop exited $?: $(cat "$T/err")"; continue; }
	[ "$(grep -c . "$run")" -eq 3 ] || fail "$m: not 3 cycles"
	listed "$run" | while read -r got; do
		[ "$got " = "$want" ] || echo "listed: $got"
	done > "$T/diff"
	[ -s "$T/diff" ] && fail "$m: a cycle does not list exactly $want: $(head -n 2 "$T/diff")"
	jq -e --arg d "$dir" 'select(.set.kind != "cgroup" or .set.cgroup != $d
	    or .pid != 0 or .exited or .nproc != 3 or any(.processes[];
	    .joined or .exited or .error != null or .method != "'"$m"'"))' \
	    "$run" > /dev/null && fail "$m: a cycle is not of cgroup $dir, or a process in it joined, left or failed"
	judge "$run" "$A" a "$m"
	judge "$run" "$B" b "$m"
	judge "$run" "$C" c "$m"
	[ "$(members)" = "$want" ] || fail "$m: the cgroup changed during the run"
done

# Moved in and moved out while watched, under the method that injects
# when there is one (leaving must take its userfaultfd out).
m=hash
echo "$methods" | grep -q uffd-wp && m=uffd-wp
run=$T/moves.jsonl
: > "$run"
"$sdtop" -b --json --cgroup "$dir" -m "$m" -n 300 -i 0.2 > "$run" \
    2> "$T/err" &
SPID=$!
# has JQ N: at least N cycles of the run so far are such that JQ.
has() {
	[ "$(jq -s "[.[] | select($1)] | length" "$run" 2>/dev/null ||
	    echo 0)" -ge "$2" ]
}
wait_for has true 1 || fail "moves: no first cycle: $(cat "$T/err")"
move "$O" "$dir"
wait_for has "any(.processes[]; .pid == $O)" 2 ||
    fail "moves: $O moved in is not listed"
move "$A" "$base"
if wait_for has "any(.processes[]; .pid == $A and .exited)" 1; then
	# It was let go at the clear before that cycle was printed.
	uffd_gone "$A" || fail "moves: $A left with a userfaultfd in it"
	grep -q '^TracerPid:[[:space:]]*0$' "/proc/$A/status" ||
	    fail "moves: $A left traced"
else
	fail "moves: $A moved out is never said to have left"
fi
n=$(jq -s length "$run" 2>/dev/null || echo 0)
wait_for has true $((n + 2)) || fail "moves: no two more cycles"
kill -INT "$SPID"
wait "$SPID"
st=$?
SPID=
[ $st -eq 0 ] || fail "moves: sdtop exited $st on SIGINT: $(cat "$T/err")"
# Per cycle: A's state, O's state, the others listed.
jq -r --argjson a "$A" --argjson o "$O" '
	def st($p): [.processes[] | select(.pid == $p)] |
	    if length == 0 then "-"
	    elif .[0].exited then (if (.[0].error // "" |
		test("moved out")) then "left" else "exited:\(.[0].error)" end)
	    elif .[0].error != null then "error:\(.[0].error)"
	    elif .[0].joined then "joined" else "in" end;
	[st($a), st($o), ([.processes[] | select(.pid != $a and
	    .pid != $o) | .pid] | sort | map(tostring) | join(",")),
	    (.nproc == (.processes | length) and .set.kind == "cgroup" and
	    .exited == false | tostring)] | join(" ")' "$run" > "$T/states" ||
    fail "moves: the run cannot be read"
others=$(printf '%s\n' "$B" "$C" | sort -n | tr '\n' ',' | sed 's/,$//')
seq_a=$(awk '{ printf "%s ", $1 }' "$T/states")
seq_o=$(awk '{ printf "%s ", $2 }' "$T/states")
echo "moves ($m): $A moved out: $seq_a"
echo "moves ($m): $O moved in: $seq_o"
echo "$seq_a" | grep -Eq '^(in )+left (- )+$' ||
    fail "moves: $A is not listed until one cycle that says it left"
echo "$seq_o" | grep -Eq '^(- )+joined (in )+$' ||
    fail "moves: $O does not join once and stay"
awk -v o="$others" '$3 != o || $4 != "true"' "$T/states" | grep -q . &&
    fail "moves: a cycle lists others than $others, or is not the cgroup's"
judge "$run" "$A" a "moves"
judge "$run" "$B" b "moves"
judge "$run" "$C" c "moves"
judge "$run" "$O" o "moves"

# An empty cgroup: its cycles, with no process.
"$sdtop" -b --json --cgroup "$dir/empty" -n 2 -i 0.1 > "$T/empty.jsonl" \
    2> "$T/err" || fail "empty: sdtop exited $?: $(cat "$T/err")"
jq -e -s 'length == 2 and all(.[]; .nproc == 0 and
    (.processes | length) == 0 and .exited == false)' "$T/empty.jsonl" \
    > /dev/null || fail "empty: not 2 cycles of no process"

# A cgroup removed while watched: its processes have left it, and the run
# ends (exit 0) with a cycle that says so. Workload c moves to DIR/gone,
# which is emptied and removed while sdtop watches it.
mkdir "$dir/gone" && echo "$C" > "$dir/gone/cgroup.procs" ||
    fail "gone: cannot make $dir/gone"
"$sdtop" -b --json --cgroup "$dir/gone" -i 0.1 -n 100000 \
    > "$T/gone.jsonl" 2> "$T/err" &
SPID=$!
wait_for test -s "$T/gone.jsonl" || fail "gone: sdtop printed no cycle"
echo "$C" > "$dir/cgroup.procs" && rmdir "$dir/gone" ||
    fail "gone: cannot remove $dir/gone"
wait_for pid_dead "$SPID" || fail "gone: sdtop did not end"
wait "$SPID"
st=$?
SPID=
[ $st -eq 0 ] || fail "gone: sdtop exited $st: $(cat "$T/err")"
jq -e -s --argjson c "$C" '(.[-1] | .exited and
    (.processes | map(select(.pid == $c and .exited and
    .error == "the cgroup was removed")) | length) == 1) and
    (.[:-1] | all(.[]; .exited == false))' "$T/gone.jsonl" > /dev/null ||
    fail "gone: the last cycle does not say that the cgroup was removed"

for w in a b c o; do
	eval "p=\$$(echo $w | tr a-z A-Z)"
	uffd_gone "$p" || fail "$w ($p) holds a userfaultfd after sdtop"
	kill -USR2 "$p"
	wait "$p"
	st=$?
	[ $st -eq 0 ] && grep -q '^alive ' "$T/$w.out" ||
	    fail "$w ($p) was harmed (status $st): $(tail -n 1 "$T/$w.out")"
done
W=
finish
