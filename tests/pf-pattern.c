/*
 * pf-pattern.c - programs with known page-fault patterns and address-space
 * changes, for tracing under tracepgfault. Each prints what it did and
 * what a correct trace must therefore show, in lines the tests parse:
 *
 *	step PID TID ADDR r|w FAULTS      one load (r) or store (w) at ADDR by
 *	                                   thread TID, and the faults it took
 *	expect-row PID START END |X.X.|   the report's row for [START, END)
 *	                                   of process PID (0: any thread)
 *	expect-tid TID START END |X...|   the same, with --tid TID
 *	expect-kinds START END R W        read and write faults of that row
 *	expect-rec TYPE CAUSE START END PERMS  an add or change record
 *	expect-gone CAUSE START          the region added at START is removed
 *	expect-merge CAUSE START         ... removed by merging into another
 *	expect-perms START END P1 N1 P2 N2  the region had permissions P1,
 *	                                   took N1 faults, then P2 (mprotect)
 *	                                   and N2 faults
 *	steps-from START END PERMS        the steps' faults are those from
 *	                                   the add record of this mapping
 *	                                   on (the one the stepped region
 *	                                   is carved from)
 *
 * Which accesses fault depends on the kernel, so it is measured, never
 * assumed: each step counts the faults its thread took across the access
 * alone (getrusage(RUSAGE_THREAD), minor plus major: the faults the
 * kernel accounts in mm_account_fault(), as the tracer's perf events
 * are), and the rows and kinds follow from those counts. For instance a
 * read of a never-touched anonymous page maps the shared zero page on
 * most Linux 6.18 builds, so a write to it faults again; on others the
 * read maps a page of its own and the write takes no fault.
 *
 * Addresses are 16 hex digits as the report prints them; sizes in pages.
 */
#include "config.h"

#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static size_t	pg;

static void
die(const char *what)
{
	fprintf(stderr, "pf-pattern: %s: %s\n", what, strerror(errno));
	exit(1);
}

static uintptr_t
u(const void *p)
{
	return ((uintptr_t)p);
}

/*
 * A private anonymous read-write region of n pages between two
 * inaccessible guard pages, so that it never merges with a neighbour,
 * and without transparent huge pages.
 *
 * Its addresses may have been another mapping's, whose faults the trace
 * holds too: before main() the dynamic loader maps /etc/ld.so.cache,
 * reads a few of its pages and unmaps it, and the next mapping of about
 * its size takes its place. The first read maps the cached pages around
 * it too, but not past the end of its page table, so when the cache
 * straddles a 2 MiB boundary a later read faults on its own, at an
 * address the region may later hold. So the steps' faults are counted
 * from the trace's record of this mapping on. And so that a trace must
 * always keep the faults of an earlier mapping at the same addresses
 * apart from the region's, a mapping of the same size is made, written
 * all over and unmapped first: the region most likely takes its place.
 */
static char *
guarded(size_t n)
{
	char	*g;
	size_t	 i;

	g = mmap(NULL, (n + 2) * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE |
	    MAP_ANONYMOUS, -1, 0);
	if (g == MAP_FAILED)
		die("mmap");
	madvise(g, (n + 2) * pg, MADV_NOHUGEPAGE);
	for (i = 0; i < n + 2; i++)
		((volatile char *)g)[i * pg] = 1;
	if (munmap(g, (n + 2) * pg) != 0)
		die("munmap");
	g = mmap(NULL, (n + 2) * pg, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
	    -1, 0);
	if (g == MAP_FAILED)
		die("mmap");
	printf("steps-from %016" PRIxPTR " %016" PRIxPTR " ---p\n", u(g),
	    u(g + (n + 2) * pg));
	if (mmap(g + pg, n * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE |
	    MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED)
		die("mmap fixed");
	madvise(g + pg, n * pg, MADV_NOHUGEPAGE);
	return (g + pg);
}

/* The faults of n pages from base: how many each page's steps took. */
struct tally {
	char		*base;
	size_t		 n;
	unsigned int	*reads;
	unsigned int	*writes;
};

static void
tally_init(struct tally *t, char *base, size_t n)
{
	t->base = base;
	t->n = n;
	t->reads = calloc(n, sizeof *t->reads);
	t->writes = calloc(n, sizeof *t->writes);
	if (t->reads == NULL || t->writes == NULL)
		die("calloc");
}

static void
tally_free(struct tally *t)
{
	free(t->reads);
	free(t->writes);
}

/* The minor and major faults the calling thread has taken so far. */
static long
faults_now(void)
{
	struct rusage	 ru;

	if (getrusage(RUSAGE_THREAD, &ru) != 0)
		die("getrusage");
	return (ru.ru_minflt + ru.ru_majflt);
}

/*
 * Load (write 0) or store (write 1) one byte of page i of t, count the
 * faults the access took, and print the step. The first call of
 * faults_now() only touches its stack and the rusage, so that no fault
 * of theirs lands between the two that count.
 */
static void
step(struct tally *t, size_t i, int write)
{
	volatile char	*p = t->base + i * pg;
	long		 before, after;
	char		 c;

	(void)faults_now();
	before = faults_now();
	if (write)
		*p = (char)(i + 1);
	else {
		c = *p;
		(void)c;
	}
	after = faults_now();
	if (write)
		t->writes[i] += (unsigned int)(after - before);
	else
		t->reads[i] += (unsigned int)(after - before);
	printf("step %ld %ld %016" PRIxPTR " %c %ld\n", (long)getpid(),
	    (long)syscall(SYS_gettid), (uintptr_t)p, write ? 'w' : 'r',
	    after - before);
}

/* Print a row expectation: which pages of t took a fault. */
static void
expect_row(const char *tag, long who, const struct tally *t)
{
	size_t	i;

	printf("%s %ld %016" PRIxPTR " %016" PRIxPTR " |", tag, who,
	    u(t->base), u(t->base + t->n * pg));
	for (i = 0; i < t->n; i++)
		putchar(t->reads[i] + t->writes[i] > 0 ? 'X' : '.');
	printf("|\n");
}

/* Print the read and write faults of all of t's pages. */
static void
expect_kinds(const struct tally *t)
{
	size_t	i, r = 0, w = 0;

	for (i = 0; i < t->n; i++) {
		r += t->reads[i];
		w += t->writes[i];
	}
	printf("expect-kinds %016" PRIxPTR " %016" PRIxPTR " %zu %zu\n",
	    u(t->base), u(t->base + t->n * pg), r, w);
}

/* Write to pages 0, 2, 4, ... of a fresh region. */
static int
mode_stride(size_t n)
{
	struct tally	 t;
	size_t		 i;

	tally_init(&t, guarded(n), n);
	for (i = 0; i < n; i += 2)
		step(&t, i, 1);
	expect_row("expect-row", (long)getpid(), &t);
	expect_kinds(&t);
	tally_free(&t);
	return (0);
}

/*
 * Read page 0 then write it; write page 2. The read faults, the write to
 * page 2 faults; whether the write to page 0 does is the kernel's choice.
 */
static int
mode_readwrite(void)
{
	struct tally	 t;

	tally_init(&t, guarded(4), 4);
	step(&t, 0, 0);
	step(&t, 0, 1);
	step(&t, 2, 1);
	expect_row("expect-row", (long)getpid(), &t);
	expect_kinds(&t);
	tally_free(&t);
	return (0);
}

static void
expect_rec(const char *type, const char *cause, const char *s,
    const char *e, const char *perms)
{
	printf("expect-rec %s %s %016" PRIxPTR " %016" PRIxPTR " %s\n", type,
	    cause, u(s), u(e), perms);
}

/* mmap, mprotect (split, merge), munmap, mremap (grow, move), brk. */
static int
mode_ops(void)
{
	struct tally	 ta, tb, tbrk;
	char		*a, *b, *cur;

	a = guarded(8);
	tally_init(&ta, a, 8);
	expect_rec("add", "mmap", a, a + 8 * pg, "rw-p");
	step(&ta, 0, 1);
	step(&ta, 1, 1);

	if (mprotect(a + 2 * pg, 2 * pg, PROT_READ) != 0)
		die("mprotect");
	expect_rec("change", "mprotect", a, a + 2 * pg, "rw-p");
	expect_rec("add", "mprotect", a + 2 * pg, a + 4 * pg, "r--p");
	expect_rec("add", "mprotect", a + 4 * pg, a + 8 * pg, "rw-p");

	if (mprotect(a + 2 * pg, 2 * pg, PROT_READ | PROT_WRITE) != 0)
		die("mprotect");
	expect_rec("change", "mprotect", a, a + 8 * pg, "rw-p");
	printf("expect-merge mprotect %016" PRIxPTR "\n", u(a + 2 * pg));
	printf("expect-merge mprotect %016" PRIxPTR "\n", u(a + 4 * pg));

	if (munmap(a + 7 * pg, pg) != 0)
		die("munmap");
	expect_rec("change", "munmap", a, a + 7 * pg, "rw-p");

	if (mremap(a, 7 * pg, 8 * pg, 0) != a)
		die("mremap in place");
	expect_rec("change", "mremap", a, a + 8 * pg, "rw-p");
	expect_row("expect-row", (long)getpid(), &ta);

	/* The guard page above blocks growth: it must move. */
	b = mremap(a, 8 * pg, 16 * pg, MREMAP_MAYMOVE);
	if (b == MAP_FAILED)
		die("mremap move");
	if (b == a) {
		fprintf(stderr, "pf-pattern: mremap grew in place\n");
		return (1);
	}
	printf("expect-gone mremap %016" PRIxPTR "\n", u(a));
	expect_rec("add", "mremap", b, b + 16 * pg, "rw-p");
	/* Pages 0 and 1 moved with their page tables: most likely no fault. */
	tally_init(&tb, b, 16);
	step(&tb, 0, 1);
	step(&tb, 9, 1);
	expect_row("expect-row", (long)getpid(), &tb);
	if (munmap(b, 16 * pg) != 0)
		die("munmap");
	printf("expect-gone munmap %016" PRIxPTR "\n", u(b));

	cur = sbrk(0);
	cur = (char *)(((uintptr_t)cur + pg - 1) & ~(uintptr_t)(pg - 1));
	if (brk(cur + 4 * pg) != 0)
		die("brk");
	tally_init(&tbrk, cur, 4);
	step(&tbrk, 3, 1);
	printf("expect-brk %016" PRIxPTR "\n", u(cur + 4 * pg));
	tally_free(&ta);
	tally_free(&tb);
	tally_free(&tbrk);
	return (0);
}

/*
 * Write pages 0, 2, 4, ... of a fresh region, make it read-only, then
 * read every page: the writes fault while it is rw-p, the reads of the
 * pages never written (whose faults are counted too) once it is r--p.
 */
static int
mode_protect(size_t n)
{
	struct tally	 t;
	size_t		 i, before = 0, after = 0;

	tally_init(&t, guarded(n), n);
	for (i = 0; i < n; i += 2)
		step(&t, i, 1);
	for (i = 0; i < n; i++)
		before += t.writes[i];
	if (mprotect(t.base, n * pg, PROT_READ) != 0)
		die("mprotect");
	expect_rec("change", "mprotect", t.base, t.base + n * pg, "r--p");
	for (i = 0; i < n; i++)
		step(&t, i, 0);
	for (i = 0; i < n; i++)
		after += t.reads[i];
	expect_row("expect-row", (long)getpid(), &t);
	expect_kinds(&t);
	printf("expect-perms %016" PRIxPTR " %016" PRIxPTR " rw-p %zu r--p "
	    "%zu\n", u(t.base), u(t.base + n * pg), before, after);
	tally_free(&t);
	return (0);
}

struct thr {
	struct tally	 t;
	size_t		 k, step;
	pid_t		 tid;
	pthread_barrier_t *bar;
};

static void *
thr_main(void *arg)
{
	struct thr	*t = arg;
	size_t		 i;

	t->tid = (pid_t)syscall(SYS_gettid);
	pthread_barrier_wait(t->bar);
	for (i = t->k; i < t->t.n; i += t->step)
		step(&t->t, i, 1);
	return (NULL);
}

/* N threads; thread k writes pages k, k+N, k+2N, ... of one region. */
static int
mode_threads(size_t nthr, size_t n)
{
	struct thr		 th[16];
	pthread_t		 id[16];
	pthread_barrier_t	 bar;
	struct tally		 all;
	char			*p;
	size_t			 k, i;

	if (nthr < 1 || nthr > 16)
		return (1);
	p = guarded(n);
	tally_init(&all, p, n);
	pthread_barrier_init(&bar, NULL, (unsigned)nthr);
	for (k = 0; k < nthr; k++) {
		th[k].k = k;
		th[k].step = nthr;
		th[k].tid = 0;
		th[k].bar = &bar;
		tally_init(&th[k].t, p, n);
	}
	for (k = 0; k < nthr; k++)
		if (pthread_create(&id[k], NULL, thr_main, &th[k]) != 0)
			return (1);
	for (k = 0; k < nthr; k++)
		pthread_join(id[k], NULL);
	for (k = 0; k < nthr; k++) {
		expect_row("expect-tid", (long)th[k].tid, &th[k].t);
		for (i = 0; i < n; i++) {
			all.reads[i] += th[k].t.reads[i];
			all.writes[i] += th[k].t.writes[i];
		}
		tally_free(&th[k].t);
	}
	expect_row("expect-row", (long)getpid(), &all);
	tally_free(&all);
	return (0);
}

/* The parent writes pages 0 and 5, a forked child pages 1 and 3. */
static int
mode_fork(void)
{
	struct tally	 t, tc;
	char		*p = guarded(8);
	pid_t		 pid;
	int		 st;

	tally_init(&t, p, 8);
	step(&t, 0, 1);
	fflush(stdout);
	if ((pid = fork()) < 0)
		die("fork");
	if (pid == 0) {
		tally_init(&tc, p, 8);
		step(&tc, 1, 1);
		step(&tc, 3, 1);
		expect_row("expect-row", (long)getpid(), &tc);
		fflush(stdout);
		_exit(0);
	}
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) ||
	    WEXITSTATUS(st) != 0)
		return (1);
	step(&t, 5, 1);
	expect_row("expect-row", (long)getpid(), &t);
	tally_free(&t);
	return (0);
}

/* Fault in n fresh pages, rounds times; print the time it took. */
static int
mode_bench(size_t n, size_t rounds)
{
	struct timespec	 a, b;
	char		*p;
	size_t		 r, i;
	double		 s;

	clock_gettime(CLOCK_MONOTONIC, &a);
	for (r = 0; r < rounds; r++) {
		p = mmap(NULL, n * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE |
		    MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			die("mmap");
		madvise(p, n * pg, MADV_NOHUGEPAGE);
		for (i = 0; i < n; i++)
			p[i * pg] = 1;
		munmap(p, n * pg);
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	s = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) /
	    1e9;
	printf("bench faults %zu seconds %.6f rate %.0f\n", n * rounds, s,
	    (double)(n * rounds) / s);
	return (0);
}

/* A whole number argument, or exit. */
static size_t
num(const char *s)
{
	char		*end;
	unsigned long	 v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || end == s || v == 0 || v > 1UL << 24) {
		fprintf(stderr, "pf-pattern: bad number \"%s\"\n", s);
		exit(2);
	}
	return (v);
}

int
main(int argc, char **argv)
{
	pg = (size_t)sysconf(_SC_PAGESIZE);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 3 && strcmp(argv[1], "stride") == 0)
		return (mode_stride(num(argv[2])));
	if (argc == 2 && strcmp(argv[1], "readwrite") == 0)
		return (mode_readwrite());
	if (argc == 2 && strcmp(argv[1], "ops") == 0)
		return (mode_ops());
	if (argc == 4 && strcmp(argv[1], "threads") == 0)
		return (mode_threads(num(argv[2]), num(argv[3])));
	if (argc == 2 && strcmp(argv[1], "fork") == 0)
		return (mode_fork());
	if (argc == 3 && strcmp(argv[1], "protect") == 0)
		return (mode_protect(num(argv[2])));
	if (argc == 4 && strcmp(argv[1], "bench") == 0)
		return (mode_bench(num(argv[2]), num(argv[3])));
	fprintf(stderr, "usage: pf-pattern stride N | readwrite | ops | "
	    "threads NTHREADS NPAGES | fork | protect N | bench NPAGES "
	    "ROUNDS\n");
	return (2);
}
