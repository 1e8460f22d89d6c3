#!/bin/sh
# test-tree-gt.sh - a tree of processes watched as one (sdtop -T), against
# its own account of what each process writes (tests/tree-target --drive,
# judged by tests/treecheck), for every method this kernel and user have.
#
# The tree: a root and two children from the start; a child and its own
# child forked after sdtop started (they join together), a grandchild of
# the root forked later still; the first of those exits and stays a zombie
# for two cycles (its child is adopted), then the adopted one and the
# root itself exit while the rest go on. Each writes known pages of a
# region of its own, the root and one child each their copy of an
# inherited private region, three of them pages of a shared anonymous
# region and two of a memfd (some pages by two or three of them, through
# views that start at different pages of the file). sdtop is held between
# two cycles while the tree changes, so every change falls in a known
# cycle, and every cycle is judged exactly: who is listed (joined, exited
# once, then gone), each process's written pages, and the set's totals,
# which count a shared page written by several processes once. Then
# every process checks its own memory and exits 0.
#
# Soft-dirty is judged in the qemu kernels (tests/vm/) when this kernel
# lacks it.

set -u
name=test-tree-gt
. "${srcdir:-.}/tests/test-live-lib.sh"
target=$b/tests/tree-target
treecheck=$b/tests/treecheck
need "$sdtop" "$target" "$treecheck"

methods=
"$sdtop" --probe > "$T/probe" 2>&1
grep -q '^soft-dirty  *yes' "$T/probe" && methods="$methods soft-dirty"
grep -q '^uffd-wp  *yes' "$T/probe" && methods="$methods uffd-wp"
grep -q '^process_vm_readv  *yes' "$T/probe" && methods="$methods hash"
[ -n "$methods" ] || { echo "SKIP: no method works here"; exit 77; }

for m in $methods; do
	"$target" --drive --truth "$T/$m.truth" "$sdtop" -b --json -m "$m" \
	    -i 0.3 -n 8 > "$T/$m.jsonl" 2> "$T/$m.err"
	st=$?
	if [ $st -ne 0 ]; then
		fail "$m: the driver exited $st: $(cat "$T/$m.err")"
		continue
	fi
	if "$treecheck" "$T/$m.truth" "$T/$m.jsonl" --method "$m" \
	    > "$T/$m.check" 2>&1; then
		echo "$m: $(cat "$T/$m.check")"
	else
		fail "$m: sdtop does not match the tree:
$(head -n 20 "$T/$m.check")"
		[ -s "$T/$m.err" ] && echo "sdtop's stderr: $(cat "$T/$m.err")"
	fi
done
finish
