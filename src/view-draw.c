/*
 * view-draw.c - drawing one frame of the screen with curses, from a
 * snapshot, the dirty history and the layout: the header, the sparkline,
 * the region map, the legend and the status line, or the help screen made
 * from the key table. It only reads the snapshot; the loop owns the cycle.
 *
 * Units: screen rows and columns; a cell is view.zoom pages; map rows are
 * counted from the first row of the whole map (view.top is the first one
 * shown). Only the visible rows are rendered, so a huge region costs what
 * the screen shows, not what it maps. Text from the target or a file
 * (names, comm, method) is escaped with str_escape() before it is drawn,
 * and fitted by its width in columns, not its length in bytes. What each
 * part is drawn with is view-paint.c's. Of a set of processes, the body is
 * the list of its processes (view-pane.c) or the map of the one opened.
 */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "history.h"
#include "render.h"
#include "snapshot.h"
#include "str-escape.h"
#include "view.h"
#include "view-draw.h"
#include "view-help.h"
#include "view-layout.h"
#include "view-paint.h"
#include "view-pane.h"
#include "view-title.h"

/* "page" or "pages", after a count of n. */
#define PAGES(n)	((n) == 1 ? "page" : "pages")

/* The least a screen needs to show anything useful. */
#define VIEW_MIN_COLS	40
#define VIEW_MIN_ROWS	10

static const char *
view_state_name(const struct view *v)
{
	switch (v->state) {
	case VIEW_PAUSED:
		if (v->snap != NULL && v->snap->converged)
			return ("paused, converged");
		return ("paused");
	case VIEW_EXITED:
		if (v->set)
			return ("all exited");
		return ("process exited");
	case VIEW_ENDED:
		return ("end of recording");
	case VIEW_RUNNING:
		break;
	}
	if (v->snap != NULL && v->snap->converged)
		return (v->replay ? "playing, converged" : "converged");
	return (v->replay ? "playing" : "running");
}

/* "1s", "0.25s", "2m": an interval for the header. */
static const char *
view_seconds(double s, char *buf, size_t size)
{
	if (s >= 60 && (long)s % 60 == 0)
		snprintf(buf, size, "%ldm", (long)s / 60);
	else
		snprintf(buf, size, "%gs", s);
	return (buf);
}

/*
 * What watching cost this cycle ("cost 3.2% (13.1 us/fault)", "cost 0.4%
 * (sdtop's CPU)", "cost unknown"), and what --max-cost did to the
 * interval (" (max-cost 1%: from 0.05s)"), into two buffers.
 */
static void
view_cost(const struct view *v, char *cost, size_t csize, char *max,
    size_t msize)
{
	const struct snapshot	*s = v->snap;
	char			 iv[32];

	*cost = *max = '\0';
	if (s == NULL)
		return;
	if (s->cost_kind == SNAP_COST_FAULTS)
		snprintf(cost, csize, "   cost %.1f%% (%.1f %s/fault)",
		    s->cost_percent, s->fault_ns / 1e3, v->unicode ? "\xc2\xb5s" :
		    "us");
	else if (s->cost_kind == SNAP_COST_SDTOP_CPU)
		snprintf(cost, csize, "   cost %.1f%% (sdtop's CPU)",
		    s->cost_percent);
	else
		snprintf(cost, csize, "   cost unknown");
	if (s->max_cost > 0 && s->lengthened)
		snprintf(max, msize, " (max-cost %g%%: from %s)", s->max_cost,
		    view_seconds(s->user_interval, iv, sizeof iv));
	else if (s->max_cost > 0)
		snprintf(max, msize, " (max-cost %g%%)", s->max_cost);
}

#define VIEW_PARTS	6
#define VIEW_PART	256	/* bytes of a part */

/*
 * Join into line the parts of a row that fit in the width, whole: part 0
 * always, then the others in the order of rank (n - 1 indexes) while
 * they fit; shown in the order of their indexes.
 */
static void
view_fit(char *line, size_t size, char part[][VIEW_PART], size_t n,
    const int *rank)
{
	bool	 keep[VIEW_PARTS] = { true };
	size_t	 i, w;

	w = str_width(part[0]);
	for (i = 0; i + 1 < n; i++) {
		if (w + str_width(part[rank[i]]) > (size_t)COLS)
			break;
		keep[rank[i]] = true;
		w += str_width(part[rank[i]]);
	}
	*line = '\0';
	for (i = 0, w = 0; i < n; i++)
		if (keep[i] && w < size)
			w += (size_t)snprintf(line + w, size - w, "%s", part[i]);
}

/*
 * The totals of the cycle, as many as fit in the width: the pages
 * written always, then those given back (when there are), what watching
 * cost, the pages tracked, and the times of the scan and the clear.
 */
static void
view_totals(const struct view *v, char *line, size_t size)
{
	const struct snapshot	*s = v->snap;
	char			 part[5][VIEW_PART], b[32], max[64];
	static const int	 rank[] = { 1, 3, 2, 4 };

	snprintf(part[0], sizeof part[0], " dirty %llu %s (%s) this cycle",
	    (unsigned long long)s->dirty_pages, PAGES(s->dirty_pages),
	    render_bytes(s->dirty_pages * s->page_size, b, sizeof b));
	/* A set's: a page of a shared mapping counted once. */
	if (s->set != SNAP_SET_NONE && s->shared_dirty_pages > 0)
		snprintf(part[0] + strlen(part[0]), sizeof part[0] -
		    strlen(part[0]), ", %llu in shared mappings",
		    (unsigned long long)s->shared_dirty_pages);
	/* Given back is not written: said apart, when it happened. */
	part[1][0] = '\0';
	if (s->discarded_pages > 0)
		snprintf(part[1], sizeof part[1], "   discarded %llu",
		    (unsigned long long)s->discarded_pages);
	snprintf(part[2], sizeof part[2], "   tracked %llu %s (%s)",
	    (unsigned long long)s->tracked_pages, PAGES(s->tracked_pages),
	    render_bytes(s->tracked_pages * s->page_size, b, sizeof b));
	view_cost(v, part[3], sizeof part[3], max, sizeof max);
	snprintf(part[4], sizeof part[4], "   scan %.1f ms  clear %.1f ms",
	    s->scan_ms, s->clear_ms);
	view_fit(line, size, part, 5, rank);
}

/*
 * Who a set is, for the header: what it is, how many processes it has,
 * and how many joined, exited and left (a cgroup) this cycle.
 */
static void
view_set_who(const struct view *v, char *buf, size_t size)
{
	const struct view_procs	*p = &v->procs;
	char			 label[128];
	size_t			 len;

	len = (size_t)snprintf(buf, size, " sdtop  %s", view_safe(v, v->comm,
	    label, sizeof label));
	if (v->snap == NULL || len >= size)
		return;
	len += (size_t)snprintf(buf + len, size - len, "  %zu %s", p->nlive,
	    p->nlive == 1 ? "process" : "processes");
	if (p->njoined > 0 && len < size)
		len += (size_t)snprintf(buf + len, size - len, ", +%zu joined",
		    p->njoined);
	if (p->nexited > 0 && len < size)
		len += (size_t)snprintf(buf + len, size - len, ", %zu exited",
		    p->nexited);
	if (p->nleft > 0 && len < size)
		snprintf(buf + len, size - len, ", %zu left", p->nleft);
}

/* The header: who, how, which cycle, what state, and the totals. */
static int
view_draw_header(const struct view *v)
{
	const struct snapshot	*s = v->snap;
	char			 line[512], iv[32];
	char			 comm[128], method[64], src[256];
	char			 cost[64], max[64], part[5][VIEW_PART];
	static const int	 rank[] = { 4, 3, 1, 2 };
	int			 y = 0;

	view_cost(v, cost, sizeof cost, max, sizeof max);
	/* Who, then what fits: the state, the cycle, method, interval. */
	if (v->set)
		view_set_who(v, part[0], sizeof part[0]);
	else
		snprintf(part[0], sizeof part[0], " sdtop  pid %ld %s",
		    (long)v->pid, view_safe(v, v->comm, comm, sizeof comm));
	snprintf(part[1], sizeof part[1], "  method %s",
	    view_safe(v, v->method, method, sizeof method));
	snprintf(part[2], sizeof part[2], "  %s %s%s",
	    v->replay ? "played every" : "interval",
	    view_seconds(v->interval, iv, sizeof iv), max);
	snprintf(part[3], sizeof part[3], "  cycle %lu",
	    s != NULL ? s->cycle : 0);
	snprintf(part[4], sizeof part[4], "  [%s]", view_state_name(v));
	view_fit(line, sizeof line, part, 5, rank);
	view_bar(y++, view_bar_attr, line);

	if (s != NULL)
		view_totals(v, line, sizeof line);
	else
		snprintf(line, sizeof line, " waiting for the first cycle...");
	view_put(y++, 0, A_BOLD, line);

	if (v->why_method != NULL) {
		view_method_row(view_safe(v, v->method, method, sizeof method),
		    v->why_method, COLS, line, sizeof line);
		view_put(y++, 0, A_DIM, line);
	}
	if (v->replay && v->source != NULL) {
		snprintf(line, sizeof line, " recording %s",
		    view_safe(v, v->source, src, sizeof src));
		view_put(y++, 0, A_DIM, line);
	}
	return (y);
}

/*
 * The pre-copy line: what round 0 sends over which link, whether it
 * converges, then as much as fits of the downtime, the rate, the total
 * time and the bytes sent.
 */
static int
view_draw_precopy(const struct view *v, int y)
{
	const struct precopy	*p = &v->snap->precopy;
	char			 line[512], part[6][VIEW_PART], b[32];
	static const int	 rank[] = { 1, 2, 3, 4, 5 };
	size_t			 n = 6;

	if (!v->snap->has_precopy)
		return (y);
	snprintf(part[0], sizeof part[0], " pre-copy of %s resident",
	    render_bytes(p->memory_bytes, b, sizeof b));
	snprintf(part[1], sizeof part[1], " over %s/s",
	    render_bytes((uint64_t)p->bandwidth_bps, b, sizeof b));
	if (p->converges && p->downtime_ms >= 0) {
		snprintf(part[2], sizeof part[2], ": converges in %u round%s",
		    p->rounds, p->rounds == 1 ? "" : "s");
		snprintf(part[3], sizeof part[3], ", downtime %.1f ms",
		    p->downtime_ms);
		snprintf(part[4], sizeof part[4], ", dirty rate %s/s",
		    render_bytes((uint64_t)p->dirty_rate_bps, b, sizeof b));
		snprintf(part[5], sizeof part[5], ", total %.2f s, %s sent",
		    p->total_ms / 1000, render_bytes(p->sent_bytes, b,
		    sizeof b));
	} else {
		snprintf(part[2], sizeof part[2], ": does not converge");
		snprintf(part[3], sizeof part[3], ", dirty rate %s/s",
		    render_bytes((uint64_t)p->dirty_rate_bps, b, sizeof b));
		snprintf(part[4], sizeof part[4], " (the %s memory faster"
		    " than the link sends it)", v->set ? "processes dirty" :
		    "process dirties");
		n = 5;
	}
	view_fit(line, sizeof line, part, n, rank);
	view_put(y, 0, p->converges && p->downtime_ms >= 0 ? view_conv_attr :
	    view_error_attr, line);
	return (y + 1);
}

/*
 * The sparkline of the last counts that fit, its scale, and below it a
 * caret at the cycle where the run converged with the working set.
 */
static int
view_draw_history(const struct view *v, int y)
{
	const char	*label = " history ";
	char		 col[8], line[256], b[32];
	uint64_t	 max, ws;
	size_t		 first, i, n, shown;
	int		 x0, width, x;
	long		 conv_cycle;

	x0 = (int)strlen(label);
	width = COLS - x0 - 24;
	if (width < 8)
		width = 8;
	n = v->ncounts;
	shown = n < (size_t)width ? n : (size_t)width;
	first = n - shown;
	max = history_max(v->counts, first, n);

	view_put(y, 0, A_NORMAL, label);
	move(y, x0);
	for (i = first; i < n; i++) {
		render_sparkline(&v->counts[i], 1, max, v->unicode, col,
		    sizeof col);
		attrset(v->converged_at >= 0 && i >= (size_t)v->converged_at ?
		    view_conv_attr : view_spark_attr);
		addstr(col);
	}
	attrset(A_NORMAL);
	snprintf(line, sizeof line, " max %llu %s", (unsigned long long)max,
	    PAGES(max));
	view_put(y, x0 + (int)shown, A_DIM, line);
	y++;

	if (v->converged_at < 0 || n == 0) {
		snprintf(line, sizeof line, " %zu %s, not converged yet"
		    " (rule: last %u within the tolerance)", n,
		    n == 1 ? "cycle" : "cycles", v->window);
		view_put(y, x0 - 1, A_DIM, line);
		return (y + 1);
	}

	/* The counts end at the cycle shown. */
	ws = history_working_set(v->counts, n, v->window);
	conv_cycle = history_cycle_at(n, v->converged_at,
	    v->snap != NULL ? v->snap->cycle : n);
	snprintf(line, sizeof line, "converged at cycle %ld: ~%llu %s,"
	    " %s written per cycle", conv_cycle, (unsigned long long)ws,
	    PAGES(ws),
	    render_bytes(ws * (v->snap != NULL ? v->snap->page_size : 4096),
	    b, sizeof b));
	if ((size_t)v->converged_at >= first) {
		x = x0 + (int)((size_t)v->converged_at - first);
		view_put(y, x, view_conv_attr, "^");
		if (x + 2 + (int)strlen(line) <= COLS)
			view_put(y, x + 2, view_conv_attr, line);
		else
			view_put(y, x0 - 1, view_conv_attr, line);
	} else
		view_put(y, x0 - 1, view_conv_attr, line);
	return (y + 1);
}

/* The title row of one VMA: range, perms, size, dirty count, name. */
static void
view_draw_title(const struct view *v, const struct snap_vma *sv, int y)
{
	char	line[512];

	view_title(sv, view_regions(v)->page_size, &v->title_fmt, line,
	    sizeof line);
	view_put(y, 0, sv->error != 0 ? view_error_attr : view_title_attr,
	    line);
}

/* One row of cells from column x0: cells [from, ...) of a VMA. */
static void
view_draw_cells(const struct snap_vma *sv, uint64_t zoom, uint64_t from,
    int y, int x0)
{
	uint64_t	ncells, cell;
	enum cell	c;
	int		x;

	ncells = render_ncells(sv->npages, zoom);
	move(y, x0);
	for (x = x0, cell = from; x < COLS && cell < ncells; x++, cell++) {
		c = render_cell(sv, cell * zoom, zoom);
		addch((chtype)(unsigned char)cell_char(c, false) |
		    view_cell_attr[c]);
	}
}

/* The visible part of the region map, rows [v->top, v->top + height). */
static void
view_draw_map(const struct view *v, int y, int height)
{
	const struct snap_vma	*sv;
	long			 row = 0, rows, r;
	size_t			 i;

	for (i = 0; i < v->norder && row < v->top + height; i++) {
		sv = &view_regions(v)->vmas[v->order[i]];
		rows = view_vma_rows(sv->npages, v->zoom, COLS,
		    v->title_cols[i]);
		if (row + rows <= v->top) {
			row += rows;
			continue;
		}
		/* Skip the region's rows above the screen at once. */
		r = row < v->top ? v->top - row : 0;
		for (row += r; r < rows; r++, row++) {
			if (row >= v->top + height)
				break;
			if (r == 0)
				view_draw_title(v, sv, y + (int)(row - v->top));
			if (rows == 1)
				view_draw_cells(sv, v->zoom, 0,
				    y + (int)(row - v->top),
				    v->title_cols[i] + VIEW_TITLE_GAP);
			else if (r > 0)
				view_draw_cells(sv, v->zoom,
				    (uint64_t)(r - 1) * (uint64_t)COLS,
				    y + (int)(row - v->top), 0);
		}
	}
}

/* The legend of the cell marks. */
static void
view_draw_legend(int y)
{
	static const struct {
		enum cell	 c;
		const char	*what;
	} legend[] = {
		{ CELL_WRITTEN, "written" },
		{ CELL_MANY, "most" },
		{ CELL_FEW, "some" },
		{ CELL_CLEAN, "clean" },
		{ CELL_ABSENT, "not present" },
		{ CELL_DISCARDED, "discarded" },
		{ CELL_NEW, "new region" },
		{ CELL_UNTRACKED, "untracked" },
	};
	size_t	i;
	int	x = 1;

	move(y, 0);
	clrtoeol();
	for (i = 0; i < sizeof legend / sizeof legend[0]; i++) {
		if (x + 3 + (int)strlen(legend[i].what) >= COLS)
			break;
		mvaddch(y, x, (chtype)(unsigned char)cell_char(legend[i].c,
		    false) | view_cell_attr[legend[i].c]);
		attrset(A_DIM);
		mvaddstr(y, x + 2, legend[i].what);
		attrset(A_NORMAL);
		x += 4 + (int)strlen(legend[i].what);
	}
}

/* The bottom line: a message or the typed interval, then the map state. */
static void
view_draw_status(const struct view *v, int y)
{
	char	right[160], left[300], b[32];
	int	x;

	if (view_shows_procs(v))
		snprintf(right, sizeof right, " processes | Enter opens |"
		    " h help ");
	else if (v->snap != NULL && v->zoom > 1)
		snprintf(right, sizeof right, " 1 cell = %llu pages (%s)%s |"
		    " %s | %s | h help ", (unsigned long long)v->zoom,
		    render_bytes(v->zoom * view_regions(v)->page_size, b,
		    sizeof b),
		    v->autozoom ? " auto" : "",
		    v->by_dirty ? "by dirty" : "by address",
		    v->writable_only ? "writable" : "all regions");
	else
		snprintf(right, sizeof right, " 1 cell = 1 page%s | %s | %s |"
		    " h help ", v->autozoom ? " auto" : "",
		    v->by_dirty ? "by dirty" : "by address",
		    v->writable_only ? "writable" : "all regions");

	move(y, 0);
	clrtoeol();
	if (v->typing) {
		snprintf(left, sizeof left, " interval in seconds"
		    " (0.05-3600): %s_", v->typed);
		view_put(y, 0, A_BOLD, left);
	} else if (v->status[0] != '\0') {
		snprintf(left, sizeof left, " %s ", v->status);
		view_put(y, 0, v->status_error ? view_error_attr : A_BOLD,
		    left);
	}
	/* The right part only where it leaves the left one whole. */
	x = COLS - (int)strlen(right);
	if (x > 0 && (v->typing ? x > (int)str_width(left) :
	    v->status[0] == '\0' || x > (int)str_width(v->status) + 2))
		view_put(y, x, view_bar_attr, right);
}

/* Where the help goes: rows [1, rows) of the screen, from help row top. */
struct view_help_at {
	long	top;
	int	rows;
	int	cols;
};

/* Draw help row number row if it is on the screen. */
static void
view_help_row(void *arg, size_t row, enum view_help_kind kind,
    const char *text)
{
	const struct view_help_at	*at = arg;
	int				 y, n;

	if ((long)row < at->top || (long)row - at->top >= at->rows - 1)
		return;
	y = 1 + (int)((long)row - at->top);
	n = (int)str_fit(text, (size_t)at->cols, NULL);
	switch (kind) {
	case VIEW_HELP_KEY:
		attrset(A_BOLD);
		mvaddnstr(y, 0, text, n < VIEW_HELP_KEY_COLS ? n :
		    VIEW_HELP_KEY_COLS);
		attrset(A_NORMAL);
		if (n > VIEW_HELP_KEY_COLS)
			mvaddnstr(y, VIEW_HELP_KEY_COLS, text +
			    VIEW_HELP_KEY_COLS, n - VIEW_HELP_KEY_COLS);
		break;
	case VIEW_HELP_TEXT:
		attrset(A_DIM);
		mvaddnstr(y, 0, text, n);
		attrset(A_NORMAL);
		break;
	case VIEW_HELP_BLANK:
		break;
	}
}

/*
 * The help screen: what each key does here, from the key table, what the
 * cells mean and why the method was chosen; scrolled when it is longer
 * than the screen.
 */
static void
view_draw_help(struct view *v, int rows, int cols)
{
	struct view_help_at	 at;
	const char		*why = v->replay ? NULL : v->why_method;
	char			 title[128];
	long			 total, maxtop;
	bool			 set = v->set;

	total = (long)view_help_rows(v->replay, set, v->method, why, cols,
	    NULL, NULL);
	maxtop = total - (rows - 1);
	if (v->help_top > maxtop)
		v->help_top = maxtop;
	if (v->help_top < 0)
		v->help_top = 0;
	snprintf(title, sizeof title, " sdtop keys (%s)%s", v->replay ?
	    "replaying a recording" : set ? "watching live processes" :
	    "watching a live process",
	    maxtop > 0 ? "   Up, Down: more" : "");
	attrset(A_REVERSE);
	mvhline(0, 0, ' ', cols);
	mvaddnstr(0, 0, title, cols);
	attrset(A_NORMAL);
	at.top = v->help_top;
	at.rows = rows;
	at.cols = cols;
	view_help_rows(v->replay, set, v->method, why, cols, view_help_row,
	    &at);
}

/* Draw the whole screen, or the help, or why it is too small. */
void
view_draw(struct view *v)
{
	int	y, height;

	erase();
	if (COLS < VIEW_MIN_COLS || LINES < VIEW_MIN_ROWS) {
		mvaddnstr(0, 0, "terminal too small", COLS);
		if (LINES > 1)
			mvaddnstr(1, 0, "(40x10 at least; q quits)", COLS);
		refresh();
		return;
	}
	if (v->help) {
		view_draw_help(v, LINES, COLS);
		refresh();
		return;
	}

	y = view_draw_header(v);
	if (v->snap != NULL) {
		y = view_draw_precopy(v, y);
		y = view_draw_history(v, y);
	}
	height = LINES - y - 2;
	if (view_shows_procs(v)) {
		view_pane_draw(v, y, height);
		view_pane_legend(v, LINES - 2);
		view_draw_status(v, LINES - 1);
		refresh();
		return;
	}
	/* The regions of one process of a set: which one, first. */
	if (v->procs.opened != NULL && height > 1) {
		y = view_pane_title(v, y);
		height--;
	}
	view_layout(v, COLS, height);
	if (v->snap != NULL) {
		if (v->norder == 0)
			view_put(y, 1, A_DIM, view_regions(v)->nvma == 0 ?
			    "no regions" : "no writable regions (w shows all)");
		view_draw_map(v, y, height);
	}
	view_draw_legend(LINES - 2);
	view_draw_status(v, LINES - 1);
	refresh();
}
