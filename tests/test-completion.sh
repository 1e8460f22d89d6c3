#!/bin/sh
# test-completion.sh - bash completion (completion/sdtop), sourced in a
# plain bash: it registers sdtop, sdtop-demo and tracepgfault; it offers
# every option their --help shows and no other, sdtop's methods, the
# demo's patterns (from sdtop-demo --help), files for --record, --replay
# and traces, commands after "--", and the PIDs of running processes with
# their command names (a process of the test's own, and not a kernel
# thread), after a PID too (a set), after -T and before its "--"; for
# --cgroup, directories alone (those of /sys/fs/cgroup from an empty
# word), and no PID after it.

set -u
name=test-completion
. "${abs_top_srcdir:-.}/tests/test-live-lib.sh"
top=${abs_top_srcdir:-.}
file=$top/completion/sdtop
demo=$b/sdtop-demo
pftrace=$b/tracepgfault
need "$sdtop" "$demo" "$pftrace"
command -v bash >/dev/null 2>&1 || { echo "SKIP: no bash"; exit 77; }
[ -r "$file" ] || { fail "no $file"; finish; }

# comp WORD...: what completing the last word offers, one a line, sorted:
# the function registered for the first word is called as bash calls it.
comp() {
	PATH="$b:$PATH" bash -c '
		. "$0" || exit 1
		COMP_WORDS=("$@")
		COMP_CWORD=$(($# - 1))
		spec=$(complete -p "$1") || exit 1
		f=${spec##*-F }
		f=${f%% *}
		"$f"
		printf "%s\n" "${COMPREPLY[@]}"' "$file" "$@" | sort -u
}

# same WHAT GOT WANT: the two lists hold the same words.
same() {
	if [ "$(printf '%s\n' $2 | sort -u)" != "$(printf '%s\n' $3 | sort -u)" ]
	then
		fail "$1: offered '$(echo $2)', expected '$(echo $3)'"
	else
		echo "ok: $1"
	fi
}

# The options a --help text shows: -X and --long, as written.
help_options() {
	"$1" --help | grep -oE '(^|[ ,/])--?[a-zA-Z][a-zA-Z-]*' |
	    sed 's/^[ ,\/]//' | sort -u
}

for cmd in sdtop sdtop-demo tracepgfault; do
	bash -c '. "$0" && complete -p "$1"' "$file" "$cmd" >/dev/null 2>&1 ||
	    fail "complete -p $cmd: nothing registered"
done

# Options: exactly those of --help (and "--" for sdtop's command).
same "sdtop options" "$(comp sdtop - | grep -vx -- --)" \
    "$(help_options "$sdtop")"
comp sdtop - | grep -qx -- -- || fail "sdtop: '--' not offered"
same "sdtop long options" "$(comp sdtop --re)" "--record --replay"
same "sdtop-demo options" "$(comp sdtop-demo -)" "$(help_options "$demo")"
same "tracepgfault options" "$(comp tracepgfault -)" \
    "$(help_options "$pftrace")"

# Methods, as --help names them; both ways of giving the argument.
methods=$("$sdtop" --help | sed -n 's/.*--method NAME *//p' |
    tr -d '|' | sed 's/(default)//')
same "methods" "$(comp sdtop -b -m '')" "$methods"
same "methods after --method=" "$(comp sdtop --method = u)" "uffd-wp"
same "methods in one word" "$(comp sdtop --method=s)" "soft-dirty"

# Patterns, as sdtop-demo --help lists them.
patterns=$("$demo" --help | sed -n '/^Workloads/,/^Options/p' |
    sed -n 's/^  \([a-z]*\)  .*/\1/p')
[ -n "$patterns" ] || fail "no pattern in sdtop-demo --help"
same "demo patterns" "$(comp sdtop-demo '')" "$patterns"
same "demo patterns, begun" "$(comp sdtop-demo --size 4M sh)" "shrink"

# Files.
: >"$T/rec.jsonl"
: >"$T/run.trace"
same "--record FILE" "$(comp sdtop --record "$T/rec")" "$T/rec.jsonl"
same "--replay FILE" "$(comp sdtop -b --replay "$T/re")" "$T/rec.jsonl"
same "--report TRACEFILE" "$(comp tracepgfault --report "$T/ru")" \
    "$T/run.trace"

# Commands after "--", and after tracepgfault's OUTFILE.
comp sdtop -b -- sdtop-de | grep -qx sdtop-demo ||
    fail "sdtop -- sdtop-de: sdtop-demo not offered"
comp tracepgfault "$T/out.trace" sdtop-de | grep -qx sdtop-demo ||
    fail "tracepgfault OUT sdtop-de: sdtop-demo not offered"

# PIDs: a process of ours, with its name while there is a choice, alone
# when its PID is the only one that fits; never a kernel thread.
sh -c 'exec sleep 600' &
WPID=$!
wait_for grep -q '^sleep$' "/proc/$WPID/comm" || fail "sleep never ran"
all=$(comp sdtop -b '')
printf '%s\n' "$all" | grep -qx "$WPID (sleep)" ||
    fail "PID $WPID (sleep) not offered"
if [ "$(cat /proc/2/comm 2>/dev/null)" = kthreadd ]; then
	printf '%s\n' "$all" | grep -q '^2 ' &&
	    fail "kernel thread 2 (kthreadd) offered"
fi
printf '%s\n' "$all" | grep -vqE '^[0-9]+ \(.*\)$' &&
    fail "not a PID: $(printf '%s\n' "$all" | grep -vE '^[0-9]+ \(.*\)$' |
    head -n 3)"
# Completing the whole PID: it alone unless a longer PID starts with it.
got=$(comp sdtop "$WPID")
case $got in
"$WPID") ;;
*"$WPID (sleep)"*) [ "$(printf '%s\n' "$got" | wc -l)" -gt 1 ] ||
    fail "one PID shown with its name: '$got'" ;;
*) fail "completing $WPID: '$got'" ;;
esac
same "no PID for a word not a number" "$(comp sdtop x)" ""

# A set: a PID after a PID, after -T; a command after -T --.
for args in "$WPID" "-T" "--tree $WPID" "-b -T $WPID"; do
	comp sdtop $args '' | grep -qx "$WPID (sleep)" ||
	    fail "sdtop $args: PID $WPID (sleep) not offered"
done
comp sdtop -T -- sdtop-de | grep -qx sdtop-demo ||
    fail "sdtop -T -- sdtop-de: sdtop-demo not offered"

# --cgroup: directories, not files, in both ways of giving it; no PID
# after it (a cgroup's processes are all of it).
mkdir "$T/cg1" "$T/cg2"
: >"$T/cgfile"
same "--cgroup DIR" "$(comp sdtop --cgroup "$T/cg")" "$T/cg1 $T/cg2"
same "--cgroup=DIR" "$(comp sdtop --cgroup=$T/cg)" "$T/cg1 $T/cg2"
same "--cgroup = DIR" "$(comp sdtop -b --cgroup = "$T/cg")" "$T/cg1 $T/cg2"
same "no PID after --cgroup" "$(comp sdtop --cgroup "$T/cg1" '')" ""
if [ -d /sys/fs/cgroup ]; then
	dirs=$(for d in /sys/fs/cgroup/*; do
		[ -d "$d" ] && printf '%s\n' "$d"
	done)
	same "--cgroup from an empty word" "$(comp sdtop --cgroup '')" \
	    "$dirs"
else
	same "--cgroup without /sys/fs/cgroup" \
	    "$(cd "$T" && comp sdtop --cgroup '')" "cg1 cg2"
fi

finish
