#!/bin/sh
# test-lasting.sh - watching leaves nothing behind: after sdtop -m uffd-wp
# has watched a process and exited, the process has the same transparent
# huge pages and (within two pages) the same page-table memory as before.
#
# The target holds 64 MiB of transparent huge pages that it keeps writing
# (a write to a write-protected huge page would split it), a 1 GiB
# reservation of which it touched one page, and 200 idle threads (stacks
# mostly never touched): protecting holes would leave page tables behind.
# The huge-page region must be reported as not tracked, with its reason;
# "auto" must pass uffd-wp over for such a process, and say why. Whether
# this kernel gives the process huge pages at all is measured first.
#
# Exits 77 (skip) with one line when the kernel or user cannot do uffd-wp.

set -u
b=${abs_top_builddir:-$(pwd)}
sdtop=$b/sdtop
workload=$b/tests/workload
gtcheck=$b/tests/gtcheck
for p in "$sdtop" "$workload" "$gtcheck"; do
	[ -x "$p" ] || { echo "SKIP: $p is not built"; exit 77; }
done
command -v jq >/dev/null || { echo "SKIP: jq is not installed"; exit 77; }
if ! "$sdtop" --probe 2>&1 | grep -q '^uffd-wp  *yes'; then
	echo "SKIP: $("$sdtop" --probe 2>&1 | grep '^uffd-wp')"
	exit 77
fi

T=$(mktemp -d "${TMPDIR:-/tmp}/test-lasting.XXXXXX") || exit 1
WPID=
FAILS=0
cleanup() {
	[ -n "$WPID" ] && kill -9 "$WPID" 2>/dev/null
	wait 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

fail() {
	echo "FAIL: $*"
	FAILS=$((FAILS + 1))
}

# kb PID FILE FIELD: a "Field: N kB" value of /proc/PID/FILE.
kb() {
	awk -v f="$3:" '$1 == f { print $2 }' "/proc/$1/$2"
}

uffd_count() {
	ls -l "/proc/$1/fd" 2>/dev/null | grep -c 'anon_inode:\[userfaultfd\]'
}

"$workload" --phase 1 --thp 64 --sparse 1024 --threads 200 \
    > "$T/wl.out" 2>&1 &
WPID=$!
i=0
until grep -q '^phase 1 ' "$T/wl.out"; do
	i=$((i + 1))
	[ $i -gt 600 ] && { echo "FAIL: the workload did not start"; exit 1; }
	sleep 0.05
done

huge0=$(kb "$WPID" smaps_rollup AnonHugePages)
pte0=$(kb "$WPID" status VmPTE)
echo "before: AnonHugePages $huge0 kB, VmPTE $pte0 kB"

"$sdtop" -b --json -m uffd-wp -n 4 -i 0.2 "$WPID" > "$T/u.jsonl" \
    2> "$T/err" || fail "uffd-wp: status $?: $(cat "$T/err")"
"$gtcheck" "$(grep '^phase 1 ' "$T/wl.out")" "$T/u.jsonl" > "$T/gt" 2>&1 ||
    fail "uffd-wp beside huge pages: $(head -n 2 "$T/gt")"
# Its injector removes the userfaultfd: wait for that.
i=0
while [ "$(uffd_count "$WPID")" -gt 0 ] && [ $i -lt 200 ]; do
	i=$((i + 1))
	sleep 0.05
done
huge1=$(kb "$WPID" smaps_rollup AnonHugePages)
pte1=$(kb "$WPID" status VmPTE)
echo "after sdtop -m uffd-wp: AnonHugePages $huge1 kB, VmPTE $pte1 kB"

page=$(($(getconf PAGESIZE) / 1024))
[ "$pte1" -le $((pte0 + 2 * page)) ] ||
    fail "page tables grew from $pte0 kB to $pte1 kB"

if [ "$huge0" -lt 65536 ]; then
	echo "note: this kernel gave the workload $huge0 kB of huge pages, not 64 MiB (THP $(cat /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null)): the huge-page checks are skipped"
else
	[ "$huge1" -ge "$huge0" ] ||
	    fail "huge pages split: $huge0 kB before, $huge1 kB after"
	start=$(awk '/^thp /{print $2}' "$T/wl.out")
	jq -e -s --arg s "$start" 'all(.[]; .vmas | map(select(.start ==
	    ($s | ltrimstr("0x") | "0x" + .))) | .[0] |
	    (.tracked == false and .error == "huge pages, left unprotected"))' \
	    "$T/u.jsonl" > /dev/null 2>&1 ||
	    fail "the huge-page region is not reported as left unprotected"
	"$sdtop" -b -n 1 -i 0.2 "$WPID" > /dev/null 2> "$T/auto.err" ||
	    fail "auto: status $?"
	grep -q "^sdtop: using hash (.*uffd-wp: PID $WPID has 64 MiB in transparent huge pages, which write-protection would split" \
	    "$T/auto.err" || fail "auto did not pass uffd-wp over: $(cat "$T/auto.err")"
fi

kill -USR2 "$WPID"
wait "$WPID"
st=$?
WPID=
[ $st -eq 0 ] && grep -q '^alive ' "$T/wl.out" ||
    fail "the workload was harmed: $(tail -n 1 "$T/wl.out")"

[ $FAILS -eq 0 ] || exit 1
echo "ok"
