/*
 * render.c - the page cells of a VMA and the sparkline of the dirty
 * history, as plain characters.
 *
 * Units: pages are counted from the start of a VMA; a cell covers `zoom`
 * consecutive pages (the last cell of a VMA may cover fewer); columns are
 * cells. The sparkline takes dirty-page counts, one column per cycle, and
 * writes bytes (three per Unicode column, one per ASCII column).
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "pageset.h"
#include "render.h"
#include "snapshot.h"

/* Eight levels from U+2581 (lower one eighth block) to U+2588 (full). */
static const char *const render_blocks[] = {
	"\xe2\x96\x81", "\xe2\x96\x82", "\xe2\x96\x83", "\xe2\x96\x84",
	"\xe2\x96\x85", "\xe2\x96\x86", "\xe2\x96\x87", "\xe2\x96\x88",
};

/* The ASCII twin: index 0 is the blank level, 7 the tallest. */
static const char render_ramp[] = " _.-=+*#";

enum cell
render_cell(const struct snap_vma *v, uint64_t first, uint64_t n)
{
	uint64_t	last, written, present;

	/* A new VMA is not tracked in its first cycle: say why. */
	if (v->is_new)
		return (CELL_NEW);
	if (!v->tracked || v->written == NULL)
		return (CELL_UNTRACKED);
	if (first >= v->npages || n == 0)
		return (CELL_CLEAN);
	last = first + n;
	if (last > v->npages || last < first)
		last = v->npages;
	n = last - first;

	written = pageset_count_range(v->written, first, last);
	if (written == 0) {
		if (v->discarded != NULL &&
		    pageset_count_range(v->discarded, first, last) > 0)
			return (CELL_DISCARDED);
		if (v->present != NULL) {
			present = pageset_count_range(v->present, first, last);
			if (present == 0)
				return (CELL_ABSENT);
		}
		return (CELL_CLEAN);
	}
	if (written == n)
		return (CELL_WRITTEN);
	if (written * 3 <= n)
		return (CELL_FEW);
	return (CELL_MANY);
}

char
cell_char(enum cell c, bool course)
{
	switch (c) {
	case CELL_CLEAN:
		return ('.');
	case CELL_FEW:
		return (course ? 'X' : ':');
	case CELL_MANY:
		return (course ? 'X' : 'x');
	case CELL_WRITTEN:
		return ('X');
	case CELL_ABSENT:
		return (course ? '.' : '-');
	case CELL_DISCARDED:
		return (course ? '.' : 'o');
	case CELL_NEW:
		return (course ? '.' : '+');
	case CELL_UNTRACKED:
		return (course ? '.' : '~');
	}
	return ('?');
}

uint64_t
render_ncells(uint64_t npages, uint64_t zoom)
{
	if (zoom <= 1)
		return (npages);
	return (npages / zoom + (npages % zoom != 0));
}

uint64_t
render_zoom_fit(uint64_t npages, uint64_t max_cells)
{
	uint64_t	zoom;

	if (max_cells == 0)
		return (npages > 0 ? npages : 1);
	zoom = npages / max_cells + (npages % max_cells != 0);
	return (zoom > 0 ? zoom : 1);
}

size_t
render_row(const struct snap_vma *v, uint64_t zoom, uint64_t from,
    bool course, char *buf, size_t size)
{
	uint64_t	ncells, cell;
	size_t		i = 0;

	if (size == 0)
		return (0);
	if (zoom == 0)
		zoom = 1;
	ncells = render_ncells(v->npages, zoom);
	for (cell = from; cell < ncells && i < size - 1; cell++)
		buf[i++] = cell_char(render_cell(v, cell * zoom, zoom), course);
	buf[i] = '\0';
	return (i);
}

/* The level (0 blank .. top) of one count on a scale of max. */
static unsigned
render_level(uint64_t count, uint64_t max, unsigned top)
{
	uint64_t	level;

	if (count == 0)
		return (0);
	if (max == 0 || count >= max)
		return (top);
	/* Huge counts: scale both down so that count * top cannot overflow. */
	while (count > UINT64_MAX / top) {
		count >>= 1;
		max >>= 1;
	}
	/* Round up so that any non-zero count reaches level 1. */
	level = count * top / max + (count * top % max != 0);
	if (level < 1)
		level = 1;
	if (level > top)
		level = top;
	return ((unsigned)level);
}

size_t
render_sparkline(const uint64_t *counts, size_t n, uint64_t max,
    bool unicode, char *buf, size_t size)
{
	size_t		i, len = 0, need;
	unsigned	level;
	const char	*s;

	if (size == 0)
		return (0);
	if (max == 0) {
		for (i = 0; i < n; i++) {
			if (counts[i] > max)
				max = counts[i];
		}
	}
	for (i = 0; i < n; i++) {
		if (unicode) {
			/* Zero is a space; levels 1..8 are the blocks. */
			level = render_level(counts[i], max, 8);
			s = level == 0 ? " " : render_blocks[level - 1];
		} else {
			level = render_level(counts[i], max, 7);
			s = &render_ramp[level];
		}
		need = unicode && level != 0 ? strlen(s) : 1;
		if (len + need > size - 1)
			break;
		memcpy(buf + len, s, need);
		len += need;
	}
	buf[len] = '\0';
	return (len);
}

const char *
render_bytes(uint64_t bytes, char *buf, size_t size)
{
	static const char *const units[] = {
		"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"
	};
	double		value;
	size_t		u;

	if (bytes < 1024) {
		snprintf(buf, size, "%" PRIu64 " B", bytes);
		return (buf);
	}
	value = (double)bytes / 1024;
	for (u = 0; value >= 1024 && u < sizeof units / sizeof units[0] - 1;
	    u++)
		value /= 1024;
	/* Keep "1023.9 KiB" from rounding up to an odd "1024.0 KiB". */
	if (value >= 1023.95 && u < sizeof units / sizeof units[0] - 1) {
		value /= 1024;
		u++;
	}
	snprintf(buf, size, "%.1f %s", value, units[u]);
	return (buf);
}
