/*
 * track-present.c - a region's present map kept exact for discards: the
 * full walk of its present pages when the map is due, the walk of its
 * absent pages in between, and the page set of a cycle. Addresses are in
 * bytes; page sets count pages of page_size() from the region's start.
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "page.h"
#include "pageset.h"
#include "present-map.h"
#include "proc-pagemap.h"
#include "runs.h"
#include "snapshot.h"
#include "track-present.h"

/* Where the regions of one walk go: runs clipped to [start, end). */
struct present_walk {
	struct runs	*runs;
	uint64_t	 start;
	uint64_t	 end;
	bool		 huge;		/* a region of huge pages was met */
	bool		 nomem;		/* runs could not grow: incomplete */
};

/*
 * Gaps of the present map below this many pages are walked rather than
 * skipped: one ioctl over both runs costs less than two.
 */
#define PRESENT_GAP_PAGES	512

void
present_absent_masks(struct pmscan_arg *a)
{
	/*
	 * The kernel inverts, then asks every bit of category_mask and one
	 * of category_anyof_mask: not swapped, and not present or the zero
	 * page. No return bit: the regions are runs of such pages.
	 */
	a->flags = 0;
	a->category_inverted = PAGE_IS_PRESENT | PAGE_IS_SWAPPED;
	a->category_mask = PAGE_IS_SWAPPED;
	a->category_anyof_mask = PAGE_IS_PRESENT | PAGE_IS_PFNZERO;
	a->return_mask = 0;
}

/* Keep the run of one region of a walk, clipped; note huge pages. */
static int
present_region(const struct pmscan_region *reg, void *arg)
{
	struct present_walk	*w = arg;
	uint64_t		 from, to;

	if (reg->categories & PAGE_IS_HUGE)
		w->huge = true;
	from = reg->start > w->start ? reg->start : w->start;
	to = reg->end < w->end ? reg->end : w->end;
	if (from < to && runs_append(w->runs, from, to) == -1) {
		w->nomem = true;
		return (1);
	}
	return (0);
}

/*
 * One walk of [start, end) with the masks of tmpl, its runs appended to
 * runs (which end at or below start). -1 with errno.
 */
static int
present_walk(int pmfd, uint64_t start, uint64_t end,
    const struct pmscan_arg *tmpl, struct runs *runs, bool *huge)
{
	struct present_walk	w;
	int			r;

	memset(&w, 0, sizeof w);
	w.runs = runs;
	w.start = start;
	w.end = end;
	r = pagemap_scan(pmfd, start, end, tmpl, present_region, &w);
	if (w.nomem) {
		errno = ENOMEM;
		return (-1);
	}
	if (r != 0)
		return (-1);
	if (huge != NULL)
		*huge = w.huge;
	return (0);
}

/*
 * The absent walk into absent: only where pm has pages, as only a page
 * present at the last collect can have been given back since; runs of pm
 * closer than PRESENT_GAP_PAGES are walked as one span. -1 with errno.
 */
static int
present_absent(int pmfd, const struct present_map *pm, uint64_t start,
    uint64_t end, const struct pmscan_arg *tmpl, struct runs *absent)
{
	uint64_t	 gap = (uint64_t)PRESENT_GAP_PAGES * page_size();
	uint64_t	 from, to;
	size_t		 i, j;

	for (i = 0; i < pm->runs.n; i = j) {
		from = pm->runs.r[i].start;
		to = pm->runs.r[i].end;
		for (j = i + 1; j < pm->runs.n &&
		    pm->runs.r[j].start - to < gap; j++)
			to = pm->runs.r[j].end;
		if (from < start)
			from = start;
		if (to > end)
			to = end;
		if (from < to &&
		    present_walk(pmfd, from, to, tmpl, absent, NULL) == -1)
			return (-1);
	}
	return (0);
}

int
present_refresh(int pmfd, struct present_map *pm, uint64_t start,
    uint64_t end, bool *huge)
{
	struct pmscan_arg	 tmpl;
	struct runs		 absent = { NULL, 0, 0 };
	int			 r;

	memset(&tmpl, 0, sizeof tmpl);
	if (present_map_due(pm)) {
		/*
		 * Every page that holds content, but the zero page (nothing
		 * a migration sends); huge ones are noted.
		 */
		tmpl.category_inverted = PAGE_IS_PFNZERO;
		tmpl.category_mask = PAGE_IS_PFNZERO;
		tmpl.category_anyof_mask = PAGE_IS_PRESENT | PAGE_IS_SWAPPED;
		tmpl.return_mask = PAGE_IS_PRESENT | PAGE_IS_SWAPPED |
		    PAGE_IS_HUGE;
		runs_clear(&pm->runs);
		if (present_walk(pmfd, start, end, &tmpl, &pm->runs,
		    huge) == -1) {
			present_map_forget(pm);
			runs_clear(&pm->runs);
			return (-1);
		}
		present_map_walked(pm);
		return (0);
	}
	present_absent_masks(&tmpl);
	r = present_absent(pmfd, pm, start, end, &tmpl, &absent);
	if (r == 0)
		r = present_map_remove(pm, &absent);
	runs_free(&absent);
	if (r == -1) {
		present_map_forget(pm);
		runs_clear(&pm->runs);
	}
	return (r);
}

int
present_complete(struct present_map *pm, const struct runs *written,
    struct snap_vma *sv)
{
	if (present_map_add(pm, written) == -1)
		return (-1);
	if (sv->present == NULL &&
	    (sv->present = pageset_new(sv->npages)) == NULL)
		return (-1);
	return (present_map_fill(pm, sv->vma.start, page_shift(),
	    sv->present));
}
