#!/bin/sh
# test-demo.sh - every sdtop-demo pattern starts, says what it does in one
# line, runs for --duration and exits 0; SIGTERM and SIGINT end it with 0;
# bad command lines exit 2 with one line. Facts about the processes are
# read from /proc, not from the demo's own words.

set -u
builddir=${abs_top_builddir:-$(pwd)}
demo=$builddir/sdtop-demo
[ -x "$demo" ] || { echo "FAIL: no $demo"; exit 1; }
tmp=$(mktemp -d) || exit 1
pids=
trap 'for p in $pids; do kill -9 $p 2>/dev/null; done; rm -rf "$tmp"' EXIT
status=0

fail() {
	echo "FAIL: $*"
	status=1
}

# Wait up to 5 s for the first line of stderr file $1.
wait_line() {
	i=0
	while [ ! -s "$1" ] && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	[ -s "$1" ]
}

# Every pattern: one line first, prefixed with its name; exit 0.
for p in hotset shrink vary sweep stack churn mmap fork threads; do
	"$demo" "$p" --duration 0.5 --size 4M >"$tmp/out" 2>"$tmp/err"
	rc=$?
	[ $rc -eq 0 ] || fail "$p: exit $rc"
	[ -s "$tmp/out" ] && fail "$p: wrote on stdout"
	head -n 1 "$tmp/err" | grep -q "^sdtop-demo: $p: ." ||
	    fail "$p: first line is '$(head -n 1 "$tmp/err")'"
	echo "ok: $p: $(head -n 1 "$tmp/err")"
done

# No pattern is hotset.
"$demo" --duration 0.2 2>"$tmp/err" || fail "default: exit $?"
grep -q "^sdtop-demo: hotset: " "$tmp/err" || fail "default is not hotset"

# --help names every pattern, on stdout, exit 0.
"$demo" --help >"$tmp/out" 2>"$tmp/err" || fail "--help: exit $?"
for p in hotset shrink vary sweep stack churn mmap fork threads; do
	grep -q "^  $p " "$tmp/out" || fail "--help does not list $p"
done
[ -s "$tmp/err" ] && fail "--help wrote on stderr"

# SIGTERM and SIGINT end a run without --duration with status 0.
for sig in TERM INT; do
	: >"$tmp/err"
	"$demo" hotset --size 4M 2>"$tmp/err" &
	pid=$!
	pids="$pids $pid"
	wait_line "$tmp/err" || fail "SIG$sig: no line"
	kill -s $sig $pid
	wait $pid
	rc=$?
	[ $rc -eq 0 ] && echo "ok: SIG$sig: exit 0" || fail "SIG$sig: exit $rc"
done

# --duration ends the run near its time: the process is gone after it.
"$demo" sweep --size 4M --duration 0.3 2>/dev/null &
pid=$!
pids="$pids $pid"
sleep 3
kill -0 $pid 2>/dev/null && fail "--duration 0.3: still running after 3 s"
wait $pid || fail "--duration 0.3: exit $?"

# threads: the process has 1 + N threads while it runs.
: >"$tmp/err"
"$demo" threads --threads 3 --size 4M --duration 10 2>"$tmp/err" &
pid=$!
pids="$pids $pid"
wait_line "$tmp/err"
sleep 0.3
n=$(ls /proc/$pid/task | wc -l)
[ "$n" -eq 4 ] && echo "ok: threads --threads 3: 4 threads" ||
    fail "threads --threads 3: $n threads, not 4"
kill $pid; wait $pid || fail "threads: exit $?"

# stack: the stack VMA grows past 1 MiB with --size 2M.
: >"$tmp/err"
"$demo" stack --size 2M --duration 10 2>"$tmp/err" &
pid=$!
pids="$pids $pid"
wait_line "$tmp/err"
sleep 1.5
kb=$(awk '/^VmStk:/ { print $2 }' /proc/$pid/status)
[ "$kb" -gt 1024 ] && echo "ok: stack: VmStk $kb kB" ||
    fail "stack --size 2M: VmStk only $kb kB"
kill $pid; wait $pid || fail "stack: exit $?"

# fork: a child exists while the parent runs, and goes with it.
: >"$tmp/err"
"$demo" fork --size 4M --duration 10 2>"$tmp/err" &
pid=$!
pids="$pids $pid"
wait_line "$tmp/err"
child=$(cat /proc/$pid/task/$pid/children 2>/dev/null | awk '{ print $1 }')
if [ -z "$child" ]; then
	fail "fork: no child of $pid"
else
	pids="$pids $child"
	grep -q "child $child " "$tmp/err" ||
	    fail "fork: the line does not name child $child"
	kill $pid; wait $pid || fail "fork: exit $?"
	sleep 0.5
	if kill -0 "$child" 2>/dev/null &&
	    ! grep -q '^State:.*Z' /proc/$child/status 2>/dev/null; then
		fail "fork: child $child outlived its parent"
	else
		echo "ok: fork: child $child ended with its parent"
	fi
fi

# mmap: the number of mappings changes while it runs.
: >"$tmp/err"
"$demo" mmap --rate 10 --size 8M --duration 10 2>"$tmp/err" &
pid=$!
pids="$pids $pid"
wait_line "$tmp/err"
seen=
for i in 1 2 3 4 5 6 7 8 9 10; do
	seen="$seen $(wc -l </proc/$pid/maps)"
	sleep 0.15
done
kill $pid; wait $pid || fail "mmap: exit $?"
nd=$(echo $seen | tr ' ' '\n' | sort -u | wc -l)
[ "$nd" -ge 2 ] && echo "ok: mmap: map counts$seen" ||
    fail "mmap: the number of mappings never changed:$seen"

# Bad command lines: exit 2, one line on stderr, nothing on stdout.
for args in "bogus" "--bogus" "-s" "--size 12X" "--size 0" "--size 1T" \
    "--rate -5" "--rate 0" "--rate 1e9" "--threads 0" "--threads 2.5" \
    "--threads 65" "--duration abc" "--duration -1" "--seed x" \
    "hotset vary"; do
	# shellcheck disable=SC2086
	"$demo" $args --duration 0.1 >"$tmp/out" 2>"$tmp/err"
	rc=$?
	lines=$(wc -l <"$tmp/err")
	if [ $rc -ne 2 ] || [ "$lines" -ne 1 ] || [ -s "$tmp/out" ]; then
		fail "'$args': exit $rc, $lines lines on stderr"
	else
		echo "ok: '$args': $(cat "$tmp/err")"
	fi
done

exit $status
