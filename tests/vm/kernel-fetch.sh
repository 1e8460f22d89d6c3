#!/bin/sh
# kernel-fetch.sh - find, download and unpack one of Debian's cloud kernels
# for the qemu tests; it is never installed on the host.
#
# Usage: kernel-fetch.sh SERIES CACHEDIR       (SERIES: 6.1, 6.12, ...)
#
# The package name is resolved each time, since the mirror drops old ABI
# names: "linux-image-cloud-amd64" depends on the current 6.1 image, and
# "linux-image-SERIES-cloud-amd64" on the current one of a newer series.
# On success prints "PACKAGE VERSION BASE": the kernel is BASE.vmlinuz, its
# configuration BASE.config.
# Exits 77 with a reason on stderr when the package cannot be had (no apt,
# no package lists, no network), 1 on other errors.

set -u

series=${1:?usage: kernel-fetch.sh SERIES CACHEDIR}
cache=${2:?usage: kernel-fetch.sh SERIES CACHEDIR}

skip() {
	echo "kernel $series: $*" >&2
	exit 77
}

command -v apt-cache >/dev/null 2>&1 || skip "apt-cache not found"
command -v apt-get >/dev/null 2>&1 || skip "apt-get not found"
command -v dpkg-deb >/dev/null 2>&1 || skip "dpkg-deb not found"

case $series in
6.1)	meta=linux-image-cloud-amd64 ;;
*)	meta=linux-image-$series-cloud-amd64 ;;
esac

# The first dependency of the meta package that is an image of this series
# (6.1 must not match 6.12).
pkg=$(apt-cache depends "$meta" 2>/dev/null |
    sed -n 's/^ *Depends: *\(linux-image-[^ ]*\).*/\1/p' |
    grep -E "^linux-image-$(echo "$series" | sed 's/\./\\./g')[.+-]" |
    head -n 1)
[ -n "$pkg" ] || skip "no package behind $meta (apt-get update not run?)"

ver=$(apt-cache policy "$pkg" 2>/dev/null | sed -n 's/^ *Candidate: *//p')
[ -n "$ver" ] && [ "$ver" != "(none)" ] || skip "$pkg has no candidate version"

# One kernel per series in the cache, under fixed names (so that make
# distclean can remove them): linux-SERIES.{vmlinuz,config,id}; the id
# file names the package and version they came from.
base=$cache/linux-$series
if [ -f "$base.vmlinuz" ] && [ -f "$base.config" ] &&
    [ "$(cat "$base.id" 2>/dev/null)" = "$pkg $ver" ]; then
	echo "$pkg $ver $base"
	exit 0
fi

mkdir -p "$cache" || exit 1
tmp=$(mktemp -d "$cache/fetch.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

if ! (cd "$tmp" && apt-get download "$pkg=$ver") >"$tmp/log" 2>&1; then
	sed 's/^/  /' "$tmp/log" >&2
	skip "cannot download $pkg $ver"
fi
deb=$(ls "$tmp"/*.deb 2>/dev/null | head -n 1)
[ -n "$deb" ] || skip "apt-get download left no .deb for $pkg"

mkdir "$tmp/x" || exit 1
dpkg-deb --fsys-tarfile "$deb" |
    (cd "$tmp/x" && tar -x --wildcards './boot/vmlinuz-*' './boot/config-*') ||
    { echo "kernel $series: cannot unpack $deb" >&2; exit 1; }
mv "$tmp"/x/boot/vmlinuz-* "$tmp/vmlinuz" &&
    mv "$tmp"/x/boot/config-* "$tmp/config" ||
    { echo "kernel $series: no vmlinuz or config in $deb" >&2; exit 1; }

# Renames within one file system: another run unpacking the same kernel
# meanwhile leaves the same files.
rm -f "$base.id"
mv -f "$tmp/vmlinuz" "$base.vmlinuz" && mv -f "$tmp/config" "$base.config" ||
    exit 1
echo "$pkg $ver" >"$base.id" || exit 1
echo "$pkg $ver $base"
