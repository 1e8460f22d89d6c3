/*
 * leader-exit.c - a process whose main thread has exited while another
 * runs on, writing known pages: sdtop must still watch it exactly.
 *
 * Usage: leader-exit
 *
 * It maps a 16-page buffer between guard pages, writes every page, and
 * starts a thread; the main thread then calls pthread_exit(). Once the
 * main thread is a zombie (its exit done: no reader can go through it),
 * the thread prints "ready PID 0xSTART 0xEND", "phase 1 0xSTART 0xEND
 * 0,2,...,14" (the workload's format: it writes the even pages, one byte
 * each, every 2 ms from then on) and "time SECONDS", and exits the process
 * on SIGTERM.
 */
#include <sys/mman.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define NPAGES	16

static unsigned char	*buf;
static size_t		 pagesz;

/* Whether the main thread has exited: its task is a zombie. */
static int
leader_gone(void)
{
	char	 path[64], line[512], *end;
	FILE	*f;
	int	 gone = 0;

	snprintf(path, sizeof path, "/proc/self/task/%ld/stat",
	    (long)getpid());
	if ((f = fopen(path, "r")) == NULL)
		return (1);
	if (fgets(line, sizeof line, f) != NULL &&
	    (end = strrchr(line, ')')) != NULL && end[1] == ' ')
		gone = end[2] == 'Z' || end[2] == 'X';
	fclose(f);
	return (gone);
}

/* Write the even pages, again and again. */
static void *
writer(void *arg)
{
	struct timespec	 tick = { 0, 2000000 }, now;
	size_t		 i;

	for (i = 0; i < NPAGES; i += 2)
		buf[i * pagesz]++;
	while (!leader_gone())
		nanosleep(&tick, NULL);
	printf("ready %ld %p %p\n", (long)getpid(), (void *)buf,
	    (void *)(buf + NPAGES * pagesz));
	printf("phase 1 %p %p 0,2,4,6,8,10,12,14\n", (void *)buf,
	    (void *)(buf + NPAGES * pagesz));
	clock_gettime(CLOCK_REALTIME, &now);
	printf("time %lld.%06ld\n", (long long)now.tv_sec, now.tv_nsec / 1000);
	fflush(stdout);
	for (;;) {
		for (i = 0; i < NPAGES; i += 2)
			buf[i * pagesz]++;
		nanosleep(&tick, NULL);
	}
	return (arg);
}

int
main(void)
{
	unsigned char	*p;
	pthread_t	 t;
	size_t		 i;

	pagesz = (size_t)sysconf(_SC_PAGESIZE);
	p = mmap(NULL, (NPAGES + 2) * pagesz, PROT_NONE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED || mprotect(p + pagesz, NPAGES * pagesz,
	    PROT_READ | PROT_WRITE) != 0)
		return (1);
	buf = p + pagesz;
	for (i = 0; i < NPAGES; i++)
		buf[i * pagesz] = 1;
	if (pthread_create(&t, NULL, writer, NULL) != 0)
		return (1);
	pthread_exit(NULL);
}
