/*
 * view-loop.h - the ncurses screen, as main calls it: the cycles of a
 * source (a live process or a recording), drawn one by one.
 */
#ifndef SDTOP_VIEW_LOOP_H
#define SDTOP_VIEW_LOOP_H

#include <stdio.h>

struct source;
struct tail_file;

struct view_options {
	FILE		*record;	/* write each cycle with out_json_line(),
					   or NULL */
	const char	*why_method;	/* why not soft-dirty, or NULL */
	unsigned long	 max_cycles;	/* 0 = none */
	struct tail_file *child_err;	/* the stderr of the program sdtop
					   started, or NULL */
};

/*
 * Show the cycles of src, a live process or a recording, until q,
 * session_stop or o->max_cycles; 0, or -1 with *cause (malloc'd). The
 * terminal is restored on every return.
 */
int	 view_run(struct source *src, const struct view_options *o,
	     char **cause);

#endif
