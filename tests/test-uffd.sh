#!/bin/sh
# test-uffd.sh - the uffd-wp method on this machine's real kernel, through
# the real sdtop binary, against the ground-truth workload.
#
# For each phase of tests/workload, one `sdtop --batch --json -m uffd-wp`
# run must match the pages the workload says it writes (tests/gtcheck), and
# the workload must then still verify its own memory ("alive"). Also: a
# SIGKILLed sdtop leaves a healthy workload with nothing of sdtop's in it
# (its injector removes it) and the next run works; so does a SIGKILL of
# the injector as well (the next run finds the userfaultfd left behind by
# its mark and removes it); a SIGTERMed sdtop leaves no userfaultfd in the
# target; a second sdtop on the same process says so (or, with auto, uses
# hash); a target's own userfaultfd, with the same flags and features, is
# never touched; a workload exiting mid-run ends the run with status 0 and
# "exited": true; and all of it again as an unprivileged user
# (UFFD_USER_MODE_ONLY).
#
# Exits 77 (skip) with one line when the kernel or user cannot do uffd-wp.

set -u
name=test-uffd
. "${srcdir:-.}/tests/test-live-lib.sh"
need "$sdtop" "$workload" "$gtcheck"
chmod 755 "$T"

# phase_line K: the last "phase K" line of the workload.
phase_line() {
	grep "^phase $1 " "$T/wl.out" | tail -n 1
}

# next_phase K: SIGUSR1, then wait for the "phase K" line.
next_phase() {
	n=$(grep -c "^phase $1 " "$T/wl.out")
	kill -USR1 "$WPID"
	i=0
	while [ "$(grep -c "^phase $1 " "$T/wl.out")" -le "$n" ]; do
		i=$((i + 1))
		[ $i -gt 600 ] && { fail "no phase $1 line"; return 1; }
		sleep 0.05
	done
}

# no_uffd PID LABEL [N]: no more than N (0) userfaultfds in PID, once
# whatever sdtop left running (its injector) is done: wait up to 10 s.
no_uffd() {
	i=0
	while [ "$(uffd_count "$1")" -gt "${3:-0}" ]; do
		i=$((i + 1))
		if [ $i -gt 200 ]; then
			fail "$2: a userfaultfd is left in the target"
			return
		fi
		sleep 0.05
	done
}

# run_sdtop OUT ARGS...: one batch JSON run as $AS.
run_sdtop() {
	out=$1
	shift
	$AS "$sdtop" --batch --json -m uffd-wp "$@" > "$out" 2> "$T/err"
}

# bg_sdtop OUT ARGS...: the same in the background; SPID is sdtop itself.
bg_sdtop() {
	out=$1
	shift
	(exec $AS "$sdtop" --batch --json -m uffd-wp "$@" > "$out" 2> "$T/err") &
	SPID=$!
}

# gt LABEL LINE RUN [--allow-new]
gt() {
	label=$1
	shift
	if ! "$gtcheck" "$@" > "$T/gt.out" 2>&1; then
		fail "$label: $(head -n 3 "$T/gt.out")"
	fi
}

# The whole phase sequence against one workload, as $AS.
phases() {
	who=$1
	start_workload 0 || return
	buf=$(phase_line 0)
	run_sdtop "$T/p0.jsonl" -n 2 -i 0.2 "$WPID"
	st=$?
	if [ $st -ne 0 ] && grep -q 'uffd-wp' "$T/err" && [ -z "$AS" ]; then
		echo "SKIP: $(head -n 1 "$T/err")"
		exit 77
	fi
	[ $st -eq 0 ] || fail "$who phase 0: sdtop status $st: $(cat "$T/err")"
	gt "$who phase 0" "$buf" "$T/p0.jsonl"
	no_uffd "$WPID" "$who after a normal run"
	for k in 1 2 3; do
		next_phase $k || return
		run_sdtop "$T/p$k.jsonl" -n 2 -i 0.2 "$WPID" ||
		    fail "$who phase $k: sdtop status $?: $(cat "$T/err")"
		gt "$who phase $k" "$(phase_line $k)" "$T/p$k.jsonl"
	done
	# Phase 4: the new region appears about 300 ms into the run.
	kill -USR1 "$WPID"
	run_sdtop "$T/p4.jsonl" -n 5 -i 0.2 "$WPID" ||
	    fail "$who phase 4: sdtop status $?: $(cat "$T/err")"
	wait_line '^phase 4 ' "$T/wl.out" || fail "$who: no phase 4 line"
	gt "$who phase 4" "$(phase_line 4)" "$T/p4.jsonl" --allow-new
	# Meanwhile the buffer was left alone: it must read clean.
	gt "$who phase 4 buffer" "$(echo "$buf" | sed 's/^phase 0/phase 4/')" "$T/p4.jsonl"
	no_uffd "$WPID" "$who after phase 4"
	check_alive "$who phases"
	echo "phases 0-4 as $who: checked"
}

phases root

# sdtop SIGKILLed mid-run: the workload stays healthy, its injector
# removes sdtop's userfaultfd, and a new run on the same workload is exact.
start_workload 0 && {
	bg_sdtop "$T/k.jsonl" -n 100 -i 0.2 "$WPID"
	wait_line '"cycle":2' "$T/k.jsonl" || fail "SIGKILL: no cycle"
	kill -9 "$SPID"
	wait "$SPID" 2>/dev/null
	SPID=
	no_uffd "$WPID" "after SIGKILL, by itself"
	next_phase 1
	next_phase 2
	run_sdtop "$T/k2.jsonl" -n 2 -i 0.2 "$WPID" ||
	    fail "run after SIGKILL: status $?: $(cat "$T/err")"
	gt "run after SIGKILL" "$(phase_line 2)" "$T/k2.jsonl"
	no_uffd "$WPID" "run after SIGKILL"
	check_alive "after sdtop was SIGKILLed"
	echo "sdtop SIGKILLed: checked"
}

# sdtop and its injector both SIGKILLed: sdtop's userfaultfd stays in the
# target (it costs a fault per first write, nothing else); the next run
# recognises it by its mark, removes it and is exact.
start_workload 0 && {
	bg_sdtop "$T/k.jsonl" -n 100 -i 0.2 "$WPID"
	wait_line '"cycle":2' "$T/k.jsonl" || fail "injector SIGKILL: no cycle"
	inj=$(pgrep -P "$SPID" -x sdt-injector)
	[ -n "$inj" ] || fail "no injector under sdtop $SPID"
	# Stopped first, so that it cannot see sdtop go and clean up before
	# its own SIGKILL lands (on another CPU, it may).
	kill -STOP $inj
	kill -9 "$SPID"
	kill -9 $inj
	wait "$SPID" 2>/dev/null
	wait_for pid_dead "$inj" || fail "injector SIGKILL: $inj still there"
	SPID=
	[ "$(uffd_count "$WPID")" -eq 1 ] ||
	    fail "injector SIGKILL: $(uffd_count "$WPID") userfaultfds, not 1"
	next_phase 1
	run_sdtop "$T/k3.jsonl" -n 2 -i 0.2 "$WPID" ||
	    fail "run after the injector's SIGKILL: status $?: $(cat "$T/err")"
	gt "run after the injector's SIGKILL" "$(phase_line 1)" "$T/k3.jsonl"
	no_uffd "$WPID" "run after the injector's SIGKILL"
	check_alive "after sdtop and its injector were SIGKILLed"
	echo "sdtop and its injector SIGKILLed: checked"
}

# The injector stopped (SIGSTOP) while sdtop watches: SIGTERM still ends
# sdtop within seconds, saying that the injector will undo its work when
# it goes on; continued, it does.
start_workload 0 && {
	next_phase 1
	bg_sdtop "$T/s.jsonl" -n 1000 -i 0.2 "$WPID"
	wait_line '"cycle":1' "$T/s.jsonl" || fail "stopped injector: no cycle"
	inj=$(pgrep -P "$SPID" -x sdt-injector)
	kill -STOP $inj
	kill -TERM "$SPID"
	i=0
	while kill -0 "$SPID" 2>/dev/null && [ $i -lt 200 ]; do
		i=$((i + 1)); sleep 0.05
	done
	kill -0 "$SPID" 2>/dev/null && fail "stopped injector: sdtop still runs 10 s after SIGTERM"
	wait "$SPID"
	st=$?
	SPID=
	[ $st -eq 1 ] && [ "$(wc -l < "$T/err")" -eq 1 ] &&
	    grep -q "injector process (PID $inj) is stopped.*kill -CONT $inj" "$T/err" ||
	    fail "stopped injector: status $st: $(cat "$T/err")"
	kill -CONT $inj
	no_uffd "$WPID" "stopped injector, continued"
	check_alive "after its sdtop's injector was stopped"
	echo "the injector stopped: checked"
}

# A target with its own userfaultfd, of the same flags and features as
# sdtop's, write-protecting a region of its own: sdtop never touches it
# (the workload checks it is the same file and still exact), and the
# buffer is tracked exactly.
start_workload 0 --own-uffd && {
	next_phase 1
	run_sdtop "$T/o.jsonl" -n 2 -i 0.2 "$WPID" ||
	    fail "own userfaultfd: status $?: $(cat "$T/err")"
	gt "own userfaultfd" "$(phase_line 1)" "$T/o.jsonl"
	no_uffd "$WPID" "own userfaultfd" 1
	bg_sdtop "$T/o2.jsonl" -n 100 -i 0.2 "$WPID"
	wait_line '"cycle":2' "$T/o2.jsonl" || fail "own userfaultfd: no cycle"
	kill -9 "$SPID"
	wait "$SPID" 2>/dev/null
	SPID=
	no_uffd "$WPID" "own userfaultfd, sdtop SIGKILLed" 1
	check_alive "with its own userfaultfd"
	echo "a target's own userfaultfd: checked"
}

# Its own userfaultfd even carries sdtop's mark (owner, signal number):
# without the injector's record of it, it is still never touched, by a
# normal run nor by one after sdtop and its injector were killed.
start_workload 0 --own-uffd-mark 63 && {
	next_phase 1
	bg_sdtop "$T/m.jsonl" -n 100 -i 0.2 "$WPID"
	wait_line '"cycle":2' "$T/m.jsonl" || fail "marked own userfaultfd: no cycle"
	inj=$(pgrep -P "$SPID" -x sdt-injector)
	# Stopped first, so that it cannot see sdtop go and clean up before
	# its own SIGKILL lands (on another CPU, it may).
	kill -STOP $inj
	kill -9 "$SPID"
	kill -9 $inj
	wait "$SPID" 2>/dev/null
	SPID=
	for p in $inj; do
		wait_for pid_dead "$p" || fail "the injector $p outlived SIGKILL"
	done
	run_sdtop "$T/m2.jsonl" -n 2 -i 0.2 "$WPID" ||
	    fail "marked own userfaultfd: status $?: $(cat "$T/err")"
	gt "marked own userfaultfd" "$(phase_line 1)" "$T/m2.jsonl"
	no_uffd "$WPID" "marked own userfaultfd" 1
	check_alive "with its own userfaultfd marked as sdtop's"
	echo "a target's own userfaultfd with sdtop's mark: checked"
}

# SIGTERM to sdtop: it cleans up.
start_workload 0 && {
	next_phase 1
	bg_sdtop "$T/t.jsonl" -n 100 -i 0.2 "$WPID"
	wait_line '"cycle":1' "$T/t.jsonl" || fail "SIGTERM: no cycle"
	kill -TERM "$SPID"
	wait "$SPID"
	st=$?
	SPID=
	[ $st -ge 128 ] && fail "sdtop died of SIGTERM instead of cleaning up"
	no_uffd "$WPID" "SIGTERM"
	check_alive "after sdtop got SIGTERM"
	echo "sdtop SIGTERMed: checked"
}

# A second sdtop on a process the first one watches: with -m uffd-wp it
# fails with one clear line, with auto it uses hash; the first goes on
# exact.
start_workload 0 && {
	next_phase 1
	bg_sdtop "$T/a.jsonl" -n 8 -i 0.2 "$WPID"
	wait_line '"cycle":1' "$T/a.jsonl" || fail "first sdtop: no cycle"
	"$sdtop" --batch --json -m uffd-wp -n 2 -i 0.2 "$WPID" \
	    > "$T/b.jsonl" 2> "$T/b.err"
	st=$?
	[ $st -eq 1 ] && [ "$(wc -l < "$T/b.err")" -eq 1 ] &&
	    grep -q "is already watched by another sdtop" "$T/b.err" ||
	    fail "second sdtop: status $st: $(cat "$T/b.err")"
	"$sdtop" --batch --json -n 2 -i 0.2 "$WPID" > "$T/c.jsonl" \
	    2> "$T/c.err" || fail "second sdtop, auto: $(cat "$T/c.err")"
	grep -q '"method":"hash"' "$T/c.jsonl" ||
	    fail "second sdtop, auto: not on hash"
	gt "second sdtop, auto (hash)" "$(phase_line 1)" "$T/c.jsonl"
	wait "$SPID"
	st=$?
	SPID=
	[ $st -eq 0 ] || fail "first sdtop: status $st: $(cat "$T/err")"
	gt "first sdtop beside a second" "$(phase_line 1)" "$T/a.jsonl"
	no_uffd "$WPID" "two sdtops"
	check_alive "after two sdtops"
	echo "a second sdtop on the same process: checked"
}

# The workload exits during the run: status 0, last object "exited": true.
start_workload 0 && {
	next_phase 1
	bg_sdtop "$T/x.jsonl" -n 100 -i 0.2 "$WPID"
	wait_line '"cycle":1' "$T/x.jsonl" || fail "target exit: no cycle"
	kill -TERM "$WPID"
	wait "$WPID"
	WPID=
	wait "$SPID"
	st=$?
	SPID=
	[ $st -eq 0 ] || fail "target exit: sdtop status $st: $(cat "$T/err")"
	tail -n 1 "$T/x.jsonl" | grep -q '"exited": *true' ||
	    fail "target exit: last object is not \"exited\": true"
	[ "$(grep -c '"exited": *false' "$T/x.jsonl")" -ge 1 ] ||
	    fail "target exit: no cycle before the exit"
	echo "target exiting mid-run: checked"
}

# Unprivileged: vm.unprivileged_userfaultfd=0 needs UFFD_USER_MODE_ONLY.
if nobody_can_run; then
	AS=$NOBODY
	phases nobody
	AS=
fi

finish
