/*
 * view.h - the ncurses screen: a live process or a recording, drawn
 * cycle by cycle.
 *
 * The first part is what main calls. The second part is shared by the
 * view files only (view-draw.c, view-keys.c, view-loop.c); it holds no
 * curses types, so this header does not include <curses.h>.
 *
 * Units: pages per cell (zoom), screen rows and columns; scroll positions
 * are rows of the region map, counted from its first row.
 */
#ifndef SDTOP_VIEW_H
#define SDTOP_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

struct snap_vma;
struct snapshot;
struct source;

struct view_options {
	FILE		*record;	/* write each cycle with out_json_line(),
					   or NULL */
	const char	*why_method;	/* why not soft-dirty, or NULL */
	unsigned long	 max_cycles;	/* 0 = none */
};

/*
 * Show the cycles of src, a live process or a recording, until q,
 * session_stop or o->max_cycles; 0, or -1 with *cause (malloc'd). The
 * terminal is restored on every return.
 */
int	 view_run(struct source *src, const struct view_options *o,
	     char **cause);

/* --- Shared by the view files only. --- */

enum view_state {
	VIEW_RUNNING,
	VIEW_PAUSED,
	VIEW_EXITED,		/* the target has gone: the last frame stays */
	VIEW_ENDED,		/* a recording reached its end */
};

enum view_action {
	ACT_NONE,
	ACT_QUIT,
	ACT_PAUSE,
	ACT_RESUME,		/* a pause ended: the loop restarts its clock */
	ACT_CLEAR,
	ACT_RESCAN,
	ACT_SLOWER,
	ACT_FASTER,
	ACT_INTERVAL,		/* the typed interval is in view.typed */
	ACT_STEP_NEXT,
	ACT_STEP_PREV,
	ACT_ZOOM_IN,
	ACT_ZOOM_OUT,
	ACT_AUTOZOOM,
	ACT_UP,
	ACT_DOWN,
	ACT_PAGE_UP,
	ACT_PAGE_DOWN,
	ACT_HOME,
	ACT_END,
	ACT_WRITABLE,
	ACT_SORT,
	ACT_HELP,
	ACT_TYPE_INTERVAL,
	ACT_REDRAW,
	ACT_MOUSE,
	ACT_RESIZE,
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
	char			 comm[64];
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
	bool			 unicode;
	bool			 color;
	size_t			*order;		/* VMAs shown, in order */
	int			*title_cols;	/* the title width of each */
	size_t			 norder;
	size_t			 order_cap;

	/* The bottom line. */
	char			 status[256];
	bool			 status_error;
	bool			 typing;	/* reading an interval */
	char			 typed[16];
	double			 typed_value;
};

/* Defaults for a new view (auto-zoom on, writable regions only). */
void	 view_init(struct view *v);
void	 view_free(struct view *v);

/* Set the status line (printf format); error shows it as an error. */
void	 view_status(struct view *v, bool error, const char *fmt, ...)
	     __attribute__((format(printf, 3, 4)));

/*
 * Lay out the map for a screen of cols columns and height map rows: the
 * VMAs shown, their order, the zoom when auto, the total map rows.
 */
void	 view_layout(struct view *v, int cols, int height);

/* Columns between a title and the cells that follow it on its row. */
#define VIEW_TITLE_GAP	2

/*
 * The title of a VMA (range, perms, size, dirty count, name) into buf,
 * its name escaped (to ASCII when ascii is set); returns the columns it
 * takes on the terminal, which are not its bytes when the name holds
 * UTF-8.
 */
int	 view_title(const struct snap_vma *sv, uint64_t page_size, bool ascii,
	     char *buf, size_t size);

/*
 * Rows one VMA takes at a zoom on cols columns, its title taking
 * title_cols: one when the cells fit on the title's row after
 * VIEW_TITLE_GAP columns, else the title's row and the rows of cells.
 */
long	 view_vma_rows(uint64_t npages, uint64_t zoom, int cols,
	     int title_cols);

/* Draw everything (curses must be started). */
void	 view_draw(struct view *v);

/* Set up colours and the character set for the terminal. */
void	 view_draw_setup(struct view *v);

/*
 * Turn a key into an action: the view's own ones (zoom, scroll, sort,
 * help) are done here, the others are returned for the loop.
 */
enum view_action view_key(struct view *v, int key);

/* Draw the help screen, made from the key table. */
void	 view_draw_help(const struct view *v, int rows, int cols);

/* The next interval on the ladder up (dir > 0) or down from seconds. */
double	 view_interval_step(double seconds, int dir);

#endif
