/*
 * view.h - the state of the screen, shared by the view files: the frame
 * shown, the history under it, the header's facts, how the map is laid
 * out and the status line. It holds no curses types, so it does not
 * include <curses.h>.
 *
 * Units: pages per cell (zoom), screen rows and columns; scroll positions
 * are rows of the region map, counted from its first row.
 */
#ifndef SDTOP_VIEW_H
#define SDTOP_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "view-procs.h"
#include "view-title.h"

struct snapshot;

enum view_state {
	VIEW_RUNNING,
	VIEW_PAUSED,
	VIEW_EXITED,		/* the target has gone: the last frame stays */
	VIEW_ENDED,		/* a recording reached its end */
};

struct view {
	bool			 replay;	/* a recording, not a live target */
	const struct snapshot	*snap;		/* the frame shown, or NULL */

	/* The history shown by the sparkline: counts[0..ncounts). */
	const uint64_t		*counts;
	size_t			 ncounts;
	long			 converged_at;	/* index into counts, or -1 */
	unsigned		 window;	/* the convergence window */

	/* The header. */
	pid_t			 pid;
	char			 comm[64];	/* a set's: what it is */
	char			 method[16];
	const char		*why_method;
	double			 interval;	/* seconds */
	enum view_state		 state;
	const char		*source;	/* a recording's path */

	/* How the map is drawn. */
	uint64_t		 zoom;		/* pages per cell, >= 1 */
	bool			 autozoom;
	bool			 writable_only;
	bool			 by_dirty;	/* sort by dirty count */
	long			 top;		/* first map row shown */
	long			 map_rows;	/* rows of the whole map */
	int			 map_height;	/* rows of the screen it gets */
	bool			 help;
	long			 help_top;	/* first help row shown */
	bool			 unicode;
	bool			 color;
	size_t			*order;		/* VMAs shown, in order */
	int			*title_cols;	/* the title width of each */
	struct view_title_fmt	 title_fmt;	/* how titles are written */
	size_t			 norder;
	size_t			 order_cap;

	/* A set of processes: the list, and the process opened. */
	bool			 set;		/* the source is a set */
	struct view_procs	 procs;

	/* The bottom line. */
	char			 status[256];
	bool			 status_error;
	double			 status_until;	/* when an error goes (monotonic
						   seconds), 0: it stays */
	bool			 typing;	/* reading an interval */
	char			 typed[16];
	double			 typed_value;
};

/* Defaults for a new view (auto-zoom on, writable regions only). */
void	 view_init(struct view *v);
void	 view_free(struct view *v);

/*
 * The snapshot whose regions the map shows: the process opened of a set,
 * else the snapshot shown.
 */
const struct snapshot *view_regions(const struct view *v);

/* Whether the list of a set's processes is shown instead of a map. */
bool	 view_shows_procs(const struct view *v);

/* Seconds an error stays on the status line, unless said again. */
#define VIEW_ERROR_SECONDS	5

/*
 * Set the status line (printf format); error shows it as an error, for
 * VIEW_ERROR_SECONDS (view_status_expire() takes it away).
 */
void	 view_status(struct view *v, bool error, const char *fmt, ...)
	     __attribute__((format(printf, 3, 4)));

/* Clear an error that has been shown long enough; whether it did. */
bool	 view_status_expire(struct view *v, double now);

#endif
