/*
 * view-keys.h - the keys of the screen: one table drives what a key does
 * and what the help screen says of it.
 *
 * Units: intervals are seconds.
 */
#ifndef SDTOP_VIEW_KEYS_H
#define SDTOP_VIEW_KEYS_H

#include <stdbool.h>
#include <stddef.h>

struct view;

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
	ACT_OPEN,		/* a set's: the regions of the process selected */
	ACT_BACK,		/* a set's: back to its processes */
	ACT_HELP,
	ACT_TYPE_INTERVAL,
	ACT_REDRAW,
	ACT_MOUSE,
	ACT_RESIZE,
};

/*
 * Turn a key into an action: the view's own ones (zoom, scroll, sort,
 * help) are done here, the others are returned for the loop.
 */
enum view_action view_key(struct view *v, int key);

/* The entries of the key table. */
size_t	 view_keys_count(void);

/*
 * What entry i of the key table does, as the help says it, when playing
 * a recording (replay) or watching a live process, of one process or a
 * set of them (set), and in *name its keys as the help names them; NULL
 * when its keys do nothing in that mode.
 */
const char *view_keys_help(size_t i, bool replay, bool set,
	     const char **name);

/* The next interval on the ladder up (dir > 0) or down from seconds. */
double	 view_interval_step(double seconds, int dir);

#endif
