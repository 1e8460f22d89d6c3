/*
 * view-paint.h - what the screen is drawn with: the attribute of each
 * kind of cell and row, chosen once for the terminal, and the ways of
 * writing a row that the drawing files share.
 *
 * Units: screen rows and columns.
 */
#ifndef SDTOP_VIEW_PAINT_H
#define SDTOP_VIEW_PAINT_H

#include <curses.h>
#include <stddef.h>

#include "render.h"

struct view;

/* The attributes of the parts of the screen (view_paint_setup()). */
extern attr_t	view_cell_attr[CELL_UNTRACKED + 1];
extern attr_t	view_bar_attr;		/* the title bar */
extern attr_t	view_error_attr;
extern attr_t	view_spark_attr;	/* a sparkline */
extern attr_t	view_conv_attr;		/* what has converged */
extern attr_t	view_title_attr;	/* a region's title row */

/*
 * Choose the colours and attributes for this terminal, and whether it
 * takes UTF-8 (v->unicode, v->color).
 */
void		 view_paint_setup(struct view *v);

/* Write s at row y, column x, cut at the screen's edge by its width. */
void		 view_put(int y, int x, attr_t a, const char *s);

/* Fill row y with attribute a and write s on it. */
void		 view_bar(int y, attr_t a, const char *s);

/* Text from outside (s), escaped for this terminal into buf. */
const char	*view_safe(const struct view *v, const char *s, char *buf,
		     size_t size);

#endif
