/*
 * render.h - pure rendering of snapshots into characters: the page cells
 * of a VMA and the sparkline of the dirty history. No terminal here, so
 * every output (text, the screen) shares it and tests call it directly.
 *
 * A cell stands for `zoom` consecutive pages (zoom 1: one page, the course
 * format). Columns are cells, not bytes.
 */
#ifndef SDTOP_RENDER_H
#define SDTOP_RENDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct snap_vma;

/*
 * The most cells a text row holds (a region of 256 MiB in 4 KiB pages):
 * the rows of larger regions stand for several pages a cell, so that a
 * row's length never grows with the size a region claims.
 */
#define RENDER_MAX_CELLS	65536

enum cell {
	CELL_CLEAN,	/* tracked, none of its pages written */
	CELL_FEW,	/* some written: at most a third */
	CELL_MANY,	/* more than a third but not all */
	CELL_WRITTEN,	/* every page written */
	CELL_ABSENT,	/* tracked, no page resident or swapped */
	CELL_DISCARDED,	/* none written, some given back this cycle */
	CELL_NEW,	/* the VMA is new this cycle: not judged */
	CELL_UNTRACKED,	/* the VMA is not tracked */
};

/* The kind of the cell covering pages [first, first + n) of v. */
enum cell	 render_cell(const struct snap_vma *v, uint64_t first,
		     uint64_t n);

/*
 * The character of a cell. course: the course's two-letter format, where
 * only X and . exist (absent and discarded pages print as ., FEW and
 * MANY as X).
 */
char		 cell_char(enum cell c, bool course);

/*
 * Write the cells of v at the given zoom into buf (NUL-terminated, at most
 * size - 1 cells) starting at cell `from`; returns the cells written.
 */
size_t		 render_row(const struct snap_vma *v, uint64_t zoom,
		     uint64_t from, bool course, char *buf, size_t size);

/* Cells a VMA of npages pages takes at a zoom. */
uint64_t	 render_ncells(uint64_t npages, uint64_t zoom);

/* The smallest zoom at which npages pages fit in max_cells cells. */
uint64_t	 render_zoom_fit(uint64_t npages, uint64_t max_cells);

/*
 * Sparkline of counts[0..n) scaled to max (0: the largest count), one
 * column per count: eight Unicode block levels (UTF-8, 3 bytes each) when
 * unicode, else the ASCII ramp " _.-=+*#". A non-zero count never draws
 * as the blank level. Returns the bytes written (NUL-terminated in buf).
 */
size_t		 render_sparkline(const uint64_t *counts, size_t n,
		     uint64_t max, bool unicode, char *buf, size_t size);

/* "4.0 KiB", "12.5 MiB": a byte count for people, into buf. */
const char	*render_bytes(uint64_t bytes, char *buf, size_t size);

#endif
