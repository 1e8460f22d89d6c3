/*
 * once-target.c - a process that writes each page of a buffer exactly
 * once, one every few milliseconds, so that every page must be counted in
 * exactly one cycle of a watcher, however slowly that watcher's output is
 * read (tests/test-continuous.sh).
 *
 *	once-target PAGES MICROSECONDS [VMAS]
 *
 * It maps PAGES pages between two PROT_NONE guard pages (a VMA of its
 * own), and VMAS more one-page mappings (a read-only page after each, so
 * that none merges: they make every line of a watcher's JSON long), fills
 * them, prints "ready PID 0xSTART 0xEND", waits for SIGUSR1,
 * then writes page 0, 1, ... once each, MICROSECONDS apart, prints "done"
 * (or "corrupt" if the pages do not hold what it wrote) and waits for
 * SIGTERM. Units: pages of the system's page size.
 */
#include <sys/mman.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t	go;

static void
on_usr1(int sig)
{
	(void)sig;
	go = 1;
}

int
main(int argc, char **argv)
{
	struct timespec	 gap;
	long		 ps = sysconf(_SC_PAGESIZE), n, us, i, k;
	unsigned char	*g, *b;

	if (argc < 3 || (n = atol(argv[1])) <= 0 || (us = atol(argv[2])) < 0)
		return (2);
	k = argc > 3 ? atol(argv[3]) : 0;
	if (k > 0) {
		g = mmap(NULL, (size_t)(2 * k) * (size_t)ps, PROT_READ |
		    PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (g == MAP_FAILED)
			return (1);
		for (i = 0; i < k; i++) {
			g[2 * i * ps] = 1;
			if (mprotect(g + (2 * i + 1) * ps, (size_t)ps,
			    PROT_READ) == -1)
				return (1);
		}
	}
	g = mmap(NULL, (size_t)(n + 2) * (size_t)ps, PROT_NONE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (g == MAP_FAILED)
		return (1);
	b = g + ps;
	if (mprotect(b, (size_t)n * (size_t)ps, PROT_READ | PROT_WRITE) == -1)
		return (1);
	(void)madvise(b, (size_t)n * (size_t)ps, MADV_NOHUGEPAGE);
	for (i = 0; i < n; i++)
		b[i * ps] = 1;
	signal(SIGUSR1, on_usr1);
	printf("ready %ld %p %p\n", (long)getpid(), (void *)b,
	    (void *)(b + n * ps));
	fflush(stdout);
	while (!go)
		pause();
	gap.tv_sec = us / 1000000;
	gap.tv_nsec = us % 1000000 * 1000;
	for (i = 0; i < n; i++) {
		b[i * ps] = 2;
		b[i * ps + 100] = (unsigned char)i;
		nanosleep(&gap, NULL);
	}
	for (i = 0; i < n; i++)
		if (b[i * ps] != 2 || b[i * ps + 100] != (unsigned char)i) {
			printf("corrupt\n");
			return (1);
		}
	printf("done\n");
	fflush(stdout);
	for (;;)
		pause();
}
