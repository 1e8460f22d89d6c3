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
b=${abs_top_builddir:-$(pwd)}
sdtop=$b/sdtop
workload=$b/tests/workload
harm=$b/tests/harm
for p in "$sdtop" "$workload" "$harm"; do
	[ -x "$p" ] || { echo "SKIP: $p is not built"; exit 77; }
done
if ! "$sdtop" --probe 2>&1 | grep -q '^uffd-wp  *yes'; then
	echo "SKIP: $("$sdtop" --probe 2>&1 | grep '^uffd-wp')"
	exit 77
fi

fails=0
run() {
	out=$("$@" 2>&1)
	st=$?
	echo "$out" | tail -n 6
	[ $st -eq 0 ] || fails=$((fails + 1))
}

run "$harm" --mode create --attacks 200 "$sdtop" "$workload"
run "$harm" --mode create --group --attacks 200 "$sdtop" "$workload"
run "$harm" --mode remove --attacks 200 "$sdtop" "$workload"
run "$harm" --mode remove --group --attacks 200 "$sdtop" "$workload"
run "$harm" --mode random --attacks 50 "$sdtop" "$workload"

if [ "$(id -u)" -eq 0 ] && command -v setpriv > /dev/null &&
    setpriv --reuid=nobody --regid=nogroup --clear-groups \
    test -x "$sdtop" 2>/dev/null; then
	run setpriv --reuid=nobody --regid=nogroup --clear-groups \
	    "$harm" --no-filter --mode create --attacks 50 "$sdtop" \
	    "$workload"
else
	echo "note: the unprivileged run was skipped (needs root, setpriv and a build directory nobody can read)"
fi

[ $fails -eq 0 ] || exit 1
echo "ok"
