# test-view-lib.sh - what the tmux tests of the screen share; sourced by
# tests/test-view-*.sh after they set $name. It makes $tmp, starts a
# private tmux server ($T) for each pane and cleans both up; the test may
# define cleanup_more for its own processes. A test pane is 120x40, or
# $PANE_COLS x $PANE_ROWS when they are set.
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

tmp=$(mktemp -d "${TMPDIR:-/tmp}/$name.XXXXXX") || exit 1
unset TMUX
# Each start() gets a tmux server of its own, its socket in $tmp, so that
# tests running side by side never share one. A new socket each time:
# kill-server returns before the server has exited, and a client that
# connects to the same socket meanwhile fails with "server exited
# unexpectedly" (seen under load).
nserver=0
T=
cleanup_more() {
	:
}
cleanup() {
	cleanup_more
	[ -n "$T" ] && $T kill-server 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

fail() {
	echo "FAIL: $*"
	if [ -n "$T" ]; then
		echo "--- screen:"
		$T capture-pane -p -t t 2>/dev/null
	fi
	exit 1
}

# Every wait polls every 0.1 s, WAIT_POLLS times at most: 30 s and more
# on a loaded machine. It guards against hanging; it measures nothing.
WAIT_POLLS=300

# Run a command until it succeeds, or fail saying what never happened:
# wait_until WHAT COMMAND [ARG...].
wait_until() {
	_what=$1
	shift
	_i=0
	until "$@"; do
		[ $_i -lt $WAIT_POLLS ] || fail "$_what"
		sleep 0.1
		_i=$((_i + 1))
	done
}

# The screen now; whether it shows a fixed string, or not.
screen() {
	$T capture-pane -p -t t
}
shows() {
	screen | grep -qF -- "$1"
}
lacks() {
	! shows "$1"
}
# Whether the screen has a row matching a basic regular expression.
shows_re() {
	screen | grep -q -- "$1"
}
# Whether the first row (the header) shows a fixed string.
header_shows() {
	screen | head -n 1 | grep -qF -- "$1"
}

# Waits for the screen. A frame reaches the pane in pieces, so a check
# of a screen is a wait for what it must show, never one look.
wait_for() {
	wait_until "the screen never showed: $1" shows "$1"
}
wait_gone() {
	wait_until "the screen still shows: $1" lacks "$1"
}
wait_header() {
	wait_until "the header never showed: $1" header_shows "$1"
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
# n copies of the character c.
rep() {
	awk -v n="$1" -v c="$2" 'BEGIN { s = ""; for (i = 0; i < n; i++) s = s c; print s }'
}
row_after_is() {
	[ "$(row_after "$1")" = "$2" ]
}
row_after_has() {
	row_after "$1" | grep -qF -- "$2"
}
row_end_is() {
	[ "$(row_end "$1")" = "$2" ]
}
# Whether the first row containing $2 is $3 rows below the first row
# containing $1 (above: any number of rows below).
rows_apart() {
	screen | awk -v a="$1" -v b="$2" -v n="$3" '
	    !ra && index($0, a) { ra = NR }
	    !rb && index($0, b) { rb = NR }
	    END { exit !(ra && rb && rb - ra == n) }'
}
above() {
	screen | awk -v a="$1" -v b="$2" '
	    !ra && index($0, a) { ra = NR }
	    !rb && index($0, b) { rb = NR }
	    END { exit !(ra && rb && rb > ra) }'
}
# Waits for the cells below a title ($1) or at the end of its row to be
# $2; $3 says whose cells they are.
wait_row_after() {
	wait_until "$3: want '$2' below '$1'" row_after_is "$1" "$2"
}
wait_row_end() {
	wait_until "$3: want '$2' after '$1'" row_end_is "$1" "$2"
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
open(my $f, '>', "$ENV{FG_PIDFILE}.new") or die "$ENV{FG_PIDFILE}: $!";
print $f "$pid\n";
close($f);
rename("$ENV{FG_PIDFILE}.new", $ENV{FG_PIDFILE}) or die "rename: $!";
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
# (default C); "EXIT=status" shows when it ends. The server of the
# previous start, if any, is told to go: its socket is not used again.
start() {
	[ -n "$T" ] && $T kill-server 2>/dev/null
	nserver=$((nserver + 1))
	T="tmux -S $tmp/tmux-$nserver -f /dev/null"
	rm -f "$tmp/pid"
	args=
	for a in "$@"; do
		args="$args '$a'"
	done
	$T new-session -d -s t -x "${PANE_COLS:-120}" -y "${PANE_ROWS:-40}" "LANG=${LOC:-C} \
	    LC_ALL=${LOC:-C} TERM=xterm FG_PIDFILE='$tmp/pid' \
	    perl '$tmp/fg.pl' '$sdtop' $args; echo EXIT=\$?; sleep 600" ||
		fail "tmux did not start"
	tty=$($T display -p -t t '#{pane_tty}')
	[ -n "$tty" ] || fail "tmux did not say the pane's terminal"
}
# Set $pid to the sdtop in the pane, once fg.pl has written it.
has_pid() {
	[ -s "$tmp/pid" ]
}
sdtop_pid() {
	wait_until "no sdtop process in the pane" has_pid
	pid=$(cat "$tmp/pid")
}
term_sane() {	# the pane's terminal is back in canonical mode with echo
	s=$(stty -a <"$tty") || fail "stty on $tty failed"
	echo "$s" | grep -qw -- -icanon && return 1
	echo "$s" | grep -qw -- -echo && return 1
	echo "$s" | grep -qw icanon && echo "$s" | grep -qw echo
}
term_raw() {
	! term_sane
}
# Whether process $1 is stopped.
stopped() {
	case $(ps -o stat= -p "$1") in
	T*) return 0 ;;
	esac
	return 1
}
