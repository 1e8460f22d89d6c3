#!/bin/sh
# test-set-survive.sh - a tree of processes watched with -T under uffd-wp
# (the method that injects a userfaultfd into each process) comes out of
# every way sdtop can end whole: each process checks its own memory at
# the end and its exit status says so (tests/tree-target: the root reaps
# them all and exits 0 only when every process of the tree did).
#
# One tree (a root and two children; a child and a grandchild forked while
# watched) is watched again and again, and sdtop ends:
#  - by SIGINT and by SIGTERM after two cycles (exit 0);
#  - by SIGKILL inside its start-up injections (as soon as a process of
#    the tree has a tracer), until three kills landed inside one (at most
#    20 tries); after two cycles; inside the injections that let two
#    processes forked while watched join; and inside the injections that
#    remove its userfaultfds after a SIGTERM (as many times);
#  - by SIGINT right after a process forked, before it joined (it holds a
#    copy of its parent's userfaultfd, which must go too);
#  - by itself, when every process of the set has exited: one child
#    exits first (the cycle after says so), then all the rest.
# After each end, every process must be running, not stopped, untraced,
# and hold no userfaultfd (after SIGKILL the injector, which outlives
# sdtop, removes them); while watched each held exactly one. At least one
# kill of the start-up and one of the removal must land inside an
# injection, or the test proves nothing.
#
# Exits 77 (skip) with one line when the kernel or user cannot do uffd-wp.

set -u
name=test-set-survive
. "${srcdir:-.}/tests/test-live-lib.sh"
target=$b/tests/tree-target
need "$sdtop" "$target"
need_uffd

"$target" > "$T/tree.out" 2>&1 &
WPID=$!
for n in R C1 C2; do
	wait_line "^ready $n " "$T/tree.out" ||
	    { echo "FAIL: the tree did not start: $(cat "$T/tree.out")"; exit 1; }
done

# The PIDs of the tree's processes that are ready and have not exited.
pids() {
	awk '$1 == "ready" { p[$3] = 1 } $1 == "exit" || $1 == "reaped" {
	    delete p[$3] } END { for (x in p) print x }' "$T/tree.out" |
	    sort -n
}

# How each process is: its state, tracer and userfaultfds.
describe() {
	for p in $(pids); do
		echo "  $p: $(grep -E '^(State|TracerPid):' "/proc/$p/status" |
		    tr '\n\t' '  ') uffd $(uffd_count "$p")"
	done
}

# Every process runs, untraced, with no userfaultfd (those found harmed
# before are not judged again).
harmed=" "
sane() {
	grep -q '^State:[[:space:]]*[RSD]' "/proc/$1/status" 2>/dev/null &&
	    grep -q '^TracerPid:[[:space:]]*0$' "/proc/$1/status" &&
	    uffd_gone "$1"
}
all_sane() {
	for p in $(pids); do
		case $harmed in *" $p "*) continue ;; esac
		sane "$p" || return 1
	done
	return 0
}
# Every process holds exactly one userfaultfd: sdtop's.
all_watched() {
	for p in $(pids); do
		case $harmed in *" $p "*) continue ;; esac
		[ "$(uffd_count "$p")" -eq 1 ] || return 1
	done
	return 0
}

# check LABEL: the tree came out of sdtop's end whole, so far.
check() {
	if ! wait_for all_sane; then
		fail "$1: a process of the tree is harmed:"
		describe
		for p in $(pids); do
			sane "$p" || harmed="$harmed$p "
		done
		return 1
	fi
	kill -0 "$WPID" 2>/dev/null || fail "$1: the root is gone"
	grep -q '^corrupt\|^error' "$T/tree.out" &&
	    fail "$1: $(grep '^corrupt\|^error' "$T/tree.out")"
	return 0
}

start_sdtop() {
	: > "$T/s.out"
	"$sdtop" -b -m uffd-wp -i 0.1 -n 1000000 -T "$WPID" > "$T/s.out" \
	    2> "$T/s.err" &
	SPID=$!
}

# start_held: the same, held before it runs until $T/go is written.
start_held() {
	rm -f "$T/go"
	mkfifo "$T/go" || exit 1
	: > "$T/s.out"
	sh -c 'read x < "$1"; shift; exec "$@"' sh "$T/go" "$sdtop" -b \
	    -m uffd-wp -i 0.1 -n 1000000 -T "$WPID" > "$T/s.out" \
	    2> "$T/s.err" &
	SPID=$!
}

cycles_at_least() {
	[ "$(grep -c '^cycle ' "$T/s.out")" -ge "$1" ]
}

# stop_after SIG LABEL WANT: after two cycles (each process watched), SIG;
# sdtop must exit with WANT.
stop_after() {
	start_sdtop
	if ! wait_for cycles_at_least 2; then
		fail "$2: no two cycles: $(cat "$T/s.err")"
	elif ! all_watched; then
		fail "$2: a process is not watched by one userfaultfd:"
		describe
	fi
	kill "-$1" "$SPID"
	wait "$SPID"
	st=$?
	SPID=
	[ $st -eq "$3" ] || fail "$2: sdtop exited $st: $(cat "$T/s.err")"
	check "$2" && echo "$2: the tree is whole"
}

# kill_inside LABEL GO [--first SIG] PID...: SIGKILL sdtop inside an
# injection into one of the PIDs, once the killer watches them and GO
# (a command) has let sdtop go on; counts the kills that landed inside.
inside=0
kill_inside() {
	label=$1
	go=$2
	shift 2
	"$target" --kill-traced "$@" > "$T/k.out" 2>&1 &
	kpid=$!
	wait_line '^watching' "$T/k.out" || fail "$label: no killer"
	$go
	wait "$kpid"
	# A kill that missed (sdtop got through first): sdtop still runs.
	kill -KILL "$SPID" 2>/dev/null
	wait "$SPID"
	SPID=
	if grep -q '^inside ' "$T/k.out"; then
		inside=$((inside + 1))
		where="inside an injection into $(awk '$1 == "inside" {
		    print $2 }' "$T/k.out")"
	else
		where="outside any injection"
	fi
	echo "$label: killed $where"
	check "$label" && echo "$label: the tree is whole"
}

release() {
	echo go > "$T/go"
}

resume() {
	kill -CONT "$SPID"
}

stop_after INT "SIGINT" 0
stop_after TERM "SIGTERM" 0

k=0
while [ $k -lt 20 ] && [ $inside -lt 3 ]; do
	start_held
	kill_inside "SIGKILL at start-up" release KILL "$SPID" $(pids)
	k=$((k + 1))
done
[ $inside -ge 1 ] || fail "no start-up kill landed inside an injection"
start_inside="$inside of $k"

stop_after KILL "SIGKILL after two cycles" 137

# Two processes forked while watched, killed as they join: sdtop is
# stopped (no injection is under way once every process is in) while
# they start and the killer begins to watch them.
start_sdtop
wait_for cycles_at_least 2 || fail "join: no two cycles: $(cat "$T/s.err")"
kill -STOP "$SPID"
kill -USR1 "$WPID"
wait_line '^ready G3 ' "$T/tree.out" || fail "join: C3 and G3 did not start"
kill_inside "SIGKILL as C3 and G3 join" resume KILL "$SPID" \
    $(awk '$1 == "ready" && ($2 == "C3" || $2 == "G3") { print $3 }' \
    "$T/tree.out")

# Ended (SIGINT) after two processes were forked, before they joined:
# what they inherited of sdtop from their parent is taken out all the same.
start_sdtop
wait_for cycles_at_least 2 || fail "fork: no two cycles: $(cat "$T/s.err")"
kill -STOP "$SPID"
kill -USR1 "$(awk '$1 == "ready" && $2 == "C2" { print $3 }' "$T/tree.out")"
wait_line '^ready G2 ' "$T/tree.out" || fail "fork: G2 did not start"
kill -INT "$SPID"
kill -CONT "$SPID"
wait "$SPID"
st=$?
SPID=
[ $st -eq 0 ] || fail "fork: sdtop exited $st: $(cat "$T/s.err")"
check "SIGINT before G2 joins" && echo "SIGINT before G2 joins: the tree is whole"

inside=0
k=0
while [ $k -lt 20 ] && [ $inside -lt 3 ]; do
	start_sdtop
	wait_for cycles_at_least 1 || fail "removal: no cycle"
	kill_inside "SIGKILL in the removal" true --first TERM KILL "$SPID" \
	    $(pids)
	k=$((k + 1))
done
[ $inside -ge 1 ] || fail "no kill in the removal landed inside an injection"
echo "kills inside an injection: $start_inside at start-up, $inside of $k in the removal"

# The set's own processes exit: C2 first, then all; sdtop ends by itself.
start_sdtop
wait_for cycles_at_least 2 || fail "exits: no two cycles: $(cat "$T/s.err")"
all_watched || { fail "exits: a process is not watched"; describe; }
c2=$(awk '$1 == "ready" && $2 == "C2" { print $3 }' "$T/tree.out")
kill -TERM "$c2"
wait_line "^reaped C2 $c2 0\$" "$T/tree.out" ||
    fail "exits: C2 did not exit whole: $(grep C2 "$T/tree.out" | tail -n 2)"
wait_line "^process $c2 (tree-target): exited" "$T/s.out" ||
    fail "exits: no cycle says C2 exited"
for p in $(pids); do
	kill -USR2 "$p"
done
wait "$WPID"
st=$?
WPID=
[ $st -eq 0 ] || fail "exits: the tree ended with status $st: $(grep -v '^region' "$T/tree.out" | tail -n 12)"
wait_for pid_dead "$SPID" || fail "exits: sdtop did not end with the set"
wait "$SPID"
st=$?
SPID=
[ $st -eq 0 ] || fail "exits: sdtop exited $st: $(cat "$T/s.err")"
echo "exits: every process checked its memory: $(grep -c '^final .* ok ' "$T/tree.out") whole at the end, $(grep -c '^exit .* ok$' "$T/tree.out") before"
finish
