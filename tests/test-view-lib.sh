# test-view-lib.sh - what the tmux tests of the screen share; sourced by
# tests/test-view-*.sh after they set $name. It makes $tmp, starts a
# private tmux server ($T) and cleans both up; the test may define
# cleanup_more for its own processes. A test pane is 120x40.
#
# sdtop runs in the pane as the foreground job of its own process group
# (fg.pl below), as under a job-control shell, and the test reads the
# pane's terminal modes from outside with stty.

b=${abs_top_builddir:-.}
sdtop=$b/sdtop

if ! command -v tmux >/dev/null 2>&1; then
	echo "SKIP: tmux is not installed"
	exit 77
fi
if [ ! -x "$sdtop" ]; then
	echo "SKIP: $sdtop is not built"
	exit 77
fi

# The tmux tests of the screen run one at a time (make check -j runs
# tests side by side): two starting tmux servers at once lost one here.
if command -v flock >/dev/null 2>&1; then
	exec 9>"${TMPDIR:-/tmp}/sdtop-test-view.lock"
	flock 9
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/$name.XXXXXX") || exit 1
# A server of its own, its socket in $tmp: tests running side by side
# never share one.
TMUX_TMPDIR=$tmp
export TMUX_TMPDIR
unset TMUX
sock="sdtop-test-$$"
T="tmux -L $sock -f /dev/null"
cleanup_more() {
	:
}
cleanup() {
	cleanup_more
	$T kill-server 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

fail() {
	echo "FAIL: $*"
	echo "--- screen:"
	$T capture-pane -p -t t 2>/dev/null
	exit 1
}

# The screen now, and a wait (a guard against hanging, ~10 s at most, not
# a measurement) until it shows a fixed string.
screen() {
	$T capture-pane -p -t t
}
wait_for() {
	i=0
	while [ $i -lt 100 ]; do
		screen | grep -qF -- "$1" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	fail "the screen never showed: $1"
}
wait_gone() {
	i=0
	while [ $i -lt 100 ]; do
		screen | grep -qF -- "$1" || return 0
		sleep 0.1
		i=$((i + 1))
	done
	fail "the screen still shows: $1"
}
keys() {
	$T send-keys -t t "$@"
}
# The screen row right below the first row containing $1.
row_after() {
	screen | awk -v pat="$1" 'found { print; exit } index($0, pat) { found = 1 }'
}
# The last word of the first screen row containing $1: the cells of a
# region small enough to have them on its title's row.
row_end() {
	screen | awk -v pat="$1" 'index($0, pat) { print $NF; exit }'
}
# The screen row number (1-based) of the first row containing $1.
row_of() {
	screen | awk -v pat="$1" 'index($0, pat) { print NR; exit }'
}
# n copies of the character c.
rep() {
	awk -v n="$1" -v c="$2" 'BEGIN { s = ""; for (i = 0; i < n; i++) s = s c; print s }'
}


# Run a command as the foreground job of its own process group, as a
# job-control shell would (so that SIGTSTP can stop it: the kernel drops
# stop signals for an orphaned process group), and exit with its status.
# Its pid goes to the file named by $FG_PIDFILE.
cat >"$tmp/fg.pl" <<'EOF'
use POSIX;
my $pid = fork();
die "fork: $!" unless defined $pid;
if ($pid == 0) {
	setpgid(0, 0);
	$SIG{TTOU} = 'IGNORE';
	tcsetpgrp(0, $$);
	$SIG{TTOU} = 'DEFAULT';
	exec @ARGV or exit 127;
}
open(my $f, '>', $ENV{FG_PIDFILE}) or die "$ENV{FG_PIDFILE}: $!";
print $f "$pid\n";
close($f);
my $st;
for (;;) {
	waitpid($pid, WUNTRACED) == $pid or exit 1;
	$st = ${^CHILD_ERROR_NATIVE};
	last unless WIFSTOPPED($st);
}
$SIG{TTOU} = 'IGNORE';
tcsetpgrp(0, getpgrp());
exit(WIFEXITED($st) ? WEXITSTATUS($st) : 128 + WTERMSIG($st));
EOF

# Start a pane running sdtop with the arguments given, in locale $LOC
# (default C); "EXIT=status" shows when it ends.
start() {
	$T kill-server 2>/dev/null
	rm -f "$tmp/pid"
	args=
	for a in "$@"; do
		args="$args '$a'"
	done
	$T new-session -d -s t -x 120 -y 40 "LANG=${LOC:-C} \
	    LC_ALL=${LOC:-C} TERM=xterm FG_PIDFILE='$tmp/pid' \
	    perl '$tmp/fg.pl' '$sdtop' $args; echo EXIT=\$?; sleep 600" ||
		fail "tmux did not start"
	tty=$($T display -p -t t '#{pane_tty}')
}
sdtop_pid() {
	cat "$tmp/pid" 2>/dev/null
}
term_sane() {	# the pane's terminal is back in canonical mode with echo
	s=$(stty -a <"$tty") || fail "stty on $tty failed"
	echo "$s" | grep -qw -- -icanon && return 1
	echo "$s" | grep -qw -- -echo && return 1
	echo "$s" | grep -qw icanon && echo "$s" | grep -qw echo
}

