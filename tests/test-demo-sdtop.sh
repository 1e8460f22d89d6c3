#!/bin/sh
# test-demo-sdtop.sh - what each demo is for, checked with sdtop itself:
# hotset converges and its written pages are the hot set it announces;
# vary never converges (exit 3); sweep has a steady count (it converges)
# but dirties more than 100 Mbit/s can carry; shrink settles at a
# sixteenth of its buffer; discard gives back pages steadily, and they
# are counted as discarded, never as written (under uffd-wp and hash).
# Skipped when no tracking method works here.
#
# The counts are in 4 KiB pages: sdtop and the demos run with transparent
# huge pages off (prctl PR_SET_THP_DISABLE, inherited and kept across
# exec), since with THP "always" the demos' buffers are 2 MiB pages and
# on a soft-dirty kernel one write marks all 512 pages of one.

set -u
builddir=${abs_top_builddir:-$(pwd)}
sdtop=$builddir/sdtop
demo=$builddir/sdtop-demo
for f in "$sdtop" "$demo"; do
	[ -x "$f" ] || { echo "FAIL: no $f"; exit 1; }
done
command -v jq >/dev/null || { echo "SKIP: jq is not installed"; exit 77; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
status=0
page=$(getconf PAGESIZE)

# Run a command without transparent huge pages (PR_SET_THP_DISABLE is
# 41 in <linux/prctl.h>).
cat >"$tmp/nothp.pl" <<'EOF'
require "syscall.ph";
syscall(SYS_prctl(), 41, 1, 0, 0, 0) == 0 or die "prctl: $!\n";
exec { $ARGV[0] } @ARGV or die "$ARGV[0]: $!\n";
EOF
nothp() {
	perl "$tmp/nothp.pl" "$@"
}
if ! nothp true 2>"$tmp/nothp.err"; then
	# Without it, only a kernel that never gives THP unasked will do.
	if grep -q '\[always\]' /sys/kernel/mm/transparent_hugepage/enabled \
	    2>/dev/null; then
		echo "SKIP: THP is always on and cannot be turned off for" \
		    "the demos: $(cat "$tmp/nothp.err")"
		exit 77
	fi
	nothp() {
		"$@"
	}
fi

fail() {
	echo "FAIL: $*"
	status=1
}

# Run sdtop in batch JSON mode on a demo: sdtop_demo NAME SDTOP-ARGS -- DEMO-ARGS
# Leaves the cycles in $tmp/NAME.json, stderr in $tmp/NAME.err, status in rc.
sdtop_demo() {
	name=$1
	shift
	nothp timeout 60 "$sdtop" --batch --json "$@" --duration 40 \
	    >"$tmp/$name.json" 2>"$tmp/$name.err"
	rc=$?
}

# The last cycle's field: last FILTER NAME.
last() {
	jq -s -r "last | $1" "$tmp/$2.json"
}

# Can sdtop watch anything here?
sdtop_demo probe -n 1 -i 0.1 -- "$demo" hotset --size 1M
if [ $rc -ne 0 ]; then
	echo "SKIP: sdtop cannot track a process here: $(grep -v '^sdtop-demo' \
	    "$tmp/probe.err" | head -n 1)"
	exit 77
fi
echo "method: $(last .method probe)"

# hotset: converges, and the hot set it announces is all written.
sdtop_demo hotset --until-converged -n 20 -i 0.2 -- "$demo" hotset --size 16M
[ $rc -eq 0 ] || fail "hotset: sdtop exit $rc, not 0 (converged)"
line=$(grep '^sdtop-demo: hotset:' "$tmp/hotset.err")
hs=$(echo "$line" | sed -n 's/.*hot set .* at \(0x[0-9a-f]*\)-\(0x[0-9a-f]*\).*/\1/p')
he=$(echo "$line" | sed -n 's/.*hot set .* at \(0x[0-9a-f]*\)-\(0x[0-9a-f]*\).*/\2/p')
if [ -z "$hs" ] || [ -z "$he" ]; then
	fail "hotset: no hot set range in '$line'"
else
	hot=$(( (he - hs) / page ))
	covered=$(jq -s -r --arg hs "$hs" --arg he "$he" '
	    def hex: ltrimstr("0x") | explode | reduce .[] as $c (0;
		. * 16 + (if $c >= 97 then $c - 87 else $c - 48 end));
	    ($hs | hex) as $s | ($he | hex) as $e |
	    last | [.vmas[].dirty[] | map(hex) |
		([.[1], $e] | min) - ([.[0], $s] | max) | select(. > 0)] |
	    add // 0' "$tmp/hotset.json")
	covered_pages=$(( covered / page ))
	dirty=$(last .dirty_pages hotset)
	echo "hotset: $hot hot pages, $covered_pages of them written in the" \
	    "last cycle, $dirty written in all (cycle $(last .cycle hotset))"
	[ "$covered_pages" -eq "$hot" ] ||
	    fail "hotset: only $covered_pages of $hot hot pages written"
	# Plus at most a few cold pages and the process's own bookkeeping.
	[ "$dirty" -ge "$hot" ] && [ "$dirty" -le $((hot + hot / 10 + 64)) ] ||
	    fail "hotset: $dirty pages written, not about $hot"
	[ "$(last .converged hotset)" = true ] ||
	    fail "hotset: last cycle not converged"
fi

# vary: never converges.
sdtop_demo vary --until-converged -n 12 -i 0.2 -- "$demo" vary --size 16M
[ $rc -eq 3 ] && echo "vary: exit 3 after $(last .cycle vary) cycles" ||
    fail "vary: sdtop exit $rc, not 3 (not converged)"

# sweep: a steady count, but too fast for 100 Mbit/s and not for 1 Gbit/s.
rate=8192
for bw in 100Mbit 1Gbit; do
	sdtop_demo "sweep-$bw" --until-converged -n 20 -i 0.3 --bandwidth $bw \
	    -- "$demo" sweep --size 64M --rate $rate
	[ $rc -eq 0 ] || fail "sweep: sdtop exit $rc, not 0 (converged)"
	conv=$(last .precopy.converges "sweep-$bw")
	drate=$(last .precopy.dirty_rate_bps "sweep-$bw")
	echo "sweep at $bw: dirty rate $drate B/s, pre-copy converges: $conv"
	want=false
	[ $bw = 1Gbit ] && want=true
	[ "$conv" = $want ] ||
	    fail "sweep at $bw: pre-copy converges is $conv, not $want"
	# The demo writes rate pages a second: the measure must agree (25 %).
	jq -s -e --argjson r $((rate * page)) 'last | .precopy.dirty_rate_bps |
	    . > $r * 0.75 and . < $r * 1.25' "$tmp/sweep-$bw.json" >/dev/null ||
	    fail "sweep at $bw: dirty rate $drate B/s, not about $((rate * page))"
done

# shrink: converges once it has settled at a sixteenth of the buffer.
sdtop_demo shrink --until-converged -n 40 -i 0.3 -- "$demo" shrink --size 16M
floor=$(( 16 * 1048576 / 16 / page ))
dirty=$(last .dirty_pages shrink)
echo "shrink: exit $rc, $dirty pages in the last cycle (floor $floor)"
[ $rc -eq 0 ] || fail "shrink: sdtop exit $rc, not 0 (converged)"
[ "$dirty" -ge "$floor" ] && [ "$dirty" -le $((floor + floor / 10 + 64)) ] ||
    fail "shrink: $dirty pages at convergence, not about $floor"

# discard: a window of a quarter of the ring, rewritten every tick, slides
# on rate pages a second and gives back each page it leaves. In every
# steady cycle (from the third: the first judges nothing, and hash needs
# a cycle to learn what is present) the ring's written pages are its
# window and its discarded pages some of what the window left, within
# what one tick moves (the collect may fall between a tick's give-back
# and its writes); no page is both, and the ring holds no other page.
# Were the discarded pages counted as written too, the written would be
# the window and the discarded, beyond a tick's move.
drate=1024
for m in uffd-wp hash; do
	if [ $m = uffd-wp ] &&
	    ! "$sdtop" --probe 2>/dev/null | grep -q '^uffd-wp  *yes'; then
		echo "discard: uffd-wp does not work here, not checked:" \
		    "$("$sdtop" --probe 2>&1 | grep '^uffd-wp')"
		continue
	fi
	sdtop_demo "discard-$m" -m $m -n 8 -i 0.5 -- "$demo" discard \
	    --size 16M --rate $drate
	if [ $rc -ne 0 ]; then
		fail "discard -m $m: sdtop exit $rc: $(grep -v '^sdtop-demo' \
		    "$tmp/discard-$m.err" | head -n 1)"
		continue
	fi
	line=$(grep '^sdtop-demo: discard:' "$tmp/discard-$m.err")
	rs=$(echo "$line" | sed -n 's/.* at \(0x[0-9a-f]*\)-\(0x[0-9a-f]*\);.*/\1/p')
	re=$(echo "$line" | sed -n 's/.* at \(0x[0-9a-f]*\)-\(0x[0-9a-f]*\);.*/\2/p')
	live=$(echo "$line" | sed -n 's/.*window of .* (\([0-9]*\) pages).*/\1/p')
	if [ -z "$rs" ] || [ -z "$re" ] || [ -z "$live" ]; then
		fail "discard: no ring or window in '$line'"
		continue
	fi
	tick=$((drate / 10 + 1))
	# cycle, written, discarded, both, resident pages of the ring.
	jq -s -r --arg rs "$rs" --arg re "$re" --argjson page "$page" '
	    def hex: ltrimstr("0x") | explode | reduce .[] as $c (0;
		. * 16 + (if $c >= 97 then $c - 87 else $c - 48 end));
	    def clip($s; $e): map(map(hex) | [([.[0], $s] | max),
		([.[1], $e] | min)] | select(.[1] > .[0]));
	    def pages: map(.[1] - .[0]) | add // 0 | . / $page;
	    ($rs | hex) as $s | ($re | hex) as $e |
	    .[] | select(.cycle >= 3) |
	    [.vmas[] | select((.start | hex) < $e and (.end | hex) > $s)] as $v |
	    ([$v[] | (.dirty // [])[]] | clip($s; $e)) as $d |
	    ([$v[] | (.discarded // [])[]] | clip($s; $e)) as $g |
	    [.cycle, ($d | pages), ($g | pages),
	     ([$d[] as $a | $g[] as $b | [([$a[1], $b[1]] | min) -
		([$a[0], $b[0]] | max), 0] | max] | add // 0 | . / $page),
	     ([$v[] | select((.start | hex) == $s and (.end | hex) == $e) |
		.resident_pages] | first // "unknown")] | @tsv
	' "$tmp/discard-$m.json" >"$tmp/discard-$m.tsv"
	n=0
	while read -r cycle dirty disc both res; do
		n=$((n + 1))
		[ "$dirty" -ge $((live - tick)) ] &&
		    [ "$dirty" -le $((live + tick)) ] ||
		    fail "discard -m $m: cycle $cycle: $dirty pages of the ring" \
		    "written, not its window of $live (± $tick)"
		[ "$disc" -gt 0 ] && [ "$disc" -le $((live + tick)) ] ||
		    fail "discard -m $m: cycle $cycle: $disc pages of the ring" \
		    "discarded, not 1 to $((live + tick))"
		[ "$both" -eq 0 ] ||
		    fail "discard -m $m: cycle $cycle: $both pages both" \
		    "written and discarded"
		case $res in
		unknown) ;;
		*) [ "$res" -ge $((live - tick)) ] &&
		    [ "$res" -le $((live + tick)) ] ||
		    fail "discard -m $m: cycle $cycle: the ring holds $res" \
		    "pages, not its window of $live (± $tick)" ;;
		esac
	done <"$tmp/discard-$m.tsv"
	[ $n -ge 5 ] ||
	    fail "discard -m $m: $n steady cycles of 6, $(jq -s length \
	    "$tmp/discard-$m.json") in all"
	echo "discard -m $m: window $live pages; written, discarded, both," \
	    "resident per steady cycle:" \
	    "$(awk '{ printf " %s/%s/%s/%s", $2, $3, $4, $5 }' \
	    "$tmp/discard-$m.tsv")"
done

exit $status
