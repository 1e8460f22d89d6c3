/*
 * demo-work.c - the pieces the sdtop-demo patterns are made of: the run's
 * clock and end, a line on stderr, random numbers, buffers and writes.
 *
 * Units: seconds on the monotonic clock, bytes, pages of demo_page bytes.
 */

#include "config.h"

#include <sys/mman.h>

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "demo-work.h"

size_t				 demo_page;

static volatile sig_atomic_t	 demo_stop;
static double			 demo_start;
static double			 demo_duration;
static uint64_t			 demo_rng;
static const char		*demo_name = "hotset";

/* A signal asks the pattern to end: it does at its next look. */
static void
demo_on_signal(int sig)
{
	(void)sig;
	demo_stop = 1;
}

void
demo_begin(const char *name, uint64_t seed, double duration)
{
	struct sigaction	sa;

	demo_page = (size_t)sysconf(_SC_PAGESIZE);
	demo_name = name;
	demo_rng = seed * 0x9e3779b97f4a7c15ULL + 1;
	demo_duration = duration;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = demo_on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	demo_start = demo_now();
}

double
demo_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (ts.tv_sec + ts.tv_nsec / 1e9);
}

int
demo_done(void)
{
	if (demo_stop)
		return (1);
	return (demo_duration > 0 && demo_now() - demo_start >= demo_duration);
}

int
demo_stopped(void)
{
	return (demo_stop != 0);
}

void
demo_halt(void)
{
	demo_stop = 1;
}

void
demo_sleep(double seconds)
{
	struct timespec	ts;
	double		until, end;

	until = demo_now() + seconds;
	if (demo_duration > 0) {
		end = demo_start + demo_duration;
		if (until > end)
			until = end;
	}
	ts.tv_sec = (time_t)until;
	ts.tv_nsec = (long)((until - (double)ts.tv_sec) * 1e9);
	if (ts.tv_nsec >= 1000000000L)
		ts.tv_nsec = 999999999L;
	while (!demo_stop && clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME,
	    &ts, NULL) == EINTR)
		;
}

void
demo_say(const char *fmt, ...)
{
	va_list	ap;

	fprintf(stderr, "sdtop-demo: %s: ", demo_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* xorshift64*: fast, and the same sequence for the same seed. */
uint64_t
demo_random(void)
{
	demo_rng ^= demo_rng >> 12;
	demo_rng ^= demo_rng << 25;
	demo_rng ^= demo_rng >> 27;
	return (demo_rng * 2685821657736338717ULL);
}

size_t
demo_between(size_t lo, size_t hi)
{
	return (lo + (size_t)(demo_random() % (hi - lo + 1)));
}

const char *
demo_human(size_t bytes, char *buf, size_t len)
{
	if (bytes >= (1UL << 30))
		snprintf(buf, len, "%.4g GiB", bytes / 1073741824.0);
	else if (bytes >= (1UL << 20))
		snprintf(buf, len, "%.4g MiB", bytes / 1048576.0);
	else
		snprintf(buf, len, "%.4g KiB", bytes / 1024.0);
	return (buf);
}

char *
demo_map(size_t size)
{
	void	*p;

	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
	    -1, 0);
	if (p == MAP_FAILED) {
		demo_say("cannot map %zu bytes: %s", size, strerror(errno));
		exit(1);
	}
	return (p);
}

/*
 * The value written differs from the last one written there, so that a
 * method comparing page contents sees the write too.
 */
void
demo_touch(char *buf, size_t first, size_t n)
{
	volatile char	*p = buf;
	size_t		 i;

	for (i = first; i < first + n; i++)
		p[i * demo_page] = (char)(p[i * demo_page] + 1);
}
