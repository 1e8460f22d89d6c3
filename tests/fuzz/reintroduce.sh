#!/bin/sh
# reintroduce.sh PATCH [SECONDS [RUNS]] - prove that the fuzzers find a
# fault: copy the sources to a temporary tree, apply one of the patches
# of tests/fuzz/reintroduce (each puts back a fault the readers once
# had, or puts in one of their kind), build the harnesses its "Harness:"
# line names, and run each
# RUNS times (default 5) from the seeds alone, for at most SECONDS
# (default 60) a run. Prints, per run, the seconds and executions it
# took to find the fault, or that it did not. The source tree itself is
# never changed.
#
# Run it from a configured build directory, like run.sh. Exit 0 when
# every run found the fault, 1 otherwise, 77 without clang/libFuzzer.

set -u
[ $# -ge 1 ] || { echo "usage: reintroduce.sh PATCH [SECONDS [RUNS]]" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
patch=$1
[ -f "$patch" ] || patch=$here/reintroduce/$1
[ -f "$patch" ] || patch=$here/reintroduce/$1.patch
[ -f "$patch" ] || { echo "reintroduce.sh: no patch $1" >&2; exit 2; }
secs=${2:-60}
runs=${3:-5}
harnesses=$(sed -n 's/^Harness: *//p' "$patch" | head -n 1)
[ -n "$harnesses" ] || { echo "reintroduce.sh: $patch names no harness" >&2; exit 2; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/reintroduce.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/tree/tests"
cp -R "$top/src" "$top/include" "$tmp/tree/" &&
    cp -R "$top/tests/fuzz" "$top/tests/fixtures" "$tmp/tree/tests/" || exit 1
(cd "$tmp/tree" && patch -s -p1 <"$patch") ||
    { echo "reintroduce.sh: $patch does not apply"; exit 1; }

echo "== $(basename "$patch"): $harnesses, $runs runs of at most $secs s"
all=0
for h in $harnesses; do
	i=0
	while [ $i -lt "$runs" ]; do
		i=$((i + 1))
		FUZZ_DIR=$tmp/fuzz FUZZ_FRESH=1 FUZZ_TARGETS=$h \
		    "$tmp/tree/tests/fuzz/run.sh" "$secs" >"$tmp/out" 2>&1
		st=$?
		[ $st -eq 77 ] && { cat "$tmp/out"; exit 77; }
		line=$(grep "^fuzz-$h:" "$tmp/out")
		case $line in
		*FOUND*)
			echo "run $i: $line" | sed 's/:  *\/.*$//'
			grep -m 1 -E 'ERROR: AddressSanitizer|out of proportion|runtime error|out-of-memory' \
			    "$tmp/fuzz/$h.log" | sed 's/^/    /'
			grep -m 1 -E '^ +#[0-9]+ .* in [a-z_]+ .*/src/' \
			    "$tmp/fuzz/$h.log" | sed 's/^ *#[0-9]* [0-9a-fx]* /    /' ;;
		*)
			echo "run $i: $line"
			all=1 ;;
		esac
	done
done
exit $all
