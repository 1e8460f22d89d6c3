/*
 * view-draw.h - drawing one frame of the screen with curses.
 */
#ifndef SDTOP_VIEW_DRAW_H
#define SDTOP_VIEW_DRAW_H

struct view;

/* Draw everything (curses must be started). */
void	 view_draw(struct view *v);

#endif
