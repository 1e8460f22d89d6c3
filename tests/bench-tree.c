/*
 * bench-tree.c - the watched process tree of tests/bench-set (make bench,
 * case 8).
 *
 *	bench-tree NPROC MIB PERCENT
 *
 * The first process forks NPROC - 1 children; each of the NPROC processes
 * (the first one too) makes its share of MIB MiB resident (MIB / NPROC,
 * whole pages), then writes PERCENT % of its pages a second, a tenth of
 * that every 100 ms, one byte a page, round and round its buffer. Once
 * every child has made its buffer resident the first process prints
 * "ready" and its PID on stdout. The tree is a process group of its own;
 * the children die with the first process (PR_SET_PDEATHSIG). Units: MiB,
 * pages, percent of a process's pages a second.
 */
#include "config.h"

#include <sys/mman.h>
#include <sys/prctl.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define STEP_NS	100000000L	/* 100 ms between two bursts of writes */

/* Map and touch len bytes of anonymous memory; exit if it cannot. */
static char *
resident(size_t len)
{
	char	*b;

	b = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE |
	    MAP_ANONYMOUS, -1, 0);
	if (b == MAP_FAILED) {
		perror("bench-tree: mmap");
		exit(1);
	}
	memset(b, 1, len);
	return (b);
}

/* Write per pages of b (npages of psz bytes) every STEP_NS, for ever. */
static void
write_forever(char *b, size_t npages, size_t psz, size_t per)
{
	struct timespec	 t;
	size_t		 cur = 0, i;

	clock_gettime(CLOCK_MONOTONIC, &t);
	for (;;) {
		for (i = 0; i < per; i++) {
			b[cur * psz]++;
			cur = (cur + 1) % npages;
		}
		t.tv_nsec += STEP_NS;
		if (t.tv_nsec >= 1000000000L) {
			t.tv_sec++;
			t.tv_nsec -= 1000000000L;
		}
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &t,
		    NULL) == EINTR)
			continue;
	}
}

int
main(int argc, char **argv)
{
	size_t	 psz, npages, per;
	long	 nproc, mib, percent, i;
	pid_t	 root;
	char	*b, c;
	int	 p[2];

	if (argc != 4) {
		fprintf(stderr, "usage: bench-tree NPROC MIB PERCENT\n");
		return (2);
	}
	nproc = strtol(argv[1], NULL, 10);
	mib = strtol(argv[2], NULL, 10);
	percent = strtol(argv[3], NULL, 10);
	if (nproc < 1 || mib < 1 || percent < 0) {
		fprintf(stderr, "bench-tree: bad arguments\n");
		return (2);
	}
	psz = (size_t)sysconf(_SC_PAGESIZE);
	npages = ((size_t)mib << 20) / (size_t)nproc / psz;
	if (npages == 0)
		npages = 1;
	per = npages * (size_t)percent / 1000;
	if (per == 0 && percent > 0)
		per = 1;
	setpgid(0, 0);
	root = getpid();
	if (pipe(p) == -1)
		return (1);
	for (i = 1; i < nproc; i++) {
		switch (fork()) {
		case -1:
			perror("bench-tree: fork");
			kill(0, SIGKILL);
			return (1);
		case 0:
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			if (getppid() != root)
				_exit(0);
			close(p[0]);
			b = resident(npages * psz);
			if (write(p[1], "r", 1) != 1)
				_exit(1);
			close(p[1]);
			write_forever(b, npages, psz, per);
			_exit(0);
		}
	}
	close(p[1]);
	b = resident(npages * psz);
	for (i = 1; i < nproc; i++)
		if (read(p[0], &c, 1) != 1) {
			fprintf(stderr, "bench-tree: a child failed\n");
			kill(0, SIGKILL);
			return (1);
		}
	close(p[0]);
	printf("ready %ld\n", (long)root);
	fflush(stdout);
	write_forever(b, npages, psz, per);
	return (0);
}
