/*
 * bench-softdirty.c - the soft-dirty method's collect against the bare
 * limit of the same kernel on the same ranges (make bench, case 2). It
 * runs inside the qemu guest of tests/vm/bench-vm-softdirty.sh, since a
 * kernel with soft-dirty is needed.
 *
 *	bench-softdirty [MIB] [REPS]	(default 64 MiB, 9 repetitions)
 *
 * A child holds MIB MiB of resident anonymous memory (no huge pages: one
 * write would mark 512 pages) and writes 0 %, 1 %, 10 % or 100 % of its
 * pages on command. Each repetition clears the child's soft-dirty bits
 * (the method's start_cycle), has it write, then times, in turn, the
 * method's collect and the bare limit of the path it uses over the same
 * ranges (every tracked VMA of the cycle's snapshot): without
 * PAGEMAP_SCAN (6.1) a loop of large preads of pagemap that counts the
 * present or swapped entries with bit 55; with it (6.8+) one PAGEMAP_SCAN
 * for the present or swapped pages of category PAGE_IS_SOFT_DIRTY plus
 * the bare walk of the absent pages (neither present nor swapped: the
 * masks of src/track-present.c), which a collect on that path also takes
 * every cycle so that its present map is exact for the pages given back:
 * the sum is what the kernel must do for the cycle's question. The
 * collect and the soft-dirty scan must count the same pages. On the scan
 * path a second row compares the collect with a bare scan of the
 * question of a full present walk (every present or swapped page, in
 * runs of one soft-dirty state). Units: milliseconds per collect,
 * nanoseconds per page of those ranges, ratios; asserts nothing.
 */
#include "config.h"

#include <sys/mman.h>
#include <sys/utsname.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench-lib.h"
#include "page.h"
#include "proc-maps.h"
#include "proc-pagemap.h"
#include "proc.h"
#include "snapshot.h"
#include "track-present.h"
#include "track-softdirty.h"
#include "track.h"

#define BARE_ENTRIES	65536	/* pagemap entries per bare pread (512 KiB) */
/*
 * Regions per bare PAGEMAP_SCAN: the kernel's own buffer (512 regions).
 * With a larger vec, 6.12 returns every region of the range but a
 * walk_end at the last point its own buffer filled, and the next call
 * returns the regions past it again.
 */
#define BARE_VEC	512
#define MAX_REPS	21
#define TRIES		5	/* timings per repetition; the best is kept */
#define GOAL		1.15

enum { BARE_READ, BARE_SCAN, BARE_SCAN_BOTH, BARE_ABSENT, BARE_N };

/* The watched child and the pipes that drive it. */
struct kid {
	pid_t	pid;
	int	to;
	int	from;
};

static size_t	 psz;

/* The child: map, touch every page, then write every k-th page on command. */
static void __attribute__((noreturn))
child(size_t len, int in, int out)
{
	char	*b;
	size_t	 i;
	int	 every;

	b = mmap(NULL, len, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (b == MAP_FAILED)
		_exit(1);
	madvise(b, len, MADV_NOHUGEPAGE);
	for (i = 0; i < len; i += psz)
		b[i] = 1;
	every = 0;
	if (write(out, &every, sizeof every) != sizeof every)
		_exit(1);
	while (read(in, &every, sizeof every) == sizeof every) {
		if (every > 0)
			for (i = 0; i < len; i += psz * (size_t)every)
				b[i]++;
		if (write(out, &every, sizeof every) != sizeof every)
			_exit(1);
	}
	_exit(0);
}

/* Start the child; it has touched its buffer when this returns. */
static void
kid_start(struct kid *k, size_t len)
{
	int	down[2], up[2], x;

	if (pipe(down) == -1 || pipe(up) == -1)
		exit(1);
	if ((k->pid = fork()) == 0) {
		close(down[1]);
		close(up[0]);
		child(len, down[0], up[1]);
	}
	close(down[0]);
	close(up[1]);
	k->to = down[1];
	k->from = up[0];
	if (read(k->from, &x, sizeof x) != sizeof x) {
		fprintf(stderr, "bench-softdirty: the child failed\n");
		exit(1);
	}
}

/* Have the child write every k-th page (0: none) and wait until it has. */
static void
kid_write(struct kid *k, int every)
{
	if (write(k->to, &every, sizeof every) != sizeof every ||
	    read(k->from, &every, sizeof every) != sizeof every)
		exit(1);
}

/* Fail with the cause of a method's error. */
static void __attribute__((noreturn))
fail(char *cause)
{
	fprintf(stderr, "bench-softdirty: %s\n", cause ? cause : "failed");
	exit(1);
}

/* The bare reads of [start, end): present or swapped entries with bit 55. */
static uint64_t
bare_read(int fd, uint64_t start, uint64_t end)
{
	static uint64_t	 buf[BARE_ENTRIES];
	uint64_t	 n = 0, e, npages = (end - start) / psz, done, want;
	ssize_t		 got, i;

	for (done = 0; done < npages; done += (uint64_t)got) {
		want = npages - done < BARE_ENTRIES ? npages - done :
		    BARE_ENTRIES;
		got = pread(fd, buf, want * sizeof *buf,
		    (off_t)((start / psz + done) * sizeof *buf));
		if (got <= 0)
			break;
		got /= (ssize_t)sizeof *buf;
		for (i = 0; i < got; i++) {
			e = buf[i];
			n += (e >> 55) & ((e >> 63) | (e >> 62)) & 1;
		}
	}
	return (n);
}

/*
 * A bare PAGEMAP_SCAN of [start, end): the present or swapped pages of
 * category soft-dirty (BARE_SCAN), every present or swapped page in runs
 * of one soft-dirty state (BARE_SCAN_BOTH, the question of a full
 * present walk), or the absent pages (BARE_ABSENT). The soft-dirty pages
 * it returned.
 */
static uint64_t
bare_scan(int fd, uint64_t start, uint64_t end, int kind)
{
	static struct pmscan_region	 vec[BARE_VEC];
	struct pmscan_arg		 a;
	uint64_t			 n = 0;
	long				 got, i;

	memset(&a, 0, sizeof a);
	a.size = sizeof a;
	a.start = start;
	a.end = end;
	a.vec = (uint64_t)(uintptr_t)vec;
	a.vec_len = BARE_VEC;
	if (kind == BARE_ABSENT)
		present_absent_masks(&a);
	else {
		a.category_mask = kind == BARE_SCAN ? PAGE_IS_SOFT_DIRTY : 0;
		a.category_anyof_mask = PAGE_IS_PRESENT | PAGE_IS_SWAPPED;
		a.return_mask = PAGE_IS_SOFT_DIRTY;
	}
	while (a.start < a.end) {
		if ((got = ioctl(fd, PMSCAN_IOCTL, &a)) == -1)
			exit(3);
		for (i = 0; i < got; i++)
			if (vec[i].categories & PAGE_IS_SOFT_DIRTY)
				n += (vec[i].end - vec[i].start) / psz;
		a.start = a.walk_end;
	}
	return (n);
}

/*
 * A bare walk of the tracked VMAs of s (BARE_READ, or a kind of
 * bare_scan()): its seconds; *n its soft-dirty count.
 */
static double
bare(int fd, int kind, const struct snapshot *s, uint64_t *n)
{
	const struct snap_vma	*sv;
	double			 t0 = bench_now();
	size_t			 i;

	*n = 0;
	for (i = 0; i < s->nvma; i++) {
		sv = &s->vmas[i];
		if (!sv->tracked || sv->is_new)
			continue;
		if (kind != BARE_READ)
			*n += bare_scan(fd, sv->vma.start, sv->vma.end, kind);
		else
			*n += bare_read(fd, sv->vma.start, sv->vma.end);
	}
	return (bench_now() - t0);
}

/* The snapshot a collect fills: every VMA of vl, none new. */
static struct snapshot *
cycle_snapshot(const struct vma_list *vl, uint64_t *pages)
{
	struct snapshot	*s;
	size_t		 i;

	if ((s = snapshot_new(vl->n)) == NULL)
		exit(1);
	*pages = 0;
	for (i = 0; i < vl->n; i++) {
		if (snapshot_set_vma(s, i, &vl->v[i],
		    vma_trackable(&vl->v[i]), false) == -1)
			exit(1);
		if (s->vmas[i].tracked)
			*pages += s->vmas[i].npages;
	}
	return (s);
}

/*
 * One repetition: clear, the child writes every k-th page, then TRIES
 * times in turn the collect (into a fresh snapshot) and the bare walks
 * of its path: the preads (lim[BARE_READ]), or the soft-dirty scan, the
 * scan of the full present walk's question and the absent walk; the best
 * time of each, seconds. -1 when the collect and a walk disagree on the
 * soft-dirty pages.
 */
static int
repetition(struct tracker *tr, struct kid *k, int every,
    enum softdirty_path path, double *col, double *lim, uint64_t *pages)
{
	struct vma_list	 vl = { 0 };
	struct snapshot	*s;
	char		*cause = NULL;
	uint64_t	 n;
	double		 t0, t;
	int		 i, kind, fd = proc_pagemap_fd(tr->target), differ = 0;
	bool		 scan = path == SOFTDIRTY_PATH_SCAN;

	if (maps_read(tr->target, &vl, &cause) == -1 ||
	    tr->method->start_cycle(tr, &vl, &cause) == -1)
		fail(cause);
	kid_write(k, every);
	*col = 1e9;
	for (kind = 0; kind < BARE_N; kind++)
		lim[kind] = 1e9;
	for (i = 0; i < TRIES; i++) {
		s = cycle_snapshot(&vl, pages);
		t0 = bench_now();
		if (tr->method->collect(tr, s, &cause) == -1)
			fail(cause);
		if ((t = bench_now() - t0) < *col)
			*col = t;
		snapshot_count(s);
		for (kind = 0; kind < BARE_N; kind++) {
			if ((kind != BARE_READ) != scan)
				continue;
			if ((t = bare(fd, kind, s, &n)) < lim[kind])
				lim[kind] = t;
			if (kind != BARE_ABSENT && n != s->dirty_pages)
				differ = 1;
		}
		snapshot_free(s);
	}
	vma_list_free(&vl);
	return (differ ? -1 : 0);
}

/*
 * Measure one fraction (every k-th page) reps times and print its rows:
 * the collect against the bare limit (the preads, or the soft-dirty scan
 * plus the absent walk) and, on the scan path, against the bare scan of
 * the full present walk's question. Their median ratios in worst[0..1].
 */
static void
fraction(struct tracker *tr, struct kid *k, int every, const char *pct,
    const char *kernel, enum softdirty_path path, int reps, double *worst)
{
	double		 col[MAX_REPS], lim[BARE_N][MAX_REPS];
	double		 ratio[MAX_REPS], ratio2[MAX_REPS], c, l[BARE_N], m;
	uint64_t	 pages = 0;
	char		 label[160], note[96];
	int		 i, kind, differ = 0;
	bool		 scan = path == SOFTDIRTY_PATH_SCAN;

	for (i = 0; i < reps; i++) {
		if (repetition(tr, k, every, path, &c, l, &pages) == -1)
			differ++;
		col[i] = c * 1e3;
		for (kind = 0; kind < BARE_N; kind++)
			lim[kind][i] = l[kind] * 1e3;
		ratio[i] = c / (scan ? l[BARE_SCAN] + l[BARE_ABSENT] :
		    l[BARE_READ]);
		ratio2[i] = c / l[BARE_SCAN_BOTH];
	}
	if (scan)
		snprintf(note, sizeof note, "scan %.3f + absent %.3f ms%s",
		    bench_median(lim[BARE_SCAN], (size_t)reps),
		    bench_median(lim[BARE_ABSENT], (size_t)reps),
		    differ ? ", COUNTS DIFFER" : "");
	else
		snprintf(note, sizeof note, "bare preads %.3f ms%s",
		    bench_median(lim[BARE_READ], (size_t)reps),
		    differ ? ", COUNTS DIFFER" : "");
	snprintf(label, sizeof label, "soft-dirty %s %s / %s", kernel, pct,
	    scan ? "scan+absent" : "bare");
	bench_row(label, pages, col, ratio, (size_t)reps, note);
	if ((m = bench_median(ratio, (size_t)reps)) > worst[0])
		worst[0] = m;
	if (!scan)
		return;
	snprintf(note, sizeof note, "bare scan with present %.3f ms",
	    bench_median(lim[BARE_SCAN_BOTH], (size_t)reps));
	snprintf(label, sizeof label, "soft-dirty %s %s / bare+present",
	    kernel, pct);
	bench_row(label, pages, col, ratio2, (size_t)reps, note);
	if ((m = bench_median(ratio2, (size_t)reps)) > worst[1])
		worst[1] = m;
}

/* "6.1" of a release such as "6.1.0-31-cloud-amd64". */
static void
kernel_series(char *out, size_t size)
{
	struct utsname	 u;
	char		*dot;

	if (uname(&u) == -1) {
		snprintf(out, size, "?");
		return;
	}
	if ((dot = strchr(u.release, '.')) != NULL &&
	    (dot = strchr(dot + 1, '.')) != NULL)
		*dot = '\0';
	snprintf(out, size, "%s", u.release);
}

int
main(int argc, char **argv)
{
	static const int	 every[] = { 0, 100, 10, 1 };
	static const char	*pct[] = { "0%", "1%", "10%", "100%" };
	struct proc_target	 t;
	struct tracker		 tr = { 0 };
	struct kid		 k;
	enum softdirty_path	 path;
	size_t			 mib, i;
	char			*cause = NULL, kernel[80], goal[200];
	double			 worst[2] = { 0, 0 };
	int			 reps;

	mib = argc > 1 ? strtoul(argv[1], NULL, 10) : 64;
	reps = argc > 2 ? atoi(argv[2]) : 9;
	if (mib == 0 || reps < 1 || reps > MAX_REPS)
		return (2);
	psz = page_size();
	kernel_series(kernel, sizeof kernel);
	if (softdirty_probe_kernel(&path, NULL, &cause) == -1) {
		snprintf(goal, sizeof goal, "soft-dirty %s collect", kernel);
		bench_skip(goal, cause);
		return (0);
	}
	kid_start(&k, mib << 20);
	if (proc_open(&t, "/proc", k.pid, &cause) == -1)
		fail(cause);
	tr.method = &track_softdirty;
	tr.target = &t;
	if (track_softdirty.attach(&tr, &cause) == -1)
		fail(cause);
	for (i = 0; i < 4; i++)
		fraction(&tr, &k, every[i], pct[i], kernel, path, reps, worst);
	track_softdirty.detach(&tr);
	proc_close(&t);
	close(k.to);
	close(k.from);
	waitpid(k.pid, NULL, 0);
	snprintf(goal, sizeof goal, "2 soft-dirty collect vs bare %s (%s), "
	    "worst of 0/1/10/100 %%", path == SOFTDIRTY_PATH_SCAN ?
	    "soft-dirty scan + absent walk" : "preads", kernel);
	bench_verdict(goal, worst[0], GOAL, 0, " x");
	if (path != SOFTDIRTY_PATH_SCAN)
		return (0);
	snprintf(goal, sizeof goal, "2' soft-dirty collect vs bare scan of "
	    "a full present walk's question (%s)", kernel);
	bench_verdict(goal, worst[1], GOAL, 0, " x");
	return (0);
}
