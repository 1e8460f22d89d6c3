/*
 * view-paint.c - what the screen is drawn with: the colours and
 * attributes of each kind of cell and row, chosen once for the terminal
 * (monochrome when it has no colours or NO_COLOR is set), and the few
 * ways of writing a row that the drawing files share.
 *
 * Units: screen rows and columns. Text is fitted by its width in
 * columns, not its length in bytes.
 */
#include "config.h"

#include <curses.h>
#include <langinfo.h>
#include <stdlib.h>
#include <string.h>

#include "render.h"
#include "str-escape.h"
#include "view.h"
#include "view-paint.h"

/* Colour pairs. */
enum {
	PAIR_WRITTEN = 1,
	PAIR_MANY,
	PAIR_FEW,
	PAIR_CLEAN,
	PAIR_ABSENT,
	PAIR_DISCARDED,
	PAIR_NEW,
	PAIR_UNTRACKED,
	PAIR_BAR,
	PAIR_ERROR,
	PAIR_SPARK,
	PAIR_CONVERGED,
	PAIR_TITLE,
};

attr_t	view_cell_attr[CELL_UNTRACKED + 1];
attr_t	view_bar_attr, view_error_attr, view_spark_attr;
attr_t	view_conv_attr, view_title_attr;

/* Colours and attributes for this terminal, and whether it takes UTF-8. */
void
view_paint_setup(struct view *v)
{
	const char	*nc;
	attr_t		 a;
	int		 i;

	v->unicode = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	nc = getenv("NO_COLOR");
	v->color = has_colors() && (nc == NULL || *nc == '\0');

	/* Monochrome first: weight and reverse video only. */
	view_cell_attr[CELL_CLEAN] = A_NORMAL;
	view_cell_attr[CELL_FEW] = A_NORMAL;
	view_cell_attr[CELL_MANY] = A_BOLD;
	view_cell_attr[CELL_WRITTEN] = A_BOLD;
	view_cell_attr[CELL_ABSENT] = A_DIM;
	view_cell_attr[CELL_DISCARDED] = A_DIM | A_UNDERLINE;
	view_cell_attr[CELL_NEW] = A_UNDERLINE;
	view_cell_attr[CELL_UNTRACKED] = A_DIM;
	view_bar_attr = A_REVERSE;
	view_error_attr = A_REVERSE | A_BOLD;
	view_spark_attr = A_NORMAL;
	view_conv_attr = A_BOLD;
	view_title_attr = A_BOLD;
	if (!v->color)
		return;

	start_color();
	use_default_colors();
	init_pair(PAIR_WRITTEN, COLOR_RED, -1);
	init_pair(PAIR_MANY, COLOR_RED, -1);
	init_pair(PAIR_FEW, COLOR_YELLOW, -1);
	init_pair(PAIR_CLEAN, COLOR_GREEN, -1);
	init_pair(PAIR_ABSENT, COLOR_BLUE, -1);
	init_pair(PAIR_DISCARDED, COLOR_BLUE, -1);
	init_pair(PAIR_NEW, COLOR_CYAN, -1);
	init_pair(PAIR_UNTRACKED, COLOR_MAGENTA, -1);
	init_pair(PAIR_BAR, COLOR_BLACK, COLOR_CYAN);
	init_pair(PAIR_ERROR, COLOR_WHITE, COLOR_RED);
	init_pair(PAIR_SPARK, COLOR_YELLOW, -1);
	init_pair(PAIR_CONVERGED, COLOR_GREEN, -1);
	init_pair(PAIR_TITLE, COLOR_CYAN, -1);
	for (i = CELL_CLEAN; i <= CELL_UNTRACKED; i++) {
		switch (i) {
		case CELL_CLEAN:
			a = COLOR_PAIR(PAIR_CLEAN);
			break;
		case CELL_FEW:
			a = COLOR_PAIR(PAIR_FEW);
			break;
		case CELL_MANY:
			a = COLOR_PAIR(PAIR_MANY);
			break;
		case CELL_WRITTEN:
			a = COLOR_PAIR(PAIR_WRITTEN) | A_BOLD;
			break;
		case CELL_ABSENT:
			/* Plain blue is too dark on a dark background. */
			a = COLOR_PAIR(PAIR_ABSENT) | A_BOLD;
			break;
		case CELL_DISCARDED:
			/* Absent too, but just given back: a blue block. */
			a = COLOR_PAIR(PAIR_DISCARDED) | A_REVERSE | A_BOLD;
			break;
		case CELL_NEW:
			a = COLOR_PAIR(PAIR_NEW);
			break;
		default:
			a = COLOR_PAIR(PAIR_UNTRACKED) | A_DIM;
			break;
		}
		view_cell_attr[i] = a;
	}
	view_bar_attr = COLOR_PAIR(PAIR_BAR);
	view_error_attr = COLOR_PAIR(PAIR_ERROR) | A_BOLD;
	view_spark_attr = COLOR_PAIR(PAIR_SPARK);
	view_conv_attr = COLOR_PAIR(PAIR_CONVERGED) | A_BOLD;
	view_title_attr = COLOR_PAIR(PAIR_TITLE) | A_BOLD;
}

/* Write s at row y, column x, cut at the screen's edge by its width. */
void
view_put(int y, int x, attr_t a, const char *s)
{
	if (x >= COLS || y >= LINES || y < 0 || x < 0)
		return;
	attrset(a);
	mvaddnstr(y, x, s, (int)str_fit(s, (size_t)(COLS - x), NULL));
	attrset(A_NORMAL);
}

/* Fill row y with attribute a and write s on it. */
void
view_bar(int y, attr_t a, const char *s)
{
	attrset(a);
	mvhline(y, 0, ' ', COLS);
	mvaddnstr(y, 0, s, (int)str_fit(s, (size_t)COLS, NULL));
	attrset(A_NORMAL);
}

/* Text from outside, escaped for this terminal into buf. */
const char *
view_safe(const struct view *v, const char *s, char *buf, size_t size)
{
	str_escape(buf, size, s, v->unicode ? 0 : STR_ESCAPE_ASCII);
	return (buf);
}
