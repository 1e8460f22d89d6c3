/*
 * bench-target.c - the watched process of tests/bench-sdtop (make bench,
 * cases 4 to 6).
 *
 *	bench-target idle|spread MIB [RESERVE_GIB]
 *	bench-target hotset|all MIB
 *
 * idle: MIB MiB made resident (in one piece in the middle of a RESERVE_GIB
 * GiB MAP_NORESERVE reservation when given), "ready" on stdout, then
 * nothing until killed. spread: the same, in 64 pieces evenly spread over
 * the reservation. hotset: flat out, 63 of 64 writes go to a hot eighth of a
 * MIB MiB buffer and one to a random cold page (the shape of sdtop-demo's
 * hotset, without its pauses). all: every page of the buffer written in
 * turn, round and round. Both print "ready", then every half second the
 * writes per second of that half second and the share of it this thread
 * ran on a CPU ("ops N cpu SHARE": SHARE is 1 when nothing preempted it).
 * One write is one byte stored into a page.
 */
#include "config.h"

#include <sys/mman.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define SAMPLE	0.5		/* seconds between reports */
#define PIECES	64		/* pieces of an idle reservation */

static size_t	psz;

/* Seconds on the monotonic clock. */
static double
now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (ts.tv_sec + ts.tv_nsec / 1e9);
}

/* CPU seconds this thread has run, in the user and the kernel. */
static double
cpu(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (ts.tv_sec + ts.tv_nsec / 1e9);
}

/* Map len bytes of anonymous memory, reserved only when noreserve. */
static char *
map(size_t len, int noreserve)
{
	char	*b;

	b = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE |
	    MAP_ANONYMOUS | (noreserve ? MAP_NORESERVE : 0), -1, 0);
	if (b == MAP_FAILED) {
		perror("bench-target: mmap");
		exit(1);
	}
	return (b);
}

/*
 * Make len bytes resident, in a reservation of gib GiB when gib > 0: in
 * one piece in its middle, or in pieces spread evenly over it.
 */
static void __attribute__((noreturn))
idle(size_t len, size_t gib, size_t pieces)
{
	size_t	 piece = len / pieces, stride, i, j;
	char	*b;

	if (gib == 0) {
		b = map(len, 0);
		memset(b, 1, len);
	} else {
		b = map(gib << 30, 1);
		stride = (gib << 30) / pieces;
		if (pieces == 1)
			b += (gib << 30) / 2;
		for (i = 0; i < pieces; i++)
			for (j = 0; j < piece; j += psz)
				b[i * stride + j] = 1;
	}
	printf("ready\n");
	fflush(stdout);
	for (;;)
		pause();
}

/* Write flat out and report the writes per second every SAMPLE s. */
static void __attribute__((noreturn))
writer(size_t len, int hot)
{
	size_t		 npages = len / psz, nhot = npages / 8, first, pg = 0;
	uint64_t	 ops = 0, x = 88172645463325252ULL;
	double		 t0, t, c0, c;
	char		*b = map(len, 0);

	memset(b, 1, len);
	first = npages * 3 / 8;
	printf("ready\n");
	fflush(stdout);
	t0 = now();
	c0 = cpu();
	for (;;) {
		if (!hot)
			pg = (pg + 1) % npages;
		else if (ops % 64 != 63)
			pg = first + ops % nhot;
		else {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			pg = x % npages;
		}
		b[pg * psz + ops % 64]++;
		if (++ops % 4096 == 0 && (t = now()) - t0 >= SAMPLE) {
			c = cpu();
			printf("ops %.0f cpu %.4f\n", (double)ops / (t - t0),
			    (c - c0) / (t - t0));
			fflush(stdout);
			ops = 0;
			t0 = t;
			c0 = c;
		}
	}
}

int
main(int argc, char **argv)
{
	size_t	mib;

	psz = (size_t)sysconf(_SC_PAGESIZE);
	if (argc < 3 || (mib = strtoul(argv[2], NULL, 10)) == 0) {
		fprintf(stderr, "usage: bench-target idle|spread|hotset|all MIB "
		    "[RESERVE_GIB]\n");
		return (2);
	}
	if (strcmp(argv[1], "idle") == 0 || strcmp(argv[1], "spread") == 0)
		idle(mib << 20, argc > 3 ? strtoul(argv[3], NULL, 10) : 0,
		    strcmp(argv[1], "idle") == 0 ? 1 : PIECES);
	if (strcmp(argv[1], "hotset") == 0)
		writer(mib << 20, 1);
	if (strcmp(argv[1], "all") == 0)
		writer(mib << 20, 0);
	return (2);
}
