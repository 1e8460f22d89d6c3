/*
 * present-map.c - a region's present pages between the kernel's walks of
 * them: when to walk again, the written pages in between, and the page
 * set of a cycle.
 */
#include "config.h"

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
