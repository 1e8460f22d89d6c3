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
# holds exactly one line matching PATTERN and starting "sdtop: " (never
# getopt's own "./sdtop: ..." with argv[0]), and that stdout is empty.
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
	elif [ "${first#sdtop: }" = "$first" ]; then
		echo "FAIL: sdtop $*: stderr '$first' does not start 'sdtop: '"
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
expect 2 "PID: must be at least 1, not 0" -b 0
# Several PIDs are a set; a word among them is no PID, and a command goes
# after "--".
expect 2 "PID: not a whole number: 'sleep'" -b 1 sleep 1
expect 2 "^sdtop: -T needs a PID or a command after '--' " -b -T
expect 2 "^sdtop: --cgroup watches the processes of a cgroup: give no PID" \
    -b --cgroup /sys/fs/cgroup 1
expect 2 "^sdtop: --list reads one process" -l 1 2
expect 1 "^sdtop: no such process: 2147483646$" -b -T 2147483646
expect 1 "^sdtop: cannot open cgroup /nonexistent: No such file" \
    -b --cgroup /nonexistent
expect 1 "^sdtop: /tmp is not a cgroup directory" -b --cgroup /tmp
expect 2 "^sdtop: --cgroup given twice" -b --cgroup /tmp --cgroup /var
expect 2 "interval: 0.01 is out of range" -b -i 0.01 1
expect 2 "interval: not a number" -b -i soon 1
# A count names the bound it crossed, never a bound nobody reads.
expect 2 "^sdtop: --cycles: must be at least 1, not 0 (see sdtop --help)$" \
    -b -n 0 1
expect 2 "^sdtop: --cycles: must be at most [0-9]*, not 99999999999999999999999 " \
    -b -n 99999999999999999999999 1
expect 2 "^sdtop: --window: must be at least 2, not 1 " -b --window 1 1
expect 2 "^sdtop: --width: must be at most 65536, not 65537 " -b -w 65537 1
expect 2 "unknown method 'magic'" -b -m magic 1
expect 2 "bandwidth" -b --bandwidth fast 1
expect 2 "max-cost: 0 is out of range (0.01..100)" -b --max-cost 0 1
expect 2 "max-cost: -1 is out of range (0.01..100)" -b --max-cost -1 1
expect 2 "max-cost: 101 is out of range (0.01..100)" -b --max-cost 101 1
expect 2 "max-cost: not a number: 'lots'" -b --max-cost lots 1
expect 2 "max-cost: not a number: '5%'" -b --max-cost 5% 1
expect 2 "option '--max-cost' needs an argument" -b --max-cost
expect 2 "max-cost sets the interval of a live run" --replay x --max-cost 5
expect 2 "--method chooses how a live run tracks: not with --replay" --replay x -m hash
expect 2 "--bandwidth models a live run" --replay x --bandwidth 1Gbit
expect 2 "json goes with --batch" --json 1
expect 2 "list needs a PID" -l
expect 2 "replay shows a recording" --replay x 1
expect 1 "no such process: $nopid" -b "$nopid"
expect 1 "cannot open $T/none" -b --replay "$T/none"

printf '\n\nnot json\n' >"$T/bad.jsonl"
expect 1 "$T/bad.jsonl:3:" -b --replay "$T/bad.jsonl"
expect 2 "this option takes no argument: '--help=x'" --help=x
expect 2 "unknown option '--nope'" --nope
# Every refused option is named as written, by sdtop, not by getopt.
expect 2 "^sdtop: unknown option '-x' (see sdtop --help)$" -x
expect 2 "^sdtop: unknown option '-x' " -b -x 1
expect 2 "^sdtop: unknown option '-q' " --json -qx 1
expect 2 "^sdtop: unknown option '-q' " --interval=1 -qx 1
expect 2 "^sdtop: option '-i' needs an argument " -bi
expect 2 "^sdtop: option '--re' is ambiguous: --record, --replay " --re x
expect 2 "^sdtop: option '--ba' is ambiguous: --batch, --bandwidth " --ba=1
expect 2 "^sdtop: this option takes no argument: '--batch=1' " --batch=1
expect 2 "^sdtop: unknown option '-\\\\x01' " -b -"$(printf '\001')" 1
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
	# -l says so in its one line, and what to run instead.
	expect 1 "run sdtop -b -n 1 $$\$" -l $$
fi

# sdtop -- CMD watches CMD alone: --help says its children are not, and
# that -T watches them.
if "$SDTOP" --help | grep -q "not its children" &&
    "$SDTOP" --help | grep -q "With -T, its children too"; then
	echo "ok: --help says -- CMD does not watch the children"
else
	echo "FAIL: --help does not say that -- CMD leaves the children out"
	FAILS=$((FAILS + 1))
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
