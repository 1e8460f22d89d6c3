#!/bin/sh
# test-harm.sh - sdtop killed with SIGKILL at random instants inside its
# injections never harms the process it watches (tests/harm.c): 200
# kills inside the creation of its userfaultfd and 200 inside the
# removal, each again with the whole process group killed, and 50 at a
# random time; then 50 as an unprivileged user (on targets without a
# seccomp filter, which it could not read). Every target checks its
# memory, signal mask, own userfaultfd and seccomp filter.
#
# Exits 77 (skip) with one line when the kernel or user cannot do uffd-wp.

set -u
name=test-harm
. "${srcdir:-.}/tests/test-live-lib.sh"
harm=$b/tests/harm
need "$sdtop" "$workload" "$harm"
need_uffd

run() {
	out=$("$@" 2>&1)
	st=$?
	echo "$out" | tail -n 6
	[ $st -eq 0 ] || FAILS=$((FAILS + 1))
}

run "$harm" --mode create --attacks 200 "$sdtop" "$workload"
run "$harm" --mode create --group --attacks 200 "$sdtop" "$workload"
run "$harm" --mode remove --attacks 200 "$sdtop" "$workload"
run "$harm" --mode remove --group --attacks 200 "$sdtop" "$workload"
run "$harm" --mode random --attacks 50 "$sdtop" "$workload"

if nobody_can_run; then
	run $NOBODY "$harm" --no-filter --mode create --attacks 50 "$sdtop" \
	    "$workload"
fi

finish
