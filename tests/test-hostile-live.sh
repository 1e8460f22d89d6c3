#!/bin/sh
# test-hostile-live.sh - a live process with hostile names (its comm set
# with PR_SET_NAME, two mapped files: one named with OSC, CSI, C1 and a
# byte that is not UTF-8 and a newline, one in accented and CJK UTF-8),
# watched with sdtop -b -m hash, as text and as JSON, recorded and
# replayed, and traced with tracepgfault. Every output must be safe for
# a terminal (tests/textcheck), JSON valid (jq), the hostile names shown
# escaped and the UTF-8 one unchanged.

set -u
name=test-hostile-live
. "${srcdir:-.}/tests/test-live-lib.sh"
tracepgfault=$b/tracepgfault
textcheck=$b/tests/textcheck
target=$b/tests/hostile-target
need "$sdtop" "$tracepgfault" "$textcheck" "$target"
need_jq

COMM='\x1b]0;X\x07\xc2\x9b\xff\x1b[2J'
NAME='map\x1b]0;title\x07\x1b[31m\xc2\x9b\xff\012end'
UTF8='café-日本'
# A recording holds U+FFFD for the stray byte: replayed, it shows as such.
RCOMM='\x1b]0;X\x07\xc2\x9b�\x1b[2J'
RNAME='map\x1b]0;title\x07\x1b[31m\xc2\x9b�\012end'
# And in JSON, as jq reads them back.
JCOMM='"\u001b]0;X\u0007\u009b\ufffd\u001b[2J"'
JNAME='"\\012end"'

# safe FILE...: every byte printable on a terminal.
safe() {
	"$textcheck" "$@" >"$T/tc" 2>&1 || fail "unsafe bytes: $(cat "$T/tc")"
}

mkdir "$T/files"
"$target" "$T/files" >"$T/target.out" 2>"$T/target.err" &
TPID=$!
wait_line '^ready ' "$T/target.out" ||
    { fail "the target did not start: $(cat "$T/target.err")"; exit 1; }
pid=$(awk '{ print $2 }' "$T/target.out")

# Text: the header carries the comm, rows the names.
"$sdtop" -b -n 1 -m hash -i 0.2 "$pid" >"$T/text" 2>"$T/err"
st=$?
[ $st -eq 0 ] || fail "sdtop -b: status $st: $(cat "$T/err")"
safe "$T/text" "$T/err"
grep -qF "pid $pid ($COMM)" "$T/text" || fail "comm not escaped: $(head -n 1 "$T/text")"
grep -qF "$NAME" "$T/text" || fail "file name not escaped as $NAME"
grep -qF "/$UTF8" "$T/text" || fail "the UTF-8 name did not pass unchanged"

# JSON: valid, safe, and the same strings when decoded.
"$sdtop" -b --json -n 1 -m hash -i 0.2 --record "$T/rec.jsonl" "$pid" \
    >"$T/json" 2>"$T/err"
st=$?
[ $st -eq 0 ] || fail "sdtop --json: status $st: $(cat "$T/err")"
safe "$T/json" "$T/err" "$T/rec.jsonl"
jq -e ".comm == $JCOMM" "$T/json" >/dev/null ||
    fail "JSON comm: $(jq -c .comm "$T/json")"
jq -e "any(.vmas[]; .name | endswith($JNAME))" "$T/json" >/dev/null ||
    fail "JSON lacks the hostile name"
jq -e "any(.vmas[]; .name | endswith(\"/$UTF8\"))" "$T/json" >/dev/null ||
    fail "JSON lacks the UTF-8 name"

# The recording replays with the same escaping.
"$sdtop" -b --replay "$T/rec.jsonl" >"$T/replay" 2>"$T/err" ||
    fail "replay of the recording: $(cat "$T/err")"
safe "$T/replay" "$T/err"
grep -qF "($RCOMM)" "$T/replay" || fail "replayed comm not escaped"
grep -qF "$RNAME" "$T/replay" || fail "replayed name not escaped"
grep -qF "/$UTF8" "$T/replay" || fail "replayed UTF-8 name changed"
echo "ok: sdtop -b, --json, --record and --replay of process $pid"

kill "$TPID" 2>/dev/null
wait "$TPID" 2>/dev/null
TPID=

# The same names in a trace: report and replay.
if "$tracepgfault" "$T/probe" /bin/true 2>"$T/err"; then
	ASAN_OPTIONS=detect_leaks=0 "$tracepgfault" "$T/t.trace" "$target" \
	    "$T/files" 300 >/dev/null 2>"$T/err" ||
	    fail "tracepgfault: $(cat "$T/err")"
	"$tracepgfault" --report "$T/t.trace" >"$T/report" 2>"$T/err" ||
	    fail "report: $(cat "$T/err")"
	safe "$T/report" "$T/err"
	grep -qF "$NAME" "$T/report" || fail "report: name not escaped"
	grep -qF "/$UTF8" "$T/report" || fail "report: UTF-8 name changed"
	"$tracepgfault" --report --json "$T/t.trace" >"$T/rjson" 2>"$T/err" ||
	    fail "report --json: $(cat "$T/err")"
	safe "$T/rjson" "$T/err"
	jq -e "any(.regions[]; .name | endswith($JNAME))" "$T/rjson" \
	    >/dev/null || fail "report JSON lacks the hostile name"
	"$sdtop" -b --replay "$T/t.trace" >"$T/treplay" 2>"$T/err" ||
	    fail "sdtop --replay of the trace: $(cat "$T/err")"
	safe "$T/treplay" "$T/err"
	grep -qF "$NAME" "$T/treplay" || fail "trace replay: name not escaped"
	echo "ok: tracepgfault --report, --json and sdtop --replay of a trace"
else
	echo "note: cannot trace here ($(head -n 1 "$T/err")): trace part skipped"
fi

[ $FAILS -eq 0 ] || { echo "$FAILS failure(s)"; exit 1; }
echo "all hostile names checked"
