/*
 * view-keys.c - the keys of the screen. One table says which key does
 * what and how the help screen describes it, so the two cannot drift
 * apart; view-draw.c draws that screen from view_keys_help(). Keys that
 * change only the view (zoom, scroll, sort, filter, help) are done here;
 * the others go back to the loop, which owns the cycle. Watching a set of
 * processes, the scrolling keys move the selection in the list of its
 * processes, Enter opens the regions of the one selected and Escape
 * goes back; watching one process, those two do nothing, as ever.
 *
 * Units: scroll steps are map rows, or rows of the list of processes;
 * intervals are seconds.
 */
#include "config.h"

#include <curses.h>
#include <stdint.h>
#include <string.h>

#include "num.h"
#include "snapshot.h"
#include "view.h"
#include "view-keys.h"
#include "view-layout.h"

#define MODE_LIVE	0x1
#define MODE_REPLAY	0x2
#define MODE_BOTH	(MODE_LIVE | MODE_REPLAY)
#define MODE_SET	0x4	/* only when watching a set of processes */

/* A key of the table: up to four keys, their name in the help, and what. */
struct view_keydef {
	int			 keys[4];	/* 0-ended */
	const char		*name;
	enum view_action	 action;
	int			 modes;
	const char		*live_help;
	const char		*replay_help;	/* NULL: as live_help */
	const char		*set_help;	/* a set's, or NULL: as the
						   others */
};

#define CTRL_L	('L' & 0x1f)

static const struct view_keydef view_keys[] = {
	{ { 'q', 'Q', 0 }, "q", ACT_QUIT, MODE_BOTH,
	  "quit", NULL, NULL },
	{ { ' ', 'p', 0 }, "space p", ACT_PAUSE, MODE_BOTH,
	  "pause or resume the cycles", "pause or resume the playback", NULL },
	{ { 'c', 0 }, "c", ACT_CLEAR, MODE_LIVE,
	  "clear now: start a new cycle (and a new history)", NULL, NULL },
	{ { 'r', 0 }, "r", ACT_RESCAN, MODE_LIVE,
	  "rescan now without clearing (writes since the last clear)", NULL,
	  NULL },
	{ { '.', 0 }, ".", ACT_STEP_NEXT, MODE_REPLAY,
	  NULL, "step to the next cycle (pauses)", NULL },
	{ { ',', 0 }, ",", ACT_STEP_PREV, MODE_REPLAY,
	  NULL, "step to the previous cycle (pauses)", NULL },
	{ { '+', '=', 0 }, "+", ACT_SLOWER, MODE_BOTH,
	  "longer interval", "slower playback", NULL },
	{ { '-', '_', 0 }, "-", ACT_FASTER, MODE_BOTH,
	  "shorter interval", "faster playback", NULL },
	{ { 'i', 0 }, "i", ACT_TYPE_INTERVAL, MODE_BOTH,
	  "type an interval in seconds", "type the seconds per cycle", NULL },
	{ { 'z', 0 }, "z", ACT_ZOOM_IN, MODE_BOTH,
	  "zoom in: fewer pages per cell", NULL, NULL },
	{ { 'Z', 0 }, "Z", ACT_ZOOM_OUT, MODE_BOTH,
	  "zoom out: more pages per cell", NULL, NULL },
	{ { 'a', 0 }, "a", ACT_AUTOZOOM, MODE_BOTH,
	  "auto-zoom: fit the whole map on the screen", NULL, NULL },
	{ { KEY_UP, 'k', 0 }, "Up k", ACT_UP, MODE_BOTH,
	  "scroll up a row", NULL,
	  "select the process above, or scroll up a row of regions" },
	{ { KEY_DOWN, 'j', 0 }, "Down j", ACT_DOWN, MODE_BOTH,
	  "scroll down a row (the mouse wheel scrolls too)", NULL,
	  "select the process below, or scroll down a row of regions (the"
	  " mouse wheel too)" },
	{ { KEY_PPAGE, 0 }, "PgUp", ACT_PAGE_UP, MODE_BOTH,
	  "scroll up a screen", NULL, NULL },
	{ { KEY_NPAGE, 0 }, "PgDn", ACT_PAGE_DOWN, MODE_BOTH,
	  "scroll down a screen", NULL, NULL },
	{ { KEY_HOME, 'g', 0 }, "Home g", ACT_HOME, MODE_BOTH,
	  "go to the first region", NULL,
	  "go to the first process, or region" },
	{ { KEY_END, 'G', 0 }, "End G", ACT_END, MODE_BOTH,
	  "go to the last region", NULL,
	  "go to the last process, or region" },
	{ { '\r', '\n', KEY_ENTER, 0 }, "Enter", ACT_OPEN,
	  MODE_BOTH | MODE_SET,
	  "show the regions of the process selected", NULL, NULL },
	{ { 27, KEY_BACKSPACE, 127, '\b' }, "Esc BS", ACT_BACK,
	  MODE_BOTH | MODE_SET,
	  "back from a process's regions to the list of processes", NULL,
	  NULL },
	{ { 'w', 0 }, "w", ACT_WRITABLE, MODE_BOTH,
	  "show all regions or only writable ones", NULL, NULL },
	{ { 's', 0 }, "s", ACT_SORT, MODE_BOTH,
	  "sort regions by address or by dirty count", NULL, NULL },
	{ { 'h', '?', KEY_F(1), 0 }, "h ?", ACT_HELP, MODE_BOTH,
	  "this help (Up, Down, PgUp, PgDn scroll it; any other key closes"
	  " it)", NULL, NULL },
	{ { CTRL_L, 0 }, "^L", ACT_REDRAW, MODE_BOTH,
	  "redraw the screen", NULL, NULL },
};

#define NKEYS	(sizeof view_keys / sizeof view_keys[0])

/* The intervals + and - step through, in seconds. */
static const double view_ladder[] = {
	0.05, 0.1, 0.2, 0.25, 0.5, 1, 2, 3, 5, 10, 15, 30, 60, 120, 300, 600,
	1800, 3600
};

#define NLADDER	(sizeof view_ladder / sizeof view_ladder[0])

double
view_interval_step(double seconds, int dir)
{
	size_t	i;

	if (dir > 0) {
		for (i = 0; i < NLADDER; i++) {
			if (view_ladder[i] > seconds * 1.0001)
				return (view_ladder[i]);
		}
		return (view_ladder[NLADDER - 1]);
	}
	for (i = NLADDER; i > 0; i--) {
		if (view_ladder[i - 1] < seconds * 0.9999)
			return (view_ladder[i - 1]);
	}
	return (view_ladder[0]);
}

/* The table entry of a key, or NULL. */
static const struct view_keydef *
view_key_find(int key)
{
	size_t	i, k;

	for (i = 0; i < NKEYS; i++) {
		for (k = 0; k < 4 && view_keys[i].keys[k] != 0; k++) {
			if (view_keys[i].keys[k] == key)
				return (&view_keys[i]);
		}
	}
	return (NULL);
}

/* Read one key of a typed interval; ACT_INTERVAL when Enter ends it. */
static enum view_action
view_key_typing(struct view *v, int key)
{
	size_t	len = strlen(v->typed);
	double	d;

	switch (key) {
	case 27:	/* Escape */
		v->typing = false;
		view_status(v, false, "interval unchanged");
		return (ACT_NONE);
	case KEY_BACKSPACE:
	case 127:
	case '\b':
		if (len > 0)
			v->typed[len - 1] = '\0';
		return (ACT_NONE);
	case '\n':
	case '\r':
	case KEY_ENTER:
		v->typing = false;
		if (num_double(v->typed, SNAPSHOT_MIN_INTERVAL,
		    SNAPSHOT_MAX_INTERVAL, &d) == -1) {
			view_status(v, true, "not an interval: \"%s\" (0.05 to"
			    " 3600 seconds)", v->typed);
			return (ACT_NONE);
		}
		v->typed_value = d;
		return (ACT_INTERVAL);
	default:
		/* Whatever is typed is shown, and judged at Enter. */
		if (key >= ' ' && key < 0x7f && len < sizeof v->typed - 1) {
			v->typed[len] = (char)key;
			v->typed[len + 1] = '\0';
		}
		return (ACT_NONE);
	}
}

/*
 * Scroll the map by n rows, within its bounds; in the list of a set's
 * processes, move the selection.
 */
static void
view_scroll(struct view *v, long n)
{
	long	maxtop = v->map_rows - v->map_height;

	if (view_shows_procs(v)) {
		view_procs_move(&v->procs, n);
		return;
	}
	v->top += n;
	if (v->top > maxtop)
		v->top = maxtop;
	if (v->top < 0)
		v->top = 0;
}

/* The rows a page key scrolls: a screen of the map or of the list, less one. */
static long
view_page(const struct view *v)
{
	int	h = view_shows_procs(v) ? v->procs.height : v->map_height;

	return (h > 1 ? h - 1 : 1);
}

/*
 * Enter and Escape with a set: open the regions of the process selected
 * in the list (or say why not), or go back to the list.
 */
static void
view_key_set(struct view *v, enum view_action act)
{
	char	why[300];

	if (act == ACT_BACK) {
		if (v->procs.opened != NULL)
			view_procs_close(&v->procs);
		return;
	}
	if (!view_shows_procs(v))
		return;
	if (view_procs_open(&v->procs, !v->unicode, why, sizeof why) == -1) {
		view_status(v, false, "%s", why);
		return;
	}
	v->top = 0;
}

/* The mouse wheel scrolls the map three rows at a time. */
static enum view_action
view_key_mouse(struct view *v)
{
	MEVENT	me;

	if (getmouse(&me) != OK)
		return (ACT_NONE);
	if (me.bstate & BUTTON4_PRESSED)
		view_scroll(v, -3);
#ifdef BUTTON5_PRESSED
	else if (me.bstate & BUTTON5_PRESSED)
		view_scroll(v, 3);
#endif
	return (ACT_MOUSE);
}

/*
 * A key on the help screen: the scrolling keys scroll it (the drawing
 * keeps it within its rows), q quits, any other key closes it.
 */
static enum view_action
view_key_help(struct view *v, int key)
{
	MEVENT	me;
	long	page = LINES > 3 ? LINES - 2 : 1;

	switch (key) {
	case KEY_UP:
	case 'k':
		v->help_top -= v->help_top > 0;
		return (ACT_NONE);
	case KEY_DOWN:
	case 'j':
		v->help_top++;
		return (ACT_NONE);
	case KEY_PPAGE:
		v->help_top = v->help_top > page ? v->help_top - page : 0;
		return (ACT_NONE);
	case KEY_NPAGE:
		v->help_top += page;
		return (ACT_NONE);
	case KEY_HOME:
	case 'g':
		v->help_top = 0;
		return (ACT_NONE);
	case KEY_END:
	case 'G':
		v->help_top = VIEW_ROWS_MAX;
		return (ACT_NONE);
	case KEY_MOUSE:
		if (getmouse(&me) == OK && (me.bstate & BUTTON4_PRESSED))
			v->help_top = v->help_top > 3 ? v->help_top - 3 : 0;
		else
			v->help_top += 3;
		return (ACT_NONE);
	case 'q':
	case 'Q':
		return (ACT_QUIT);
	default:
		v->help = false;
		return (ACT_NONE);
	}
}

/* A key: what it does to the view here, and what is left to the loop. */
enum view_action
view_key(struct view *v, int key)
{
	const struct view_keydef	*k;
	int				 mode;

	if (v->typing)
		return (view_key_typing(v, key));
	if (key == KEY_RESIZE)
		return (ACT_RESIZE);
	if (v->help)
		return (view_key_help(v, key));
	if (key == KEY_MOUSE)
		return (view_key_mouse(v));

	k = view_key_find(key);
	mode = v->replay ? MODE_REPLAY : MODE_LIVE;
	/* Keys of a set's list are none of one process's. */
	if (k == NULL || ((k->modes & MODE_SET) && !v->set)) {
		view_status(v, false, "unknown key; h shows the keys");
		return (ACT_NONE);
	}
	if (!(k->modes & mode)) {
		view_status(v, false, "%s: only %s", k->name, v->replay ?
		    "with a live process" : "when replaying a recording");
		return (ACT_NONE);
	}
	v->status[0] = '\0';
	switch (k->action) {
	case ACT_ZOOM_IN:
		v->autozoom = false;
		if (v->zoom > 1)
			v->zoom /= 2;
		break;
	case ACT_ZOOM_OUT:
		v->autozoom = false;
		if (v->zoom < UINT64_MAX / 2)
			v->zoom *= 2;
		break;
	case ACT_AUTOZOOM:
		v->autozoom = !v->autozoom;
		if (!v->autozoom)
			v->zoom = 1;
		break;
	case ACT_UP:
		view_scroll(v, -1);
		break;
	case ACT_DOWN:
		view_scroll(v, 1);
		break;
	case ACT_PAGE_UP:
		view_scroll(v, -view_page(v));
		break;
	case ACT_PAGE_DOWN:
		view_scroll(v, view_page(v));
		break;
	case ACT_HOME:
		if (view_shows_procs(v))
			view_scroll(v, -VIEW_ROWS_MAX);
		else
			v->top = 0;
		break;
	case ACT_END:
		view_scroll(v, view_shows_procs(v) ? VIEW_ROWS_MAX :
		    v->map_rows);
		break;
	case ACT_OPEN:
	case ACT_BACK:
		view_key_set(v, k->action);
		break;
	case ACT_WRITABLE:
		v->writable_only = !v->writable_only;
		v->top = 0;
		break;
	case ACT_SORT:
		v->by_dirty = !v->by_dirty;
		v->top = 0;
		break;
	case ACT_HELP:
		v->help = true;
		v->help_top = 0;
		break;
	case ACT_TYPE_INTERVAL:
		v->typing = true;
		v->typed[0] = '\0';
		break;
	case ACT_REDRAW:
		clearok(curscr, TRUE);
		break;
	default:
		break;
	}
	return (k->action);
}

size_t
view_keys_count(void)
{
	return (NKEYS);
}

/* The help of table entry i in one mode, or NULL if it has none there. */
const char *
view_keys_help(size_t i, bool replay, bool set, const char **name)
{
	const struct view_keydef	*k = &view_keys[i];

	if (!(k->modes & (replay ? MODE_REPLAY : MODE_LIVE)))
		return (NULL);
	if ((k->modes & MODE_SET) && !set)
		return (NULL);
	*name = k->name;
	if (set && k->set_help != NULL)
		return (k->set_help);
	return (replay && k->replay_help != NULL ? k->replay_help :
	    k->live_help);
}
