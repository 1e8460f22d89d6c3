#!/bin/sh
# Bad input to tracepgfault: one clear line on stderr, a non-zero exit.
set -u
: "${abs_top_builddir:=.}"
: "${abs_top_srcdir:=.}"
bin="$abs_top_builddir/tracepgfault"
fx="$abs_top_srcdir/tests/fixtures/pftrace"
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT INT TERM
fail=0

# expect STATUS PATTERN ARGS...: exit status, one stderr line matching.
expect() {
	want=$1 pat=$2
	shift 2
	"$bin" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
	st=$?
	lines=$(wc -l <"$tmp/err")
	if [ "$st" -ne "$want" ] || [ "$lines" -ne 1 ] ||
	    ! grep -q -- "$pat" "$tmp/err"; then
		echo "FAIL: tracepgfault $*: status $st (want $want)," \
		    "stderr: $(cat "$tmp/err")"
		fail=1
	fi
}

expect 2 'want an output file and a command' "$tmp/x"
# A refused option: one line in tracepgfault's words, never getopt's
# message (with argv[0]) followed by the whole usage.
expect 2 "^tracepgfault: unknown option '-x' (see tracepgfault --help)$" -x
expect 2 "^tracepgfault: unknown option '--nope' " --nope "$tmp/x" /bin/true
expect 2 "^tracepgfault: unknown option '-q' " --json -qx
expect 2 "^tracepgfault: option '-m' needs an argument " -m
expect 2 "^tracepgfault: option '--t' is ambiguous: --to, --tid, --timeline " \
    --report --t 1 "$fx/good.trace"
expect 2 "^tracepgfault: this option takes no argument: '--json=1' " \
    --report --json=1 "$fx/good.trace"
expect 2 'want an output file and a command'
expect 2 'bad ring size 3: want a power of 2' -m 3 "$tmp/x" /bin/true
expect 2 'bad ring size' -m 0 "$tmp/x" /bin/true
expect 2 'go with --report' --json "$tmp/x" /bin/true
expect 2 'bad --from' --report --from -1 "$fx/good.trace"
expect 2 'bad --timeline' --report --timeline x "$fx/good.trace"
expect 2 'from must come before' --report --from 2 --to 1 "$fx/good.trace"
expect 2 'exactly one trace file' --report
expect 1 'No such file' --report "$tmp/none"
expect 1 'bad-address.trace:5: addr: not a hex number$' --report "$fx/bad-address.trace"
expect 1 'truncated.trace:4: end: no end record' \
    --report "$fx/truncated.trace"
expect 1 'not-a-trace.trace:1: header: not a tracepgfault trace' \
    --report "$fx/not-a-trace.trace"
expect 1 'Is a directory' --report "$tmp"
expect 1 'No such file' "$tmp/nodir/out" /bin/true

# A command that cannot run: an error, and no half trace left behind.
if "$bin" "$tmp/probe" /bin/true 2>/dev/null; then
	expect 1 'cannot run /nonexistent/cmd: No such file' \
	    "$tmp/t" /nonexistent/cmd
	[ ! -e "$tmp/t" ] || { echo "FAIL: a trace was left"; fail=1; }
fi

# A write that fails (a full device) is an error, and the device is not
# removed as a half trace would be.
if mknod "$tmp/full" c 1 7 2>/dev/null; then
	"$bin" "$tmp/full" /bin/true >/dev/null 2>"$tmp/err" && {
		echo "FAIL: writing to a full device succeeded"; fail=1; }
	[ -c "$tmp/full" ] ||
	    { echo "FAIL: the device written to was removed"; fail=1; }
fi

# A good fixture reports with status 0, as text and as JSON.
"$bin" --report "$fx/good.trace" >"$tmp/out" ||
    { echo "FAIL: report of good.trace"; fail=1; }
grep -q '^Region: 00007f0000000000 - 00007f0000008000 (   8 pages): |X.X....X|' \
    "$tmp/out" || { echo "FAIL: row of region 2"; fail=1; }
"$bin" --report --json --timeline 0.00000005 "$fx/good.trace" >"$tmp/json" ||
    { echo "FAIL: --json"; fail=1; }
grep -q '"faulted_pages":\[0,2,7\]' "$tmp/json" ||
    { echo "FAIL: JSON faulted pages"; fail=1; }
grep -q '"timeline":\[2,2,0\]' "$tmp/json" ||
    { echo "FAIL: JSON timeline of region 2: $(cat "$tmp/json")"; fail=1; }
exit $fail
