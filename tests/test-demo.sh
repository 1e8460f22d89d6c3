#!/bin/sh
# test-demo.sh - every sdtop-demo pattern starts, says what it does in one
# line, runs for --duration and exits 0; SIGTERM and SIGINT end it with 0;
# discard gives back the pages its window leaves;
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

# Run a command every 0.1 s until it succeeds, 300 times at most (30 s
# and more on a loaded machine: a guard against hanging, not a
# measurement); the status says whether it did.
wait_until() {
	i=0
	until "$@"; do
		[ $i -lt 300 ] || return 1
		sleep 0.1
		i=$((i + 1))
	done
}
nonempty() {
	[ -s "$1" ]
}
# Wait for the first line of stderr file $1.
wait_line() {
	wait_until nonempty "$1"
}
gone() {
	! kill -0 "$1" 2>/dev/null
}
# Whether process $1 is gone or a zombie.
dead_or_zombie() {
	gone "$1" || grep -q '^State:.*Z' /proc/$1/status 2>/dev/null
}

# Every pattern: one line first, prefixed with its name; exit 0.
for p in hotset shrink vary sweep stack churn mmap fork threads discard; do
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
for p in hotset shrink vary sweep stack churn mmap fork threads discard; do
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

# --duration ends the run: the process goes by itself.
"$demo" sweep --size 4M --duration 0.3 2>/dev/null &
pid=$!
pids="$pids $pid"
wait_until gone $pid || fail "--duration 0.3: still running after 30 s"
wait $pid || fail "--duration 0.3: exit $?"

# threads: the process has 1 + N threads while it runs (they start
# after its line: wait for them).
ntasks() {
	ls /proc/$1/task 2>/dev/null | wc -l
}
has_tasks() {
	[ "$(ntasks "$1")" -eq "$2" ]
}
: >"$tmp/err"
"$demo" threads --threads 3 --size 4M --duration 60 2>"$tmp/err" &
pid=$!
pids="$pids $pid"
wait_line "$tmp/err"
wait_until has_tasks $pid 4
n=$(ntasks $pid)
[ "$n" -eq 4 ] && echo "ok: threads --threads 3: 4 threads" ||
    fail "threads --threads 3: $n threads, not 4"
kill $pid; wait $pid || fail "threads: exit $?"

# stack: the stack VMA grows past 1 MiB with --size 2M (as it recurses:
# wait for it).
vmstk() {
	awk '/^VmStk:/ { print $2 }' /proc/$1/status 2>/dev/null
}
stack_over() {
	kb=$(vmstk "$1")
	[ -n "$kb" ] && [ "$kb" -gt "$2" ]
}
: >"$tmp/err"
"$demo" stack --size 2M --duration 60 2>"$tmp/err" &
pid=$!
pids="$pids $pid"
wait_line "$tmp/err"
wait_until stack_over $pid 1024
kb=$(vmstk $pid)
[ "${kb:-0}" -gt 1024 ] && echo "ok: stack: VmStk $kb kB" ||
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
	# The child ends on its parent's death, in its own time.
	if wait_until dead_or_zombie "$child"; then
		echo "ok: fork: child $child ended with its parent"
	else
		fail "fork: child $child outlived its parent by 30 s"
	fi
fi

# mmap: the mappings change while it runs. Their number need not: an
# anonymous region mapped next to another of the same permissions is
# merged into it, so the addresses are compared, not the count.
maps_changed() {
	! cmp -s "$1" /proc/$2/maps
}
: >"$tmp/err"
"$demo" mmap --rate 10 --size 8M --duration 60 2>"$tmp/err" &
pid=$!
pids="$pids $pid"
wait_line "$tmp/err"
cat /proc/$pid/maps >"$tmp/maps0"
if wait_until maps_changed "$tmp/maps0" $pid; then
	echo "ok: mmap: the mappings changed"
else
	fail "mmap: the mappings never changed in 30 s"
fi
kill $pid; wait $pid || fail "mmap: exit $?"

# discard: the ring's pages are given back as the window leaves them. The
# demo faults each page in twice as it enters the window (a read, then a
# write): more than 4 faults a page of the ring mean it went round at
# least twice, which it can only do by giving pages back; then the ring
# holds about its window, a quarter of it (and one tick's move).
minflt() {
	awk '{ sub(/.*\) /, ""); print $8 }' /proc/$1/stat 2>/dev/null
}
faulted_over() {
	f=$(minflt "$1")
	[ -n "$f" ] && [ "$f" -gt "$2" ]
}
# The Rss in kB of the VMA of process $1 that is $2 kB long.
ring_rss() {
	awk -v kb="$2" '/^Size:/ { on = ($2 == kb) }
	    on && /^Rss:/ { print $2; exit }' /proc/$1/smaps 2>/dev/null
}
page=$(getconf PAGESIZE)
ring=$((8 * 1048576 / page))
: >"$tmp/err"
"$demo" discard --size 8M --rate 2048 --duration 60 2>"$tmp/err" &
pid=$!
pids="$pids $pid"
wait_line "$tmp/err"
f0=$(minflt $pid)
if wait_until faulted_over $pid $(( ${f0:-0} + 4 * ring )); then
	rss=$(ring_rss $pid 8192)
	most=$(( (ring / 4 + 2048 / 10 + 1) * page / 1024 ))
	if [ -n "$rss" ] && [ "$rss" -le "$most" ]; then
		echo "ok: discard: $(( $(minflt $pid) - f0 )) faults in a ring of $ring pages, which holds $rss kB"
	else
		fail "discard: the ring holds '$rss' kB, not at most $most"
	fi
else
	fail "discard: $(( $(minflt $pid) - f0 )) faults in 30 s in a ring of $ring pages: nothing given back?"
fi
kill $pid; wait $pid || fail "discard: exit $?"

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

# A refused option is named as written (the element being read, not the
# one before it), in sdtop-demo's own words.
demo_option() {
	want=$1
	shift
	"$demo" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ $rc -ne 2 ] || [ "$(cat "$tmp/err")" != "sdtop-demo: $want (see sdtop-demo --help)" ]; then
		fail "'$*': exit $rc, stderr '$(cat "$tmp/err")', want '$want'"
	else
		echo "ok: '$*': $(cat "$tmp/err")"
	fi
}
demo_option "unknown option '-q'" --size 1M -qx
demo_option "unknown option '--nope'" hotset --nope
demo_option "option '--s' is ambiguous: --size, --seed" --s 1M
demo_option "this option takes no argument: '--help=2'" --help=2
demo_option "option '--size' needs an argument" hotset --size

exit $status
