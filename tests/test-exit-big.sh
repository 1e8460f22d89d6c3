#!/bin/sh
# test-exit-big.sh - a process with GiBs of memory that exits by itself
# while watched ends the run cleanly: sdtop exits 0 and its last record
# says "exited": true (JSON) or "process exited" (text). Such a process
# drops its address space at the start of its exit, but freeing GiBs
# takes the kernel a while before it is a zombie; in between it must not
# be taken for one that runs a new program (and stopped to attach a
# method to that: an exiting process cannot be stopped).
#
# sdtop starts the workload with a buffer sized here from MemAvailable
# (2 GiB, or 1 GiB; skipped below that), waits for a cycle that tracks
# it, and the workload is told to exit (SIGTERM: it calls _exit(0)). For
# every method this kernel has, and auto; in JSON and in text.

set -u
name=test-exit-big
. "${srcdir:-.}/tests/test-live-lib.sh"
need "$sdtop" "$workload"
need_jq

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

# The methods this kernel and user have.
methods=
"$sdtop" --probe > "$T/probe" 2>&1
grep -q '^soft-dirty  *yes' "$T/probe" && methods="$methods soft-dirty"
grep -q '^uffd-wp  *yes' "$T/probe" && methods="$methods uffd-wp"
grep -q '^process_vm_readv  *yes' "$T/probe" && methods="$methods hash"
[ -n "$methods" ] || { echo "SKIP: no method works here"; exit 77; }

# json_cycles_since FILE T: cycles of FILE, of the workload, begun at T
# or later.
json_cycles_since() {
	[ "$(jq -s --argjson t "$2" '[.[] | select(.exited != true and
	    .comm == "workload" and .clear_time >= $t)] | length' "$1" \
	    2>/dev/null || echo 0)" -ge 1 ]
}

# text_cycles_since FILE N: more than N cycles of the workload in FILE.
text_cycles_since() {
	[ "$(grep -c '^cycle .*(workload)' "$1")" -gt "$2" ]
}

# run LABEL METHOD FORMAT: one run (FORMAT json or text).
run() {
	label=$1
	fmt=
	[ "$3" = json ] && fmt=--json
	: > "$T/err"
	"$sdtop" -b $fmt -m "$2" -i 0.1 -- "$workload" --pages "$pages" \
	    > "$T/out" 2> "$T/err" &
	SPID=$!
	# The workload's output goes to sdtop's standard error.
	if ! wait_line '^phase 0 ' "$T/err"; then
		fail "$label: the workload did not start: $(cat "$T/err")"
		kill "$SPID"; wait "$SPID"; SPID=
		return
	fi
	wpid=$(awk '/^ready /{ print $2 }' "$T/err")
	if [ "$3" = json ]; then
		wait_for json_cycles_since "$T/out" "$(date +%s.%N)"
	else
		wait_for text_cycles_since "$T/out" \
		    "$(grep -c '^cycle .*(workload)' "$T/out")"
	fi || fail "$label: no cycle of the workload: $(cat "$T/err")"
	t0=$(date +%s%N)
	kill -TERM "$wpid"
	wait "$SPID"
	st=$?
	SPID=
	t1=$(date +%s%N)
	[ $st -eq 0 ] || fail "$label: sdtop status $st: $(tail -n 3 "$T/err")"
	if [ "$3" = json ]; then
		jq -e -s --argjson p "$wpid" 'last | .exited == true and
		    .pid == $p' "$T/out" > /dev/null 2>&1 ||
		    fail "$label: the last record does not say the workload exited: $(tail -c 300 "$T/out")"
	else
		tail -n 1 "$T/out" | grep -q "pid $wpid (workload): process exited" ||
		    fail "$label: the last line does not say the workload exited: $(tail -n 1 "$T/out")"
	fi
	echo "$label: $mib MiB, exit seen $(( (t1 - t0) / 1000000 )) ms after SIGTERM"
}

for m in $methods auto; do
	run "$m json" "$m" json
done
for m in $methods auto; do
	run "$m text" "$m" text
done
finish
