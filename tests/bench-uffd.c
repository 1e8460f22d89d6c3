/*
 * bench-uffd.c - the uffd-wp method's cycle against the bare kernel walk
 * on the same range (make bench, case 1).
 *
 *	tests/bench-uffd [MIB] [REPS]	(default 1024 MiB, 5 repetitions)
 *
 * Two children each hold MIB MiB of resident anonymous memory and write
 * 0 %, 1 %, 10 % or 100 % of its pages on command. sdtop's method watches
 * one of them (attach, start_cycle, collect, as the program does). The
 * other registers its own buffer with its own userfaultfd (WP_ASYNC) and
 * times, itself, the limits: (a) one PAGEMAP_SCAN walk that returns the
 * written and the present pages and write-protects again, (b) the
 * written-only walk (category and return mask PAGE_IS_WRITTEN: the
 * kernel's fast path), (c) the written-only walk that protects only
 * pages that exist, outside huge and zero pages (the masks sdtop must use:
 * the fast path also protects holes, leaving page tables behind; see
 * src/track-uffd.c), and (d) the bare walk of the absent pages, which
 * protects nothing (the masks of src/track-present.c: what keeps the
 * discarded pages exact every cycle). What the kernel must do for a
 * cycle's question, the written pages and the pages given back, is
 * (c) + (d). Rows: the collect against (a), the whole cycle (clear and
 * collect) against (c) + (d) and against (b) + (d). Units: milliseconds
 * per cycle, nanoseconds per page of the buffer, ratios; asserts nothing.
 */
#include "config.h"

#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench-lib.h"
#include "kernel-compat.h"
#include "proc-maps.h"
#include "proc.h"
#include "snapshot.h"
#include "track.h"
#include "track-present.h"

/*
 * Regions per PAGEMAP_SCAN of the limits: what sdtop asks for (with more
 * than the kernel's own 512, 6.12 returns a wrong walk_end).
 */
#define REF_VEC		512
#define MAX_REPS	15

enum { WALK_NONE, WALK_BOTH, WALK_WRITTEN, WALK_SAFE, WALK_ABSENT };

/* A command to a child: write every k-th page (0: none), then walk. */
struct cmd {
	int	every;
	int	walk;
};

/* One child and the pipes that drive it. */
struct kid {
	pid_t	pid;
	int	to;
	int	from;
};

static size_t	 psz;

/* Register b[0..len) for asynchronous write-protect; the pagemap fd. */
static int
self_uffd(char *b, size_t len)
{
	struct uffdio_api	 api = { .api = UFFD_API };
	struct uffdio_register	 reg = { 0 };
	int			 fd, pm;

	fd = (int)syscall(SYS_userfaultfd, O_CLOEXEC | UFFD_USER_MODE_ONLY);
	api.features = UFFD_FEATURE_WP_ASYNC | UFFD_FEATURE_WP_UNPOPULATED;
	if (fd == -1 || ioctl(fd, UFFDIO_API, &api) == -1)
		_exit(77);
	reg.range.start = (uint64_t)(uintptr_t)b;
	reg.range.len = len;
	reg.mode = UFFDIO_REGISTER_MODE_WP;
	if (ioctl(fd, UFFDIO_REGISTER, &reg) == -1)
		_exit(77);
	if ((pm = open("/proc/self/pagemap", O_RDONLY)) == -1)
		_exit(77);
	return (pm);
}

/*
 * One bare walk of b[0..len): one that write-protects what it returns,
 * the written and present pages (WALK_BOTH) or the written ones only, or
 * the walk of the absent pages (WALK_ABSENT), which protects nothing.
 * Returns its time in seconds.
 */
static double
self_walk(int pm, char *b, size_t len, int walk)
{
	static struct pmscan_region	 vec[REF_VEC];
	struct pmscan_arg		 a;
	double				 t0 = bench_now();

	memset(&a, 0, sizeof a);
	a.size = sizeof a;
	a.flags = PMSCAN_WP_MATCHING | PMSCAN_CHECK_WPASYNC;
	a.start = (uint64_t)(uintptr_t)b;
	a.end = a.start + len;
	a.vec = (uint64_t)(uintptr_t)vec;
	a.vec_len = REF_VEC;
	if (walk == WALK_BOTH) {
		a.category_anyof_mask = PAGE_IS_PRESENT | PAGE_IS_SWAPPED;
		a.return_mask = PAGE_IS_WRITTEN | PAGE_IS_PRESENT |
		    PAGE_IS_SWAPPED;
	} else if (walk == WALK_ABSENT) {
		present_absent_masks(&a);
	} else if (walk == WALK_SAFE) {
		a.category_mask = PAGE_IS_WRITTEN | PAGE_IS_PFNZERO |
		    PAGE_IS_HUGE;
		a.category_inverted = PAGE_IS_PFNZERO | PAGE_IS_HUGE;
		a.category_anyof_mask = PAGE_IS_PRESENT | PAGE_IS_SWAPPED;
		a.return_mask = PAGE_IS_WRITTEN;
	} else {
		a.category_mask = PAGE_IS_WRITTEN;
		a.return_mask = PAGE_IS_WRITTEN;
	}
	while (a.start < a.end) {
		if (ioctl(pm, PMSCAN_IOCTL, &a) == -1)
			_exit(3);
		a.start = a.walk_end;
	}
	return (bench_now() - t0);
}

/* A child: map, touch, maybe register, then obey commands. */
static void __attribute__((noreturn))
child(size_t len, int self, int in, int out)
{
	struct cmd	 c;
	char		*b;
	double		 t;
	size_t		 i;
	int		 pm = -1;

	b = mmap(NULL, len, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (b == MAP_FAILED)
		_exit(1);
	for (i = 0; i < len; i += psz)
		b[i] = 1;
	if (self) {
		pm = self_uffd(b, len);
		self_walk(pm, b, len, WALK_BOTH);
	}
	t = 0;
	if (write(out, &t, sizeof t) != sizeof t)
		_exit(1);
	while (read(in, &c, sizeof c) == sizeof c) {
		if (c.every > 0)
			for (i = 0; i < len; i += psz * (size_t)c.every)
				b[i]++;
		t = c.walk != WALK_NONE ? self_walk(pm, b, len, c.walk) : 0;
		if (write(out, &t, sizeof t) != sizeof t)
			_exit(1);
	}
	_exit(0);
}

/* Start a child; it has touched its buffer when this returns. */
static void
kid_start(struct kid *k, size_t len, int self)
{
	int	down[2], up[2];
	double	t;

	if (pipe(down) == -1 || pipe(up) == -1)
		exit(1);
	if ((k->pid = fork()) == 0) {
		close(down[1]);
		close(up[0]);
		child(len, self, down[0], up[1]);
	}
	close(down[0]);
	close(up[1]);
	k->to = down[1];
	k->from = up[0];
	if (read(k->from, &t, sizeof t) != sizeof t) {
		fprintf(stderr, "bench-uffd: the child failed\n");
		exit(77);
	}
}

/* Have the child write every k-th page, then walk; the walk's seconds. */
static double
kid_do(struct kid *k, int every, int walk)
{
	struct cmd	c = { every, walk };
	double		t;

	if (write(k->to, &c, sizeof c) != sizeof c ||
	    read(k->from, &t, sizeof t) != sizeof t)
		exit(1);
	return (t);
}

/* Stop a child and reap it. */
static void
kid_stop(struct kid *k)
{
	int	status;

	close(k->to);
	close(k->from);
	waitpid(k->pid, &status, 0);
}

/* Fail with the cause of a method's error. */
static void __attribute__((noreturn))
fail(char *cause)
{
	fprintf(stderr, "bench-uffd: %s\n", cause ? cause : "failed");
	exit(1);
}

/*
 * One cycle of the method on the watched child, who writes every k-th
 * page in it: the seconds of the clear and of the collect.
 */
static void
sdtop_cycle(struct tracker *tr, struct kid *k, int every, double *clear,
    double *collect)
{
	struct vma_list	 vl = { 0 };
	struct snapshot	*s;
	char		*cause = NULL;
	double		 t0;
	size_t		 i;

	if (maps_read(tr->target, &vl, &cause) == -1)
		fail(cause);
	t0 = bench_now();
	if (tr->method->start_cycle(tr, &vl, &cause) == -1)
		fail(cause);
	*clear = bench_now() - t0;
	kid_do(k, every, WALK_NONE);
	if ((s = snapshot_new(vl.n)) == NULL)
		exit(1);
	for (i = 0; i < vl.n; i++)
		if (snapshot_set_vma(s, i, &vl.v[i], vma_trackable(&vl.v[i]),
		    false) == -1)
			exit(1);
	t0 = bench_now();
	if (tr->method->collect(tr, s, &cause) == -1)
		fail(cause);
	*collect = bench_now() - t0;
	snapshot_count(s);
	snapshot_free(s);
	vma_list_free(&vl);
}

/* Measure one fraction (every k-th page) reps times and print its rows. */
static void
fraction(struct tracker *tr, struct kid *w, struct kid *ref, int every,
    const char *pct, size_t npages, int reps, double *worst)
{
	double	col[MAX_REPS], cyc[MAX_REPS], ra[MAX_REPS], rb[MAX_REPS];
	double	rc[MAX_REPS], wa[MAX_REPS], wb[MAX_REPS], wc[MAX_REPS];
	double	wd[MAX_REPS];
	double	clear, collect;
	char	label[64], note[80];
	int	i;

	for (i = 0; i < reps; i++) {
		sdtop_cycle(tr, w, every, &clear, &collect);
		wa[i] = kid_do(ref, every, WALK_BOTH);
		wb[i] = kid_do(ref, every, WALK_WRITTEN);
		wc[i] = kid_do(ref, every, WALK_SAFE);
		wd[i] = kid_do(ref, 0, WALK_ABSENT);
		col[i] = collect * 1e3;
		cyc[i] = (clear + collect) * 1e3;
		ra[i] = collect / wa[i];
		rb[i] = (clear + collect) / (wb[i] + wd[i]);
		rc[i] = (clear + collect) / (wc[i] + wd[i]);
	}
	snprintf(note, sizeof note, "walk (a) %.3f ms",
	    bench_median(wa, (size_t)reps) * 1e3);
	snprintf(label, sizeof label, "uffd collect %s / walk (a)", pct);
	bench_row(label, npages, col, ra, (size_t)reps, note);
	snprintf(note, sizeof note, "(c) %.3f + (d) %.3f ms",
	    bench_median(wc, (size_t)reps) * 1e3,
	    bench_median(wd, (size_t)reps) * 1e3);
	snprintf(label, sizeof label, "uffd cycle %s / (c)+(d)", pct);
	bench_row(label, npages, cyc, rc, (size_t)reps, note);
	snprintf(note, sizeof note, "(b) %.3f + (d) %.3f ms",
	    bench_median(wb, (size_t)reps) * 1e3,
	    bench_median(wd, (size_t)reps) * 1e3);
	snprintf(label, sizeof label, "uffd cycle %s / (b)+(d)", pct);
	bench_row(label, npages, cyc, rb, (size_t)reps, note);
	if (every != 1) {
		if (bench_median(ra, (size_t)reps) > worst[0])
			worst[0] = bench_median(ra, (size_t)reps);
		if (bench_median(rb, (size_t)reps) > worst[1])
			worst[1] = bench_median(rb, (size_t)reps);
		if (bench_median(rc, (size_t)reps) > worst[2])
			worst[2] = bench_median(rc, (size_t)reps);
	}
}

int
main(int argc, char **argv)
{
	struct proc_target	 t;
	struct tracker		 tr = { 0 };
	struct kid		 w, ref;
	size_t			 mib, len, npages;
	char			*cause = NULL, note[64];
	double			 worst[3] = { 0, 0, 0 }, t0, t1;
	int			 reps;

	mib = argc > 1 ? strtoul(argv[1], NULL, 10) : 1024;
	reps = argc > 2 ? atoi(argv[2]) : 5;
	if (mib == 0 || reps < 1 || reps > MAX_REPS)
		return (2);
	psz = (size_t)sysconf(_SC_PAGESIZE);
	len = mib << 20;
	npages = len / psz;
	kid_start(&ref, len, 1);
	kid_start(&w, len, 0);
	if (proc_open(&t, "/proc", w.pid, &cause) == -1 ||
	    track_uffd.probe(&t, &cause) == -1) {
		bench_skip("uffd-wp", cause);
		kill(w.pid, SIGKILL);
		kill(ref.pid, SIGKILL);
		return (0);
	}
	tr.method = &track_uffd;
	tr.target = &t;
	t0 = bench_now();
	if (track_uffd.attach(&tr, &cause) == -1)
		fail(cause);
	t0 = bench_now() - t0;
	sdtop_cycle(&tr, &w, 0, &worst[0], &worst[1]);	/* registers */
	worst[0] = worst[1] = worst[2] = 0;
	fraction(&tr, &w, &ref, 0, "0%", npages, reps, worst);
	fraction(&tr, &w, &ref, 100, "1%", npages, reps, worst);
	fraction(&tr, &w, &ref, 10, "10%", npages, reps, worst);
	fraction(&tr, &w, &ref, 1, "100%", npages, reps, worst);
	t1 = bench_now();
	track_uffd.detach(&tr);
	snprintf(note, sizeof note, "attach %.2f ms, detach %.2f ms",
	    t0 * 1e3, (bench_now() - t1) * 1e3);
	bench_row("uffd attach and detach", npages, NULL, NULL, 0, note);
	proc_close(&t);
	kid_stop(&w);
	kid_stop(&ref);
	bench_verdict("1a uffd collect vs walk (a), worst of 0/1/10 %",
	    worst[0], 1.2, 0, " x");
	bench_verdict("1b uffd cycle vs safe written-only walk (c) + absent "
	    "walk (d), worst of 0/1/10 %", worst[2], 1.5, 0, " x");
	bench_verdict("1b' uffd cycle vs the fast path (b) + (d), unusable: "
	    "it protects holes", worst[1], 1.5, 0, " x");
	return (0);
}
