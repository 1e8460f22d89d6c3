/*
 * view-pane.h - drawing the list of a set's processes with curses, and
 * the title row of the process opened above its regions.
 *
 * Units: screen rows and columns.
 */
#ifndef SDTOP_VIEW_PANE_H
#define SDTOP_VIEW_PANE_H

struct view;

/* Draw the list in rows [y, y + height) of the screen. */
void	 view_pane_draw(struct view *v, int y, int height);

/* The legend of the list, on row y. */
void	 view_pane_legend(const struct view *v, int y);

/* The title of the process opened, on row y; returns the next row. */
int	 view_pane_title(const struct view *v, int y);

#endif
