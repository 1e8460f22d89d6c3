/*
 * present-map.h - the present pages of one region as of the kernel's last
 * walk of them, kept between cycles by the methods that ask for them
 * apart from the written ones (uffd-wp; soft-dirty by PAGEMAP_SCAN).
 *
 * Asking the kernel for the present pages costs several times asking for
 * the written ones alone, so a method walks them again only when its map
 * is PRESENT_MAP_AGE seconds old (CLOCK_MONOTONIC); in between, the pages
 * written each cycle join the map (a written page is present), and the
 * pages the kernel finds absent (discarded) leave it (track-present.h).
 * A page faulted in by a read shows as it was at the last walk.
 * Addresses are in bytes.
 */
#ifndef SDTOP_PRESENT_MAP_H
#define SDTOP_PRESENT_MAP_H

#include <stdbool.h>
#include <stdint.h>

#include "runs.h"

#define PRESENT_MAP_AGE	5.0

struct pageset;

struct present_map {
	struct runs	 runs;		/* present or swapped */
	double		 walked;	/* when; 0: never, or forgotten */
};

/*
 * Whether pm must be walked again now: never walked, forgotten, or
 * PRESENT_MAP_AGE old. Then it is emptied, for the walk to fill pm->runs,
 * and present_map_walked() dates it.
 */
bool	 present_map_due(struct present_map *pm);
void	 present_map_walked(struct present_map *pm);
/* The walk failed, or the region changed: walk again next time. */
void	 present_map_forget(struct present_map *pm);

/* Add the runs of the pages written since (they are present); -1 ENOMEM. */
int	 present_map_add(struct present_map *pm, const struct runs *written);

/*
 * Take the runs of absent out of pm (pages found neither present nor
 * swapped); -1 with errno ENOMEM, pm unchanged.
 */
int	 present_map_remove(struct present_map *pm, const struct runs *absent);

/*
 * Add the pages of pm to set, counted in pages of 1 << shift bytes from
 * start (the region's first byte); -1 (ENOMEM) when set cannot hold them.
 */
int	 present_map_fill(const struct present_map *pm, uint64_t start,
	     unsigned int shift, struct pageset *set);

void	 present_map_free(struct present_map *pm);

#endif
