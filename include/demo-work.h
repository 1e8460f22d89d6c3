/*
 * demo-work.h - what every sdtop-demo pattern is made of: the run's clock
 * and its end (a signal or --duration), a line on stderr, reproducible
 * random numbers, buffers and the writes to them.
 *
 * Units: times in seconds on the monotonic clock, sizes in bytes, page
 * indexes in pages of demo_page bytes from a buffer's start.
 */
#ifndef SDTOP_DEMO_WORK_H
#define SDTOP_DEMO_WORK_H

#include <stddef.h>
#include <stdint.h>

#define DEMO_TICK	0.1		/* seconds between bursts of writes */

/* The page size, set by demo_begin(). */
extern size_t	 demo_page;

/*
 * Start the run of pattern name: the page size, the random numbers from
 * seed, the clock, the end after duration seconds (0: none), and
 * SIGINT and SIGTERM to end it.
 */
void		 demo_begin(const char *name, uint64_t seed, double duration);

/* Seconds on the monotonic clock. */
double		 demo_now(void);

/* Whether the pattern must end: a signal came or the duration is over. */
int		 demo_done(void);

/* Whether a signal came (or demo_halt() was called). */
int		 demo_stopped(void);

/* End the run as a signal would. */
void		 demo_halt(void);

/* Sleep for seconds, but no later than the end of the run. */
void		 demo_sleep(double seconds);

/* Say one line on stderr, prefixed with the program and pattern. */
void		 demo_say(const char *fmt, ...)
		     __attribute__((format(printf, 1, 2)));

/* A pseudo-random number, reproducible from the seed. */
uint64_t	 demo_random(void);

/* A random number in [lo, hi]. */
size_t		 demo_between(size_t lo, size_t hi);

/* A size for people in buf: "64 MiB", "1.5 MiB", "12 KiB". */
const char	*demo_human(size_t bytes, char *buf, size_t len);

/* An anonymous private mapping of size bytes, or exit 1 saying why. */
char		*demo_map(size_t size);

/* Write a new value in one byte of each page of [first, first + n). */
void		 demo_touch(char *buf, size_t first, size_t n);

#endif
