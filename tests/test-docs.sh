#!/bin/sh
# test-docs.sh - what the README and the manual say against what sdtop
# does: the members of JSON's precopy object that are null when pre-copy
# does not converge (from a real run that cannot converge) are the ones
# the README names as null; the manual is read from the source tree with
# man -l man/sdtop.1 (man sdtop finds it only once installed); and
# "-- CMD" watches CMD alone, not its children, as the manual and the
# README say (--help says it too: test-cli.sh).

set -u
name=test-docs
. "${abs_top_srcdir:-.}/tests/test-live-lib.sh"
top=${abs_top_srcdir:-.}
demo=$b/sdtop-demo
need "$sdtop" "$demo"

# A link of 1 byte/s: the demo's hot set outruns it every cycle.
"$sdtop" -b --json -n 3 -i 0.1 --bandwidth 1 -- "$demo" hotset --size 1M \
    >"$T/run.jsonl" 2>"$T/err" || fail "sdtop: status $?: $(cat "$T/err")"
obj=$(sed -n 's/.*"precopy":{\([^}]*"converges":false[^}]*\)}.*/\1/p' \
    "$T/run.jsonl" | head -n 1)
if [ -z "$obj" ]; then
	fail "no cycle that does not converge: $(head -c 300 "$T/run.jsonl")"
else
	nulls=$(printf '%s\n' "$obj" | tr ',' '\n' |
	    sed -n 's/^"\([a-z_]*\)":null$/\1/p' | sort)
	# The README's sentence on them: "... `a` and `b` are null ...".
	said=$(sed -n '/^## Pre-copy migration estimate/,/^## /p' \
	    "$top/README.md" | tr '\n' ' ' | tr -s ' ' |
	    sed 's/\. /.\n/g' | grep -E ' (are|is) null' | head -n 1 |
	    grep -oE '`[a-z_]+`' | tr -d '`' | sort)
	if [ -n "$nulls" ] && [ "$nulls" = "$said" ]; then
		echo "ok: README: $(echo $said) null when pre-copy does not converge"
	else
		fail "null in JSON: '$(echo $nulls)'; the README says: '$(echo $said)'"
	fi
fi

# The manual from the source tree.
[ -r "$top/man/sdtop.1" ] || fail "no man/sdtop.1"
grep -q '`man -l man/sdtop.1`' "$top/README.md" ||
    fail "README does not say man -l man/sdtop.1"
grep -q '`man sdtop`' "$top/README.md" && ! grep -q \
    '`man sdtop` after `make install`' "$top/README.md" &&
    fail "README says man sdtop without make install"

# -- CMD: the process itself, not its children.
grep -q "but not its children" "$top/man/sdtop.1" ||
    fail "the manual does not say that -- CMD leaves the children out"
tr '\n' ' ' <"$top/README.md" | grep -q "never its children" ||
    fail "README does not say that -- CMD leaves the children out"

finish
