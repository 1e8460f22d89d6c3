#!/bin/sh
# test-set-vfork.sh - a process that shares its parent's address space
# (the child of vfork(), before it runs a program) is not watched apart:
# under -T it never appears in the set while it shares it, and sdtop puts
# nothing in it. Once it runs its program it joins, with one userfaultfd
# (sdtop's), and sdtop leaves nothing in either process when it ends. The
# parent checks its own memory at the end. And sdtop never watches itself
# or its injector, which are in the tree of the shell that starts it.

set -u
name=test-set-vfork
. "${srcdir:-.}/tests/test-live-lib.sh"
target=$b/tests/vfork-target
need "$sdtop" "$target"
need_jq
need_uffd

CPID=
cleanup_more() {
	[ -n "$CPID" ] && kill -9 "$CPID" 2>/dev/null
}

# lines_with PID: how many cycles list PID among the processes.
lines_with() {
	jq -s --argjson p "$1" '[.[] | select(any(.processes[]?;
	    .pid == $p))] | length' "$T/out.jsonl" 2>/dev/null || echo 0
}

# cycles_after T: cycles whose clear began at Unix time T or later.
cycles_after() {
	jq -s --argjson t "$1" '[.[] | select(.clear_time >= $t)] |
	    length' "$T/out.jsonl" 2>/dev/null || echo 0
}

at_least() {
	[ "$("$1" "$2")" -ge "$3" ]
}

"$target" "$T" > "$T/target.out" 2>&1 &
WPID=$!
wait_for test -e "$T/ready" || fail "the target did not start"
"$sdtop" -b --json -m uffd-wp -i 0.1 -T "$WPID" > "$T/out.jsonl" \
    2> "$T/err" &
SPID=$!
wait_for test -s "$T/out.jsonl" || fail "sdtop printed no cycle: $(cat "$T/err")"
touch "$T/go"
wait_for test -s "$T/child" || fail "the child of vfork() did not start"
CPID=$(cat "$T/child")
t0=$(date +%s.%N)
# Three whole cycles while the child shares the parent's address space.
wait_for at_least cycles_after "$t0" 3 ||
    fail "sdtop made no cycles while the child waited: $(cat "$T/err")"
n=$(lines_with "$CPID")
[ "$n" -eq 0 ] ||
    fail "the child of vfork() was watched apart in $n cycles while it shared its parent's memory"
[ "$(uffd_count "$CPID")" -le "$(uffd_count "$WPID")" ] ||
    fail "sdtop put a userfaultfd in the child of vfork()"

touch "$T/exec"
wait_for at_least lines_with "$CPID" 1 ||
    fail "the child did not join once it ran its program"
comm=$(jq -rs --argjson p "$CPID" '[.[] | .processes[]? |
    select(.pid == $p)][0].comm' "$T/out.jsonl")
[ "$comm" = sleep ] || fail "the child joined as '$comm', not sleep"
[ "$(uffd_count "$CPID")" -eq 1 ] ||
    fail "the child holds $(uffd_count "$CPID") userfaultfds, not sdtop's one"

kill -INT "$SPID"
wait "$SPID"
st=$?
SPID=
[ $st -eq 0 ] || fail "sdtop ended with status $st: $(cat "$T/err")"
uffd_gone "$WPID" || fail "a userfaultfd was left in the parent"
uffd_gone "$CPID" || fail "a userfaultfd was left in the child"
touch "$T/stop"
wait "$WPID"
st=$?
WPID=
[ $st -eq 0 ] || fail "the parent's memory was harmed (status $st)"

# The shell's tree holds sdtop and, once it injects, its injector.
SDTOP=$sdtop sh -c 'exec "$SDTOP" -b --json -m uffd-wp -i 0.1 -n 3 -T $PPID' \
    > "$T/self.jsonl" 2> "$T/self.err" ||
    fail "sdtop -T on its own shell failed: $(cat "$T/self.err")"
others=$(jq -r '.processes[] | select(.comm == "sdtop" or
    (.comm | startswith("sdt-"))) | "\(.pid) \(.comm)"' "$T/self.jsonl" |
    sort -u)
[ -z "$others" ] || fail "sdtop watched itself or its injector: $others"
bad=$(jq -r '.processes[] | .vmas[]? | select(.error != null) | .error' \
    "$T/self.jsonl" | sort -u)
[ -z "$bad" ] || fail "a region of the shell failed: $bad"
finish
