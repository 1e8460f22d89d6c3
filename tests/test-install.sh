#!/bin/sh
# test-install.sh - make install into a scratch DESTDIR puts in place the
# programs, their three manuals, every document of docs/ with the README,
# and bash completion under the name of each program (which, sourced,
# registers them); make uninstall then leaves no file behind.

set -u
name=test-install
. "${abs_top_srcdir:-.}/tests/test-live-lib.sh"
top=${abs_top_srcdir:-.}
need "$sdtop"
command -v make >/dev/null 2>&1 || { echo "SKIP: no make"; exit 77; }

# make TARGET in the build tree, as a make of its own (not a job of the
# make running the tests).
submake() {
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$b" "$@" \
	    DESTDIR="$T/root" >"$T/make.log" 2>&1
}

submake install || { fail "make install: $(tail -n 5 "$T/make.log")"; finish; }

# found PATTERN: the one installed file whose path matches PATTERN.
found() {
	find "$T/root" -path "$1" | head -n 1
}

for p in sdtop sdtop-demo tracepgfault; do
	[ -n "$(found "*/bin/$p")" ] || fail "$p not installed"
	[ -n "$(found "*/man1/$p.1")" ] || fail "the manual $p.1 not installed"
done

# Every document of the source tree's docs/, next to the README.
readme=$(found '*/doc/sdtop/README.md')
[ -n "$readme" ] || fail "README.md not installed in a doc/sdtop directory"
docdir=$(dirname "${readme:-/nonexistent/x}")
for d in "$top"/docs/*.md; do
	if cmp -s "$d" "$docdir/$(basename "$d")"; then
		echo "ok: docs/$(basename "$d") installed"
	else
		fail "docs/$(basename "$d") not installed in $docdir"
	fi
done

# Bash completion: one file, under each program's name, as
# bash-completion loads it on demand.
comp=$(found '*/bash-completion/completions/sdtop')
if [ -z "$comp" ]; then
	fail "no bash-completion/completions/sdtop"
else
	for p in sdtop sdtop-demo tracepgfault; do
		cmp -s "$top/completion/sdtop" "$(dirname "$comp")/$p" ||
		    fail "completion for $p not installed as $p"
		bash -c '. "$0" && complete -p "$1"' "$(dirname "$comp")/$p" \
		    "$p" >/dev/null 2>&1 ||
		    fail "the installed completion registers nothing for $p"
	done
fi

submake uninstall || fail "make uninstall: $(tail -n 5 "$T/make.log")"
left=$(find "$T/root" ! -type d)
[ -z "$left" ] || fail "make uninstall left: $left"

finish
