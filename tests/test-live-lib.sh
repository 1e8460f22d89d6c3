# test-live-lib.sh - what the tests of sdtop on live processes share;
# sourced by tests/test-*.sh after they set $name. It names the programs
# of the build, makes $T and, at exit, kills what the test started (the
# PIDs in $WPID, $SPID and $TPID; a test may define cleanup_more for
# others) and removes $T. A test counts its failures with fail() and ends
# with finish.

b=${abs_top_builddir:-$(pwd)}
AS=
sdtop=$b/sdtop
workload=$b/tests/workload
gtcheck=$b/tests/gtcheck
# A command prefix that runs what follows as nobody.
NOBODY="setpriv --reuid=nobody --regid=nogroup --clear-groups"

T=$(mktemp -d "${TMPDIR:-/tmp}/$name.XXXXXX") || exit 1
WPID=
SPID=
TPID=
FAILS=0
cleanup_more() {
	:
}
cleanup() {
	cleanup_more
	for p in $SPID $WPID $TPID; do
		kill -9 "$p" 2>/dev/null
	done
	wait 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

fail() {
	echo "FAIL: $*"
	FAILS=$((FAILS + 1))
}

# finish: the test's status, from its failures.
finish() {
	[ $FAILS -eq 0 ] || exit 1
	echo "ok"
	exit 0
}

# need PROG...: skip (77) unless each program is built.
need() {
	for p in "$@"; do
		[ -x "$p" ] || { echo "SKIP: $p is not built"; exit 77; }
	done
}

need_jq() {
	command -v jq >/dev/null 2>&1 ||
	    { echo "SKIP: jq is not installed"; exit 77; }
}

# need_uffd: skip, saying why, unless this kernel and user can do uffd-wp.
need_uffd() {
	if ! "$sdtop" --probe 2>&1 | grep -q '^uffd-wp  *yes'; then
		echo "SKIP: $("$sdtop" --probe 2>&1 | grep '^uffd-wp')"
		exit 77
	fi
}

# nobody_can_run: whether the unprivileged runs can be made here (root,
# setpriv, and a build directory nobody can read); if not, says so.
nobody_can_run() {
	[ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null &&
	    $NOBODY test -x "$sdtop" 2>/dev/null && return 0
	echo "note: the unprivileged run was skipped (needs root, setpriv and a build directory nobody can read)"
	return 1
}

# wait_for CMD...: run CMD until it succeeds, for up to 30 s.
wait_for() {
	i=0
	until "$@"; do
		i=$((i + 1))
		[ $i -gt 600 ] && return 1
		sleep 0.05
	done
	return 0
}

# pid_dead PID: the process has exited (gone, or a zombie not yet reaped).
pid_dead() {
	! grep -q '^State:[[:space:]]*[^ZX]' "/proc/$1/status" 2>/dev/null
}

# wait_line PATTERN FILE: until a line of FILE matches PATTERN (grep).
wait_line() {
	wait_for grep -q "$1" "$2" 2>/dev/null
}

# uffd_count PID: how many userfaultfds PID holds.
uffd_count() {
	ls -l "/proc/$1/fd" 2>/dev/null | grep -c 'anon_inode:\[userfaultfd\]'
}

# uffd_gone PID: whether PID holds no userfaultfd.
uffd_gone() {
	[ "$(uffd_count "$1")" -eq 0 ]
}

# start_workload PHASE ARGS...: start the workload (as $AS when set, its
# output in $T/wl.out, its PID in $WPID) and wait for its "phase PHASE"
# line; fail if it never comes or the workload dies first.
start_workload() {
	sw_phase=$1
	shift
	: > "$T/wl.out"
	$AS "$workload" "$@" > "$T/wl.out" 2>&1 &
	WPID=$!
	i=0
	until grep -q "^phase $sw_phase " "$T/wl.out"; do
		i=$((i + 1))
		if [ $i -gt 600 ] || ! kill -0 "$WPID" 2>/dev/null; then
			fail "the workload did not start: $(cat "$T/wl.out")"
			return 1
		fi
		sleep 0.05
	done
}

# check_alive LABEL: the workload checks its own memory (SIGUSR2), must
# print "alive" and exit 0.
check_alive() {
	kill -USR2 "$WPID"
	wait "$WPID"
	st=$?
	WPID=
	[ $st -eq 0 ] && grep -q '^alive ' "$T/wl.out" ||
	    fail "$1: the workload was harmed (status $st): $(tail -n 1 "$T/wl.out")"
}
