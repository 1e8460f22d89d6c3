/*
 * track-zero.c - the written pages of a VMA that map the shared zero page,
 * found by PAGEMAP_SCAN (PAGE_IS_PFNZERO) and taken out of its written and
 * present pages. Runs are in pages from the VMA's start.
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "kernel-compat.h"
#include "pageset.h"
#include "proc-pagemap.h"
#include "runs.h"
#include "snapshot.h"
#include "track-zero.h"

/* Where the regions of the scan go. */
struct zero_walk {
	struct runs	*runs;
	uint64_t	 start;		/* the VMA's, in bytes */
	size_t		 psize;
};

/* Keep the run of one zero-page region, in pages. */
static int
zero_region(const struct pmscan_region *r, void *arg)
{
	struct zero_walk	*w = arg;

	if (runs_append(w->runs, (r->start - w->start) / w->psize,
	    (r->end - w->start) / w->psize) == -1)
		return (1);
	return (0);
}

/*
 * A new set holding the members of set outside the sorted runs zr, or
 * NULL (ENOMEM).
 */
static struct pageset *
zero_minus(const struct pageset *set, const struct runs *zr)
{
	struct pageset	*n;
	uint64_t	 size = pageset_size(set), i = 0, j, to;
	size_t		 k = 0;
	bool		 cut;

	if ((n = pageset_new(size)) == NULL)
		return (NULL);
	while ((i = pageset_next(set, i)) < size) {
		j = pageset_next_gap(set, i);
		/* [i, j) less the runs, run by run. */
		while (i < j) {
			while (k < zr->n && zr->r[k].end <= i)
				k++;
			cut = k < zr->n && zr->r[k].start < j;
			to = cut && zr->r[k].start > i ? zr->r[k].start :
			    cut ? i : j;
			if (i < to && pageset_add_range(n, i, to) == -1) {
				pageset_free(n);
				return (NULL);
			}
			i = cut ? (zr->r[k].end < j ? zr->r[k].end : j) : j;
		}
	}
	return (n);
}

/* The span [*lo, *hi) of the members of set; false when it has none. */
static bool
zero_span(const struct pageset *set, uint64_t *lo, uint64_t *hi)
{
	uint64_t	 size = pageset_size(set), i;

	if ((i = pageset_next(set, 0)) >= size)
		return (false);
	*lo = i;
	while (i < size) {
		*hi = pageset_next_gap(set, i);
		i = pageset_next(set, *hi);
	}
	return (true);
}

int
track_zero_drop(int pmfd, struct snap_vma *sv, size_t psize)
{
	struct runs		 zr = { NULL, 0, 0 };
	struct zero_walk	 w;
	struct pmscan_arg	 tmpl;
	struct pageset		*written = NULL, *present = NULL;
	uint64_t		 lo, hi;
	int			 r;

	if (!zero_span(sv->written, &lo, &hi))
		return (0);
	memset(&tmpl, 0, sizeof tmpl);
	tmpl.category_mask = PAGE_IS_PFNZERO;
	tmpl.return_mask = PAGE_IS_PFNZERO;
	w.runs = &zr;
	w.start = sv->vma.start;
	w.psize = psize;
	r = pagemap_scan(pmfd, sv->vma.start + lo * psize,
	    sv->vma.start + hi * psize, &tmpl, zero_region, &w);
	if (r != 0) {
		if (r > 0)
			sv->error = ENOMEM;
		runs_free(&zr);
		return (r > 0 ? 0 : -1);
	}
	if (zr.n > 0) {
		written = zero_minus(sv->written, &zr);
		if (sv->present != NULL)
			present = zero_minus(sv->present, &zr);
		if (written == NULL || (sv->present != NULL && present == NULL)) {
			pageset_free(written);
			pageset_free(present);
			sv->error = ENOMEM;
		} else {
			pageset_free(sv->written);
			sv->written = written;
			if (present != NULL) {
				pageset_free(sv->present);
				sv->present = present;
			}
			sv->dirty = pageset_count(written);
		}
	}
	runs_free(&zr);
	return (0);
}
