#!/bin/sh
# Trace programs with known fault patterns for real (tests/pf-pattern) and
# check that the trace and its report show exactly what each program says
# it did: the pages it touched, the kinds of its faults, the records of its
# mmap, mprotect, munmap, mremap and brk calls, its threads, its child.
# Which of its loads and stores fault is the kernel's choice (a read of a
# fresh page may map the zero page or a page of its own): the program
# counts the faults of each access itself, and the expectations follow
# from its counts.
set -u
: "${abs_top_builddir:=.}"
bin="$abs_top_builddir/tracepgfault"
pf="$abs_top_builddir/tests/pf-pattern"
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT INT TERM
# LeakSanitizer (in an --enable-asan build of pf-pattern) stops the world
# from a CLONE_UNTRACED task, which the seccomp filter then refuses.
ASAN_OPTIONS=detect_leaks=0
export ASAN_OPTIONS
fail=0
bad() { echo "FAIL: $*"; fail=1; }
pg=$(getconf PAGESIZE)

if ! "$bin" "$tmp/probe" /bin/true 2>"$tmp/err"; then
	echo "SKIP: cannot trace here: $(head -n 1 "$tmp/err")"
	exit 77
fi
kinds=no
grep -q '^info kinds tracepoint$' "$tmp/probe" && kinds=yes

# The bar of the report row for [START, END) in file $1.
row() {
	awk -v s="$2" -v e="$3" '
	    $1 == "Region:" && $2 == s && $4 == e {
		sub(/^[^|]*\|/, ""); sub(/\|.*$/, ""); print; exit }' "$1"
}
# The life line under that row.
life() {
	awk -v s="$2" -v e="$3" '
	    found { print; exit }
	    $1 == "Region:" && $2 == s && $4 == e { found = 1 }' "$1"
}
# Hex without leading zeros, as the trace writes addresses.
short() { printf '%x' "0x$1"; }
# The id of the last region added at START in trace $1.
id_at() {
	awk -v s="$(short "$2")" '$1 == "add" && $8 == s { id = $6 }
	    END { print id }' "$1"
}

# "TIME CAUSE" of the last add record of [START, END) ($2, $3, as
# pf-pattern prints them) in trace $1; with CAUSE and PERMS ($4, $5),
# of the last one by that cause with those permissions. Nothing if none.
added_at() {
	awk -v s="$(short "$2")" -v e="$(short "$3")" -v c="${4-}" \
	    -v p="${5-}" '
	    $1 == "add" && $8 == s && $9 == e && (c == "" || $5 == c) &&
	    (p == "" || $10 == p) { t = $2; k = $5 }
	    END { if (t != "") print t, k }' "$1"
}

# Compare the steps in pf-pattern's output $1 (each one load or store and
# the faults it counted) with trace $2: on every page a thread stepped on,
# the trace must hold exactly as many completed faults by that thread
# from the program's first mapping on (its steps-from line; before it,
# the addresses may have been another mapping's), and with kinds ($3 =
# yes) as many reads and as many writes. Prints one line per page that
# differs.
steps_differ() {
	set -- "$1" "$2" "$3" $(grep -m 1 '^steps-from ' "$1")
	from=
	[ $# -eq 7 ] && from=$(added_at "$2" "$5" "$6" mmap "$7")
	from=${from% *}
	if [ -z "$from" ]; then
		echo "no add record of the program's first mapping" \
		    "(${5-no steps-from line})"
		return
	fi
	awk -v pg="$pg" -v kinds="$3" -v from="$from" '
	    function hex(s,  i, v) {
		v = 0
		for (i = 1; i <= length(s); i++)
			v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
		return v
	    }
	    # As a string made with %.0f: mawk would write a large number
	    # with CONVFMT (%.6g) and lose its last digits.
	    function pageno(s) {
		return sprintf("%.0f", int(hex(s) / pg))
	    }
	    FNR == NR {
		if ($1 == "step") {
			k = $3 " " pageno($4)
			page[k] = $4
			want[k, $5] += $6
			want[k] += $6
		}
		next
	    }
	    $1 == "fault" && ($8 == "m" || $8 == "M") && $2 + 0 >= from + 0 {
		k = $4 " " pageno($5)
		if (k in page) {
			got[k, $7]++
			got[k]++
		}
	    }
	    END {
		for (k in page) {
			split(k, tp, " ")
			if (got[k] + 0 != want[k] + 0 || (kinds == "yes" &&
			    (got[k, "r"] + 0 != want[k, "r"] + 0 ||
			    got[k, "w"] + 0 != want[k, "w"] + 0)))
				printf "thread %s, page %s: the trace has " \
				    "%d faults (%d r, %d w), the steps took " \
				    "%d (%d r, %d w)\n", tp[1], page[k],
				    got[k], got[k, "r"], got[k, "w"], want[k],
				    want[k, "r"], want[k, "w"]
		}
	    }' "$1" "$2"
}

# The permissions line under the row for [START, END) in report $1.
perms_line() {
	awk -v s="$2" -v e="$3" '
	    found == 2 { if ($1 == "permissions") print; exit }
	    found { found++ }
	    $1 == "Region:" && $2 == s && $4 == e { found = 1 }' "$1"
}

# expect-perms START END P1 N1 P2 N2 ($2..$7) against trace $1: the
# mprotect that gave the region P2 is recorded at a time that lies
# after its N1 faults under P1 and before its N2 faults under P2 (its
# completed faults, by time, from its add record on: before, its
# addresses may have been another mapping's), and the report says when
# the permissions changed and which faults came under each, in text and
# in JSON.
check_perms() {
	trace=$1 s=$2 e=$3 p1=$4 n1=$5 p2=$6 n2=$7
	ss=$(short "$s") es=$(short "$e")
	tc=$(awk -v s="$ss" -v e="$es" -v p="$p2" '$1 == "change" &&
	    $5 == "mprotect" && $7 == s && $8 == e && $9 == p { print $2 }' \
	    "$trace" | tail -n 1)
	ta=$(added_at "$trace" "$s" "$e")
	if [ -z "$tc" ] || [ -z "${ta% *}" ]; then
		bad "perms $s-$e: no add, or no change to $p2 by mprotect"
		return
	fi
	set -- $(awk -v pg="$pg" -v s="$((0x$s))" -v e="$((0x$e))" -v t="$tc" \
	    -v from="${ta% *}" '
	    function hex(x,  i, v) {
		v = 0
		for (i = 1; i <= length(x); i++)
			v = v * 16 + index("0123456789abcdef", substr(x, i, 1)) - 1
		return v
	    }
	    $1 == "fault" && ($8 == "m" || $8 == "M") && $2 + 0 >= from + 0 {
		a = hex($5)
		if (a >= s && a < e) {
			if ($2 + 0 < t + 0) n1++
			else if ($2 + 0 > t + 0) n2++
			else eq++
		}
	    }
	    END { print n1 + 0, n2 + 0, eq + 0 }' "$trace")
	[ "$1 $2 $3" = "$n1 $n2 0" ] || bad "perms $s-$e: $1 faults before" \
	    "the mprotect at $tc ns, $2 after, $3 at it; want $n1, $n2, 0"
	# The text: each permission from when, and its faults.
	l=$(perms_line "$tmp/report" "$s" "$e")
	t1=$(awk -v t="${ta% *}" 'BEGIN { printf "%.6f", t / 1e9 }')
	t2=$(awk -v t="$tc" 'BEGIN { printf "%.6f", t / 1e9 }')
	k1=": unknown $n1" k2=": unknown $n2"
	[ "$kinds" = yes ] && k1=": write $n1" k2=": read $n2"
	want="permissions changed: $p1 from $t1 s (${ta#* }), faults $n1$k1;"
	want="$want $p2 from $t2 s (mprotect), faults $n2$k2"
	[ "$(echo $l)" = "$want" ] ||
	    bad "perms $s-$e: report says \"$l\", want \"$want\""
	# The JSON: the same, times in ns.
	"$bin" --report --json "$trace" >"$tmp/perms.json" ||
	    bad "report --json of $trace"
	got=$(jq -r --arg s "0x$ss" '.regions[] | select(.start == $s) |
	    .permissions[] | [.perms, (.from * 1e9 | round), .cause,
	    (.faults | .read + .write + .exec + .unknown), .faults.read,
	    .faults.write] | map(tostring) | join(" ")' "$tmp/perms.json")
	if [ "$kinds" = yes ]; then r1=0 w1=$n1 r2=$n2 w2=0
	else r1=0 w1=0 r2=0 w2=0; fi
	want="$p1 ${ta% *} ${ta#* } $n1 $r1 $w1
$p2 $tc mprotect $n2 $r2 $w2"
	[ "$got" = "$want" ] ||
	    bad "perms $s-$e: JSON says \"$got\", want \"$want\""
}

# Check every expectation a run of pf-pattern printed ($1: its output,
# $2: the trace).
check() {
	out=$1 trace=$2
	steps_differ "$out" "$trace" "$kinds" >"$tmp/steps"
	while read -r line; do
		bad "$line"
	done <"$tmp/steps"
	grep -q '^step ' "$out" || bad "no steps in $out"
	"$bin" --report "$trace" >"$tmp/report" 2>"$tmp/rerr" ||
	    bad "report of $trace: $(cat "$tmp/rerr")"
	while read -r what a b c d e; do
		case $what in
		expect-row)
			"$bin" --report --pid "$a" "$trace" >"$tmp/r.pid" ||
			    bad "report --pid $a"
			got=$(row "$tmp/r.pid" "$b" "$c")
			[ "|$got|" = "$d" ] ||
			    bad "row $b-$c of pid $a: got |$got|, want $d"
			;;
		expect-tid)
			"$bin" --report --tid "$a" "$trace" >"$tmp/r.tid" ||
			    bad "report --tid $a"
			got=$(row "$tmp/r.tid" "$b" "$c")
			[ "|$got|" = "$d" ] ||
			    bad "row $b-$c of thread $a: got |$got|, want $d"
			;;
		expect-kinds)
			[ "$kinds" = yes ] || continue
			l=$(life "$tmp/report" "$a" "$b")
			case $l in
			*"read $c write $d exec 0 "*) ;;
			*) bad "kinds of $a-$b: want read $c write $d: $l" ;;
			esac
			;;
		expect-rec)
			s=$(short "$c") en=$(short "$d")
			if [ "$a" = add ]; then
				pat="^add [0-9]+ [0-9]+ [0-9]+ $b [0-9]+ [0-9]+ $s $en $e "
			else
				pat="^change [0-9]+ [0-9]+ [0-9]+ $b [0-9]+ $s $en $e "
			fi
			grep -Eq "$pat" "$trace" ||
			    bad "no $a record by $b for $c-$d $e"
			;;
		expect-gone|expect-merge)
			id=$(id_at "$trace" "$b")
			if [ -z "$id" ]; then
				bad "no region added at $b"
				continue
			fi
			if [ "$what" = expect-gone ]; then
				pat="^remove [0-9]+ [0-9]+ [0-9]+ $a $id [0-9]+\$"
			else
				pat="^remove [0-9]+ [0-9]+ [0-9]+ $a $id [1-9][0-9]*\$"
			fi
			grep -Eq "$pat" "$trace" ||
			    bad "region $id at $b not removed by $a ($what)"
			;;
		expect-perms)
			# $e holds the last two fields, P2 and N2.
			check_perms "$trace" "$a" "$b" "$c" "$d" $e
			;;
		expect-brk)
			en=$(short "$a")
			grep -Eq "^(add|change) .* brk .* $en rw-p " "$trace" ||
			    bad "no brk record ending at $a"
			;;
		esac
	done <"$out"
	grep -q '^expect-' "$out" || bad "no expectations in $out"
}

run() {
	name=$1
	shift
	if ! "$bin" "$@" >"$tmp/$name.out" 2>"$tmp/$name.err"; then
		bad "tracepgfault $*: $(cat "$tmp/$name.err")"
		return
	fi
	check "$tmp/$name.out" "$tmp/$name.trace"
	echo "checked $name: $(grep -c '^expect-' "$tmp/$name.out")" \
	    "expectations, $(grep -c '^step ' "$tmp/$name.out") steps"
}

run stride "$tmp/stride.trace" "$pf" stride 40
run readwrite "$tmp/readwrite.trace" "$pf" readwrite
run ops "$tmp/ops.trace" "$pf" ops
run ops-nosec --no-seccomp "$tmp/ops-nosec.trace" "$pf" ops
run threads "$tmp/threads.trace" "$pf" threads 4 32
run fork -f "$tmp/fork.trace" "$pf" fork
run protect "$tmp/protect.trace" "$pf" protect 8
run protect-nosec --no-seccomp "$tmp/protect-nosec.trace" "$pf" protect 8

# Every thread of the threaded run is named by thread records.
n=$(grep -c '^thread ' "$tmp/threads.trace")
[ "$n" -eq 5 ] || bad "threads: $n thread records, want 5"
# Without -f the child of the fork run is not recorded; with it, it is.
"$bin" "$tmp/nof.trace" "$pf" fork >"$tmp/nof.out" 2>/dev/null ||
    bad "fork without -f"
n=$(grep -c '^proc ' "$tmp/nof.trace")
[ "$n" -eq 1 ] || bad "fork without -f: $n proc records, want 1"
n=$(grep -c '^proc .* fork$' "$tmp/fork.trace")
[ "$n" -eq 1 ] || bad "fork with -f: $n forked proc records, want 1"

# sdtop --replay shows the stride trace: every window of the region the
# program reported, merged, gives its row; in windows of 1 s and 0.05 s.
sdtop="$abs_top_builddir/sdtop"
set -- $(grep '^expect-row ' "$tmp/stride.out")
want=$5 s=$((0x$3)) e=$((0x$4))
for iv in 1 0.05; do
	if ! "$sdtop" --batch --json -i "$iv" --replay "$tmp/stride.trace" \
	    >"$tmp/replay.json" 2>"$tmp/replay.err"; then
		bad "sdtop --replay of the stride trace: $(cat "$tmp/replay.err")"
		continue
	fi
	jq -r --arg s "$(printf '0x%x' "$s")" --arg e "$(printf '0x%x' "$e")" \
	    'select(.method == "faults") | .vmas[] |
	    select(.start == $s and .end == $e) | .dirty[] | @tsv' \
	    "$tmp/replay.json" >"$tmp/ranges" || bad "jq on the replay"
	: >"$tmp/pages"
	while read -r a b; do
		a=$((a)) b=$((b))
		while [ "$a" -lt "$b" ]; do
			echo $(((a - s) / pg)) >>"$tmp/pages"
			a=$((a + pg))
		done
	done <"$tmp/ranges"
	got=$(awk -v n=$(((e - s) / pg)) '{ hit[$1] = 1 }
	    END { printf "|"; for (i = 0; i < n; i++)
		printf "%s", (i in hit) ? "X" : "."; printf "|" }' \
	    "$tmp/pages")
	[ "$got" = "$want" ] ||
	    bad "sdtop --replay -i $iv: region $3: got $got, want $want"
	n=$(jq -s '[.[] | select(.vmas) | .vmas[] |
	    select(.start == "'"$(printf '0x%x' "$s")"'") | .dirty_pages] | add' \
	    "$tmp/replay.json")
	w=$(printf '%s' "$want" | tr -cd X | wc -c)
	[ "$n" -eq "$w" ] ||
	    bad "sdtop --replay -i $iv: $n dirty pages counted, want $w"
done
echo "checked sdtop --replay of the stride trace"

# The kernel's own faults late in the command's execve() (the argv and
# envp pointers it writes on the new stack, .bss) come after the
# command's proc record and in its new layout, however many there are:
# 50000 arguments make some 100 of them, and with a ring of 8 pages the
# recorder is woken in the middle of the call. The reader of --report
# checks the order; none may be lost.
"$bin" -m 8 "$tmp/args.trace" /bin/true $(seq 1 50000) 2>"$tmp/args.err" ||
    bad "tracepgfault with 50000 arguments: $(cat "$tmp/args.err")"
"$bin" --report "$tmp/args.trace" >"$tmp/args.report" 2>"$tmp/args.err" ||
    bad "50000 arguments: $(head -n 1 "$tmp/args.err")"
grep -Eq '^end [0-9]+ [0-9]+ 0$' "$tmp/args.trace" ||
    bad "50000 arguments: $(grep '^end ' "$tmp/args.trace")"
grep -q ' 0 of them in no region;' "$tmp/args.report" ||
    bad "50000 arguments: $(grep '^Faults:' "$tmp/args.report")"
echo "checked 50000 arguments: $(grep -c '^fault ' "$tmp/args.trace") faults"

# The command's exit status is recorded.
"$bin" "$tmp/false.trace" /bin/false 2>/dev/null
grep -Eq '^exit [0-9]+ [0-9]+ [0-9]+ exited 1$' "$tmp/false.trace" ||
    bad "exit status of /bin/false not recorded"

exit $fail
