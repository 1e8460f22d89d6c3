#!/bin/sh
# test-cli.sh - sdtop's command line: every kind of bad input gets exactly
# one line on stderr naming the problem, and the documented exit status
# (1 runtime error, 2 usage error); nothing goes to stdout.

set -u
B=${abs_top_builddir:-$(pwd)}
SDTOP=$B/sdtop
T=$(mktemp -d "${TMPDIR:-/tmp}/test-cli.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
FAILS=0

[ -x "$SDTOP" ] || { echo "SKIP: $SDTOP not built"; exit 77; }

# expect STATUS PATTERN ARGS...: run sdtop, check the status, that stderr
# holds exactly one line matching PATTERN, and that stdout is empty.
expect() {
	want=$1 pattern=$2
	shift 2
	"$SDTOP" "$@" >"$T/out" 2>"$T/err" </dev/null
	st=$?
	first=$(head -n 1 "$T/err")
	lines=$(wc -l <"$T/err")
	max=1
	if [ "$st" -ne "$want" ]; then
		echo "FAIL: sdtop $*: status $st, expected $want"
		FAILS=$((FAILS + 1))
	elif [ "$lines" -lt 1 ] || [ "$lines" -gt "$max" ]; then
		echo "FAIL: sdtop $*: $lines lines on stderr"
		FAILS=$((FAILS + 1))
	elif ! printf '%s\n' "$first" | grep -q -- "$pattern"; then
		echo "FAIL: sdtop $*: stderr '$first' lacks '$pattern'"
		FAILS=$((FAILS + 1))
	elif [ -s "$T/out" ]; then
		echo "FAIL: sdtop $*: wrote to stdout"
		FAILS=$((FAILS + 1))
	else
		echo "ok: sdtop $* -> $st: $first"
	fi
}

# A PID that exists nowhere: above pid_max.
nopid=$(( $(cat /proc/sys/kernel/pid_max) + 1 ))

expect 2 "PID: not a whole number: 'abc'" -b abc
expect 2 "PID: 0 is out of range" -b 0
expect 2 "too many arguments" -b 1 2
expect 2 "interval: 0.01 is out of range" -b -i 0.01 1
expect 2 "interval: not a number" -b -i soon 1
expect 2 "cycles: 0 is out of range" -b -n 0 1
expect 2 "unknown method 'magic'" -b -m magic 1
expect 2 "bandwidth" -b --bandwidth fast 1
expect 2 "max-cost: 0 is out of range (0.01..100)" -b --max-cost 0 1
expect 2 "max-cost: -1 is out of range (0.01..100)" -b --max-cost -1 1
expect 2 "max-cost: 101 is out of range (0.01..100)" -b --max-cost 101 1
expect 2 "max-cost: not a number: 'lots'" -b --max-cost lots 1
expect 2 "max-cost: not a number: '5%'" -b --max-cost 5% 1
expect 2 "option '--max-cost' needs an argument" -b --max-cost
expect 2 "max-cost sets the interval of a live run" --replay x --max-cost 5
expect 2 "json goes with --batch" --json 1
expect 2 "list needs a PID" -l
expect 2 "replay shows a recording" --replay x 1
expect 1 "no such process: $nopid" -b "$nopid"
expect 1 "cannot open $T/none" -b --replay "$T/none"

printf '\n\nnot json\n' >"$T/bad.jsonl"
expect 1 "$T/bad.jsonl:3:" -b --replay "$T/bad.jsonl"
expect 2 "this option takes no argument: '--help=x'" --help=x
expect 2 "unknown option '--nope'" --nope
expect 2 "record saves a live run; --replay shows one already saved" \
    --replay "$T/bad.jsonl" --record "$T/r.jsonl"
expect 1 "$T: cannot read: Is a directory" -b --replay "$T"
[ "$(cat /proc/2/comm 2>/dev/null)" = kthreadd ] &&
    expect 1 "PID 2 (kthreadd) is a kernel thread" -b -n 1 -m hash 2
expect 1 "cannot run $T/none: No such file or directory" -b -- "$T/none"

# Soft-dirty asked for on a kernel without it (judged by sdtop's own probe,
# checked independently: CONFIG_MEM_SOFT_DIRTY in the kernel config).
cfg=
[ -r /proc/config.gz ] && cfg=$(zcat /proc/config.gz 2>/dev/null | grep '^CONFIG_MEM_SOFT_DIRTY=y')
[ -z "$cfg" ] && [ -r "/boot/config-$(uname -r)" ] && cfg=$(grep '^CONFIG_MEM_SOFT_DIRTY=y' "/boot/config-$(uname -r)")
if [ -z "$cfg" ] && { [ -r /proc/config.gz ] || [ -r "/boot/config-$(uname -r)" ]; }; then
	expect 1 "soft-dirty is not available on this kernel" -b -m soft-dirty $$
	expect 1 "soft-dirty is not available on this kernel" -l $$
fi

# No permission: an unprivileged user watching PID 1.
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null 2>&1; then
	chmod 755 "$T"
	cp "$SDTOP" "$T/sdtop" && chmod 755 "$T/sdtop"
	SDTOP_SAVED=$SDTOP
	SDTOP="setpriv --reuid=nobody --regid=nogroup --clear-groups $T/sdtop"
	# shellcheck disable=SC2086
	$SDTOP -b -n 1 1 >"$T/out" 2>"$T/err" </dev/null
	st=$?
	if [ $st -ne 1 ] || [ "$(wc -l <"$T/err")" -ne 1 ] ||
	    ! grep -q "no permission to watch process 1" "$T/err"; then
		echo "FAIL: unprivileged sdtop on PID 1: status $st: $(cat "$T/err")"
		FAILS=$((FAILS + 1))
	else
		echo "ok: unprivileged sdtop on PID 1 -> 1: $(cat "$T/err")"
	fi
	SDTOP=$SDTOP_SAVED
fi

[ $FAILS -eq 0 ] || { echo "$FAILS failure(s)"; exit 1; }
echo "all command-line errors checked"
