#!/bin/sh
# test-exec.sh - a watched process that runs a new program (execve) is
# followed: the cycle it happens in says "exec": true with the new name,
# the method is attached to the new image, and every cycle that began
# after the new program was set up is exact against its ground truth.
#
# The programs sdtop starts are wrappers that exec the workload, as shell
# scripts, env, pyenv shims and launchers do: `sh -c 'exec WORKLOAD'`,
# `env WORKLOAD`, and the workload re-running itself (--exec-self). For
# every method this kernel has. Also: --until-converged never reports
# convergence from the empty map of the exec cycle and starts its history
# again with the new program, and a PID watched from outside is followed
# the same way.

set -u
name=test-exec
. "${srcdir:-.}/tests/test-live-lib.sh"
need "$sdtop" "$workload" "$gtcheck"
need_jq

# cycles_since FILE T: how many cycles of FILE began at T or later.
cycles_since() {
	jq -s --argjson t "$2" '[.[] | select(.exited != true and
	    .clear_time >= $t)] | length' "$1" 2>/dev/null || echo 0
}

has_cycles() {
	[ "$(cycles_since "$1" "$2")" -ge "$3" ]
}

# The methods this kernel and user have.
methods=
"$sdtop" --probe > "$T/probe" 2>&1
grep -q '^soft-dirty  *yes' "$T/probe" && methods="$methods soft-dirty"
grep -q '^uffd-wp  *yes' "$T/probe" && methods="$methods uffd-wp"
grep -q '^process_vm_readv  *yes' "$T/probe" && methods="$methods hash"
[ -n "$methods" ] || { echo "SKIP: no method works here"; exit 77; }

# run_wrapped LABEL METHOD WRAPPER...: sdtop starts WRAPPER (whose last
# word runs the workload, its output in $T/wl.out), which execs the
# workload in phase 1 (it writes the even pages of its buffer, again and
# again). Judge the cycles after the exec, then have the workload verify
# itself, which ends the run.
run_wrapped() {
	label=$1
	m=$2
	shift 2
	: > "$T/wl.out"
	"$sdtop" -b --json -m "$m" -i 0.15 -n 200 -- "$@" \
	    > "$T/run.jsonl" 2> "$T/err" &
	SPID=$!
	if ! wait_for grep -q '^phase 1 ' "$T/wl.out"; then
		fail "$label: the workload did not start: $(cat "$T/err")"
		kill "$SPID"; wait "$SPID"; SPID=
		return
	fi
	t0=$(date +%s.%N)
	wait_for has_cycles "$T/run.jsonl" "$t0" 3 ||
	    fail "$label: no 3 cycles after the exec: $(cat "$T/err")"
	wpid=$(awk '/^ready /{print $2}' "$T/wl.out")
	kill -USR2 "$wpid"
	wait "$SPID"
	st=$?
	SPID=
	[ $st -eq 0 ] || fail "$label: sdtop status $st: $(cat "$T/err")"
	grep -q '^alive ' "$T/wl.out" ||
	    fail "$label: the workload is harmed: $(tail -n 1 "$T/wl.out")"
	if ! "$gtcheck" "$(grep '^phase 1 ' "$T/wl.out")" "$T/run.jsonl" \
	    --after-exec --since "$t0" > "$T/gt" 2>&1; then
		fail "$label: $(head -n 3 "$T/gt")"
		return
	fi
	# The exec cycle: says so, names the new program, judges nothing.
	jq -e -s '[.[] | select(.exec)] | length >= 1 and
	    (last.comm == "workload") and all(.converged == false)' \
	    "$T/run.jsonl" > /dev/null 2>&1 ||
	    fail "$label: the exec cycle is not as it should be"
	[ "$(jq -r -s 'map(select(.exec == false and .exited == false)) |
	    last | .comm' "$T/run.jsonl")" = workload ] ||
	    fail "$label: the name did not follow the exec"
	echo "$label: $(cat "$T/gt")"
}

for m in $methods; do
	run_wrapped "$m, sh -c exec" "$m" sh -c \
	    "exec '$workload' --phase 1 > '$T/wl.out'"
	run_wrapped "$m, env" "$m" sh -c \
	    "exec env '$workload' --phase 1 > '$T/wl.out'"
	run_wrapped "$m, re-exec of itself" "$m" sh -c \
	    "exec '$workload' --exec-self --phase 1 > '$T/wl.out'"
done

# --until-converged: the exec cycle (nothing tracked) never converges,
# convergence is only reported on a cycle that tracked pages, and the
# history starts again with the new program. sh waits on a FIFO, writing
# nothing, while sdtop watches its PID; it runs sleep, which writes
# nothing once set up, in a known cycle: sdtop's output is a FIFO filled
# up beforehand, so sdtop stops at printing its first cycle (which --record
# has then written) until the test reads it, which it does once sleep
# runs. A zero before the exec (sh's cycle, as a rule) and zeros after
# it: a history that kept sh's cycle, or counted the exec cycle, would
# converge before the rule says it may. Every cycle after the exec is
# judged against the rule applied to the counts printed after it.
sh_waits() {
	[ -e "$T/ready" ] &&
	    grep -q '^State:[[:space:]]*S' "/proc/$1/status" 2>/dev/null
}
comm_is() {
	[ "$(cat "/proc/$1/comm" 2>/dev/null)" = "$2" ]
}
lines_in() {
	[ "$(wc -l < "$1")" -ge "$2" ]
}

# run_converge: that run, its cycles in $T/conv.jsonl; 1 (having said
# why) when it could not be made.
run_converge() {
	mkfifo "$T/go" "$T/out"
	: > "$T/conv.jsonl"
	sh -c "echo > '$T/ready'; read x < '$T/go'; exec sleep 600" &
	WPID=$!
	if ! wait_for sh_waits "$WPID"; then
		fail "--until-converged: sh did not start"
		kill "$WPID"
		WPID=
		return 1
	fi
	# The test holds the FIFO open both ways (no open of it waits) and
	# fills it; the processes it starts do not inherit that descriptor.
	exec 3<> "$T/out"
	dd if=/dev/zero of="$T/out" bs=1M count=4 oflag=nonblock \
	    2> /dev/null 3<&-
	"$sdtop" -b --json --until-converged -n 40 -i 0.1 --window 3 \
	    --tolerance 10 --record "$T/conv.jsonl" "$WPID" > "$T/out" \
	    2> "$T/err" 3<&- &
	SPID=$!
	wait_for lines_in "$T/conv.jsonl" 1 &&
	    echo go > "$T/go" &&
	    wait_for comm_is "$WPID" sleep ||
	    fail "--until-converged: no exec after the first cycle: $(cat "$T/err")"
	cat "$T/out" > /dev/null 3<&- &
	TPID=$!
	wait "$SPID"
	st=$?
	SPID=
	exec 3<&-
	wait "$TPID"
	TPID=
	kill "$WPID"
	wait "$WPID" 2> /dev/null
	WPID=
	rm -f "$T/go" "$T/out" "$T/ready"
	[ $st -eq 0 ] && return 0
	fail "--until-converged across an exec: status $st: $(cat "$T/err")"
	return 1
}

# The rule (history.c): the last W counts all within +-T of their mean.
if run_converge && ! jq -e -s --argjson w 3 --argjson tol 0.10 '
    def abs: if . < 0 then -. else . end;
    def conv: length >= $w and (.[-$w:] as $l | ($l | add / $w) as $m |
        all($l[]; (. - $m | abs) <= $tol * $m));
    (map(.exec) | index(true)) as $e |
    $e != null and
    (.[:$e] | all(.converged == false)) and
    (last | .converged and .tracked_pages > 0 and .comm == "sleep") and
    all(select(.exec) | .converged == false) and
    (reduce .[$e + 1:][] as $s ({c: [], ok: true};
        if $s.tracked_pages > 0 and ($s.exec | not) then
            .c += [$s.dirty_pages] | .ok = (.ok and
            ($s.converged == (.c | conv)))
        else .ok = (.ok and ($s.converged == false)) end) | .ok)' \
    "$T/conv.jsonl" > /dev/null 2>&1; then
	fail "--until-converged across an exec: $(jq -c -s 'map({cycle, exec, comm, tracked_pages, dirty_pages, converged})' "$T/conv.jsonl")"
fi
jq -r -s '(map(.exec) | index(true)) as $e | "--until-converged across" +
    " an exec: exec in cycle \(.[$e].cycle) after \(.[:$e] | map(select(
    .tracked_pages > 0)) | length) counted cycles, converged at cycle" +
    " \(last.cycle)"' "$T/conv.jsonl" 2>/dev/null

# A PID watched from outside, which execs while watched.
for m in $methods; do
	: > "$T/wl.out"
	rm -f "$T/ready"
	mkfifo "$T/fifo"
	sh -c "echo > '$T/ready'; read x < '$T/fifo'; exec '$workload' \
	    --phase 1 > '$T/wl.out'" &
	WPID=$!
	# sdtop watches sh, waiting on the FIFO (not the shell that starts it).
	wait_for sh_waits "$WPID" || fail "$m, PID: sh did not start"
	"$sdtop" -b --json -m "$m" -i 0.15 -n 200 "$WPID" > "$T/pid.jsonl" \
	    2> "$T/err" &
	SPID=$!
	wait_for has_cycles "$T/pid.jsonl" 0 2 ||
	    fail "$m, PID: no cycle before the exec: $(cat "$T/err")"
	echo go > "$T/fifo"
	rm -f "$T/fifo"
	wait_for grep -q '^phase 1 ' "$T/wl.out" ||
	    fail "$m, PID: the workload did not start"
	t0=$(date +%s.%N)
	wait_for has_cycles "$T/pid.jsonl" "$t0" 3 ||
	    fail "$m, PID: no 3 cycles after the exec: $(cat "$T/err")"
	kill -USR2 "$WPID"
	wait "$WPID"
	WPID=
	wait "$SPID"
	SPID=
	grep -q '^alive ' "$T/wl.out" || fail "$m, PID: the workload is harmed"
	"$gtcheck" "$(grep '^phase 1 ' "$T/wl.out")" "$T/pid.jsonl" \
	    --after-exec --since "$t0" > "$T/gt" 2>&1 ||
	    fail "$m, PID: $(head -n 3 "$T/gt")"
	tail -n 1 "$T/pid.jsonl" | jq -e '.exited' > /dev/null ||
	    fail "$m, PID: the run did not end with the exit"
	echo "$m, a PID that execs: $(cat "$T/gt")"
done

# A process whose main thread has exited (pthread_exit) while another
# runs on: read through that one, exactly, by every method but uffd-wp
# (which says why it cannot).
if [ -x "$b/tests/leader-exit" ]; then
	"$b/tests/leader-exit" > "$T/le.out" &
	WPID=$!
	wait_for grep -q '^time ' "$T/le.out" || fail "leader-exit did not start"
	t0=$(awk '/^time /{print $2}' "$T/le.out")
	for m in $methods; do
		[ "$m" = uffd-wp ] && continue
		"$sdtop" -b --json -m "$m" -n 3 -i 0.15 "$WPID" > "$T/le.jsonl" \
		    2> "$T/err" || fail "main thread gone, $m: $(cat "$T/err")"
		"$gtcheck" "$(grep '^phase 1 ' "$T/le.out")" "$T/le.jsonl" \
		    --since "$t0" > "$T/gt" 2>&1 ||
		    fail "main thread gone, $m: $(head -n 3 "$T/gt")"
		echo "$m, a process whose main thread has exited: $(cat "$T/gt")"
	done
	"$sdtop" -b -n 1 -m uffd-wp "$WPID" > /dev/null 2> "$T/err"
	grep -q "the main thread of PID $WPID has exited" "$T/err" ||
	    fail "main thread gone, uffd-wp: $(cat "$T/err")"
	kill "$WPID"
	wait "$WPID" 2>/dev/null
	WPID=
fi

finish
