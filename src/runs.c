/*
 * runs.c - sorted run lists of addresses: appending in order and union.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>

#include "array.h"
#include "runs.h"

int
runs_append(struct runs *rs, uint64_t start, uint64_t end)
{
	struct run	*last, *grown;

	if (start >= end)
		return (0);
	if (rs->n > 0) {
		last = &rs->r[rs->n - 1];
		if (start <= last->end) {
			if (end > last->end)
				last->end = end;
			return (0);
		}
	}
	if ((grown = array_reserve(rs->r, rs->n + 1, &rs->cap,
	    sizeof *rs->r)) == NULL)
		return (-1);
	rs->r = grown;
	rs->r[rs->n].start = start;
	rs->r[rs->n].end = end;
	rs->n++;
	return (0);
}

int
runs_merge(struct runs *rs, const struct runs *add)
{
	struct runs	 u = { NULL, 0, 0 };
	const struct run *next;
	size_t		 i = 0, j = 0;

	if (add->n == 0)
		return (0);
	while (i < rs->n || j < add->n) {
		if (j == add->n || (i < rs->n &&
		    rs->r[i].start <= add->r[j].start))
			next = &rs->r[i++];
		else
			next = &add->r[j++];
		if (runs_append(&u, next->start, next->end) == -1) {
			runs_free(&u);
			errno = ENOMEM;
			return (-1);
		}
	}
	runs_free(rs);
	*rs = u;
	return (0);
}

void
runs_clear(struct runs *rs)
{
	rs->n = 0;
}

void
runs_free(struct runs *rs)
{
	free(rs->r);
	rs->r = NULL;
	rs->n = rs->cap = 0;
}
