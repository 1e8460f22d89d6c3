#!/bin/sh
# Benchmark of tracepgfault (prints figures, asserts nothing): the run time
# of a fault-heavy program with and without tracing, and how many fault
# records the kernel drops for each ring-buffer size.
#   usage: bench-pftrace.sh [PAGES [ROUNDS]]   (from the build directory)
set -u
: "${abs_top_builddir:=.}"
bin="$abs_top_builddir/tracepgfault"
pf="$abs_top_builddir/tests/pf-pattern"
pages=${1:-20000}
rounds=${2:-5}
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

# Wall-clock seconds of a command, from the shell's clock.
now() { date +%s.%N; }
secs() { echo "$1 $2" | awk '{ printf "%.3f", $2 - $1 }'; }

echo "workload: pf-pattern bench $pages $rounds ($((pages * rounds)) faults)"
best=999999
for i in 1 2 3; do
	a=$(now); "$pf" bench "$pages" "$rounds" >/dev/null; b=$(now)
	best=$(awk -v a="$a" -v b="$b" -v m="$best" \
	    'BEGIN { t = b - a; printf "%.3f", t < m ? t : m }')
done
echo "untraced: $best s (best of 3)"
printf '%-22s %8s %10s %10s %8s %9s\n' "tracing options" "seconds" \
    "recorded" "lost" "lost%" "x slower"
for opts in "-m 1" "-m 4" "-m 16" "-m 64" "-m 256" "-m 64 --no-kinds" \
    "-m 64 --no-seccomp"; do
	# shellcheck disable=SC2086
	a=$(now); "$bin" $opts "$tmp/t" "$pf" bench "$pages" "$rounds" \
	    >/dev/null 2>&1; b=$(now)
	rec=$(grep -c '^fault ' "$tmp/t")
	lost=$(awk '$1 == "end" { print $4 }' "$tmp/t")
	awk -v o="$opts" -v a="$a" -v b="$b" -v r="$rec" -v l="${lost:-0}" \
	    -v u="$best" 'BEGIN {
		t = b - a
		p = r + l; pct = p ? 100 * l / p : 0; x = u ? t / u : 0
		printf "%-22s %8.3f %10d %10d %7.2f%% %9.1f\n", o, t, r, l,
		    pct, x }'
done
