/*
 * bench-lib.h - what the benchmarks (tests/bench-*.c) share: the clock,
 * medians and spreads of repeated figures, and the one table format that
 * tests/bench.sh gathers from all of them.
 *
 * A row is: case, pages, milliseconds per cycle, nanoseconds per page,
 * the ratio to the limit measured in the same run (the median of the
 * repetitions, then their minimum and maximum) and a free note. A verdict
 * line starts with "verdict:" and says PASS or MISS with the figure.
 */
#ifndef SDTOP_BENCH_LIB_H
#define SDTOP_BENCH_LIB_H

#include <stddef.h>
#include <stdint.h>

/* Seconds on the monotonic clock. */
double	 bench_now(void);

/* The median of v[0..n) (sorted in place); 0 when n is 0. */
double	 bench_median(double *v, size_t n);

/* The smallest and the largest of v[0..n). */
void	 bench_range(const double *v, size_t n, double *lo, double *hi);

/* The table's heading (printed once by tests/bench.sh, or by hand). */
void	 bench_heading(void);

/*
 * One row: ms[] the time per cycle of each repetition (milliseconds; NULL
 * when not a time), ratio[] the ratio of each repetition to its limit
 * (NULL: none), n repetitions; note is printed as it is ("" for none).
 */
void	 bench_row(const char *label, uint64_t pages, double *ms,
	     double *ratio, size_t n, const char *note);

/* A verdict: PASS when figure <= goal (or >= goal when at_least). */
void	 bench_verdict(const char *goal, double figure, double limit,
	     int at_least, const char *unit);

/* Print "skipped: why" as a row of the case called label. */
void	 bench_skip(const char *label, const char *why);

/* The peak RSS of this process, from /proc/self/status VmHWM, in KiB. */
long	 bench_self_hwm_kib(void);

#endif
