#!/bin/sh
# The course's own example: trace /bin/ps, then print its map. The report
# must name ps's executable with faults in it (ps runs its own code), give
# every row as many cells as pages, and agree with the trace's counts.
set -u
: "${abs_top_builddir:=.}"
bin="$abs_top_builddir/tracepgfault"
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT INT TERM

ps=$(command -v ps) || { echo "SKIP: no ps (Debian package procps)"; exit 77; }
if ! "$bin" "$tmp/probe" /bin/true 2>"$tmp/err"; then
	echo "SKIP: cannot trace here: $(head -n 1 "$tmp/err")"
	exit 77
fi
fail=0
bad() { echo "FAIL: $*"; fail=1; }

"$bin" "$tmp/ps.trace" "$ps" >"$tmp/ps.out" 2>"$tmp/ps.err" ||
    bad "tracing ps: $(cat "$tmp/ps.err")"
grep -q 'PID' "$tmp/ps.out" || bad "ps printed no header: it did not run"
"$bin" --report "$tmp/ps.trace" >"$tmp/report" 2>"$tmp/rerr" ||
    bad "report: $(cat "$tmp/rerr")"

real=$(readlink -f "$ps")
n=$(grep -c "^Region: .*|X*[.X]*X[.X]*|  ..xp $real\$" "$tmp/report")
[ "$n" -ge 1 ] || bad "no row of $real with a fault in its code"

# Each row has one cell per page.
awk '$1 == "Region:" {
	n = $6; sub(/\)?:$/, "", n)
	bar = $0; sub(/^[^|]*\|/, "", bar); sub(/\|.*$/, "", bar)
	if (length(bar) != n + 0) { print "bad row: " $0; bad = 1 }
	rows++
} END { if (rows < 5) { print "only " rows " rows"; bad = 1 } exit bad }' \
    "$tmp/report" || bad "rows do not have one cell per page"

# The faults the report counts are the fault records of the trace.
want=$(grep -c '^fault ' "$tmp/ps.trace")
got=$(sed -n 's/^Faults: \([0-9]*\) recorded.*/\1/p' "$tmp/report")
[ "$got" = "$want" ] || bad "report counts $got faults, trace has $want"
[ "$want" -gt 50 ] || bad "only $want faults for ps"
sed -n 's/^Faults: .*/&/p' "$tmp/report"
exit $fail
