#!/bin/sh
# test-postgres.sh - a whole application watched as a process tree: a
# PostgreSQL server of this machine's (/usr/lib/postgresql/VERSION/bin),
# run by an unprivileged user (nobody when the test runs as root) in a
# directory of the test's own and listening only on a Unix socket there,
# serves pgbench (4 clients, 2 threads, 5 s of TPC-B, then 3 s with a
# new connection, so a new backend, for every transaction) while
# `sdtop -b --json -T POSTMASTER -i 0.5`, run by the same user, watches
# the postmaster and all it forks.
#
# Checked against what PostgreSQL itself says: the 4 backends of pgbench
# (their PIDs from pg_stat_activity) join the set as children of the
# postmaster, each in a cycle of its own first, and are listed as exited
# once they are gone; the set grows beyond what it was before pgbench.
# Each line's totals agree with its processes: the set's dirty pages are
# at most the sum of the processes' and are exactly their private ones
# plus the set's shared ones, which are exactly the distinct pages
# (device, inode, file page) of the dirty ranges of the shared mappings
# of all processes, recomputed here; some cycle has shared pages written (the shared
# buffers). And nothing was harmed: pgbench ran without a failed
# transaction, pgbench_history holds one row per transaction it reports,
# the balances of accounts, tellers and branches each sum to the deltas
# of the history, no process of the server holds a userfaultfd once sdtop
# has ended, and the server shuts down cleanly with nothing in its log
# about a process that died.

set -u
name=test-postgres
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
for p in initdb postgres pgbench psql pg_isready; do
	[ -x "$pgbin/$p" ] || {
		echo "SKIP: PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/$p)"
		exit 77
	}
done
. "${srcdir:-.}/tests/test-live-lib.sh"
need "$sdtop"
need_jq

# The user of the server, pgbench and sdtop: nobody under root (PostgreSQL
# refuses root), else whoever runs the test.
PGPID=
AS_PG=
if [ "$(id -u)" -eq 0 ]; then
	command -v setpriv >/dev/null ||
	    { echo "SKIP: running as root without setpriv"; exit 77; }
	AS_PG=$NOBODY
fi
D=$T/pg
mkdir "$D" || exit 1
if [ -n "$AS_PG" ]; then
	chmod 711 "$T" && chown nobody:nogroup "$D" || exit 1
fi
$AS_PG test -w "$D" ||
    { echo "SKIP: nobody cannot write to $D (a directory above is closed)"; exit 77; }
AS_SDTOP=$AS_PG
if [ -n "$AS_PG" ] && ! $AS_PG test -x "$sdtop"; then
	echo "note: nobody cannot run $sdtop: sdtop runs as root"
	AS_SDTOP=
fi
# The socket's path must fit in sun_path (108 bytes).
[ ${#D} -le 90 ] ||
    { echo "SKIP: the directory's path is too long for a socket: $D"; exit 77; }

# pg CMD ARGS...: run a client of the server as its user.
pg() {
	$AS_PG env HOME="$D" PGHOST="$D" PGUSER=sdtop PGDATABASE=postgres \
	    "$@"
}

# sql QUERY: one value, from psql.
sql() {
	pg "$pgbin/psql" -XAtq -v ON_ERROR_STOP=1 -c "$1"
}

# Stop the server, fast (the clients are cut off), and reap it.
stop_server() {
	[ -n "$PGPID" ] || return 0
	kill -INT "$PGPID" 2>/dev/null
	wait_for pid_dead "$PGPID" || kill -9 "$PGPID" 2>/dev/null
	wait "$PGPID"
	pg_status=$?
	PGPID=
}
cleanup_more() {
	stop_server
}

pg "$pgbin/initdb" -D "$D/data" -U sdtop -A trust --no-sync -E UTF8 \
    --locale=C > "$T/initdb.log" 2>&1 ||
    { fail "initdb: $(tail -n 3 "$T/initdb.log")"; finish; }
# Shared memory in base pages (huge_pages=off): sdtop leaves huge pages
# untracked.
$AS_PG env HOME="$D" "$pgbin/postgres" -D "$D/data" -k "$D" \
    -c listen_addresses= -c huge_pages=off > "$T/server.log" 2>&1 &
PGPID=$!
pm=$PGPID
wait_for pg "$pgbin/pg_isready" -q ||
    { fail "the server did not start: $(tail -n 3 "$T/server.log")"; finish; }
pg "$pgbin/pgbench" -i -s 1 -q > "$T/init.log" 2>&1 ||
    { fail "pgbench -i: $(tail -n 3 "$T/init.log")"; finish; }

# judge_pgbench LABEL FILE STATUS: the run of pgbench whose output is
# FILE ended well and made transactions, whose number adds to $ntx.
ntx=0
judge_pgbench() {
	[ "$3" -eq 0 ] || fail "$1: status $3: $(tail -n 5 "$2")"
	grep -qi 'error' "$2" &&
	    fail "$1 reports errors: $(grep -i error "$2" | head -n 3)"
	grep -q '^number of failed transactions: 0 ' "$2" ||
	    fail "$1: failed transactions: $(grep failed "$2")"
	n=$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' \
	    "$2")
	[ "${n:-0}" -gt 0 ] || fail "$1 made no transaction: $(cat "$2")"
	ntx=$((ntx + ${n:-0}))
}

# sdtop watches the server; pgbench starts once its first cycle is out.
$AS_SDTOP "$sdtop" -b --json -i 0.5 -T "$PGPID" > "$T/run.jsonl" \
    2> "$T/err" &
SPID=$!
wait_line '"cycle":1,' "$T/run.jsonl" ||
    { fail "sdtop printed no cycle: $(cat "$T/err")"; finish; }
pg "$pgbin/pgbench" -c 4 -j 2 -T 5 > "$T/bench.out" 2>&1 &
BPID=$!

# backends: the PIDs of pgbench's 4 connections, as the server says.
backends() {
	sql "SELECT pid FROM pg_stat_activity WHERE application_name =
	    'pgbench' ORDER BY pid" > "$T/backends" 2>/dev/null &&
	    [ "$(wc -l < "$T/backends")" -eq 4 ]
}
wait_for backends || fail "pg_stat_activity never showed 4 pgbench backends"
wait "$BPID"
judge_pgbench pgbench "$T/bench.out" $?
backend_list=$(tr '\n' ' ' < "$T/backends")

# lines: the complete lines of sdtop's output so far, one array.
lines() {
	jq -cR 'fromjson? // empty' "$T/run.jsonl" | jq -cs .
}

# backends_gone: every backend of pgbench has been listed as exited.
backends_gone() {
	[ "$(lines | jq --arg b "$backend_list" '($b | split(" ") |
	    map(select(. != "") | tonumber)) as $bs |
	    [.[].processes[] | select(.exited and (.pid as $p |
	    $bs | index($p)))] | length')" -ge 4 ]
}
wait_for backends_gone ||
    fail "the backends $backend_list were never listed as exited"

# Then a backend for every transaction (-C): processes that fork and exit
# while sdtop opens them, injects into them and reads them. No vacuum
# first (-n): it would empty pgbench_history.
pg "$pgbin/pgbench" -n -C -c 4 -j 2 -T 3 > "$T/bench-c.out" 2>&1
judge_pgbench "pgbench -C" "$T/bench-c.out" $?
kill -0 "$SPID" 2>/dev/null ||
    fail "sdtop ended during pgbench -C: $(cat "$T/err")"

# The database is whole.
[ "$(sql 'SELECT count(*) FROM pgbench_history')" = "$ntx" ] ||
    fail "pgbench_history holds $(sql 'SELECT count(*) FROM pgbench_history') rows, pgbench reports $ntx transactions"
sums=$(sql "SELECT (SELECT sum(abalance) FROM pgbench_accounts) || ' ' ||
    (SELECT sum(tbalance) FROM pgbench_tellers) || ' ' ||
    (SELECT sum(bbalance) FROM pgbench_branches) || ' ' ||
    (SELECT sum(delta) FROM pgbench_history)")
echo "$sums" | awk '{ exit !($1 == $4 && $2 == $4 && $3 == $4) }' ||
    fail "balances of accounts, tellers, branches and history differ: $sums"

# sdtop ends; it leaves no userfaultfd in any process of the server.
kill -TERM "$SPID"
wait "$SPID"
st=$?
SPID=
[ $st -eq 0 ] || fail "sdtop: status $st after SIGTERM: $(cat "$T/err")"
for p in $PGPID $(pgrep -P "$PGPID"); do
	uffd_gone "$p" ||
	    fail "process $p ($(tr '\0' ' ' < "/proc/$p/cmdline")) still holds a userfaultfd"
done
stop_server
[ "$pg_status" -eq 0 ] || fail "the server's status after a fast shutdown: $pg_status"
grep -E 'ERROR:|PANIC:|terminated by signal|terminated by exception' \
    "$T/server.log" && fail "the server's log tells of a process that died"

lines > "$T/all.json"
[ "$(jq length "$T/all.json")" -ge 3 ] ||
    fail "fewer than 3 cycles: $(cat "$T/err")"

# The set, and who joined it.
jq -e --argjson pm "$pm" 'all(.[]; .format == 2 and
    .set.kind == "tree" and .set.roots == [$pm] and .pid == $pm)' \
    "$T/all.json" > /dev/null || fail "a line is not the tree of $pm"
jq -e '(map(.nproc) | max) > .[0].nproc' "$T/all.json" > /dev/null ||
    fail "the set never grew beyond its first $(jq '.[0].nproc' "$T/all.json") processes"
jq -e 'all(.[]; .nproc == (.processes | length))' "$T/all.json" \
    > /dev/null || fail "nproc is not the number of processes listed"
for b in $backend_list; do
	jq -e --argjson b "$b" --argjson pm "$pm" '[.[].processes[] |
	    select(.pid == $b)] | length > 1 and .[0].joined and
	    .[0].ppid == $pm and .[0].comm == "postgres" and
	    all(.[]; .error == null) and (.[-1].exited) and
	    ([.[] | select(.exited)] | length == 1)' "$T/all.json" \
	    > /dev/null ||
	    fail "backend $b: not a member that joined, was watched and left once: $(jq -c --argjson b "$b" '[.[].processes[] | select(.pid == $b) | {cycle: 0, joined, exited, ppid, comm, error, method}]' "$T/all.json")"
done

# The totals against the processes, the shared pages recomputed from the
# vmas: each dirty range of a shared mapping with an inode, as pages of
# its file (offset + distance from the start), merged per file.
# shellcheck disable=SC2016
jq -e 'def hex: ltrimstr("0x") | explode | reduce .[] as $c (0;
	. * 16 + (if $c >= 97 then $c - 87 elif $c >= 65 then $c - 55
	else $c - 48 end));
    def shared_pages: [.processes[].vmas[]? |
	select(.perms[3:4] == "s" and .inode != "0") as $v |
	($v.start | hex) as $s | ($v.offset | hex) as $o | .dirty[] |
	{f: "\($v.dev):\($v.inode)", lo: ((.[0] | hex) - $s + $o),
	 hi: ((.[1] | hex) - $s + $o)}] |
	group_by(.f) | map(sort_by(.lo) | reduce .[] as $r ({end: -1, n: 0};
	    if $r.hi <= .end then .
	    elif $r.lo >= .end then {end: $r.hi, n: (.n + $r.hi - $r.lo)}
	    else {end: $r.hi, n: (.n + $r.hi - .end)} end) | .n) | add // 0;
    all(.[]; (([.processes[].dirty_pages] | add) as $sum |
	([.processes[] | .dirty_pages - .shared_dirty_pages] | add) as $priv |
	(shared_pages / .page_size) as $sh |
	.dirty_pages <= $sum and .dirty_pages == $priv + .shared_dirty_pages and
	.shared_dirty_pages == $sh and
	all(.processes[]; .shared_dirty_pages <= .dirty_pages)))' \
    "$T/all.json" > /dev/null ||
    fail "a line whose totals disagree with its processes: $(jq -c '.[] | {cycle, dirty_pages, shared_dirty_pages, sum: ([.processes[].dirty_pages] | add), shared_sum: ([.processes[].shared_dirty_pages] | add)}' "$T/all.json" | head -n 20)"
jq -e 'any(.[]; .shared_dirty_pages > 0)' "$T/all.json" > /dev/null ||
    fail "no cycle saw a page of the shared buffers written"

methods=$(jq -r '[.[].processes[] | select(.error == null) | .method] | unique | join(",")' "$T/all.json")
echo "watched by sdtop as $(if [ -n "$AS_SDTOP" ]; then echo nobody; else id -un; fi), methods $methods: $ntx transactions, up to $(jq 'map(.nproc) | max' "$T/all.json") processes, at most $(jq 'map(.shared_dirty_pages) | max' "$T/all.json") shared pages written in a cycle"
finish
