#!/bin/sh
# test-signals.sh - signals sent to a process while sdtop injects into it
# arrive once each, in order, with all their data (tests/sigflood.c): a
# sender queues 100,000 real-time signals with values 1..N to the target
# while sdtop -m uffd-wp runs against it over and over (every run creates
# and removes its userfaultfd, two injections). Every run must succeed and
# leave no userfaultfd behind.
#
# Exits 77 (skip) with one line when the kernel or user cannot do uffd-wp.

set -u
name=test-signals
. "${srcdir:-.}/tests/test-live-lib.sh"
sigflood=$b/tests/sigflood
need "$sdtop" "$sigflood"
need_uffd

"$sigflood" 100000 > "$T/out" 2>&1 &
WPID=$!
wait_line '^ready ' "$T/out" || { echo "FAIL: sigflood did not start"; exit 1; }
TPID=$(awk '/^ready /{print $2}' "$T/out")

runs=0
while kill -0 "$TPID" 2>/dev/null && [ $runs -lt 200 ]; do
	"$sdtop" -b -m uffd-wp -n 1 -i 0.05 "$TPID" > /dev/null 2> "$T/err"
	st=$?
	# The target may end between two runs: then "no such process".
	if [ $st -ne 0 ] && kill -0 "$TPID" 2>/dev/null &&
	    grep -q . "$T/err"; then
		fail "run $runs: status $st: $(cat "$T/err")"
	fi
	if ! uffd_gone "$TPID"; then
		sleep 0.2
		uffd_gone "$TPID" || fail "run $runs left a userfaultfd"
	fi
	runs=$((runs + 1))
done
wait "$WPID"
st=$?
WPID=
TPID=
echo "$runs sdtop runs during the flood; target: $(grep '^got ' "$T/out")"
[ $st -eq 0 ] || fail "signals were lost or changed"
[ $runs -ge 5 ] || fail "only $runs runs overlapped the flood"
finish
