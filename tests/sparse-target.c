/*
 * sparse-target.c - a process with huge reservations of address space of
 * which it touches a few pages (as sanitizers, Go and JVM runtimes do),
 * and that knows exactly which pages it writes.
 *
 * Usage: sparse-target [--mib M] [--reserve GIB]...     (default M=64)
 *
 * It maps a buffer of M MiB as a VMA of its own and writes all of it,
 * then reserves each GIB GiB with MAP_NORESERVE (a PROT_NONE guard page at
 * each end, so each is a VMA of its own) and writes a few pages of it:
 * 0-255, 4095-4097 (a 4096-page boundary), the middle page and the last
 * 16. It prints
 *     ready PID RESIDENT          (pages it touched, all regions)
 *     region buffer 0xSTART 0xEND PAGES
 *     region reserve1 0xSTART 0xEND PAGES      (one a reservation)
 *     resident 0xSTART N                       (one a region)
 * PAGES being the page indexes it writes on every pass (every 2 ms) in
 * the gtcheck syntax: the first quarter of the buffer; 0-63, 4095-4096, the
 * middle and the last page of a reservation, and N the pages of the region
 * that are resident (touched at the start). A reservation that cannot be
 * mapped (vm.overcommit_memory may refuse) prints "refused GIB: ERROR"
 * and exits 3. SIGTERM or SIGINT: exit 0.
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sys/mman.h>

#define MAX_RESERVE	16

static volatile sig_atomic_t	 done;

static void
on_term(int sig)
{
	(void)sig;
	done = 1;
}

/* One region: its pages, and whether it is a reservation. */
struct region {
	unsigned char	*base;
	size_t		 npages;
	int		 reserve;
};

static size_t	 pagesz;

/* Whether page p of r is written on every pass. */
static int
hot(const struct region *r, size_t p)
{
	if (!r->reserve)
		return (p < r->npages / 4);
	return (p < 64 || p == 4095 || p == 4096 || p == r->npages / 2 ||
	    p == r->npages - 1);
}

/* Whether page p of r is touched at the start. */
static int
touched(const struct region *r, size_t p)
{
	if (!r->reserve)
		return (1);
	return (p < 256 || (p >= 4095 && p <= 4097) || p == r->npages / 2 ||
	    p + 16 >= r->npages);
}

/* The pages of r that touched() or hot() selects, ascending, as ranges. */
static size_t
print_set(const struct region *r, int (*sel)(const struct region *, size_t))
{
	size_t	 p, q, n = 0;
	int	 first = 1;

	for (p = 0; p < r->npages; p++) {
		if (r->reserve && p == 4098)	/* skip the hole */
			p = r->npages / 2 < 4098 ? 4098 : r->npages / 2;
		if (r->reserve && p == r->npages / 2 + 1)
			p = r->npages - 16;
		if (!sel(r, p))
			continue;
		for (q = p; q + 1 < r->npages && sel(r, q + 1) &&
		    !(r->reserve && q + 1 == 4098); q++)
			;
		if (sel == hot) {
			printf(first ? "%zu" : ",%zu", p);
			if (q > p)
				printf("-%zu", q);
		}
		n += q - p + 1;
		first = 0;
		p = q;
	}
	return (n);
}

/* Map r: npages with a guard page at each end. */
static int
region_map(struct region *r, size_t npages, int reserve)
{
	unsigned char	*p;
	size_t		 len = (npages + 2) * pagesz;

	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE |
	    MAP_ANONYMOUS | (reserve ? MAP_NORESERVE : 0), -1, 0);
	if (p == MAP_FAILED)
		return (-1);
	if (mprotect(p, pagesz, PROT_NONE) != 0 ||
	    mprotect(p + len - pagesz, pagesz, PROT_NONE) != 0)
		return (-1);
	r->base = p + pagesz;
	r->npages = npages;
	r->reserve = reserve;
	madvise(r->base, npages * pagesz, MADV_NOHUGEPAGE);
	return (0);
}

int
main(int argc, char **argv)
{
	struct region		 r[MAX_RESERVE + 1];
	struct sigaction	 sa;
	struct timespec		 tick = { 0, 2000000 };
	size_t			 n = 1, i, p, mib = 64, resident = 0;
	unsigned long long	 gib;

	pagesz = (size_t)sysconf(_SC_PAGESIZE);
	setvbuf(stdout, NULL, _IOLBF, 0);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_term;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	if (argc > 2 && strcmp(argv[1], "--mib") == 0) {
		mib = strtoul(argv[2], NULL, 10);
		argc -= 2;
		argv += 2;
	}
	if (mib == 0 || region_map(&r[0], (mib << 20) / pagesz, 0) != 0) {
		fprintf(stderr, "sparse-target: buffer: %s\n", strerror(errno));
		return (1);
	}
	for (i = 1; i + 1 < (size_t)argc && n <= MAX_RESERVE; i += 2) {
		if (strcmp(argv[i], "--reserve") != 0 ||
		    (gib = strtoull(argv[i + 1], NULL, 10)) == 0) {
			fprintf(stderr, "usage: sparse-target [--mib M] "
			    "[--reserve GIB]...\n");
			return (2);
		}
		if (region_map(&r[n], (size_t)(gib << 30) / pagesz, 1) != 0) {
			printf("refused %llu: %s\n", gib, strerror(errno));
			return (3);
		}
		n++;
	}
	for (i = 0; i < n; i++)
		for (p = 0; p < r[i].npages; p++) {
			if (r[i].reserve && p == 4098)
				p = r[i].npages / 2;
			if (r[i].reserve && p == r[i].npages / 2 + 1)
				p = r[i].npages - 16;
			if (touched(&r[i], p))
				r[i].base[p * pagesz] = 1;
		}
	for (i = 0; i < n; i++)
		resident += print_set(&r[i], touched);
	printf("ready %ld %zu\n", (long)getpid(), resident);
	for (i = 0; i < n; i++) {
		if (i == 0)
			printf("region buffer %p %p ", (void *)r[i].base,
			    (void *)(r[i].base + r[i].npages * pagesz));
		else
			printf("region reserve%zu %p %p ", i,
			    (void *)r[i].base,
			    (void *)(r[i].base + r[i].npages * pagesz));
		print_set(&r[i], hot);
		printf("\n");
	}
	/* What each region has resident: the pages touched at the start. */
	for (i = 0; i < n; i++) {
		printf("resident %p ", (void *)r[i].base);
		printf("%zu\n", print_set(&r[i], touched));
	}
	while (!done) {
		for (i = 0; i < n; i++)
			for (p = 0; p < r[i].npages; p++) {
				if (r[i].reserve && p == 64)
					p = 4095;
				if (r[i].reserve && p == 4097)
					p = r[i].npages / 2;
				if (r[i].reserve && p == r[i].npages / 2 + 1)
					p = r[i].npages - 1;
				if (hot(&r[i], p))
					r[i].base[p * pagesz]++;
			}
		nanosleep(&tick, NULL);
	}
	return (0);
}
