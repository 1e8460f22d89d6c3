/*
 * view-loop.h - the ncurses screen, as main calls it: a live process or
 * a recording, drawn cycle by cycle.
 */
#ifndef SDTOP_VIEW_LOOP_H
#define SDTOP_VIEW_LOOP_H

#include <stdio.h>

struct replay;
struct session;

struct view_options {
	FILE		*record;	/* write each cycle with out_json(), or NULL */
	const char	*why_method;	/* why not soft-dirty, or NULL */
	unsigned long	 max_cycles;	/* 0 = none */
};

/*
 * Watch s until q or session_stop; 0, or -1 with *cause (malloc'd). The
 * terminal is restored on every return.
 */
int	 view_live(struct session *s, const struct view_options *o,
	     char **cause);

/* Play a recording, with the same keys; 0, or -1 with *cause. */
int	 view_replay(struct replay *r, const struct view_options *o,
	     char **cause);

#endif
