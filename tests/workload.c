/*
 * workload.c - a process that knows exactly which pages it writes: the
 * ground truth that the tracking methods are checked against.
 *
 * Usage: workload [--pages N] [--new-pages M] [--new-delay-ms D]
 *        (defaults N=64, M=16, D=300)
 *
 * It maps a buffer of N pages as a VMA of its own (PROT_NONE guard pages on
 * both sides, so it never merges), writes every page once, and prints
 *     ready PID 0xSTART 0xEND
 *     phase 0 0xSTART 0xEND -
 * Then every 2 ms it rewrites each page of the current phase's set (one
 * byte per page is incremented, so the content changes too). Each SIGUSR1
 * starts the next phase; once a full pass over the new set is done it
 * prints "phase K 0xSTART 0xEND PAGES", PAGES being page indexes within
 * [START, END) such as "0,2,4-9", or "-" for none:
 *     0 none (at start)        1 even pages
 *     2 pages 0-7 and the last 3 all pages
 *     4 D ms after the signal a NEW region of M pages (its own guarded VMA)
 *       is mapped; it prints "phase 4 0xNSTART 0xNEND 0-(M-1)" and writes
 *       all of it every 2 ms from then on (the buffer: none).
 * A SIGUSR1 after phase 4 wraps to phase 1, and phase 4 never comes again
 * (rounds go 1, 2, 3; the new region is left alone). SIGTERM or SIGINT: exit 0 at once. SIGUSR2: verify every byte
 * written so far, print "alive CHECKSUM" and exit 0, or "corrupt ..." and
 * exit 1.
 *
 * Plain libc only: it is also linked statically for a qemu guest. Units:
 * pages of sysconf(_SC_PAGESIZE) bytes; addresses are printed in hex.
 */
#include <sys/mman.h>

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define PASS_NS		2000000L	/* a pass every 2 ms */
#define MAX_PAGES	(1L << 24)	/* 64 GiB of 4 KiB pages */

/* A region the workload writes, and how often each page was bumped. */
struct region {
	unsigned char	*base;
	size_t		 npages;
	uint32_t	*bumps;
};

static volatile sig_atomic_t	phase_signals;
static volatile sig_atomic_t	check_requested;
static size_t			pagesz;

static void
on_usr1(int sig)
{
	phase_signals++;
}

static void
on_usr2(int sig)
{
	check_requested = 1;
}

static void
on_term(int sig)
{
	_exit(0);
}

/* The byte at offset off of page i before any bump. */
static unsigned char
region_pattern(size_t i, size_t off)
{
	return ((unsigned char)(i * 7 + off * 13 + 1));
}

/* Map npages between two PROT_NONE guard pages and write each once. */
static int
region_map(struct region *r, size_t npages)
{
	unsigned char	*p;
	size_t		 i, off;

	p = mmap(NULL, (npages + 2) * pagesz, PROT_NONE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return (-1);
	if (mprotect(p + pagesz, npages * pagesz, PROT_READ | PROT_WRITE) != 0)
		return (-1);
	r->base = p + pagesz;
	r->npages = npages;
	if ((r->bumps = calloc(npages, sizeof *r->bumps)) == NULL)
		return (-1);
	for (i = 0; i < npages; i++)
		for (off = 0; off < pagesz; off++)
			r->base[i * pagesz + off] = region_pattern(i, off);
	return (0);
}

/* Bump one byte of page i. */
static void
region_bump(struct region *r, size_t i)
{
	r->base[i * pagesz]++;
	r->bumps[i]++;
}

/* Whether the page belongs to the set of phase k. */
static bool
phase_has(int k, size_t i, size_t npages)
{
	switch (k) {
	case 1:
		return (i % 2 == 0);
	case 2:
		return (i < 8 || i == npages - 1);
	case 3:
		return (true);
	default:
		return (false);
	}
}

/* Print the set of phase k as "0,2,4-9" or "-". */
static void
phase_print_set(int k, size_t npages)
{
	size_t	i, j;
	bool	first = true;

	for (i = 0; i < npages; i = j) {
		if (!phase_has(k, i, npages)) {
			j = i + 1;
			continue;
		}
		for (j = i + 1; j < npages && phase_has(k, j, npages); j++)
			;
		printf("%s%zu", first ? "" : ",", i);
		if (j - 1 > i)
			printf("-%zu", j - 1);
		first = false;
	}
	if (first)
		printf("-");
}

/* Check every byte of r against what was written; 0, or -1 (printed). */
static int
region_verify(const struct region *r, const char *what, uint64_t *sum)
{
	size_t		i, off;
	unsigned char	want, got;

	for (i = 0; i < r->npages; i++) {
		for (off = 0; off < pagesz; off++) {
			want = region_pattern(i, off);
			if (off == 0)
				want = (unsigned char)(want + r->bumps[i]);
			got = r->base[i * pagesz + off];
			if (got != want) {
				printf("corrupt %s page %zu offset %zu: "
				    "expected %u got %u\n", what, i, off,
				    want, got);
				return (-1);
			}
			*sum = (*sum ^ got) * UINT64_C(1099511628211);
		}
	}
	return (0);
}

/* Parse a bounded decimal option value; exits 2 on a bad one. */
static long
parse_num(const char *opt, const char *s, long min, long max)
{
	char	*end;
	long	 v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < min || v > max) {
		fprintf(stderr, "workload: %s: expected a number from %ld to "
		    "%ld, got '%s'\n", opt, min, max, s);
		exit(2);
	}
	return (v);
}

static double
mono_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (ts.tv_sec * 1e3 + ts.tv_nsec / 1e6);
}

int
main(int argc, char **argv)
{
	struct region		 buf, fresh = { NULL, 0, NULL };
	struct sigaction	 sa;
	struct timespec		 tick = { 0, PASS_NS };
	long			 npages = 64, nnew = 16, delay = 300;
	int			 i, phase = 0, seen = 0;
	bool			 want_new = false, write_new = false;
	double			 new_at = 0;
	uint64_t		 sum = UINT64_C(14695981039346656037);
	size_t			 p;

	for (i = 1; i < argc; i += 2) {
		if (i + 1 < argc && strcmp(argv[i], "--pages") == 0)
			npages = parse_num(argv[i], argv[i + 1], 1, MAX_PAGES);
		else if (i + 1 < argc && strcmp(argv[i], "--new-pages") == 0)
			nnew = parse_num(argv[i], argv[i + 1], 1, MAX_PAGES);
		else if (i + 1 < argc &&
		    strcmp(argv[i], "--new-delay-ms") == 0)
			delay = parse_num(argv[i], argv[i + 1], 0, 3600000);
		else {
			fprintf(stderr, "usage: workload [--pages N] "
			    "[--new-pages M] [--new-delay-ms D]\n");
			return (2);
		}
	}
	pagesz = (size_t)sysconf(_SC_PAGESIZE);
	setvbuf(stdout, NULL, _IOLBF, 0);

	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	sa.sa_handler = on_usr1;
	sigaction(SIGUSR1, &sa, NULL);
	sa.sa_handler = on_usr2;
	sigaction(SIGUSR2, &sa, NULL);
	sa.sa_handler = on_term;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);

	if (region_map(&buf, (size_t)npages) != 0) {
		fprintf(stderr, "workload: cannot map %ld pages: %s\n",
		    npages, strerror(errno));
		return (1);
	}
	printf("ready %ld %p %p\n", (long)getpid(), (void *)buf.base,
	    (void *)(buf.base + buf.npages * pagesz));
	printf("phase 0 %p %p -\n", (void *)buf.base,
	    (void *)(buf.base + buf.npages * pagesz));
	fflush(stdout);

	for (;;) {
		if (check_requested) {
			if (region_verify(&buf, "buffer", &sum) != 0 ||
			    (fresh.base != NULL &&
			    region_verify(&fresh, "new region", &sum) != 0))
				return (1);
			printf("alive %016llx\n", (unsigned long long)sum);
			return (0);
		}
		if (seen != phase_signals) {
			seen++;
			/* Phase 4 happens once: later rounds go 1, 2, 3. */
			if (phase == 4 || (phase == 3 && fresh.base != NULL))
				phase = 1;
			else
				phase++;
			write_new = false;
			if (phase == 4) {
				want_new = true;
				new_at = mono_ms() + (double)delay;
			} else {
				for (p = 0; p < buf.npages; p++)
					if (phase_has(phase, p, buf.npages))
						region_bump(&buf, p);
				printf("phase %d %p %p ", phase,
				    (void *)buf.base, (void *)(buf.base +
				    buf.npages * pagesz));
				phase_print_set(phase, buf.npages);
				printf("\n");
				fflush(stdout);
			}
			continue;
		}
		if (phase == 4 && want_new && mono_ms() >= new_at) {
			want_new = false;
			if (region_map(&fresh, (size_t)nnew) != 0) {
				fprintf(stderr, "workload: cannot map the new "
				    "region: %s\n", strerror(errno));
				return (1);
			}
		}
		if (phase == 4 && !want_new && !write_new) {
			for (p = 0; p < fresh.npages; p++)
				region_bump(&fresh, p);
			write_new = true;
			printf("phase 4 %p %p 0-%zu\n", (void *)fresh.base,
			    (void *)(fresh.base + fresh.npages * pagesz),
			    fresh.npages - 1);
			fflush(stdout);
		} else if (phase == 4 && write_new) {
			for (p = 0; p < fresh.npages; p++)
				region_bump(&fresh, p);
		} else if (phase >= 1 && phase <= 3) {
			for (p = 0; p < buf.npages; p++)
				if (phase_has(phase, p, buf.npages))
					region_bump(&buf, p);
		}
		nanosleep(&tick, NULL);
	}
}
