#!/bin/sh
# test-bootstrap.sh - ./bootstrap against stand-ins for apt-get, dpkg-query,
# sudo and autoreconf (which log their arguments): --install asks for what
# building and running sdtop needs and for no tool of the test suite,
# --install-tests for both; apt-get is always told to wait for the dpkg
# lock; when another process holds a package lock, bootstrap says so and
# runs apt-get only once it is released. And the README's two commands
# are those, the second run verbatim by .ci/run.

set -u
name=test-bootstrap
. "${abs_top_srcdir:-.}/tests/test-live-lib.sh"
top=${abs_top_srcdir:-.}

# What only the test suite needs, and what building sdtop needs: the
# ground truth, kept apart from bootstrap's own lists.
TEST_ONLY="libcmocka-dev tmux qemu-system-x86 cpio procps jq time clang-14
	libfuzzer-14-dev postgresql"
BUILD="build-essential autoconf automake pkg-config libncurses-dev
	libjansson-dev libxxhash-dev"

# The stand-ins; dpkg-query finds nothing installed.
mkdir -p "$T/bin" "$T/dpkg" "$T/lists" "$T/archives"
for cmd in apt-get autoreconf; do
	printf '#!/bin/sh\necho "%s $*" >>"%s/log"\n' "$cmd" "$T" >"$T/bin/$cmd"
done
printf '#!/bin/sh\nexit 1\n' >"$T/bin/dpkg-query"
printf '#!/bin/sh\nexec "$@"\n' >"$T/bin/sudo"
chmod +x "$T/bin/"*
# apt-config (when there is one) reads this too: the locks are ours.
cat >"$T/apt.conf" <<EOF
Dir::State::status "$T/dpkg/status";
Dir::State::Lists "$T/lists/";
Dir::Cache::Archives "$T/archives/";
EOF

# run_bootstrap ARGS...: run it with the stand-ins, its output in $T/out.
run_bootstrap() {
	: >"$T/log"
	PATH="$T/bin:$PATH" APT_CONFIG="$T/apt.conf" \
	    sh "$top/bootstrap" "$@" >"$T/out" 2>&1
}

# installed: the packages of the log's apt-get install line.
installed() {
	grep '^apt-get .*install ' "$T/log" | sed 's/.*--no-install-recommends//'
}

# has_all WHAT LIST: whether each package of LIST was installed.
has_all() {
	for p in $2; do
		installed | tr ' ' '\n' | grep -qx -- "$p" ||
		    fail "$1: $p not installed: $(installed)"
	done
}

# The run command: the build packages, no test tool; apt-get waits.
run_bootstrap --install || fail "--install: status $?: $(cat "$T/out")"
has_all "--install" "$BUILD"
for p in $TEST_ONLY; do
	installed | tr ' ' '\n' | grep -qx -- "$p" &&
	    fail "--install installs $p, a tool of the tests"
done
[ "$(grep -c 'DPkg::Lock::Timeout=[1-9]' "$T/log")" -eq 2 ] ||
    fail "apt-get update and install do not wait for the lock: $(cat "$T/log")"
grep -q '^autoreconf ' "$T/log" || fail "--install: no autoreconf"

# The test command: both.
run_bootstrap --install-tests || fail "--install-tests: status $?"
has_all "--install-tests" "$BUILD $TEST_ONLY"

# Nothing to install: no apt-get at all; a bad option: usage, status 2.
printf '#!/bin/sh\necho "install ok installed"\n' >"$T/bin/dpkg-query"
run_bootstrap --install-tests || fail "all installed: status $?"
grep -q '^apt-get' "$T/log" && fail "all installed, yet apt-get ran"
run_bootstrap --bogus
[ $? -eq 2 ] || fail "--bogus: not a usage error"
printf '#!/bin/sh\nexit 1\n' >"$T/bin/dpkg-query"

# Another process holds the dpkg lock: bootstrap says so, and waits.
if command -v flock >/dev/null 2>&1 && command -v apt-config >/dev/null \
    2>&1 && [ -r /proc/locks ]; then
	# flock(1) holds the lock while its child sleeps (-o: the child
	# holds no copy of it), until the test ends the child.
	flock -o "$T/dpkg/lock-frontend" sh -c 'echo $$ >"$1"; exec sleep 600' \
	    sh "$T/held" &
	TPID=$!
	wait_for test -s "$T/held" || fail "the lock was never taken"
	run_bootstrap --install &
	SPID=$!
	wait_for grep -q '^bootstrap: waiting' "$T/out" ||
	    fail "no word of waiting: $(cat "$T/out")"
	grep -q "^bootstrap: waiting for process $TPID (flock), which holds .*/lock-frontend " \
	    "$T/out" || fail "the holder or the lock is not named: $(cat "$T/out")"
	grep -q '^apt-get' "$T/log" && fail "apt-get ran while the lock was held"
	kill "$(cat "$T/held")"
	wait "$SPID" || fail "bootstrap failed once the lock was released"
	SPID=
	grep -q '^apt-get .*install' "$T/log" ||
	    fail "apt-get did not run after the lock was released"
	[ "$(grep -c '^bootstrap: waiting' "$T/out")" -eq 1 ] ||
	    fail "said more than once that it waits"
else
	echo "no flock(1), apt-config or /proc/locks: the lock is not tried"
fi

# The README starts with the two commands, the second run by .ci/run.
cmds=$(awk '/^```sh$/ { c = 1; next } /^```$/ { c = 0 } c' "$top/README.md" |
    head -n 2)
first=$(echo "$cmds" | sed -n 1p)
second=$(echo "$cmds" | sed -n 2p)
[ "$first" = "./bootstrap --install && ./configure && make && ./sdtop" ] ||
    fail "README's first command: '$first'"
case $second in
"./bootstrap --install-tests && "*) ;;
*) fail "README's second command: '$second'" ;;
esac
grep -qxF "$second" "$top/.ci/run" ||
    fail ".ci/run does not run the README's test command verbatim"

finish
