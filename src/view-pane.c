/*
 * view-pane.c - the list of a set's processes on the screen, drawn with
 * curses from the rows view-procs.c writes: a row naming the columns,
 * then a row per process from the first one shown, the one selected in
 * reverse video; a process that joined this cycle is drawn as a new
 * region is, one not watched as an untracked region, one that exited
 * dim. Above the regions of the process opened, a row says which it is.
 *
 * Units: screen rows and columns; list rows from the first process.
 */
#include "config.h"

#include <curses.h>
#include <stdio.h>

#include "render.h"
#include "snapshot.h"
#include "str-escape.h"
#include "view.h"
#include "view-pane.h"
#include "view-paint.h"
#include "view-procs.h"

/* What a row of a kind is drawn with. */
static attr_t
view_pane_attr(enum view_procs_kind kind)
{
	switch (kind) {
	case VIEW_PROCS_JOINED:
		return (view_cell_attr[CELL_NEW]);
	case VIEW_PROCS_LEFT:
		return (A_DIM);
	case VIEW_PROCS_UNWATCHED:
		return (view_cell_attr[CELL_UNTRACKED]);
	case VIEW_PROCS_WATCHED:
		break;
	}
	return (A_NORMAL);
}

/* Row i of the list on screen row y, selected or not. */
static void
view_pane_row(struct view *v, const struct view_procs_fmt *f, size_t i,
    int y)
{
	struct view_procs_row	 r;
	attr_t			 a, sel = 0;
	int			 x;

	view_procs_row(&v->procs, i, f, &r);
	a = view_pane_attr(r.kind);
	if (i == v->procs.sel) {
		sel = A_REVERSE;
		attrset(A_REVERSE);
		mvhline(y, 0, ' ', COLS);
		attrset(A_NORMAL);
	}
	view_put(y, 0, a | sel, r.head);
	x = (int)str_width(r.head) + 2;
	view_put(y, x, sel != 0 ? sel : view_spark_attr, r.spark);
	x += f->spark_w + 2;
	view_put(y, x, a | sel, r.tail);
}

void
view_pane_draw(struct view *v, int y, int height)
{
	struct view_procs_fmt	 f;
	const struct snapshot	*s = v->snap;
	char			 line[512];
	long			 i;

	if (height < 1)
		return;
	view_procs_fmt(&f, &v->procs, COLS, !v->unicode);
	view_procs_heading(&f, line, sizeof line);
	view_put(y, 0, A_BOLD, line);
	view_procs_layout(&v->procs, height - 1);
	if (s->nproc == 0) {
		view_put(y + 1, 1, A_DIM, "no processes");
		return;
	}
	for (i = v->procs.top; i < v->procs.top + height - 1 &&
	    i < (long)s->nproc; i++)
		view_pane_row(v, &f, (size_t)i, y + 1 + (int)(i -
		    v->procs.top));
}

void
view_pane_legend(const struct view *v, int y)
{
	const char	*keys = " Enter: the regions of the process selected";
	const char	*history = "   HISTORY: its pages written per cycle,"
			    " the last at the right";

	(void)v;
	move(y, 0);
	clrtoeol();
	view_put(y, 0, A_DIM, keys);
	/* Whole or not at all. */
	if (str_width(keys) + str_width(history) <= (size_t)COLS)
		view_put(y, (int)str_width(keys), A_DIM, history);
}

int
view_pane_title(const struct view *v, int y)
{
	char	line[512];

	view_procs_title(v->procs.opened, !v->unicode, COLS, line,
	    sizeof line);
	view_bar(y, A_REVERSE | A_BOLD, line);
	return (y + 1);
}
