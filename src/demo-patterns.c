/*
 * demo-patterns.c - the workloads of sdtop-demo, whose writes make one
 * point each on sdtop's screen: a hot set, a shrinking or varying working
 * set, a fast sweep, the stack, heap churn, mappings coming and going,
 * fork, threads, and memory given back.
 *
 * Units: --size in bytes (pages inside the loops, of demo_page bytes),
 * --rate in pages (or events) per second, times in seconds on the
 * monotonic clock. Each pattern says what it does in one line on stderr
 * and runs until demo_done().
 */

#include "config.h"

#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "demo-patterns.h"
#include "demo-work.h"

/*
 * hotset: an eighth of the buffer, in its middle, is rewritten every tick;
 * rate cold pages per second land anywhere else. The count is the hot set
 * every interval of 0.1 s or more: it converges at once.
 */
static int
demo_hotset(const struct demo_options *o)
{
	size_t	 npages = o->size / demo_page, hot, first, owed, done = 0, pg;
	char	*buf, a[32], b[32];
	double	 t0;

	buf = demo_map(o->size);
	memset(buf, 1, o->size);
	hot = npages / 8 ? npages / 8 : 1;
	first = npages * 3 / 8;
	demo_say("%s buffer at %p-%p; hot set %s (%zu pages) at %p-%p "
	    "rewritten every %g s; %g cold pages/s",
	    demo_human(o->size, a, sizeof a), (void *)buf,
	    (void *)(buf + o->size), demo_human(hot * demo_page, b, sizeof b),
	    hot, (void *)(buf + first * demo_page),
	    (void *)(buf + (first + hot) * demo_page), DEMO_TICK, o->rate);
	t0 = demo_now();
	while (!demo_done()) {
		demo_touch(buf, first, hot);
		owed = (size_t)(o->rate * (demo_now() - t0));
		for (; done < owed; done++) {
			if (npages <= hot)
				break;
			pg = demo_between(0, npages - hot - 1);
			if (pg >= first)
				pg += hot;
			demo_touch(buf, pg, 1);
		}
		done = owed;
		demo_sleep(DEMO_TICK);
	}
	munmap(buf, o->size);
	return (0);
}

/*
 * shrink: the working set starts as the whole buffer and halves every
 * second down to a sixteenth, then stays: the count falls, then holds.
 */
static int
demo_shrink(const struct demo_options *o)
{
	size_t	 npages = o->size / demo_page, floor, ws, said;
	char	*buf, a[32], b[32];
	double	 t0, t;

	buf = demo_map(o->size);
	floor = npages / 16 ? npages / 16 : 1;
	demo_say("working set shrinks from %s, halving every second, to %s "
	    "at %p", demo_human(o->size, a, sizeof a),
	    demo_human(floor * demo_page, b, sizeof b), (void *)buf);
	said = npages;
	t0 = demo_now();
	while (!demo_done()) {
		t = demo_now() - t0;
		ws = (size_t)(npages * pow(2, -t));
		if (ws <= floor)
			ws = floor;
		if (ws <= said / 2 || (ws == floor && said != floor)) {
			said = ws == floor ? floor : said / 2;
			demo_say(ws == floor ? "stable at %s (%zu pages)" :
			    "working set %s (%zu pages)",
			    demo_human(said * demo_page, a, sizeof a), said);
		}
		demo_touch(buf, 0, ws);
		demo_sleep(DEMO_TICK);
	}
	munmap(buf, o->size);
	return (0);
}

/*
 * vary: the working set doubles every second from a sixty-fourth of the
 * buffer to all of it, then starts over. Each interval of 0.1 s or more
 * counts more pages than the one before (or far fewer), so no 5 counts in
 * a row are within 10 % of their mean: it never converges.
 */
static int
demo_vary(const struct demo_options *o)
{
	size_t	 npages = o->size / demo_page, low, ws;
	char	*buf, a[32], b[32];
	double	 t0, t, span;

	buf = demo_map(o->size);
	low = npages / 64 ? npages / 64 : 1;
	span = log2((double)npages / low);
	demo_say("working set grows from %s to %s at %p, doubling every "
	    "second, then starts over", demo_human(low * demo_page, a, sizeof a),
	    demo_human(o->size, b, sizeof b), (void *)buf);
	t0 = demo_now();
	while (!demo_done()) {
		t = demo_now() - t0;
		if (t > span + 1) {
			t0 = demo_now();
			t = 0;
		}
		ws = (size_t)(low * pow(2, t));
		if (ws > npages)
			ws = npages;
		demo_touch(buf, 0, ws);
		demo_sleep(DEMO_TICK);
	}
	munmap(buf, o->size);
	return (0);
}

/*
 * sweep: whole pages written in order, rate pages per second, round and
 * round a big buffer. The count is steady (it converges by the course
 * rule) but a link slower than the sweep never catches up with it.
 */
static int
demo_sweep(const struct demo_options *o)
{
	size_t	 npages = o->size / demo_page, next = 0, done = 0, owed, cap;
	char	*buf, a[32], b[32];
	double	 t0;

	buf = demo_map(o->size);
	demo_say("writes %g pages/s (%s/s, %.0f Mbit/s) in order over %s at "
	    "%p-%p", o->rate, demo_human((size_t)(o->rate * demo_page), a,
	    sizeof a), o->rate * demo_page * 8 / 1e6,
	    demo_human(o->size, b, sizeof b), (void *)buf,
	    (void *)(buf + o->size));
	cap = (size_t)(o->rate * DEMO_TICK) + 1;
	t0 = demo_now();
	while (!demo_done()) {
		owed = (size_t)(o->rate * (demo_now() - t0));
		/* After a stop, catch up by a tick at most. */
		if (owed - done > cap)
			done = owed - cap;
		for (; done < owed; done++) {
			/* A new value each lap, for the hash method. */
			memset(buf + next * demo_page,
			    (int)(done / npages % 255 + 1), demo_page);
			next = (next + 1) % npages;
		}
		demo_sleep(0.01);
	}
	munmap(buf, o->size);
	return (0);
}

/* Recurse depth more frames of a page each, writing them, then rest. */
static unsigned long __attribute__((noinline))
demo_recurse(size_t depth)
{
	volatile char	frame[4000];
	unsigned long	sum;

	frame[0] = (char)depth;
	frame[sizeof frame - 1] = (char)depth;
	if (depth == 0) {
		demo_sleep(DEMO_TICK);
		return (frame[0]);
	}
	sum = demo_recurse(depth - 1);
	return (sum + frame[sizeof frame - 1]);
}

/*
 * stack: recursion ten times deeper, a step each tick, down to --size of
 * stack, then back: the stack VMA grows and its low pages come and go.
 */
static int
demo_stack(const struct demo_options *o)
{
	struct rlimit	 rl;
	size_t		 size = o->size, frames, step;
	char		 a[32], b[32];

	if (getrlimit(RLIMIT_STACK, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
	    size > rl.rlim_cur / 2) {
		size = rl.rlim_cur / 2;
		demo_say("stack limit %s: recursing to half of it",
		    demo_human(rl.rlim_cur, a, sizeof a));
	}
	frames = size / 4096 ? size / 4096 : 1;
	demo_say("recursion deepens by %s every %g s down to %s of stack, "
	    "then starts over", demo_human((frames + 9) / 10 * 4096, a,
	    sizeof a), DEMO_TICK, demo_human(frames * 4096, b, sizeof b));
	step = 0;
	while (!demo_done()) {
		step = step % 10 + 1;
		demo_recurse(frames * step / 10);
	}
	return (0);
}

/*
 * churn: rate malloc or free calls per second on blocks of 16 bytes to
 * 1 MiB (the big ones are mmapped by malloc), at most --size live.
 */
static int
demo_churn(const struct demo_options *o)
{
	enum { SLOTS = 4096 };
	static char	*block[SLOTS];
	static size_t	 bsize[SLOTS];
	size_t		 live = 0, done = 0, owed, i, n, r;
	char		 a[32];
	double		 t0;

	demo_say("%g malloc/free calls per second, blocks of 16 B to 1 MiB, "
	    "at most %s live", o->rate, demo_human(o->size, a, sizeof a));
	t0 = demo_now();
	while (!demo_done()) {
		owed = (size_t)(o->rate * (demo_now() - t0));
		if (owed - done > (size_t)o->rate)
			done = owed - (size_t)o->rate;
		for (; done < owed; done++) {
			i = demo_between(0, SLOTS - 1);
			if (block[i] != NULL) {
				live -= bsize[i];
				free(block[i]);
				block[i] = NULL;
				continue;
			}
			r = demo_between(0, 99);
			if (r < 90)
				n = demo_between(16, 4096);
			else if (r < 99)
				n = demo_between(4096, 65536);
			else
				n = demo_between(256 << 10, 1 << 20);
			if (live + n > o->size)
				continue;
			if ((block[i] = malloc(n)) == NULL)
				continue;
			memset(block[i], (int)(done & 0xff), n);
			bsize[i] = n;
			live += n;
		}
		demo_sleep(0.01);
	}
	for (i = 0; i < SLOTS; i++)
		free(block[i]);
	return (0);
}

/*
 * mmap: rate times a second a region of 64 KiB to --size/8 is mapped and
 * written, or the oldest one unmapped; the newest is rewritten each tick.
 */
static int
demo_mmap(const struct demo_options *o)
{
	enum { REGIONS = 8 };
	char	*region[REGIONS], a[32], b[32];
	size_t	 rsize[REGIONS], nregion = 0, total = 0, n, max, i;
	double	 next;

	max = o->size / 8 > (64 << 10) ? o->size / 8 : (64 << 10);
	demo_say("%g times a second, maps and writes a region of 64 KiB to "
	    "%s, or unmaps the oldest (at most %d, %s)", o->rate,
	    demo_human(max, a, sizeof a), REGIONS,
	    demo_human(o->size, b, sizeof b));
	next = demo_now();
	while (!demo_done()) {
		if (demo_now() >= next) {
			next += 1 / o->rate;
			n = demo_between(16, max / 4096) * 4096;
			n = (n + demo_page - 1) / demo_page * demo_page;
			if (nregion == REGIONS || (nregion > 1 &&
			    (total + n > o->size || demo_between(0, 2) == 0))) {
				demo_say("- %s at %p", demo_human(rsize[0], a,
				    sizeof a), (void *)region[0]);
				munmap(region[0], rsize[0]);
				total -= rsize[0];
				nregion--;
				for (i = 0; i < nregion; i++) {
					region[i] = region[i + 1];
					rsize[i] = rsize[i + 1];
				}
			} else if (total + n <= o->size) {
				region[nregion] = demo_map(n);
				rsize[nregion] = n;
				memset(region[nregion], 1, n);
				demo_say("+ %s at %p", demo_human(n, a, sizeof a),
				    (void *)region[nregion]);
				total += n;
				nregion++;
			}
		}
		if (nregion > 0)
			demo_touch(region[nregion - 1], 0,
			    rsize[nregion - 1] / demo_page / 4 + 1);
		demo_sleep(DEMO_TICK);
	}
	for (i = 0; i < nregion; i++)
		munmap(region[i], rsize[i]);
	return (0);
}

/*
 * fork: the buffer is written, then the process forks. The child writes
 * rate pages per second in order across it, each first write a
 * copy-on-write fault; the parent rewrites its first sixteenth every tick.
 */
static int
demo_fork(const struct demo_options *o)
{
	size_t	 npages = o->size / demo_page, hot, next = 0, done = 0, owed;
	char	*buf, a[32], b[32];
	pid_t	 parent = getpid(), child;
	double	 t0;

	buf = demo_map(o->size);
	memset(buf, 1, o->size);
	hot = npages / 16 ? npages / 16 : 1;
	fflush(stderr);
	switch (child = fork()) {
	case -1:
		demo_say("fork: %s", strerror(errno));
		return (1);
	case 0:
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		t0 = demo_now();
		while (!demo_stopped() && getppid() == parent) {
			owed = (size_t)(o->rate * (demo_now() - t0));
			for (; done < owed; done++) {
				demo_touch(buf, next, 1);
				next = (next + 1) % npages;
			}
			demo_sleep(DEMO_TICK);
		}
		_exit(0);
	}
	demo_say("parent %ld rewrites %s at %p every %g s; child %ld writes "
	    "%g pages/s in order across the %s buffer (copy-on-write)",
	    (long)parent, demo_human(hot * demo_page, a, sizeof a), (void *)buf,
	    DEMO_TICK, (long)child, o->rate, demo_human(o->size, b, sizeof b));
	while (!demo_done()) {
		demo_touch(buf, 0, hot);
		demo_sleep(DEMO_TICK);
	}
	kill(child, SIGTERM);
	while (waitpid(child, NULL, 0) == -1 && errno == EINTR)
		;
	munmap(buf, o->size);
	return (0);
}

struct demo_thread {
	pthread_t	 thread;
	char		*slice;
	size_t		 npages;	/* written each tick */
};

/* One writer thread: rewrite its pages every tick until the end. */
static void *
demo_thread_main(void *arg)
{
	struct demo_thread	*t = arg;

	while (!demo_done()) {
		demo_touch(t->slice, 0, t->npages);
		demo_sleep(DEMO_TICK);
	}
	return (NULL);
}

/*
 * threads: --threads threads, thread i (from 1) rewriting i/N of its own
 * slice of the buffer every tick: a staircase of written pages.
 */
static int
demo_threads(const struct demo_options *o)
{
	struct demo_thread	*t;
	size_t			 npages = o->size / demo_page, slice;
	unsigned		 i, n = o->threads;
	char			*buf, a[32], b[32];
	int			 error = 0;

	if (n > npages)
		n = (unsigned)npages;
	slice = npages / n;
	buf = demo_map(o->size);
	if ((t = calloc(n, sizeof *t)) == NULL) {
		demo_say("out of memory");
		return (1);
	}
	demo_say("%u threads; thread i rewrites i/%u of its %s slice of the "
	    "%s buffer at %p every %g s", n, n,
	    demo_human(slice * demo_page, a, sizeof a),
	    demo_human(o->size, b, sizeof b), (void *)buf, DEMO_TICK);
	for (i = 0; i < n; i++) {
		t[i].slice = buf + (size_t)i * slice * demo_page;
		t[i].npages = slice * (i + 1) / n ? slice * (i + 1) / n : 1;
		error = pthread_create(&t[i].thread, NULL, demo_thread_main,
		    &t[i]);
		if (error != 0) {
			demo_say("cannot start a thread: %s", strerror(error));
			demo_halt();
			n = i;
			break;
		}
	}
	for (i = 0; i < n; i++)
		pthread_join(t[i].thread, NULL);
	free(t);
	munmap(buf, o->size);
	return (error != 0);
}

/*
 * Pages [first, first + n) of a ring of npages pages, wrapping round its
 * end: written (demo_touch), or given back with MADV_DONTNEED when back
 * is set. -1 with errno when the kernel refused to take them.
 */
static int
demo_ring(char *buf, size_t npages, size_t first, size_t n, int back)
{
	size_t	 k;

	while (n > 0) {
		k = npages - first < n ? npages - first : n;
		if (!back)
			demo_touch(buf, first, k);
		else if (madvise(buf + first * demo_page, k * demo_page,
		    MADV_DONTNEED) == -1)
			return (-1);
		n -= k;
		first = 0;
	}
	return (0);
}

/*
 * discard: a ring buffer used as an arena whose allocator gives freed
 * memory back to the kernel. A window of a quarter of it, the live data,
 * is rewritten every tick and slides on rate pages per second; each page
 * it leaves is given back at once (MADV_DONTNEED). At any interval of
 * 0.1 s or more, sdtop sees the window written (X), the pages it left
 * since the last collect discarded (o), the rest of the ring empty (-).
 */
static int
demo_discard(const struct demo_options *o)
{
	size_t	 npages = o->size / demo_page, live, first = 0, moved = 0;
	size_t	 owed, n, cap;
	char	*buf, a[32], b[32];
	double	 t0;

	buf = demo_map(o->size);
	/* Pages come and go one by one, not 2 MiB at a time. */
	(void)madvise(buf, o->size, MADV_NOHUGEPAGE);
	live = npages / 4 ? npages / 4 : 1;
	/* At most a tick's worth at a time, and never into the window. */
	cap = (size_t)(o->rate * DEMO_TICK) + 1;
	if (cap > npages - live)
		cap = npages - live;
	demo_say("ring of %s at %p-%p; a window of %s (%zu pages) rewritten "
	    "every %g s slides on %g pages/s, giving back each page it leaves "
	    "(MADV_DONTNEED)", demo_human(o->size, a, sizeof a), (void *)buf,
	    (void *)(buf + o->size), demo_human(live * demo_page, b, sizeof b),
	    live, DEMO_TICK, o->rate);
	t0 = demo_now();
	while (!demo_done()) {
		owed = (size_t)(o->rate * (demo_now() - t0));
		n = owed - moved < cap ? owed - moved : cap;
		moved = owed;
		if (demo_ring(buf, npages, first, n, 1) == -1) {
			demo_say("madvise MADV_DONTNEED: %s", strerror(errno));
			return (1);
		}
		first = (first + n) % npages;
		demo_ring(buf, npages, first, live, 0);
		demo_sleep(DEMO_TICK);
	}
	munmap(buf, o->size);
	return (0);
}

const struct demo_pattern demo_patterns[] = {
	{ "hotset", demo_hotset, 64 << 20, 20,
	  "a hot eighth of the buffer rewritten every 0.1 s (default)" },
	{ "shrink", demo_shrink, 64 << 20, 0,
	  "a working set halving every second down to 1/16, then stable" },
	{ "vary", demo_vary, 64 << 20, 0,
	  "a working set doubling every second, over and over: never converges" },
	{ "sweep", demo_sweep, 64 << 20, 8192,
	  "a fast in-order sweep: steady count, outruns a 100 Mbit link" },
	{ "stack", demo_stack, 2 << 20, 0,
	  "recursion deepening step by step: the stack grows and shrinks" },
	{ "churn", demo_churn, 32 << 20, 2000,
	  "heap churn: malloc and free of blocks of 16 B to 1 MiB" },
	{ "mmap", demo_mmap, 64 << 20, 2,
	  "regions mapped, written and unmapped: VMAs appear and vanish" },
	{ "fork", demo_fork, 32 << 20, 1024,
	  "fork: the child writes across the parent's buffer (copy-on-write)" },
	{ "threads", demo_threads, 32 << 20, 0,
	  "several threads each rewriting a part of its own slice" },
	{ "discard", demo_discard, 16 << 20, 512,
	  "memory given back (MADV_DONTNEED) by a window sliding round a ring" },
};

const size_t demo_npatterns = sizeof demo_patterns / sizeof demo_patterns[0];
