/*
 * history.c - dirty-page counts per cycle and the convergence rule: the
 * last W counts all within +-T of their mean.
 */
#include "config.h"

#include <stdlib.h>

#include "history.h"

void
history_init(struct history *h, unsigned window, double tolerance)
{
	h->counts = NULL;
	h->n = h->cap = 0;
	h->window = window == 0 ? HISTORY_WINDOW : window;
	h->tolerance = tolerance < 0 ? HISTORY_TOLERANCE : tolerance;
	h->converged_at = -1;
}

void
history_free(struct history *h)
{
	free(h->counts);
	h->counts = NULL;
	h->n = h->cap = 0;
}

void
history_reset(struct history *h)
{
	h->n = 0;
	h->converged_at = -1;
}

void
history_pop(struct history *h)
{
	if (h->n == 0)
		return;
	h->n--;
	/* Converged at the count dropped: not any more. */
	if (h->converged_at >= (long)h->n)
		h->converged_at = -1;
}

bool
converged(const uint64_t *counts, size_t n, unsigned window, double tolerance)
{
	double	 mean = 0, d;
	size_t	 i;

	if (window == 0 || n < window)
		return (false);
	counts += n - window;
	for (i = 0; i < window; i++)
		mean += (double)counts[i];
	mean /= window;
	for (i = 0; i < window; i++) {
		d = (double)counts[i] - mean;
		if (d < 0)
			d = -d;
		if (d > tolerance * mean)
			return (false);
	}
	return (true);
}

int
history_push(struct history *h, uint64_t count)
{
	uint64_t	*nc;
	size_t		 ncap;
	bool		 now;

	if (h->n == h->cap) {
		ncap = h->cap == 0 ? 256 : h->cap * 2;
		if ((nc = reallocarray(h->counts, ncap, sizeof *nc)) == NULL)
			return (-1);
		h->counts = nc;
		h->cap = ncap;
	}
	h->counts[h->n++] = count;
	now = converged(h->counts, h->n, h->window, h->tolerance);
	if (now && h->converged_at == -1)
		h->converged_at = (long)h->n - 1;
	return (now);
}

bool
history_converged(const struct history *h)
{
	return (converged(h->counts, h->n, h->window, h->tolerance));
}

/* The largest count of a range: the scale of the sparkline. */
uint64_t
history_max(const uint64_t *counts, size_t first, size_t n)
{
	uint64_t	max = 0;
	size_t		i;

	for (i = first; i < n; i++) {
		if (counts[i] > max)
			max = counts[i];
	}
	return (max);
}

/* The mean of the last window counts: what a converged run writes. */
uint64_t
history_working_set(const uint64_t *counts, size_t n, unsigned window)
{
	uint64_t	sum = 0;
	size_t		i, k;

	if (n == 0)
		return (0);
	k = window > 0 && window <= n ? window : n;
	for (i = n - k; i < n; i++)
		sum += counts[i];
	return (sum / k);
}

/* Count back from the last cycle to the one of an index. */
long
history_cycle_at(size_t n, long at, unsigned long last)
{
	return ((long)last - (long)(n - 1 - (size_t)at));
}
