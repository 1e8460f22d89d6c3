/*
 * view-draw.h - drawing one frame of the screen with curses.
 */
#ifndef SDTOP_VIEW_DRAW_H
#define SDTOP_VIEW_DRAW_H

struct view;

/* Set up colours and the character set for the terminal. */
void	 view_draw_setup(struct view *v);

/* Draw everything (curses must be started). */
void	 view_draw(struct view *v);

#endif
