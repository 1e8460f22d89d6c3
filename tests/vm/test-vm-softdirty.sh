#!/bin/sh
# test-vm-softdirty.sh - soft-dirty tracking on a real soft-dirty kernel.
#
# Usage: test-vm-softdirty.sh SERIES       (6.1: plain pagemap reads;
#                                           6.12: the PAGEMAP_SCAN fast path)
#
# The machine's own kernel has no CONFIG_MEM_SOFT_DIRTY, so this boots one
# of Debian's cloud kernels (which have it) under qemu with software
# emulation, with an initramfs of the static guest-init (as /init), sdtop
# and the ground-truth workload. The guest prints every result on the
# serial console between "@@sdtop-vm" markers; this script judges them:
# each phase of the workload with tests/gtcheck, the method and the path
# sdtop used, "sdtop -l", the survival of the workload, and a tree of
# processes watched as one (tests/tree-target --drive, tests/treecheck).
#
# Downloads go to $SDTOP_VM_CACHE (or tests/vm/cache in the build tree).
# Exits 77 only when qemu, cpio or the kernel package cannot be had.

set -u

series=${1:?usage: test-vm-softdirty.sh SERIES}
srcdir=${srcdir:-.}
top_builddir=${abs_top_builddir:-$(pwd)}
here=$srcdir/tests/vm
guest=$top_builddir/tests/vm
gtcheck=$top_builddir/tests/gtcheck
treecheck=$top_builddir/tests/treecheck
cache=${SDTOP_VM_CACHE:-$top_builddir/tests/vm/cache}
qemu=${QEMU:-qemu-system-x86_64}
qemu_timeout=${SDTOP_VM_TIMEOUT:-240}

# SDTOP_REQUIRE_VM=1 (set by CI, which installs qemu and can download the
# kernels) turns a skip into a failure, so a missing step cannot hide.
skip() {
	echo "SKIP: $*"
	[ "${SDTOP_REQUIRE_VM:-0}" = 1 ] && { echo "FAIL: SDTOP_REQUIRE_VM is set"; exit 1; }
	exit 77
}

fail() {
	echo "FAIL ($series): $*"
	exit 1
}

command -v "$qemu" >/dev/null 2>&1 || skip "$qemu not found (package qemu-system-x86)"
command -v cpio >/dev/null 2>&1 || skip "cpio not found"
command -v gzip >/dev/null 2>&1 || skip "gzip not found"
command -v timeout >/dev/null 2>&1 || skip "timeout not found"

for f in "$guest/guest-init" "$guest/sdtop-static" "$guest/workload-static" \
    "$guest/check-present-static" "$guest/tree-target-static" "$gtcheck" \
    "$treecheck"; do
	[ -x "$f" ] || fail "$f is missing (make check builds it)"
done

work=$(mktemp -d "${TMPDIR:-/tmp}/sdtop-vm.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT

found=$(sh "$here/kernel-fetch.sh" "$series" "$cache" 2>"$work/fetch.err")
case $? in
0)	;;
77)	cat "$work/fetch.err"
	skip "$(tail -n 1 "$work/fetch.err")" ;;
*)	cat "$work/fetch.err"
	fail "cannot get the $series kernel" ;;
esac
set -- $found
pkg=$1 ver=$2 kbase=$3
echo "kernel: $pkg $ver"
grep -q '^CONFIG_MEM_SOFT_DIRTY=y' "$kbase.config" ||
    fail "$pkg is built without CONFIG_MEM_SOFT_DIRTY"

# The collection path the kernel must offer: 6.1 has no PAGEMAP_SCAN
# (ENOTTY), 6.12 has it with PAGE_IS_SOFT_DIRTY. The guest forces it on
# sdtop (SDTOP_SOFTDIRTY_PATH), so sdtop fails if its probe disagrees.
case $series in
6.1)	path=read other=scan ;;
*)	path=scan other=read ;;
esac

# The initramfs: a newc cpio, gzipped (every Debian kernel unpacks it).
mkdir "$work/root" || exit 1
cp "$guest/guest-init" "$work/root/init" &&
    cp "$guest/sdtop-static" "$work/root/sdtop" &&
    cp "$guest/workload-static" "$work/root/workload" &&
    cp "$guest/check-present-static" "$work/root/check-present" &&
    cp "$guest/tree-target-static" "$work/root/tree-target" || exit 1
(cd "$work/root" && find . | cpio -o -H newc -R 0:0 --quiet) |
    gzip -1 >"$work/initrd.gz" || fail "cannot build the initramfs"

# qemu exits 0 on power-off and on a panic alike: only what the guest
# printed tells.
t0=$(date +%s.%N)
timeout "$qemu_timeout" "$qemu" -accel tcg -cpu max -smp 1 -m 512 \
    -nographic -no-reboot -nodefaults -serial stdio \
    -kernel "$kbase.vmlinuz" -initrd "$work/initrd.gz" \
    -append "console=ttyS0 quiet loglevel=1 panic=-1 sdtop.path=$path" \
    </dev/null >"$work/console.raw" 2>"$work/qemu.err"
qrc=$?
t1=$(date +%s.%N)
secs=$(echo "$t0 $t1" | awk '{ printf "%.1f", $2 - $1 }')
echo "qemu: exit $qrc after $secs s (boot, scenario and power-off)"

# Strip carriage returns and the firmware's escape codes, which are glued
# to the first line; keep marker lines from their marker on.
tr -d '\r' <"$work/console.raw" |
    sed -e 's/\x1b\[[0-9;?]*[A-Za-z]//g' -e 's/\x1b[()][A-Za-z0-9]//g' \
        -e 's/\x1b[A-Za-z=>]//g' -e 's/.*\(@@sdtop-vm \)/\1/' \
    >"$work/console.log"

show_log() {
	echo "--- guest console (last 60 lines) ---"
	tail -n 60 "$work/console.log"
	[ -s "$work/qemu.err" ] && { echo "--- qemu stderr ---"; cat "$work/qemu.err"; }
	echo "---"
}

if ! grep -q '^@@sdtop-vm done$' "$work/console.log"; then
	show_log
	grep '^@@sdtop-vm error' "$work/console.log"
	fail "the guest did not finish its scenario (qemu exit $qrc)"
fi
grep -E '^@@sdtop-vm (kernel|path)' "$work/console.log"

# Split the log: each "begin NAME" ... "end NAME status N" section into
# NAME.out and NAME.status; marker lines "phase K ..." into phaseK.
awk -v dir="$work" '
	/^@@sdtop-vm begin / { name = $3; out = dir "/" name ".out";
	    printf "" > out; next }
	/^@@sdtop-vm end / { print $5 > (dir "/" $3 ".status");
	    close(out); name = ""; next }
	/^@@sdtop-vm phase / { k = $3; sub(/^@@sdtop-vm phase [0-9]+ /, "");
	    print > (dir "/phase" k); next }
	/^@@sdtop-vm / { next }
	name != "" { print >> out }
' "$work/console.log"

errors=0
bad() {
	echo "FAIL ($series): $*"
	errors=$((errors + 1))
}

status_of() {
	cat "$work/$1.status" 2>/dev/null || echo missing
}

# sdtop --probe must work there (its table is shown for the log).
echo "--- sdtop --probe ---"
cat "$work/probe.out" 2>/dev/null
echo "---"
[ "$(status_of probe)" = 0 ] || bad "sdtop --probe exited $(status_of probe)"

# Every phase, judged against the workload's own account of it.
for k in 0 1 2 3 4; do
	run=$work/run$k.out
	[ -s "$work/phase$k" ] || { bad "phase $k: no phase line"; continue; }
	phase=$(cat "$work/phase$k")
	st=$(status_of "run$k")
	if [ "$st" != 0 ]; then
		bad "phase $k: sdtop exited $st"
		sed 's/^/  /' "$run" 2>/dev/null | head -n 5
		grep "^@@sdtop-vm stderr run$k " "$work/console.log"
		continue
	fi
	n=$(grep -c . "$run")
	m=$(grep -c '"method": *"soft-dirty"' "$run")
	[ "$n" -gt 0 ] && [ "$n" = "$m" ] ||
	    bad "phase $k: $m of $n cycles say method soft-dirty"
	# The cost of a soft-dirty fault was measured in the guest, and each
	# cycle that judged pages gives it.
	c=$(grep '"exited":false,"exec":false' "$run" | grep -c \
	    '"target_cost":{"kind":"faults","percent":[0-9.e+-]*,"fault_ns":[1-9]')
	j=$(grep -c '"exited":false,"exec":false' "$run")
	[ "$c" = "$j" ] ||
	    bad "phase $k: $c of $j cycles give a soft-dirty fault cost"
	[ "$k" = 4 ] && allow=--allow-new || allow=
	if "$gtcheck" "$phase" "$run" $allow; then
		echo "phase $k: matches over $n cycles ($phase)"
	else
		bad "phase $k: sdtop does not match the workload"
	fi
done

# The present pages the method reports, on this kernel's path: exact in
# four cycles within the age of the first one's present map, with pages
# given back (discarded, not written) and given back and written again.
if [ "$(status_of present)" = 0 ] && grep -q '^present ok$' "$work/present.out"; then
	echo "present pages: exact, pages given back discarded, not written ($path)"
else
	bad "present pages: $(cat "$work/present.out" 2>/dev/null) (status $(status_of present))"
fi

# Phase 3 (every page written) again with the other path: on 6.12 the
# plain reads must agree; on 6.1 asking for PAGEMAP_SCAN must fail, saying so.
st=$(status_of alt)
if [ "$other" = scan ]; then
	if [ "$st" = 1 ] &&
	    grep -q '^@@sdtop-vm stderr alt .*PAGEMAP_SCAN' "$work/console.log"; then
		echo "path scan: refused, as this kernel has no PAGEMAP_SCAN"
	else
		bad "SDTOP_SOFTDIRTY_PATH=scan: sdtop exited $st without naming PAGEMAP_SCAN"
		grep "^@@sdtop-vm stderr alt " "$work/console.log"
	fi
elif [ "$st" != 0 ]; then
	bad "path $other: sdtop exited $st"
	grep "^@@sdtop-vm stderr alt " "$work/console.log"
elif "$gtcheck" "$(cat "$work/phase3")" "$work/alt.out"; then
	echo "path $other: phase 3 exact too"
else
	bad "path $other: sdtop does not match the workload in phase 3"
fi

# sdtop -l right after the run of phase 1: of the buffer, exactly the even
# pages read soft-dirty. Its lines hold "0xSTART-0xEND" ranges (half-open).
if [ "$(status_of list)" != 0 ]; then
	bad "sdtop -l exited $(status_of list)"
else
	set -- $(cat "$work/phase1")
	bstart=$3 bend=$4
	got=$(grep -o '0x[0-9a-f]*-0x[0-9a-f]*' "$work/list.out" |
	    awk -v s="$bstart" -v e="$bend" '
		function hex(x,  i, c, v) { v = 0; x = tolower(substr(x, 3));
		    for (i = 1; i <= length(x); i++) {
			c = index("0123456789abcdef", substr(x, i, 1)) - 1;
			v = v * 16 + c }
		    return v }
		BEGIN { S = hex(s); E = hex(e) }
		{ split($0, r, "-"); a = hex(r[1]); b = hex(r[2]);
		  for (p = a; p < b; p += 4096)
			if (p >= S && p < E) printf "%d,", (p - S) / 4096 }')
	want=$(awk -v s="$bstart" -v e="$bend" 'BEGIN {
		n = 0; x = tolower(substr(s, 3)); y = tolower(substr(e, 3));
		for (i = 1; i <= length(x); i++)
			S = S * 16 + index("0123456789abcdef", substr(x, i, 1)) - 1;
		for (i = 1; i <= length(y); i++)
			E = E * 16 + index("0123456789abcdef", substr(y, i, 1)) - 1;
		for (p = 0; p < (E - S) / 4096; p += 2) printf "%d,", p }')
	if [ "$got" = "$want" ]; then
		echo "sdtop -l: the even pages of the buffer, as written"
	else
		bad "sdtop -l lists pages {$got} of the buffer, not {$want}"
	fi
fi

# A program that runs itself again as it starts: the cycles after the
# exec, begun after the new image was set up, are exact.
st=$(status_of exec)
ephase=$(sed -n 's/^@@sdtop-vm stderr exec \(phase 1 .*\)/\1/p' "$work/console.log" | tail -n 1)
etime=$(sed -n 's/^@@sdtop-vm stderr exec time //p' "$work/console.log" | tail -n 1)
if [ "$st" != 0 ]; then
	bad "exec: sdtop exited $st"
	grep "^@@sdtop-vm stderr exec " "$work/console.log"
elif [ -z "$ephase" ] || [ -z "$etime" ]; then
	bad "exec: no phase or time line from the workload"
elif "$gtcheck" "$ephase" "$work/exec.out" --after-exec --since "$etime"; then
	echo "exec: followed into the new image, exact after it"
else
	bad "exec: sdtop does not match the workload after its exec"
fi

# A tree of processes watched as one (-T), changed while sdtop was held
# between cycles: every cycle exact against what each process wrote.
st=$(status_of tree)
if [ "$st" != 0 ]; then
	bad "tree: the driver exited $st"
	grep "^@@sdtop-vm stderr tree " "$work/console.log"
elif "$treecheck" "$work/tree-truth.out" "$work/tree.out" \
    --method soft-dirty > "$work/tree.check" 2>&1; then
	echo "tree: $(cat "$work/tree.check")"
else
	bad "tree: sdtop -T does not match the tree"
	head -n 20 "$work/tree.check"
fi

# The target survived every run with its memory intact.
if grep -q '^@@sdtop-vm survived alive ' "$work/console.log" &&
    grep -q '^@@sdtop-vm workload exit 0$' "$work/console.log"; then
	echo "workload: survived, memory intact"
else
	bad "the workload did not survive intact"
	grep -E '^@@sdtop-vm (survived|workload exit)' "$work/console.log"
fi

if [ "$errors" -gt 0 ]; then
	show_log
	exit 1
fi
echo "PASS ($series): $pkg $ver, path $path, $secs s in qemu"
exit 0
