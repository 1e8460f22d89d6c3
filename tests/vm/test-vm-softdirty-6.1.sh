#!/bin/sh
# Soft-dirty tracking on Debian's current 6.1 cloud kernel under qemu.
exec sh "${srcdir:-.}/tests/vm/test-vm-softdirty.sh" 6.1
