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
b=${abs_top_builddir:-$(pwd)}
sdtop=$b/sdtop
sigflood=$b/tests/sigflood
for p in "$sdtop" "$sigflood"; do
	[ -x "$p" ] || { echo "SKIP: $p is not built"; exit 77; }
done
if ! "$sdtop" --probe 2>&1 | grep -q '^uffd-wp  *yes'; then
	echo "SKIP: $("$sdtop" --probe 2>&1 | grep '^uffd-wp')"
	exit 77
fi

T=$(mktemp -d "${TMPDIR:-/tmp}/test-signals.XXXXXX") || exit 1
FPID=
cleanup() {
	[ -n "$FPID" ] && kill -9 "$FPID" 2>/dev/null
	[ -n "${TPID:-}" ] && kill -9 "$TPID" 2>/dev/null
	wait 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
fails=0

"$sigflood" 100000 > "$T/out" 2>&1 &
FPID=$!
i=0
until grep -q '^ready ' "$T/out"; do
	i=$((i + 1))
	[ $i -gt 600 ] && { echo "FAIL: sigflood did not start"; exit 1; }
	sleep 0.05
done
TPID=$(awk '/^ready /{print $2}' "$T/out")

runs=0
while kill -0 "$TPID" 2>/dev/null && [ $runs -lt 200 ]; do
	"$sdtop" -b -m uffd-wp -n 1 -i 0.05 "$TPID" > /dev/null 2> "$T/err"
	st=$?
	# The target may end between two runs: then "no such process".
	if [ $st -ne 0 ] && kill -0 "$TPID" 2>/dev/null &&
	    grep -q . "$T/err"; then
		echo "FAIL: run $runs: status $st: $(cat "$T/err")"
		fails=$((fails + 1))
	fi
	if ls -l "/proc/$TPID/fd" 2>/dev/null | grep -q userfaultfd; then
		sleep 0.2
		ls -l "/proc/$TPID/fd" 2>/dev/null | grep -q userfaultfd &&
		    { echo "FAIL: run $runs left a userfaultfd"; fails=$((fails + 1)); }
	fi
	runs=$((runs + 1))
done
wait "$FPID"
st=$?
FPID=
TPID=
echo "$runs sdtop runs during the flood; target: $(grep '^got ' "$T/out")"
[ $st -eq 0 ] || { echo "FAIL: signals were lost or changed"; fails=$((fails + 1)); }
[ $runs -ge 5 ] || { echo "FAIL: only $runs runs overlapped the flood"; fails=$((fails + 1)); }
[ $fails -eq 0 ] || exit 1
echo "ok"
