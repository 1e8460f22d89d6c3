#!/bin/sh
# make-screenshots.sh - render real sdtop screens to PNG.
#
#   screenshots/make-screenshots.sh BUILDDIR [OUTDIR]
#
# BUILDDIR holds the built sdtop and sdtop-demo; OUTDIR defaults to the
# directory of this script. Each shot runs sdtop on a demo workload inside
# tmux, shown by an xterm on a virtual X server, and photographs the xterm
# window once the screen shows what the shot is about:
#   demo-live.png       the hotset demo watched live
#   converged.png       the shrink demo after it converged, with pre-copy
#   help.png            the help screen
#   large-zoomed.png    a 1 GiB buffer, auto-zoomed to fit the screen
#   discarded.png       the discard demo at 80x24: pages written (X),
#                       discarded (o) and absent (-) side by side
#   procs.png           a set of processes (-T): a shell and the demos it
#                       started, the fork demo's child under its parent
# Needs (Debian): xvfb xterm imagemagick x11-utils tmux, and a UTF-8 locale
# (C.UTF-8) and the DejaVu Sans Mono font (fonts-dejavu-core).

set -u
b=$(cd "${1:?usage: make-screenshots.sh BUILDDIR [OUTDIR]}" && pwd) || exit 2
out=${2:-$(dirname "$0")}
out=$(cd "$out" && pwd) || exit 2
for p in "$b/sdtop" "$b/sdtop-demo"; do
	[ -x "$p" ] || { echo "make-screenshots: $p is not built" >&2; exit 1; }
done
for c in Xvfb xterm import xwininfo tmux; do
	command -v $c >/dev/null 2>&1 ||
		{ echo "make-screenshots: $c is missing" >&2; exit 1; }
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/sdtop-shots.XXXXXX") || exit 1
T="tmux -L sdtop-shots-$$ -f /dev/null"
xpid=
dpid=
cleanup() {
	$T kill-server 2>/dev/null
	[ -n "$dpid" ] && kill "$dpid" 2>/dev/null
	[ -n "$xpid" ] && kill "$xpid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# A virtual screen of its own (the first free display from :90).
n=90
while [ -e "/tmp/.X11-unix/X$n" ] || [ -e "/tmp/.X$n-lock" ]; do
	n=$((n + 1))
done
export DISPLAY=":$n"
Xvfb "$DISPLAY" -screen 0 1400x900x24 -nolisten tcp >"$tmp/xvfb.log" 2>&1 &
xpid=$!
i=0
until xwininfo -root >/dev/null 2>&1; do
	i=$((i + 1))
	[ $i -gt 100 ] && { echo "make-screenshots: Xvfb did not start" >&2;
	    exit 1; }
	sleep 0.1
done

# Wait until the pane shows a string (at most ~30 s).
wait_for() {
	i=0
	until $T capture-pane -p -t shot | grep -qF -- "$1"; do
		i=$((i + 1))
		[ $i -gt 300 ] && { echo "make-screenshots: never saw '$1'" >&2;
		    $T capture-pane -p -t shot >&2; return 1; }
		sleep 0.1
	done
}

# Wait until the header shows cycle $1 or a later one (at most ~60 s).
wait_cycle() {
	i=0
	until [ "$($T capture-pane -p -t shot | head -1 |
	    sed -n 's/.*cycle \([0-9]*\).*/\1/p')" -ge "$1" ] 2>/dev/null; do
		i=$((i + 1))
		[ $i -gt 600 ] && { echo "make-screenshots: no cycle $1" >&2;
		    return 1; }
		sleep 0.1
	done
}

# Start a demo pattern (its own messages go to a file) and remember it.
demo() {
	"$b/sdtop-demo" "$@" >"$tmp/demo.out" 2>&1 &
	dpid=$!
	sleep 0.5
}

# shot COMMAND...: run sdtop in tmux in an xterm of $cols columns and
# $rows rows; the caller drives it, then calls snap NAME.
cols=120
rows=40
shot() {
	$T kill-server 2>/dev/null
	$T new-session -d -s shot -x $cols -y $rows \
	    "LANG=C.UTF-8 LC_ALL=C.UTF-8 $*; sleep 600"
	$T set -g status off
	xterm -geometry ${cols}x$rows+0+0 -fa "DejaVu Sans Mono" -fs 11 \
	    -bg "#1d1f21" -fg "#d0d0d0" -title sdtop \
	    -e env TERM=xterm-256color $T attach -t shot &
	sleep 1
}
snap() {
	sleep 0.5
	id=$(xwininfo -root -tree | awk '/"sdtop"/ { print $1; exit }')
	if [ -z "$id" ]; then
		echo "make-screenshots: no xterm window" >&2
		return 1
	fi
	import -window "$id" "$out/$1.png" && echo "wrote $out/$1.png"
	$T kill-server 2>/dev/null
	sleep 0.3
}
stop_demo() {
	[ -n "$dpid" ] && kill "$dpid" 2>/dev/null
	wait "$dpid" 2>/dev/null
	dpid=
}

# 1. The default demo (hotset), live.
demo hotset -s 64M
shot "$b/sdtop" -i 0.5 "$dpid"
wait_cycle 8 && snap demo-live

# 2. Shrinking to a steady working set, with the pre-copy model.
stop_demo
demo shrink -s 32M
shot "$b/sdtop" -i 0.5 --bandwidth 1Gbit "$dpid"
wait_for "converged at cycle" && wait_cycle 16 && snap converged

# 3. The help screen.
shot "$b/sdtop" -i 0.5 "$dpid"
wait_for " this cycle"
$T send-keys -t shot h
wait_for "this help" && snap help
stop_demo

# 4. A large process: 1 GiB, auto-zoomed.
demo hotset -s 1G
shot "$b/sdtop" -i 1 "$dpid"
wait_cycle 4 && snap large-zoomed
stop_demo

# 5. Pages given back, at 80 columns: the ring's window written (X), the
# pages it left since the last cycle discarded (o), the rest absent (-).
cols=80
rows=24
shot "$b/sdtop" -i 1 -- "$b/sdtop-demo" discard
wait_for "converged at cycle" && wait_for "ooo" && snap discarded

# 6. A set of processes: sdtop -T starts a shell that starts four demos
# (each stops by itself after a minute); the fork demo's child is listed
# under it. The second demo is selected.
cols=120
rows=32
cat >"$tmp/app.sh" <<EOF
"$b/sdtop-demo" hotset -s 32M -d 60 >/dev/null 2>&1 &
"$b/sdtop-demo" shrink -s 16M -d 60 >/dev/null 2>&1 &
"$b/sdtop-demo" fork -s 8M -d 60 >/dev/null 2>&1 &
"$b/sdtop-demo" churn -d 60 >/dev/null 2>&1 &
wait
EOF
shot "$b/sdtop" -i 0.5 -T -- sh "$tmp/app.sh"
wait_for "PID DIRTY SHARED" && wait_cycle 12 &&
    $T send-keys -t shot j j && snap procs
