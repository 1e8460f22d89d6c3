/*
 * view-layout.h - where the region map goes, without a terminal: which
 * regions are shown and in what order, the rows each takes, the zoom
 * auto-zoom picks, and the width of each region's title (view-title.h).
 *
 * Units: screen rows and columns; map rows are counted from the first
 * row of the whole map; a cell is view.zoom pages.
 */
#ifndef SDTOP_VIEW_LAYOUT_H
#define SDTOP_VIEW_LAYOUT_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct view;

/* Columns between a title and the cells that follow it on its row. */
#define VIEW_TITLE_GAP	2

/*
 * The most rows a region, or the whole map, is counted to take: far more
 * than any region has (2^52 pages at most), and small enough that rows,
 * scroll positions and screen heights add up without overflow.
 */
#define VIEW_ROWS_MAX	(LONG_MAX / 4)

/*
 * Lay out the map for a screen of cols columns and height map rows: the
 * VMAs shown, their order, the zoom when auto, the total map rows.
 */
void	 view_layout(struct view *v, int cols, int height);

/*
 * Rows one VMA takes at a zoom on cols columns, its title taking
 * title_cols: one when the cells fit on the title's row after
 * VIEW_TITLE_GAP columns, else the title's row and the rows of cells;
 * VIEW_ROWS_MAX at most.
 */
long	 view_vma_rows(uint64_t npages, uint64_t zoom, int cols,
	     int title_cols);

#endif
