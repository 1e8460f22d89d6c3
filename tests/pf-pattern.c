/*
 * pf-pattern.c - programs with known page-fault patterns and address-space
 * changes, for tracing under tracepgfault. Each prints what it did and
 * what a correct trace must therefore show, in lines the tests parse:
 *
 *	expect-row PID START END |X.X.|   the report's row for [START, END)
 *	                                   of process PID (0: any thread)
 *	expect-tid TID START END |X...|   the same, with --tid TID
 *	expect-kinds START END R W        read and write faults of that row
 *	expect-rec TYPE CAUSE START END PERMS  an add or change record
 *	expect-gone CAUSE START          the region added at START is removed
 *	expect-merge CAUSE START         ... removed by merging into another
 *
 * Addresses are 16 hex digits as the report prints them; sizes in pages.
 */
#include "config.h"

#include <sys/mman.h>
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
 */
static char *
guarded(size_t n)
{
	char	*g;

	g = mmap(NULL, (n + 2) * pg, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
	    -1, 0);
	if (g == MAP_FAILED)
		die("mmap");
	if (mmap(g + pg, n * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE |
	    MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED)
		die("mmap fixed");
	madvise(g + pg, n * pg, MADV_NOHUGEPAGE);
	return (g + pg);
}

/* Print a row expectation: which of n pages from p were touched. */
static void
expect_row(const char *tag, long who, const char *p, size_t n,
    const unsigned char *touched)
{
	size_t	i;

	printf("%s %ld %016" PRIxPTR " %016" PRIxPTR " |", tag, who, u(p),
	    u(p + n * pg));
	for (i = 0; i < n; i++)
		putchar(touched[i] ? 'X' : '.');
	printf("|\n");
}

/* Write to pages 0, 2, 4, ... of a fresh region. */
static int
mode_stride(size_t n)
{
	unsigned char	*t = calloc(n, 1);
	char		*p = guarded(n);
	size_t		 i, w = 0;

	for (i = 0; i < n; i += 2) {
		p[i * pg] = 1;
		t[i] = 1;
		w++;
	}
	expect_row("expect-row", (long)getpid(), p, n, t);
	printf("expect-kinds %016" PRIxPTR " %016" PRIxPTR " 0 %zu\n", u(p),
	    u(p + n * pg), w);
	free(t);
	return (0);
}

/* Read page 0 then write it; write page 2: one read and two writes. */
static int
mode_readwrite(void)
{
	unsigned char	 t[4] = { 1, 0, 1, 0 };
	volatile char	*p = guarded(4);
	char		 c;

	c = p[0];
	p[0] = (char)(c + 1);
	p[2 * pg] = 1;
	expect_row("expect-row", (long)getpid(), (char *)p, 4, t);
	printf("expect-kinds %016" PRIxPTR " %016" PRIxPTR " 1 2\n",
	    (uintptr_t)p, (uintptr_t)(p + 4 * pg));
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
	unsigned char	 t[16];
	char		*a, *b, *cur;

	a = guarded(8);
	expect_rec("add", "mmap", a, a + 8 * pg, "rw-p");
	a[0] = 1;
	a[pg] = 1;

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

	memset(t, 0, sizeof t);
	t[0] = t[1] = 1;
	expect_row("expect-row", (long)getpid(), a, 8, t);

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
	/* Pages 0 and 1 moved with their page tables: no fault. */
	b[0] = 2;
	b[9 * pg] = 1;
	memset(t, 0, sizeof t);
	t[9] = 1;
	expect_row("expect-row", (long)getpid(), b, 16, t);
	if (munmap(b, 16 * pg) != 0)
		die("munmap");
	printf("expect-gone munmap %016" PRIxPTR "\n", u(b));

	cur = sbrk(0);
	cur = (char *)(((uintptr_t)cur + pg - 1) & ~(uintptr_t)(pg - 1));
	if (brk(cur + 4 * pg) != 0)
		die("brk");
	cur[3 * pg] = 1;
	printf("expect-brk %016" PRIxPTR "\n", u(cur + 4 * pg));
	return (0);
}

struct thr {
	char		*p;
	size_t		 n, k, step;
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
	for (i = t->k; i < t->n; i += t->step)
		t->p[i * pg] = 1;
	return (NULL);
}

/* N threads; thread k writes pages k, k+N, k+2N, ... of one region. */
static int
mode_threads(size_t nthr, size_t n)
{
	struct thr		 th[16];
	pthread_t		 id[16];
	pthread_barrier_t	 bar;
	unsigned char		*t = calloc(n, 1);
	char			*p;
	size_t			 k, i;

	if (nthr < 1 || nthr > 16 || t == NULL)
		return (1);
	p = guarded(n);
	pthread_barrier_init(&bar, NULL, (unsigned)nthr);
	for (k = 0; k < nthr; k++) {
		th[k] = (struct thr){ p, n, k, nthr, 0, &bar };
		if (pthread_create(&id[k], NULL, thr_main, &th[k]) != 0)
			return (1);
	}
	for (k = 0; k < nthr; k++)
		pthread_join(id[k], NULL);
	for (k = 0; k < nthr; k++) {
		memset(t, 0, n);
		for (i = k; i < n; i += nthr)
			t[i] = 1;
		expect_row("expect-tid", (long)th[k].tid, p, n, t);
	}
	memset(t, 1, n);
	expect_row("expect-row", (long)getpid(), p, n, t);
	free(t);
	return (0);
}

/* The parent writes pages 0 and 5, a forked child pages 1 and 3. */
static int
mode_fork(void)
{
	unsigned char	 t[8];
	char		*p = guarded(8);
	pid_t		 pid;
	int		 st;

	p[0] = 1;
	fflush(stdout);
	if ((pid = fork()) < 0)
		die("fork");
	if (pid == 0) {
		p[pg] = 1;
		p[3 * pg] = 1;
		memset(t, 0, sizeof t);
		t[1] = t[3] = 1;
		expect_row("expect-row", (long)getpid(), p, 8, t);
		fflush(stdout);
		_exit(0);
	}
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) ||
	    WEXITSTATUS(st) != 0)
		return (1);
	p[5 * pg] = 1;
	memset(t, 0, sizeof t);
	t[0] = t[5] = 1;
	expect_row("expect-row", (long)getpid(), p, 8, t);
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
	if (argc == 4 && strcmp(argv[1], "bench") == 0)
		return (mode_bench(num(argv[2]), num(argv[3])));
	fprintf(stderr, "usage: pf-pattern stride N | readwrite | ops | "
	    "threads NTHREADS NPAGES | fork | bench NPAGES ROUNDS\n");
	return (2);
}
