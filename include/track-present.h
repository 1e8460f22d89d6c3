/*
 * track-present.h - the present pages of a region for the methods that
 * ask the kernel for them apart from the written ones (uffd-wp, and
 * soft-dirty by PAGEMAP_SCAN), kept in a present map (present-map.h).
 *
 * A page that maps the shared zero page (a read of a page never written,
 * or given back) holds nothing a migration must send: it counts as absent
 * here, as a hole does.
 *
 * A collect brings the map up to date before it asks for the written
 * pages: by a full walk of the present (or swapped) pages when the map is
 * PRESENT_MAP_AGE old, and otherwise by a walk of the absent pages alone
 * (neither present nor swapped, or the zero page), which leave the map;
 * then the pages written join it. The absent walk goes only over the
 * map's runs (a page not in it cannot be given back), runs closer than
 * a few hundred pages walked as one span, and costs the kernel about
 * what the written walk does over them (each page table entry is read,
 * no page looked up), far less than the full walk, so every page given
 * back is seen at the first collect after it, read again or not, and the
 * discarded pages of a cycle (discard.h) are exact. A page faulted in by
 * a read alone (never written) joins only at the next full walk,
 * PRESENT_MAP_AGE at most: it was not given back.
 *
 * Addresses are in bytes.
 */
#ifndef SDTOP_TRACK_PRESENT_H
#define SDTOP_TRACK_PRESENT_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel-compat.h"

struct present_map;
struct runs;
struct snap_vma;

/*
 * The PAGEMAP_SCAN masks of the absent walk: pages neither present nor
 * swapped, or mapping the zero page (PAGE_IS_PFNZERO), no WP flag (it protects nothing), and no PAGE_IS_FILE, which
 * would make the kernel look up the page of every entry.
 */
void	 present_absent_masks(struct pmscan_arg *a);

/*
 * Bring pm up to date for the region [start, end) of the target whose
 * pagemap is pmfd, before the written pages are asked for: a full walk
 * when pm is due (then *huge, unless NULL, says whether it met huge
 * pages), else the absent walk. -1 with errno: pm is forgotten (walked
 * in full next time) and holds nothing to use this cycle.
 */
int	 present_refresh(int pmfd, struct present_map *pm, uint64_t start,
	     uint64_t end, bool *huge);

/*
 * Add the runs of the pages written since the refresh to pm, then its
 * pages to sv->present (made when NULL). -1 with errno ENOMEM.
 */
int	 present_complete(struct present_map *pm, const struct runs *written,
	     struct snap_vma *sv);

#endif
