/*
 * runs.h - sets of addresses kept as sorted, disjoint [start, end) runs.
 *
 * A run list costs 16 bytes per run, whatever the span it covers: a few
 * runs describe the resident part of a reservation of terabytes.
 */
#ifndef SDTOP_RUNS_H
#define SDTOP_RUNS_H

#include <stddef.h>
#include <stdint.h>

struct run {
	uint64_t	start;
	uint64_t	end;		/* exclusive */
};

struct runs {
	struct run	*r;		/* ascending, disjoint, not adjacent */
	size_t		 n;
	size_t		 cap;
};

/*
 * Add [start, end) at the end of rs: start must not be below the start of
 * the last run (the order every scan returns). Overlapping or adjacent
 * runs are joined. -1 with errno ENOMEM, rs unchanged.
 */
int	runs_append(struct runs *rs, uint64_t start, uint64_t end);

/* Make rs the union of rs and add. -1 with errno ENOMEM, rs unchanged. */
int	runs_merge(struct runs *rs, const struct runs *add);

/* Forget every run, keeping the memory. */
void	runs_clear(struct runs *rs);

void	runs_free(struct runs *rs);

#endif
