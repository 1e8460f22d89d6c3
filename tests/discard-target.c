/*
 * discard-target.c - a process that gives pages back on a schedule and
 * says which and when: the ground truth of tests/test-discard-live.sh.
 *
 *	discard-target [--rewrite | --readback] [--pages N]
 *
 * It maps two regions, each between PROT_NONE guards (a VMA of its own),
 * without transparent huge pages:
 *  - "disc", N pages (default 256), every page written once at the start;
 *  - "sparse", SPARSE_PAGES pages of which only some are ever written (the
 *    others stay untouched: no page).
 * and prints, on stdout (line-buffered):
 *	region disc 0xSTART 0xEND
 *	region sparse 0xSTART 0xEND PAGES	(the written pages)
 *	zeropage yes|no|unknown
 *	ready
 * "zeropage" says whether a read of a page given back maps the shared
 * zero page here (PAGEMAP_SCAN, PAGE_IS_PFNZERO, on a page of its own):
 * some kernels map a page of zeros instead, "unknown" without the ioctl.
 * On SIGUSR1 it starts its events, one every 60 to 210 ms, until SIGUSR2
 * ("stopped") or until no page is left to give back ("exhausted"):
 *	discard T0 T1 PAGES	pages of "disc" given back (MADV_DONTNEED),
 *				each only once, nothing else done to them
 *	rewrite T0 T1 PAGES	(--rewrite, every other event) pages of
 *				"disc" given back and written again at once
 * With --readback, each page of a "discard" event is read again at once
 * (it then maps the zero page, or holds zeros): given back all the same.
 * T0 and T1 are Unix times (CLOCK_REALTIME, the clock of sdtop's JSON
 * "time" and "clear_time") taken before the first madvise() and after the
 * last write. Nothing else is written in either region. On SIGTERM it
 * checks its memory (every page holds what it last wrote, a page given
 * back reads zero, an untouched page zero) and prints "alive" and exits 0,
 * or "harmed: ..." and exits 1.
 *
 * PAGES are page indexes from the region's start, "0,3-5", or "-".
 */
#include "config.h"

#include <sys/ioctl.h>
#include <sys/mman.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "kernel-compat.h"

#define SPARSE_PAGES	256
#define MAX_PAGES	4096
#define MAX_EVENT	4		/* pages an event takes at most */

static volatile sig_atomic_t	 go, stop, check;

static size_t	 psz;
static uint8_t	*disc, *sparse;
static size_t	 npages;
static uint32_t	 gen[MAX_PAGES];	/* writes of each "disc" page */
static bool	 gone[MAX_PAGES];	/* given back, never written again */
static bool	 touched[SPARSE_PAGES];
static bool	 readback;		/* read the pages given back again */

/* Note which signal came; the main loop acts on it. */
static void
on_signal(int sig)
{
	if (sig == SIGUSR1)
		go = 1;
	else if (sig == SIGUSR2)
		stop = 1;
	else
		check = 1;
}

/* The value the first word of page i holds after its g-th write. */
static uint64_t
value_of(size_t i, uint32_t g)
{
	return (UINT64_C(0x5d15ca4d00000000) ^ (uint64_t)i << 20 ^ g);
}

/* Unix time now, in seconds. */
static double
now_real(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ((double)ts.tv_sec + (double)ts.tv_nsec / 1e9);
}

/* Map n pages between two PROT_NONE guard pages, without huge pages. */
static uint8_t *
map_region(size_t n)
{
	uint8_t	*p;

	p = mmap(NULL, (n + 2) * psz, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
	    -1, 0);
	if (p == MAP_FAILED ||
	    mprotect(p + psz, n * psz, PROT_READ | PROT_WRITE) == -1) {
		perror("discard-target: mmap");
		exit(2);
	}
	(void)madvise(p + psz, n * psz, MADV_NOHUGEPAGE);
	return (p + psz);
}

/* Print the sorted page indexes of pages[0..n) as "0,3-5". */
static void
print_pages(const size_t *pages, size_t n)
{
	size_t	i, j;

	if (n == 0)
		fputs("-", stdout);
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && pages[j] == pages[j - 1] + 1; j++)
			;
		printf("%s%zu", i == 0 ? "" : ",", pages[i]);
		if (j - 1 > i)
			printf("-%zu", pages[j - 1]);
	}
}

/* Write page i of "disc" again: its next value in its first word. */
static void
write_page(size_t i)
{
	gen[i]++;
	*(volatile uint64_t *)(disc + i * psz) = value_of(i, gen[i]);
}

/* Whether page i may be given back for good (rewrite: the other pages). */
static bool
discardable(size_t i, bool rewrite)
{
	return (!gone[i] && (!rewrite || i % 4 != 3));
}

/*
 * Choose up to MAX_EVENT pages for one event: a run of adjacent pages
 * or scattered ones, that may be discarded (or, rewrite, that may be
 * rewritten: every fourth page). Returns how many, sorted, in pages.
 */
static size_t
choose(size_t *pages, bool rewrite_event, bool rewrite)
{
	size_t	want = 1 + (size_t)rand() % MAX_EVENT, n = 0, i, k, t, tries;
	bool	run = rand() % 2 == 0;

	for (tries = 0; n < want && tries < 64; tries++) {
		i = run && n > 0 ? pages[n - 1] + 1 : (size_t)rand() % npages;
		if (i >= npages)
			break;
		if (rewrite_event ? i % 4 != 3 : !discardable(i, rewrite)) {
			if (run && n > 0)
				break;
			continue;
		}
		for (k = 0; k < n && pages[k] != i; k++)
			;
		if (k == n)
			pages[n++] = i;
	}
	/* Sort (n is at most MAX_EVENT). */
	for (i = 1; i < n; i++)
		for (k = i; k > 0 && pages[k - 1] > pages[k]; k--) {
			t = pages[k];
			pages[k] = pages[k - 1];
			pages[k - 1] = t;
		}
	return (n);
}

/* One event: give pages back, maybe write them again; say so. */
static void
event(bool rewrite_event, bool rewrite)
{
	size_t	pages[MAX_EVENT], n, i;
	double	t0, t1;

	if ((n = choose(pages, rewrite_event, rewrite)) == 0)
		return;
	t0 = now_real();
	for (i = 0; i < n; i++) {
		if (madvise(disc + pages[i] * psz, psz, MADV_DONTNEED) == -1) {
			perror("discard-target: madvise");
			exit(2);
		}
		if (rewrite_event)
			write_page(pages[i]);
		else
			gone[pages[i]] = true;
		if (!rewrite_event && readback)
			(void)*(volatile uint64_t *)(disc + pages[i] * psz);
	}
	t1 = now_real();
	printf("%s %.6f %.6f ", rewrite_event ? "rewrite" : "discard", t0, t1);
	print_pages(pages, n);
	putchar('\n');
}

/*
 * Whether a page given back and read again maps the zero page here: "yes",
 * "no", or "unknown" (no PAGEMAP_SCAN).
 */
static const char *
zero_page_read(void)
{
	struct pmscan_region	 reg;
	struct pmscan_arg	 a;
	uint8_t			*p;
	long			 n;
	int			 fd;

	p = mmap(NULL, psz, PROT_READ | PROT_WRITE, MAP_PRIVATE |
	    MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED || (fd = open("/proc/self/pagemap", O_RDONLY)) ==
	    -1)
		return ("unknown");
	*(volatile uint8_t *)p = 1;
	(void)madvise(p, psz, MADV_DONTNEED);
	(void)*(volatile uint8_t *)p;
	memset(&a, 0, sizeof a);
	a.size = sizeof a;
	a.start = (uint64_t)(uintptr_t)p;
	a.end = a.start + psz;
	a.vec = (uint64_t)(uintptr_t)&reg;
	a.vec_len = 1;
	a.category_mask = PAGE_IS_PFNZERO;
	a.return_mask = PAGE_IS_PFNZERO;
	n = ioctl(fd, PMSCAN_IOCTL, &a);
	close(fd);
	munmap(p, psz);
	return (n == -1 ? "unknown" : n == 1 ? "yes" : "no");
}

/* Whether any page is left to give back for good. */
static bool
any_left(bool rewrite)
{
	size_t	i;

	for (i = 0; i < npages; i++)
		if (discardable(i, rewrite))
			return (true);
	return (false);
}

/* Check every page; print "alive" or "harmed: ..." and exit. */
static void __attribute__((noreturn))
check_and_exit(void)
{
	const uint64_t	*w;
	uint64_t	 want;
	size_t		 i, j;

	for (i = 0; i < npages + SPARSE_PAGES; i++) {
		w = (const uint64_t *)(i < npages ? disc + i * psz :
		    sparse + (i - npages) * psz);
		for (j = 0; j < psz / 8; j++) {
			want = 0;
			if (j == 0 && i < npages && !gone[i])
				want = value_of(i, gen[i]);
			if (j == 0 && i >= npages && touched[i - npages])
				want = value_of(i, 1);
			if (w[j] != want) {
				printf("harmed: %s page %zu word %zu\n",
				    i < npages ? "disc" : "sparse",
				    i < npages ? i : i - npages, j);
				exit(1);
			}
		}
	}
	printf("alive %zu pages checked\n", npages + SPARSE_PAGES);
	exit(0);
}

int
main(int argc, char **argv)
{
	struct sigaction	 sa;
	struct timespec		 pause;
	size_t			 i, marks[SPARSE_PAGES], nmarks = 0;
	sigset_t		 block, old;
	bool			 rewrite = false, next_rw = false, rw;
	int			 a;

	npages = 256;
	for (a = 1; a < argc; a++) {
		if (strcmp(argv[a], "--rewrite") == 0)
			rewrite = true;
		else if (strcmp(argv[a], "--readback") == 0)
			readback = true;
		else if (strcmp(argv[a], "--pages") == 0 && a + 1 < argc)
			npages = strtoul(argv[++a], NULL, 10);
		else
			npages = 0;
	}
	if (npages < 8 || npages > MAX_PAGES || (rewrite && readback)) {
		fprintf(stderr, "usage: discard-target [--rewrite | "
		    "--readback] [--pages 8..%d]\n", MAX_PAGES);
		return (2);
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	psz = (size_t)sysconf(_SC_PAGESIZE);
	srand(20261202);

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigaddset(&block, SIGUSR2);
	sigaddset(&block, SIGTERM);

	disc = map_region(npages);
	sparse = map_region(SPARSE_PAGES);
	for (i = 0; i < npages; i++)
		write_page(i);
	/* Every fifth pair of pages and a run of 16: the rest untouched. */
	for (i = 0; i < SPARSE_PAGES; i++) {
		touched[i] = i / 2 % 5 == 0 || (i >= 80 && i < 96);
		if (!touched[i])
			continue;
		*(volatile uint64_t *)(sparse + i * psz) =
		    value_of(npages + i, 1);
		marks[nmarks++] = i;
	}
	printf("region disc %p %p\n", (void *)disc, (void *)(disc +
	    npages * psz));
	printf("region sparse %p %p ", (void *)sparse, (void *)(sparse +
	    SPARSE_PAGES * psz));
	print_pages(marks, nmarks);
	printf("\nzeropage %s\nready\n", zero_page_read());

	/* Until SIGUSR1 (or SIGTERM). */
	sigprocmask(SIG_BLOCK, &block, &old);
	while (!go && !check)
		sigsuspend(&old);
	sigprocmask(SIG_SETMASK, &old, NULL);
	while (!stop && !check) {
		rw = rewrite && (next_rw || !any_left(rewrite));
		next_rw = !next_rw;
		if (!rw && !any_left(rewrite))
			break;
		event(rw, rewrite);
		pause.tv_sec = 0;
		pause.tv_nsec = (60 + rand() % 150) * 1000000L;
		while (nanosleep(&pause, &pause) == -1 && errno == EINTR &&
		    !stop && !check)
			;
	}
	printf("%s\n", stop || check ? "stopped" : "exhausted");
	/* Idle until SIGTERM. */
	sigprocmask(SIG_BLOCK, &block, &old);
	while (!check)
		sigsuspend(&old);
	sigprocmask(SIG_SETMASK, &old, NULL);
	check_and_exit();
}
