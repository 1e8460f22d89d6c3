/*
 * present-map.c - a region's present pages between the kernel's walks of
 * them: when to walk again, the written and the absent pages in between,
 * and the page set of a cycle.
 */
#include "config.h"

#include <errno.h>

#include "now.h"
#include "pageset.h"
#include "present-map.h"

bool
present_map_due(struct present_map *pm)
{
	if (pm->walked != 0 &&
	    now_mono() - pm->walked < PRESENT_MAP_AGE)
		return (false);
	pm->walked = 0;
	runs_clear(&pm->runs);
	return (true);
}

void
present_map_walked(struct present_map *pm)
{
	pm->walked = now_mono();
}

void
present_map_forget(struct present_map *pm)
{
	pm->walked = 0;
}

int
present_map_add(struct present_map *pm, const struct runs *written)
{
	return (runs_merge(&pm->runs, written));
}

int
present_map_remove(struct present_map *pm, const struct runs *absent)
{
	struct runs		 left = { NULL, 0, 0 };
	const struct run	*a;
	uint64_t		 from;
	size_t			 i, j = 0;

	if (absent->n == 0 || pm->runs.n == 0)
		return (0);
	/* Both lists ascend: each run of pm keeps what no absent run covers. */
	for (i = 0; i < pm->runs.n; i++) {
		from = pm->runs.r[i].start;
		while (j < absent->n && absent->r[j].end <= from)
			j++;
		for (; j < absent->n; j++) {
			a = &absent->r[j];
			if (a->start >= pm->runs.r[i].end)
				break;
			if (a->start > from &&
			    runs_append(&left, from, a->start) == -1)
				goto nomem;
			if (a->end >= pm->runs.r[i].end) {
				from = pm->runs.r[i].end;
				break;
			}
			from = a->end;
		}
		if (runs_append(&left, from, pm->runs.r[i].end) == -1)
			goto nomem;
	}
	runs_free(&pm->runs);
	pm->runs = left;
	return (0);

nomem:
	runs_free(&left);
	errno = ENOMEM;
	return (-1);
}

int
present_map_fill(const struct present_map *pm, uint64_t start,
    unsigned int shift, struct pageset *set)
{
	const struct run	*r;
	size_t			 i;

	for (i = 0; i < pm->runs.n; i++) {
		r = &pm->runs.r[i];
		if (pageset_add_range(set, (r->start - start) >> shift,
		    (r->end - start) >> shift) == -1)
			return (-1);
	}
	return (0);
}

void
present_map_free(struct present_map *pm)
{
	runs_free(&pm->runs);
	pm->walked = 0;
}
