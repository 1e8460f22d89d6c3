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
name=test-lasting
. "${srcdir:-.}/tests/test-live-lib.sh"
need "$sdtop" "$workload" "$gtcheck"
need_jq
need_uffd

# kb PID FILE FIELD: a "Field: N kB" value of /proc/PID/FILE.
kb() {
	awk -v f="$3:" '$1 == f { print $2 }' "/proc/$1/$2"
}

"$workload" --phase 1 --thp 64 --sparse 1024 --threads 200 \
    > "$T/wl.out" 2>&1 &
WPID=$!
wait_line '^phase 1 ' "$T/wl.out" ||
    { echo "FAIL: the workload did not start"; exit 1; }

huge0=$(kb "$WPID" smaps_rollup AnonHugePages)
pte0=$(kb "$WPID" status VmPTE)
echo "before: AnonHugePages $huge0 kB, VmPTE $pte0 kB"

"$sdtop" -b --json -m uffd-wp -n 4 -i 0.2 "$WPID" > "$T/u.jsonl" \
    2> "$T/err" || fail "uffd-wp: status $?: $(cat "$T/err")"
"$gtcheck" "$(grep '^phase 1 ' "$T/wl.out")" "$T/u.jsonl" > "$T/gt" 2>&1 ||
    fail "uffd-wp beside huge pages: $(head -n 2 "$T/gt")"
# Its injector removes the userfaultfd: wait for that.
wait_for uffd_gone "$WPID"
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

check_alive "uffd-wp beside huge pages"

finish
