/*
 * bench-lib.c - the clock, medians and table rows of the benchmarks (see
 * bench-lib.h). Times: seconds from bench_now(), milliseconds and
 * nanoseconds per page in rows.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench-lib.h"

/* Seconds on the monotonic clock. */
double
bench_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (ts.tv_sec + ts.tv_nsec / 1e9);
}

/* qsort() order of two doubles. */
static int
bench_cmp(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return ((x > y) - (x < y));
}

/* The median of v[0..n), sorted in place. */
double
bench_median(double *v, size_t n)
{
	if (n == 0)
		return (0);
	qsort(v, n, sizeof *v, bench_cmp);
	if (n % 2 == 1)
		return (v[n / 2]);
	return ((v[n / 2 - 1] + v[n / 2]) / 2);
}

/* The smallest and largest of v[0..n). */
void
bench_range(const double *v, size_t n, double *lo, double *hi)
{
	size_t	i;

	*lo = *hi = n > 0 ? v[0] : 0;
	for (i = 1; i < n; i++) {
		if (v[i] < *lo)
			*lo = v[i];
		if (v[i] > *hi)
			*hi = v[i];
	}
}

/* The heading of the table. */
void
bench_heading(void)
{
	printf("%-38s %9s %9s %8s %18s  %s\n", "case", "pages", "ms/cycle",
	    "ns/page", "ratio (min-max)", "note");
}

/* One row of the table (see bench-lib.h). */
void
bench_row(const char *label, uint64_t pages, double *ms, double *ratio,
    size_t n, const char *note)
{
	char	cms[32] = "-", cns[32] = "-", cr[48] = "-";
	double	m, lo, hi;

	if (ms != NULL && n > 0) {
		m = bench_median(ms, n);
		snprintf(cms, sizeof cms, "%.3f", m);
		if (pages > 0)
			snprintf(cns, sizeof cns, "%.2f", m * 1e6 /
			    (double)pages);
	}
	if (ratio != NULL && n > 0) {
		bench_range(ratio, n, &lo, &hi);
		m = bench_median(ratio, n);
		snprintf(cr, sizeof cr, "%.2f (%.2f-%.2f)", m, lo, hi);
	}
	printf("%-38s %9llu %9s %8s %18s  %s\n", label,
	    (unsigned long long)pages, cms, cns, cr, note);
	fflush(stdout);
}

/* One verdict line: PASS or MISS, the figure and the goal. */
void
bench_verdict(const char *goal, double figure, double limit, int at_least,
    const char *unit)
{
	int	pass = at_least ? figure >= limit : figure <= limit;

	printf("verdict: %s: %s (%.2f%s, goal %s %.2f%s)\n", goal,
	    pass ? "PASS" : "MISS", figure, unit, at_least ? ">=" : "<=",
	    limit, unit);
	fflush(stdout);
}

/* A case that could not run, and why. */
void
bench_skip(const char *label, const char *why)
{
	printf("%-38s skipped: %s\n", label, why);
	fflush(stdout);
}

/* VmHWM of this process, KiB, or -1. */
long
bench_self_hwm_kib(void)
{
	FILE	*f;
	char	 line[256];
	long	 kib = -1;

	if ((f = fopen("/proc/self/status", "r")) == NULL)
		return (-1);
	while (fgets(line, sizeof line, f) != NULL)
		if (strncmp(line, "VmHWM:", 6) == 0)
			kib = strtol(line + 6, NULL, 10);
	fclose(f);
	return (kib);
}
