#!/bin/sh
# test-seccomp.sh - a target's seccomp filter judges every system call
# injected into it, so sdtop runs its filters first (as root) and injects
# nothing they would not allow. For a filter that kills, traps (SIGSYS),
# fails (EPERM) or notifies a supervisor on userfaultfd(), and one that
# kills on close(): the target survives, auto watches it with hash (exact)
# and says why, and -m uffd-wp refuses with one line. A filter that allows
# both is run and obeyed: uffd-wp then works, exactly. Unprivileged, a
# filter cannot be read: auto uses hash and says so. An injected call that
# fails (no descriptor left: EMFILE) makes auto fall back the same way.
#
# Exits 77 (skip) with one line when the kernel or user cannot do uffd-wp.

set -u
name=test-seccomp
. "${srcdir:-.}/tests/test-live-lib.sh"
need "$sdtop" "$workload" "$gtcheck"
need_uffd
chmod 755 "$T"

# refused LABEL MESSAGE ARGS...: auto uses hash, exactly, saying MESSAGE;
# -m uffd-wp exits 1 with MESSAGE as its one line; the target lives.
refused() {
	label=$1
	msg=$2
	shift 2
	start_workload 1 --phase 1 "$@" || return
	$AS "$sdtop" -b -n 1 -i 0.2 "$WPID" > /dev/null 2> "$T/auto.err" ||
	    fail "$label: auto: status $?: $(cat "$T/auto.err")"
	grep -q "^sdtop: using hash (.*$msg" "$T/auto.err" ||
	    fail "$label: auto did not say why: $(cat "$T/auto.err")"
	$AS "$sdtop" -b --json -n 2 -i 0.2 "$WPID" > "$T/h.jsonl" \
	    2> /dev/null || fail "$label: auto --json: status $?"
	grep -q '"method":"hash"' "$T/h.jsonl" || fail "$label: not on hash"
	"$gtcheck" "$(grep '^phase 1 ' "$T/wl.out")" "$T/h.jsonl" \
	    > "$T/gt" 2>&1 || fail "$label: hash: $(head -n 2 "$T/gt")"
	$AS "$sdtop" -b -n 1 -i 0.2 -m uffd-wp "$WPID" > /dev/null \
	    2> "$T/u.err"
	st=$?
	[ $st -eq 1 ] && [ "$(wc -l < "$T/u.err")" -eq 1 ] &&
	    grep -q "$msg" "$T/u.err" ||
	    fail "$label: -m uffd-wp: status $st: $(cat "$T/u.err")"
	check_alive "$label"
	echo "$label: refused, hash exact, target alive"
}

refused "kill on userfaultfd" \
    'the seccomp filter of PID [0-9]* would kill the process on userfaultfd()' \
    --seccomp kill-uffd
refused "SIGSYS on userfaultfd" \
    'would send it SIGSYS on userfaultfd()' --seccomp trap-uffd
refused "EPERM on userfaultfd" \
    'would fail with errno 1 on userfaultfd()' --seccomp errno-uffd
refused "user notification on userfaultfd" \
    'would wait for its supervisor (user notification) on userfaultfd()' \
    --seccomp notify-uffd
refused "kill on close" 'would kill the process on close()' \
    --seccomp kill-close
refused "no descriptor left" \
    'userfaultfd() in PID [0-9]*: Too many open files' \
    --no-more-fds

# A filter that allows both calls: it is run, and uffd-wp works.
start_workload 1 --phase 1 --seccomp allow && {
	"$sdtop" -b --json -n 2 -i 0.2 "$WPID" > "$T/a.jsonl" 2> "$T/err" ||
	    fail "allowing filter: status $?: $(cat "$T/err")"
	grep -q '"method":"uffd-wp"' "$T/a.jsonl" ||
	    fail "allowing filter: not on uffd-wp"
	"$gtcheck" "$(grep '^phase 1 ' "$T/wl.out")" "$T/a.jsonl" \
	    > "$T/gt" 2>&1 || fail "allowing filter: $(head -n 2 "$T/gt")"
	check_alive "allowing filter"
	echo "a filter that allows the calls: uffd-wp exact, target alive"
}

# A filter that forbids close() installed while sdtop watches: at its end
# sdtop does not close its userfaultfd (that would kill the target): it
# unregisters all it protected, leaves the idle descriptor, and says so.
start_workload 1 --phase 1 --seccomp-late kill-close && {
	"$sdtop" -b --json -m uffd-wp -n 1000 -i 0.2 "$WPID" > "$T/l.jsonl" \
	    2> "$T/l.err" &
	SPID=$!
	wait_line '"cycle":1' "$T/l.jsonl"
	kill -USR1 "$WPID"
	wait_line '^phase 2 ' "$T/wl.out"
	kill -TERM "$SPID"
	wait "$SPID"
	st=$?
	SPID=
	[ $st -eq 1 ] && [ "$(wc -l < "$T/l.err")" -eq 1 ] &&
	    grep -q "keeps an unused userfaultfd (fd [0-9]*): the seccomp filter of PID $WPID would kill the process on close()" "$T/l.err" ||
	    fail "close forbidden later: status $st: $(cat "$T/l.err")"
	grep -q 'VmFlags:.* uw' "/proc/$WPID/smaps" &&
	    fail "close forbidden later: memory still write-protected"
	check_alive "close forbidden later"
	echo "close() forbidden while watched: the descriptor left idle, said so"
}

# Unprivileged, a filter cannot be read: nothing is injected.
if nobody_can_run; then
	AS=$NOBODY
	refused "unprivileged, any filter" \
	    'has a seccomp filter, which only root can read' --seccomp allow
	AS=
fi

finish
