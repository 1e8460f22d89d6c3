#!/bin/sh
# run.sh SECONDS - build the libFuzzer harnesses of tests/fuzz with clang
# (-fsanitize=fuzzer,address,undefined) and run each for SECONDS.
#
#   fuzz-recording      sdtop --replay of a recording (JSON Lines)
#   fuzz-trace-report   tracepgfault --report of a trace, text and JSON
#   fuzz-trace-replay   sdtop --replay of a trace
#   fuzz-maps           the /proc/PID/maps parser and the batch writers
#   fuzz-cli            sdtop's command line parser
#
# Run it from a configured build directory (make fuzz does): it takes
# that config.h, or configures one of its own under ./fuzz when there is
# none. It works in ./fuzz (FUZZ_DIR): objects, harnesses, the corpus
# each harness grows (kept between runs), crash files. Seeds are the
# well-formed fixtures under tests/fixtures, never the hostile ones, so
# that what the fuzzers find they find themselves.
#
# Environment: FUZZ_TARGETS (names, default all), FUZZ_DIR, FUZZ_FRESH=1
# (start from the seeds alone), FUZZ_CC (default clang-14).
# Exit: 0 nothing found, 1 a harness crashed (its input is saved and
# named), 77 clang or libFuzzer is missing. It installs nothing.

set -u
[ $# -eq 1 ] && [ "$1" -gt 0 ] 2>/dev/null ||
    { echo "usage: run.sh SECONDS" >&2; exit 2; }
secs=$1
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
dir=${FUZZ_DIR:-$(pwd)/fuzz}
CC=${FUZZ_CC:-clang-14}
targets=${FUZZ_TARGETS:-"recording trace-report trace-replay maps cli"}

if ! command -v "$CC" >/dev/null 2>&1; then
	echo "run.sh: $CC is not installed (Debian: clang-14 libfuzzer-14-dev)"
	exit 77
fi
mkdir -p "$dir/obj" "$dir/bin" || exit 1
printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n)'\
'{ (void)d; (void)n; return 0; }\n' >"$dir/probe.c"
if ! "$CC" -fsanitize=fuzzer,address,undefined "$dir/probe.c" \
    -o "$dir/probe" >/dev/null 2>&1; then
	echo "run.sh: $CC cannot link libFuzzer (Debian: libfuzzer-14-dev)"
	exit 77
fi

# config.h: this build directory's, the source tree's, or our own.
if [ -f ./config.h ]; then
	cfg=$(pwd)
elif [ -f "$top/config.h" ]; then
	cfg=$top
else
	cfg=$dir/config
	if [ ! -f "$cfg/config.h" ]; then
		mkdir -p "$cfg" && (cd "$cfg" && CC=$CC "$top/configure" \
		    >configure.log 2>&1) ||
		    { echo "run.sh: configure failed: see $cfg/configure.log"; exit 1; }
	fi
fi

PKGS="ncursesw jansson libxxhash"
CFLAGS="-g -O1 -fno-omit-frame-pointer -fno-sanitize-recover=undefined
    -I$cfg -I$top/include -DSDTOP_LIBEXECDIR=\"/nonexistent\"
    $(pkg-config --cflags $PKGS)"
LIBS="$(pkg-config --libs $PKGS) -lm"

# compile SRC OBJ: when the object is older than its source or than any
# header. The bit loops of bitmap.c and render.c have no comparison worth
# steering the fuzzer by, and tracing them made it five times slower.
compile() {
	cov=
	case $1 in
	*/bitmap.c|*/render.c) cov=-fno-sanitize-coverage=trace-cmp ;;
	esac
	if [ ! -f "$2" ] || [ "$1" -nt "$2" ] ||
	    [ -n "$(find "$top/include" "$here/fuzz.h" "$cfg/config.h" \
	    -newer "$2" 2>/dev/null | head -n 1)" ]; then
		# shellcheck disable=SC2086
		"$CC" $CFLAGS -fsanitize=fuzzer-no-link,address,undefined $cov \
		    -c "$1" -o "$2" || { echo "run.sh: cannot compile $1"; exit 1; }
	fi
}

# The library: every source but those with a main().
objs=
for src in "$top"/src/*.c; do
	grep -q '^main(' "$src" && continue
	obj=$dir/obj/$(basename "$src" .c).o
	compile "$src" "$obj"
	objs="$objs $obj"
done
compile "$here/fuzz-common.c" "$dir/obj/fuzz-common.o"
compile "$here/mutate-trace.c" "$dir/obj/mutate-trace.o"

# The seeds of each harness, from the well-formed fixtures.
seeds() {
	s=$dir/seeds/$1
	rm -rf "$s"
	mkdir -p "$s"
	case $1 in
	recording)
		cp "$top"/tests/fixtures/replay/*.jsonl "$s/" ;;
	trace-*)
		cp "$top"/tests/fixtures/pftrace/*.trace "$s/" ;;
	maps)
		for m in "$top"/tests/fixtures/maps/* "$top"/tests/fixtures/proc/*/maps; do
			cp "$m" "$s/$(echo "$m" | tr / _)"
		done ;;
	cli)
		printf -- '-b\0-n\0003\0-i\0000.5\0001234' >"$s/batch"
		printf -- '--replay\0rec.jsonl\0-b\0--json' >"$s/replay"
		printf -- '--bandwidth\0001Gbit\0--\0/bin/true\0-x' >"$s/cmd"
		printf -- '-w\00080\0-m\0hash\0--until-converged\0001' >"$s/width" ;;
	esac
}

crashed=0
for t in $targets; do
	name=fuzz-$t
	extra=
	[ "$t" = trace-report ] || [ "$t" = trace-replay ] &&
	    extra=$dir/obj/mutate-trace.o
	compile "$here/$name.c" "$dir/obj/$name.o"
	# shellcheck disable=SC2086
	"$CC" -fsanitize=fuzzer,address,undefined "$dir/obj/$name.o" \
	    "$dir/obj/fuzz-common.o" $extra $objs $LIBS -o "$dir/bin/$name" ||
	    { echo "run.sh: cannot link $name"; exit 1; }
	case $t in
	trace-*) dict=$here/trace.dict ;;
	*) dict=$here/$t.dict ;;
	esac
	seeds "$t"
	corpus=$dir/corpus/$t
	[ "${FUZZ_FRESH:-0}" = 1 ] && rm -rf "$corpus"
	mkdir -p "$corpus"
	rm -f "$dir/crash-$t-"*
	start=$(date +%s.%N)
	"$dir/bin/$name" -max_total_time="$secs" -timeout=25 \
	    -rss_limit_mb=2048 -malloc_limit_mb=1024 -dict="$dict" \
	    -artifact_prefix="$dir/crash-$t-" -print_final_stats=1 \
	    "$corpus" "$dir/seeds/$t" >"$dir/$t.log" 2>&1
	st=$?
	took=$(echo "$start $(date +%s.%N)" | awk '{ printf "%.1f", $2 - $1 }')
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/$t.log" |
	    tail -n 1)
	if [ $st -ne 0 ]; then
		crashed=1
		echo "$name: FOUND after ${took} s, ${runs:-?} executions:" \
		    "$(ls "$dir/crash-$t-"* 2>/dev/null | head -n 1)"
		grep -m 1 -E 'ERROR|SUMMARY|out of proportion|: .*(changed|accepted|control|UTF-8)' \
		    "$dir/$t.log"
	else
		echo "$name: nothing found in ${took} s, ${runs:-?} executions" \
		    "(corpus $(ls "$corpus" | wc -l) inputs)"
	fi
done
exit $crashed
