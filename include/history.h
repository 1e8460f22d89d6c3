/*
 * history.h - the dirty-page count of every cycle, and convergence.
 *
 * The rule: the run has converged when the last W counts (the window,
 * default 5) all lie within +-T (the tolerance, default 10 %) of their mean.
 * A window of all-zero counts has converged.
 */
#ifndef SDTOP_HISTORY_H
#define SDTOP_HISTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HISTORY_WINDOW		5
#define HISTORY_TOLERANCE	0.10

struct history {
	uint64_t	*counts;	/* dirty pages, one per cycle */
	size_t		 n;
	size_t		 cap;
	unsigned	 window;
	double		 tolerance;	/* a fraction: 0.10 is 10 % */
	long		 converged_at;	/* index of the first converged cycle, -1 */
};

void	 history_init(struct history *h, unsigned window, double tolerance);
void	 history_free(struct history *h);
/* Drop every count (after "clear now" or a changed interval). */
void	 history_reset(struct history *h);
/* Drop the last count (a rescan's, which saw part of a cycle only). */
void	 history_pop(struct history *h);
/* Append one cycle's count; returns whether the history has converged now. */
int	 history_push(struct history *h, uint64_t count);
bool	 history_converged(const struct history *h);

/* The rule itself, on the last window counts of counts[0..n). */
bool	 converged(const uint64_t *counts, size_t n, unsigned window,
	     double tolerance);

/* The largest of counts[first..n), or 0 when there are none. */
uint64_t history_max(const uint64_t *counts, size_t first, size_t n);

/*
 * The working set, in pages per cycle: the mean, rounded down, of the
 * last window counts of counts[0..n), or of all n when the window is 0
 * or longer than the history; 0 when n is 0.
 */
uint64_t history_working_set(const uint64_t *counts, size_t n,
	     unsigned window);

/*
 * The cycle number of counts[at], 0 <= at < n, when the last count,
 * counts[n - 1], is that of cycle last.
 */
long	 history_cycle_at(size_t n, long at, unsigned long last);

#endif
