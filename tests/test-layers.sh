#!/bin/sh
# test-layers.sh - the include lines of src/ and include/ against the
# layer table src/layers.txt: every module is in the table, no module
# includes a header of a higher layer, no two modules include each other
# (directly or round a longer loop), each header is named after its
# module, and only the modules marked "curses" include <curses.h>.
set -u
top=${abs_top_srcdir:-${top_srcdir:-$(dirname "$0")/..}}
table=$top/src/layers.txt
[ -r "$table" ] || { echo "test-layers: cannot read $table"; exit 1; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

# The modules present: stems of src/*.c and include/*.h.
for f in "$top"/src/*.c "$top"/include/*.h; do
	b=${f##*/}
	echo "${b%.*}"
done | sort -u >"$tmp/present"

# Every include edge "from to" between the project's own files.
for f in "$top"/src/*.c "$top"/include/*.h; do
	b=${f##*/}
	sed -n 's/^#include[ 	]*"\([^"]*\)\.h".*/\1/p' "$f" |
	    grep -v '^config$' | sed "s/^/${b%.*} /"
done | sort -u >"$tmp/edges"
for f in "$top"/src/*.c "$top"/include/*.h; do
	b=${f##*/}
	grep -q '^#include[ 	]*<n\{0,1\}curses' "$f" && echo "${b%.*}"
done | sort -u >"$tmp/curses"

awk -v present="$tmp/present" -v edges="$tmp/edges" \
    -v curses="$tmp/curses" -v top="$top" '
function fail(msg) { print "test-layers: " msg; bad = 1 }
/^#/ || NF == 0 { next }
$1 == "layers:" { for (i = 2; i <= NF; i++) rank[$i] = i - 1; next }
{
	if (!($2 in rank))
		fail("src/layers.txt:" NR ": unknown layer \"" $2 "\"")
	if ($1 in layer)
		fail("src/layers.txt:" NR ": " $1 " listed twice")
	layer[$1] = $2
	for (i = 3; i <= NF; i++)
		flag[$1, $i] = 1
}
END {
	while ((getline m < present) > 0) {
		seen[m] = 1
		if (!(m in layer))
			fail(m ": not in src/layers.txt (which layer is it?)")
	}
	for (m in layer) {
		if (!(m in seen))
			fail(m ": in src/layers.txt, but no such file")
		c = top "/src/" m ".c"; h = top "/include/" m ".h"
		hasc = (getline line < c) >= 0; close(c)
		hash = (getline line < h) >= 0; close(h)
		if (hasc && !hash && layer[m] != "program" &&
		    !flag[m, "noheader"])
			fail("src/" m ".c has no include/" m ".h")
		if (hash && !hasc && !flag[m, "header-only"])
			fail("include/" m ".h has no src/" m ".c")
	}
	while ((getline e < edges) > 0) {
		split(e, p, " ")
		if (!(p[1] in layer) || !(p[2] in layer))
			continue
		if (rank[layer[p[2]]] > rank[layer[p[1]]])
			fail(p[1] " (" layer[p[1]] ") includes " p[2] ".h (" \
			    layer[p[2]] "): a lower layer may not include a" \
			    " higher one")
	}
	while ((getline m < curses) > 0)
		if (!flag[m, "curses"])
			fail(m " includes <curses.h> but is not a screen module")
	exit bad
}' "$table" || exit 1

# No loop between modules: tsort(1) names one if there is any.
awk '$1 != $2' "$tmp/edges" >"$tmp/graph"
if ! tsort "$tmp/graph" >/dev/null 2>"$tmp/loop"; then
	echo "test-layers: include loop between modules:"
	sed 's/^tsort: /  /' "$tmp/loop"
	exit 1
fi
echo "test-layers: $(wc -l <"$tmp/present") modules, $(wc -l <"$tmp/edges") include lines, layers hold"
