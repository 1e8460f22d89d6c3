#!/bin/sh
# bench-vm-softdirty.sh - make bench, case 2: the soft-dirty method's
# collect against the bare limit, in Debian's 6.1 cloud kernel (plain
# pagemap reads) and its 6.12 one (PAGEMAP_SCAN), each booted once under
# qemu with tests/vm/bench-softdirty-static as its benchmark.
#
#	sh tests/vm/bench-vm-softdirty.sh [MIB] [REPS]	(from the build dir)
#
# Prints the guest's table rows and verdict lines (tests/bench-lib.h), or
# a "skipped: reason" row for a kernel that cannot be had or booted.
# Kernels are cached as for the VM tests: $SDTOP_VM_CACHE, or
# tests/vm/cache in the build tree.
set -u

mib=${1:-64}
reps=${2:-9}
here=$(dirname "$0")
guest=./tests/vm
cache=${SDTOP_VM_CACHE:-$guest/cache}
qemu=${QEMU:-qemu-system-x86_64}
label="soft-dirty collect"

skip() {
	printf '%-38s skipped: %s\n' "$label${1:+ $1}" "$2"
}

for tool in "$qemu" cpio gzip timeout; do
	command -v "$tool" >/dev/null 2>&1 ||
	    { skip "" "$tool not found"; exit 0; }
done
for f in guest-init bench-softdirty-static; do
	[ -x "$guest/$f" ] || { skip "" "$guest/$f is not built"; exit 0; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/sdtop-vmbench.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT INT TERM

mkdir "$work/root" &&
    cp "$guest/guest-init" "$work/root/init" &&
    cp "$guest/bench-softdirty-static" "$work/root/bench" || exit 1
(cd "$work/root" && find . | cpio -o -H newc -R 0:0 --quiet) |
    gzip -1 >"$work/initrd.gz" || { skip "" "cannot build an initramfs"; exit 0; }

for series in 6.1 6.12; do
	if ! found=$(sh "$here/kernel-fetch.sh" "$series" "$cache" \
	    2>"$work/fetch.err"); then
		skip "$series" "$(tail -n 1 "$work/fetch.err")"
		continue
	fi
	set -- $found
	pkg=$1 kbase=$3
	t0=$(date +%s)
	timeout 120 "$qemu" -accel tcg -cpu max -smp 1 -m 512 \
	    -nographic -no-reboot -nodefaults -serial stdio \
	    -kernel "$kbase.vmlinuz" -initrd "$work/initrd.gz" \
	    -append "console=ttyS0 quiet loglevel=1 panic=-1 sdtop.bench=$mib,$reps" \
	    </dev/null 2>"$work/qemu.err" | tr -d '\r' |
	    sed -e 's/.*\(@@sdtop-vm \)/\1/' >"$work/console.log"
	secs=$(( $(date +%s) - t0 ))
	# The rows: what the guest printed between its bench markers.
	awk '/^@@sdtop-vm begin bench$/ { on = 1; next }
	    /^@@sdtop-vm end bench / { on = 0 } on' "$work/console.log" \
	    >"$work/rows"
	if ! grep -q '^@@sdtop-vm end bench status 0$' "$work/console.log" ||
	    ! [ -s "$work/rows" ]; then
		skip "$series" "the guest's benchmark failed ($secs s): $(grep \
		    -E '^@@sdtop-vm (stderr|error|end)' "$work/console.log" |
		    tail -n 1)"
		continue
	fi
	cat "$work/rows"
	printf '%-38s %9s %9s %8s %18s  %s\n' "soft-dirty $series: the qemu run" \
	    - - - - "$pkg, boot and benchmark $secs s"
done
exit 0
