/*
 * view-title.h - the title row of a region on the screen: its address,
 * permissions, size, dirty count or why it is not tracked, and its name,
 * in a format chosen once a frame so that the rows line up and every
 * name keeps a part of itself at any width from 40 columns.
 *
 * Units: screen columns (a CJK character takes two, three bytes); sizes
 * are pages of the snapshot's page size.
 */
#ifndef SDTOP_VIEW_TITLE_H
#define SDTOP_VIEW_TITLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct snap_vma;
struct snapshot;

/* The parts a title may show besides its perms, state and name. */
#define VIEW_TITLE_START	0x1	/* the start address */
#define VIEW_TITLE_END		0x2	/* "-" and the end address */
#define VIEW_TITLE_PAGES	0x4	/* "16 pages" */
#define VIEW_TITLE_BYTES	0x8	/* "64.0 KiB" */

/*
 * The columns a name is given when there are enough, whatever is dropped
 * from the other parts for it; a longer name is shortened from the left.
 */
#define VIEW_TITLE_NAME_MIN	24

/* How every title of a frame is written. */
struct view_title_fmt {
	int	 parts;		/* VIEW_TITLE_* */
	int	 addr_digits;	/* hex digits of an address */
	int	 pages_w;	/* columns of the largest page count */
	int	 bytes_w;	/* columns of the widest size in bytes */
	int	 state_w;	/* the dirty count, or "not tracked" */
	int	 room;		/* columns left for the name and its note */
	bool	 ascii;		/* names escaped to ASCII, "..." for "…" */
};

/*
 * The format for the regions order[0..n) of s on cols columns: the
 * richest whose fixed part leaves room for the longest name, or for
 * VIEW_TITLE_NAME_MIN columns of it, or else the poorest. The end
 * address goes first, then the size in bytes, then the start address,
 * then the page count.
 */
void	 view_title_fmt(struct view_title_fmt *f, const struct snapshot *s,
	     const size_t *order, size_t n, int cols, bool ascii);

/*
 * The title of a region in format f into buf: the fixed part, then its
 * name escaped and, when the name does not fit in f->room, shortened
 * from the left ("…/libc.so.6"), then a note in brackets of why it is
 * not tracked when there is room for it. Returns its width in columns.
 */
int	 view_title(const struct snap_vma *sv, uint64_t page_size,
	     const struct view_title_fmt *f, char *buf, size_t size);

#endif
