#!/bin/sh
# test-lab.sh - runs every ```sh block of docs/lab.md, as a student would,
# against real processes, and checks its exit status and a few facts of
# its output. Each block is marked by a "<!-- lab: NAME -->" line before
# it; a block without a check here, or a check without its block, fails.
# A block runs in its own session (setsid) in a scratch directory shared
# by all blocks, with a time limit; whatever it leaves running is killed.

set -u
srcdir=${srcdir:-.}
builddir=${abs_top_builddir:-$(pwd)}
lab=${abs_top_srcdir:-$srcdir}/docs/lab.md
[ -r "$lab" ] || lab=$srcdir/docs/lab.md
for f in "$builddir/sdtop" "$builddir/sdtop-demo" "$lab"; do
	[ -e "$f" ] || { echo "FAIL: no $f"; exit 1; }
done
for tool in jq setsid timeout script; do
	command -v $tool >/dev/null ||
	    { echo "SKIP: $tool is not installed"; exit 77; }
done
tmp=$(mktemp -d) || exit 1
mkdir "$tmp/blocks" "$tmp/work" "$tmp/bin"
running=
trap '[ -n "$running" ] && kill -9 -- -$running 2>/dev/null; rm -rf "$tmp"' EXIT
status=0

fail() {
	echo "FAIL: $block: $*"
	status=1
}

# Split the guide into numbered blocks: NN-NAME.sh.
awk -v dir="$tmp/blocks" '
	/^<!-- lab: [a-z0-9-]+ -->$/ { name = $3; next }
	/^```sh$/ {
		if (name == "") { print "unnamed block at line " NR; exit 1 }
		n++; file = sprintf("%s/%02d-%s.sh", dir, n, name); name = ""
		inblock = 1; next
	}
	/^```/ && inblock { inblock = 0; close(file); next }
	inblock { print > file }
' "$lab" || { echo "FAIL: $lab: a sh block has no <!-- lab: NAME --> line"; exit 1; }

# The blocks' figures are in 4 KiB pages: they run with transparent huge
# pages off (prctl PR_SET_THP_DISABLE, 41 in <linux/prctl.h>, inherited
# and kept across exec). With THP "always" the demos' buffers are 2 MiB
# pages, and on a soft-dirty kernel one write marks all 512 pages of one:
# hotset never converges there.
cat >"$tmp/nothp.pl" <<'EOF'
require "syscall.ph";
syscall(SYS_prctl(), 41, 1, 0, 0, 0) == 0 or die "prctl: $!\n";
exec { $ARGV[0] } @ARGV or die "$ARGV[0]: $!\n";
EOF
nothp="perl $tmp/nothp.pl"
if ! $nothp true 2>"$tmp/nothp.err"; then
	# Without it, only a kernel that never gives THP unasked will do.
	if grep -q '\[always\]' /sys/kernel/mm/transparent_hugepage/enabled \
	    2>/dev/null; then
		echo "SKIP: THP is always on and cannot be turned off for" \
		    "the blocks: $(cat "$tmp/nothp.err")"
		exit 77
	fi
	nothp=
fi

# Section 4 compiles a program with cc: where there is none by that
# name, the compiler that is there stands for it.
if ! command -v cc >/dev/null; then
	for c in gcc clang; do
		command -v $c >/dev/null || continue
		ln -s "$(command -v $c)" "$tmp/bin/cc"
		break
	done
fi

# The soft-dirty outcome depends on the kernel: sdtop --probe says which.
softdirty=$("$builddir/sdtop" --probe 2>/dev/null |
    awk '$1 == "soft-dirty" { print $2 }')

# Run block file $1 (60 s at most); output in $out, $err; status in $rc.
run_block() {
	out=$tmp/$block.out
	err=$tmp/$block.err
	(
		cd "$tmp/work" || exit 1
		PATH=$builddir:$PATH:$tmp/bin TERM=xterm exec $nothp setsid sh "$1"
	) >"$out" 2>"$err" </dev/null &
	running=$!
	i=0
	while kill -0 $running 2>/dev/null && [ $i -lt 600 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	if [ $i -ge 600 ]; then
		kill -TERM -- -$running 2>/dev/null
		sleep 1
		fail "still running after 60 s"
	fi
	wait $running
	rc=$?
	# Anything the block left behind in its session.
	kill -TERM -- -$running 2>/dev/null
	running=
}

# The status a block printed as "...exit status: N".
printed_status() {
	sed -n "s/^$1exit status: \([0-9]*\)$/\1/p" "$out" | tail -n 1
}

expect_status() {
	got=$(printed_status "$1")
	[ "$got" = "$2" ] || fail "'$1exit status' is '$got', not $2"
}

seen=
for f in "$tmp"/blocks/*.sh; do
	block=$(basename "$f" .sh)
	block=${block#*-}
	seen="$seen $block"
	if [ "$block" = screen ] || [ "$block" = discard-screen ]; then
		# The screen needs a terminal: give it one.
		out=$tmp/$block.out
		err=$tmp/$block.err
		( cd "$tmp/work" && PATH=$builddir:$PATH TERM=xterm \
		    $nothp timeout 60 script -qec "sh $f" /dev/null ) \
		    >"$out" 2>"$err" </dev/null
		rc=$?
	else
		run_block "$f"
	fi
	[ $rc -eq 0 ] || fail "the block ended with status $rc: $(head -n 3 "$err")"
	case $block in
	probe)
		expect_status "" 0
		for m in soft-dirty uffd-wp auto; do
			grep -Eq "^$m +(yes|no) " "$out" ||
			    fail "--probe has no line for $m"
		done
		;;
	list)
		got=$(printed_status "sdtop -l ")
		if [ $softdirty = yes ]; then
			[ "$got" = 0 ] || fail "sdtop -l: status $got on a soft-dirty kernel"
			grep -q '^0x[0-9a-f]*-0x[0-9a-f]* *[0-9]* pages' "$out" ||
			    fail "sdtop -l listed nothing"
		else
			[ "$got" = 1 ] || fail "sdtop -l: status $got, not 1 without soft-dirty"
			grep -q '^sdtop: soft-dirty is not available' "$err" ||
			    fail "sdtop -l: no reason on stderr: $(cat "$err")"
			grep -q 'run sdtop -b -n 1 [0-9][0-9]*$' "$err" ||
			    fail "sdtop -l: says nothing to run instead: $(cat "$err")"
			[ "$(grep -c '^sdtop:' "$err")" -eq 1 ] ||
			    fail "sdtop -l: more than one line on stderr"
		fi
		grep -q '^sdtop-demo: hotset: 16 MiB buffer' "$out" ||
		    fail "no hotset line from hotset.log"
		;;
	converge)
		expect_status "sdtop " 0
		n=$(grep -c '^cycle ' "$out")
		[ "$n" -ge 5 ] && [ "$n" -le 15 ] || fail "$n cycles"
		grep '^cycle ' "$out" | tail -n 1 | grep -q ' converged' ||
		    fail "the last cycle is not converged"
		# The buffer's row has its middle eighth written: cells 24-31
		# of 64 are all X.
		row=$(grep '(4096 pages)' "$out" | tail -n 1 |
		    sed 's/.*|\(.*\)|.*/\1/')
		[ ${#row} -eq 64 ] || fail "buffer row of ${#row} cells: $row"
		hot=$(echo "$row" | cut -c 25-32)
		[ "$hot" = XXXXXXXX ] || fail "hot cells are '$hot' in $row"
		;;
	converge-json)
		expect_status "sdtop " 0
		jq -s -e 'last | .converged == true' "$tmp/work/hotset.json" \
		    >/dev/null || fail "the last cycle is not converged"
		grep -q '"converged":true' "$out" || fail "no converged line"
		;;
	screen)
		grep -q 'exit status: 0' "$out" || fail "sdtop -n 5 did not exit 0"
		;;
	discard-screen)
		grep -q 'exit status: 0' "$out" ||
		    fail "sdtop -n 6 -- sdtop-demo discard did not exit 0"
		# The ring's discarded pages: a run of "o" cells (or one "o"
		# and the terminal's repeat sequence).
		grep -aqE 'ooo|o.\[[0-9]+b' "$out" ||
		    fail "no run of o cells on the screen"
		;;
	discard)
		expect_status "sdtop " 0
		# From cycle 3 on: the written pages are the window of 1024
		# (give or take what one tick of 0.1 s moves, 52 pages, and a
		# few pages of the program's own), the discarded ones some of
		# what it left, never more than the window.
		jq -s -e '[.[] | select(.cycle >= 3)] | length >= 5 and
		    all(.[]; .dirty_pages >= 972 and .dirty_pages <= 1140 and
			.discarded_pages >= 1 and .discarded_pages <= 1076)' \
		    "$tmp/work/discard.json" >/dev/null ||
		    fail "not steady as documented: $(jq -c -s 'map([.cycle,
			.dirty_pages, .discarded_pages])' "$tmp/work/discard.json")"
		grep -q '"discarded_pages":' "$out" ||
		    fail "jq printed no discarded_pages"
		;;
	new-regions)
		expect_status "sdtop " 0
		# The mmap demo maps a region or unmaps one 4 times a second:
		# some cycle after the first has a new region.
		jq -s -e '[.[1:][] | .vmas[] | select(.new)] | length > 0' \
		    "$tmp/work/mmap.json" >/dev/null ||
		    fail "no new region after the first cycle"
		;;
	sweep-100mbit)
		expect_status "sdtop " 0
		grep -q '"converges":false' "$out" ||
		    fail "no \"converges\": false at 100Mbit"
		# Cycle 1 may catch the program starting, not sweeping yet.
		jq -s -e '.[1:] | length > 0 and
		    all(.[]; .precopy.converges == false)' \
		    "$tmp/work/sweep.json" >/dev/null ||
		    fail "pre-copy converges at 100Mbit after cycle 1"
		jq -s -e 'last | .converged == true and
		    .precopy.downtime_ms == null' "$tmp/work/sweep.json" \
		    >/dev/null || fail "the last cycle is not as documented"
		;;
	sweep-1gbit)
		expect_status "sdtop " 0
		grep -q '"converges":true' "$out" ||
		    fail "no \"converges\": true at 1Gbit"
		;;
	fork)
		expect_status "sdtop " 0
		child=$(sed -n 's/.* child \([0-9]*\) .*/\1/p' "$out")
		[ -n "$child" ] || fail "no child PID in fork.log"
		jq -s -e --argjson c "${child:-0}" 'length == 3 and
		    all(.[]; .pid == $c)' "$tmp/work/child.json" >/dev/null ||
		    fail "sdtop did not watch the child for 3 cycles"
		# The child writes 512 pages a second: the last cycle of 1 s
		# holds about that many (and at least half).
		jq -s -e 'last | .dirty_pages >= 256' "$tmp/work/child.json" \
		    >/dev/null || fail "the child wrote too little"
		[ "$(grep -c '^Private_Dirty' "$out")" -eq 2 ] ||
		    fail "no Private_Dirty lines"
		;;
	cost)
		expect_status "sdtop " 0
		grep -q '^CPU time of the sweep (clock ticks): 3 s untracked: [0-9]*, 3 s tracked: [0-9]*$' \
		    "$out" || fail "no CPU time line"
		[ "$(jq -s length "$tmp/work/cost.json")" -eq 6 ] ||
		    fail "not 6 cycles"
		;;
	pair-build)
		expect_status "cc " 0
		[ -x "$tmp/work/pair" ] || fail "no ./pair"
		;;
	pair-run)
		expect_status "sdtop " 0
		last='^cycle [0-9]+  tree of [0-9]+ \(pair\)  [12] process(es)?:'
		grep '^cycle ' "$out" | tail -n 1 |
		    grep -Eq "$last every process has exited\$" ||
		    fail "the last cycle does not say that every process has exited"
		# A cycle after the child's first: the parent wrote 16 pages
		# more than the child, 64 of each one's are the shared ones,
		# once in the set's count.
		awk '
		/^cycle / {
			n = ($0 ~ /  2 processes  /) ? 0 : -1
			x = $0; sub(/.*  dirty /, "", x); sub(/\/.*/, "", x)
			y = $0; sub(/ shared .*/, "", y); sub(/.*  /, "", y)
			d = x; s = y
			next
		}
		/^process / && n >= 0 {
			if ($0 ~ /joined|: exited/)
				n = -1
			if (n < 0)
				next
			x = $0; sub(/.*  dirty /, "", x); sub(/\/.*/, "", x)
			y = $0; sub(/ shared\).*/, "", y); sub(/.*incl\. /, "", y)
			pd[++n] = x; ps[n] = y
			if (n == 2 && s == 64 && ps[1] == 64 && ps[2] == 64 &&
			    pd[1] - pd[2] == 16 && pd[1] >= 96 && pd[1] <= 99 &&
			    d == pd[1] + pd[2] - 64)
				ok++
		}
		END { exit !(ok >= 2) }' "$out" ||
		    fail "fewer than 2 cycles as documented:" \
			"$(grep -E '^(cycle|process)' "$out" | head -n 9)"
		;;
	pair-json)
		expect_status "sdtop " 0
		# The cycles of both after the child's first (but the last,
		# which may catch one on its way out): the regions as the
		# program writes them, the shared one once in the set.
		jq -s -e 'map(select(.nproc == 2 and
		    all(.processes[]; .exited == false and .joined == false)))
		    | .[:-1] | length >= 2 and all(.[];
			.processes as $p | $p[1].ppid == $p[0].pid and
			.shared_dirty_pages == 64 and
			all($p[]; .shared_dirty_pages == 64 and
			    ([.vmas[] | select(.perms == "rw-s") |
				[.pages, .dirty_pages]] == [[64, 64]])) and
			([$p[0].vmas[] | select(.perms == "rw-p" and
			    .pages == 32) | .dirty_pages] == [32]) and
			([$p[1].vmas[] | select(.perms == "rw-p" and
			    .pages == 32) | .dirty_pages] == [16]) and
			$p[0].dirty_pages - $p[1].dirty_pages == 16 and
			$p[0].dirty_pages >= 96 and $p[0].dirty_pages <= 99 and
			.dirty_pages == $p[0].dirty_pages +
			    $p[1].dirty_pages - 64 and
			([$p[] | .vmas[] | select(.perms == "rw-s") |
			    [.start, .dev, .inode, .offset]] | unique |
			    length) == 1)' "$tmp/work/pair.json" >/dev/null ||
		    fail "pair.json is not as documented: $(jq -c '[.cycle,
			.dirty_pages, .shared_dirty_pages, [.processes[] |
			[.pid, .joined, .dirty_pages, .shared_dirty_pages]]]' \
			"$tmp/work/pair.json")"
		shown='"shared":\[{"start":"0x[0-9a-f]*","dev":"[0-9a-f:]*"'
		[ "$(grep -c "$shown,\"inode\":\"[1-9]" "$out")" -eq 2 ] ||
		    fail "the last jq did not show the shared region of both"
		;;
	pair-private)
		expect_status "sdtop " 0
		# Nothing shared; each process writes as many pages as with
		# the shared region, and the set's count is their sum.
		jq -s -e 'map(select(.nproc == 2 and
		    all(.processes[]; .exited == false and .joined == false)))
		    | .[:-1] | length >= 2 and all(.[];
			.processes as $p | .shared_dirty_pages == 0 and
			all($p[]; .shared_dirty_pages == 0) and
			$p[0].dirty_pages - $p[1].dirty_pages == 16 and
			$p[0].dirty_pages >= 96 and $p[0].dirty_pages <= 99 and
			.dirty_pages == $p[0].dirty_pages + $p[1].dirty_pages)' \
		    "$tmp/work/private.json" \
		    >/dev/null ||
		    fail "private.json is not as documented: $(jq -c '[.cycle,
			.dirty_pages, .shared_dirty_pages, [.processes[] |
			[.pid, .exited, .joined, .dirty_pages,
			.shared_dirty_pages]]]' "$tmp/work/private.json")"
		;;
	*)
		fail "no check for this block"
		;;
	esac
	[ $status -eq 0 ] && echo "ok: $block"
done

block=guide
for want in probe list converge converge-json screen new-regions \
    sweep-100mbit sweep-1gbit fork cost discard-screen discard pair-build \
    pair-run pair-json pair-private; do
	case " $seen " in
	*" $want "*) ;;
	*) fail "no block '$want' in $lab" ;;
	esac
done
exit $status
