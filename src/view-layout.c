/*
 * view-layout.c - where the region map goes, computed without a terminal
 * so that it is tested without one: which regions are shown and in what
 * order, the width of each one's title, the rows each region takes, the
 * zoom auto-zoom picks, and the scroll position kept within the map.
 *
 * Units: screen rows and columns; a cell is view.zoom pages; map rows are
 * counted from the first row of the whole map (view.top is the first one
 * shown). A region takes its title's row, then rows of cells; one whose
 * cells fit after its title takes that row only. Titles (view-title.c)
 * are measured in columns, not bytes (a CJK character takes two columns,
 * three bytes). Of a set of processes, the map is that of the process
 * opened (view_regions()).
 */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "proc-maps.h"
#include "render.h"
#include "snapshot.h"
#include "view.h"
#include "view-layout.h"
#include "view-title.h"

/* Whether a VMA is shown with the current filter. */
static bool
view_shows(const struct view *v, const struct snap_vma *sv)
{
	if (!v->writable_only)
		return (true);
	return (sv->tracked || (sv->vma.prot & VMA_WRITE));
}

/* The VMAs sorted by dirty count, most first; equal ones by address. */
static const struct snapshot *view_sort_snap;

static int
view_cmp_dirty(const void *a, const void *b)
{
	const struct snap_vma	*va, *vb;
	size_t			 ia = *(const size_t *)a, ib = *(const size_t *)b;

	va = &view_sort_snap->vmas[ia];
	vb = &view_sort_snap->vmas[ib];
	if (va->dirty != vb->dirty)
		return (va->dirty > vb->dirty ? -1 : 1);
	return (ia < ib ? -1 : ia > ib);
}

/* Rows one region takes: its title's, then those of its cells. */
long
view_vma_rows(uint64_t npages, uint64_t zoom, int cols, int title_cols)
{
	uint64_t	ncells, rows;

	if (cols < 1)
		cols = 1;
	ncells = render_ncells(npages, zoom);
	if (ncells == 0)
		ncells = 1;
	if (title_cols >= 0 && title_cols + VIEW_TITLE_GAP <= cols &&
	    ncells <= (uint64_t)(cols - title_cols - VIEW_TITLE_GAP))
		return (1);
	/* Not ncells + cols - 1: that could wrap. */
	rows = ncells / (uint64_t)cols + (ncells % (uint64_t)cols != 0);
	if (rows >= (uint64_t)VIEW_ROWS_MAX)
		return (VIEW_ROWS_MAX);
	return (1 + (long)rows);
}

/*
 * Map rows of all the shown VMAs at a zoom, stopping past limit; no more
 * than VIEW_ROWS_MAX.
 */
static long
view_map_rows(const struct view *v, uint64_t zoom, int cols, long limit)
{
	const struct snapshot	*s = view_regions(v);
	long			 rows = 0, n;
	size_t			 i;

	for (i = 0; i < v->norder && rows <= limit; i++) {
		n = view_vma_rows(s->vmas[v->order[i]].npages, zoom, cols,
		    v->title_cols[i]);
		if (n >= VIEW_ROWS_MAX - rows)
			return (VIEW_ROWS_MAX);
		rows += n;
	}
	return (rows);
}

/*
 * Make room in the view's two arrays for n regions; -1, said on the
 * status line, when memory runs out.
 */
static int
view_layout_reserve(struct view *v, size_t n)
{
	size_t	 ocap = v->order_cap, tcap = v->order_cap, *p;
	int	*t;

	if (n <= v->order_cap)
		return (0);
	if ((p = array_reserve(v->order, n, &ocap, sizeof *p)) == NULL)
		goto fail;
	v->order = p;
	if ((t = array_reserve(v->title_cols, n, &tcap, sizeof *t)) == NULL)
		goto fail;
	v->title_cols = t;
	v->order_cap = ocap < tcap ? ocap : tcap;
	return (0);

fail:
	view_status(v, true, "out of memory");
	return (-1);
}

/*
 * The regions shown, in their order, how their titles are written on
 * cols columns and the width of each; returns the pages of the biggest,
 * 1 at least.
 */
static uint64_t
view_layout_order(struct view *v, int cols)
{
	const struct snapshot	*s = view_regions(v);
	uint64_t		 biggest = 1;
	size_t			 i;
	char			 title[512];

	for (i = 0; i < s->nvma; i++) {
		if (!view_shows(v, &s->vmas[i]))
			continue;
		v->order[v->norder++] = i;
		if (s->vmas[i].npages > biggest)
			biggest = s->vmas[i].npages;
	}
	if (v->by_dirty && v->norder > 1) {
		view_sort_snap = s;
		qsort(v->order, v->norder, sizeof *v->order, view_cmp_dirty);
	}
	view_title_fmt(&v->title_fmt, s, v->order, v->norder, cols,
	    !v->unicode);
	for (i = 0; i < v->norder; i++)
		v->title_cols[i] = view_title(&s->vmas[v->order[i]],
		    s->page_size, &v->title_fmt, title, sizeof title);
	return (biggest);
}

/*
 * The smallest zoom whose map fits in height rows; the rows only shrink
 * as the zoom grows, so search. If even a row per VMA is too much, take
 * that and scroll.
 */
static uint64_t
view_layout_autozoom(const struct view *v, uint64_t biggest, int cols,
    int height)
{
	uint64_t	lo, hi, mid;

	lo = 1;
	hi = render_zoom_fit(biggest, (uint64_t)(cols > 0 ? cols : 1));
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (view_map_rows(v, mid, cols, height) <= height)
			hi = mid;
		else
			lo = mid + 1;
	}
	return (lo);
}

/* Lay out the map of the snapshot shown on cols columns, height rows. */
void
view_layout(struct view *v, int cols, int height)
{
	uint64_t	biggest;
	long		maxtop;

	v->norder = 0;
	v->map_height = height > 0 ? height : 0;
	if (v->snap == NULL) {
		v->map_rows = 0;
		v->top = 0;
		return;
	}
	if (view_layout_reserve(v, view_regions(v)->nvma) == -1) {
		v->map_rows = 0;
		return;
	}
	biggest = view_layout_order(v, cols);
	if (v->autozoom)
		v->zoom = view_layout_autozoom(v, biggest, cols, height);
	if (v->zoom > biggest)
		v->zoom = biggest;
	if (v->zoom < 1)
		v->zoom = 1;
	v->map_rows = view_map_rows(v, v->zoom, cols, VIEW_ROWS_MAX);
	maxtop = v->map_rows - height;
	if (v->top > maxtop)
		v->top = maxtop;
	if (v->top < 0)
		v->top = 0;
}
