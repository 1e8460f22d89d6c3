#!/bin/sh
# test-view-exit-big.sh - under the screen, a process with GiBs of memory
# that exits by itself while watched: the screen says "[process exited]"
# and keeps its last frame, and q ends sdtop with status 0 (as
# tests/test-exit-big.sh checks in batch mode). Its exit frees the GiBs
# for a while after its address space has gone: it must not be taken for
# a process that runs a new program. For every method this kernel has,
# and auto; the buffer is sized from MemAvailable (skipped below 3 GiB).

name=test-view-exit-big
. "${srcdir:-.}/tests/test-view-lib.sh"

workload=$b/tests/workload
if [ ! -x "$workload" ]; then
	echo "SKIP: $workload is not built"
	exit 77
fi
avail=$(awk '/^MemAvailable:/ { print $2 }' /proc/meminfo)
if [ "${avail:-0}" -ge $((8 * 1024 * 1024)) ]; then
	mib=2048
elif [ "${avail:-0}" -ge $((3 * 1024 * 1024)) ]; then
	mib=1024
else
	echo "SKIP: ${avail:-?} kB available, 3 GiB wanted"
	exit 77
fi
pages=$((mib * 1024 * 1024 / $(getconf PAGESIZE)))

methods=
"$sdtop" --probe > "$tmp/probe" 2>&1
grep -q '^soft-dirty  *yes' "$tmp/probe" && methods="$methods soft-dirty"
grep -q '^uffd-wp  *yes' "$tmp/probe" && methods="$methods uffd-wp"
grep -q '^process_vm_readv  *yes' "$tmp/probe" && methods="$methods hash"
if [ -z "$methods" ]; then
	echo "SKIP: no method works here"
	exit 77
fi

wpid=
cleanup_more() {
	[ -n "$wpid" ] && kill -9 "$wpid" 2>/dev/null
}
has_ready() {
	grep -q '^phase 0 ' "$tmp/w.out" 2>/dev/null
}

for m in $methods auto; do
	: > "$tmp/w.out"
	start -m "$m" -i 0.2 -- sh -c "exec '$workload' --pages $pages \
	    > '$tmp/w.out'"
	wait_until "$m: the workload did not start" has_ready
	wpid=$(awk '/^ready /{ print $2 }' "$tmp/w.out")
	wait_header " workload "
	wait_for " this cycle"
	kill -TERM "$wpid"
	wait_for "[process exited]"
	wpid=
	keys q
	wait_for "EXIT=0"
	echo "$m: $mib MiB, exit shown"
done
echo "ok"
