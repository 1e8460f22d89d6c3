#!/bin/sh
# bench.sh - make bench: run every benchmark of tests/ and print one table
# (see tests/bench-lib.h for its columns) and then the verdicts, one line
# per goal. Run from the build directory, after the programs are built:
#
#	sh tests/bench.sh [CASE...]	(cases 1 to 8; default all)
#
# Times are wall-clock; each ratio is to a limit measured in the same run.
set -u

cases=${*:-1 2 3 4 5 6 7 8}
here=$(dirname "$0")
out=$(mktemp "${TMPDIR:-/tmp}/sdtop-bench.XXXXXX") || exit 1
trap 'rm -f "$out"' EXIT INT TERM
start=$(date +%s)

# Run one benchmark, its rows to the screen as they come and to $out.
run()
{
	"$@" 2>&1 | tee -a "$out" | grep -v '^verdict:'
}

echo "sdtop benchmarks: $(nproc) CPUs, Linux $(uname -r)," \
    "$(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -1)"
printf '%-38s %9s %9s %8s %18s  %s\n' case pages ms/cycle ns/page \
    'ratio (min-max)' note
for c in $cases; do
	case $c in
	1)	run ./tests/bench-uffd 1024 7 ;;
	2)	run sh "$here/vm/bench-vm-softdirty.sh" 64 7 ;;
	3)	run ./tests/bench-hash 512 5 ;;
	4|5|6)	run ./tests/bench-sdtop ./sdtop ./tests/bench-target "$c" ;;
	7)	run ./tests/bench-view 4096 20 ;;
	8)	run ./tests/bench-set ./sdtop ./tests/bench-tree 400 6 ;;
	*)	echo "bench.sh: no case $c" >&2; exit 2 ;;
	esac
done
echo
grep '^verdict:' "$out"
echo "make bench took $(( $(date +%s) - start )) s"
