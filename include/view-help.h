/*
 * view-help.h - the text of the help screen and the one row that says
 * why the method was chosen, laid out for a width without a terminal.
 *
 * Units: screen columns.
 */
#ifndef SDTOP_VIEW_HELP_H
#define SDTOP_VIEW_HELP_H

#include <stdbool.h>
#include <stddef.h>

/* How a row of the help is drawn. */
enum view_help_kind {
	VIEW_HELP_KEY,		/* a key: its first VIEW_HELP_KEY_COLS bold */
	VIEW_HELP_TEXT,		/* prose */
	VIEW_HELP_BLANK,
};

/* The columns of a key row before what the key does. */
#define VIEW_HELP_KEY_COLS	11

/* Called with each row of the help, numbered from 0. */
typedef void	 view_help_emit(void *arg, size_t row, enum view_help_kind,
		     const char *text);

/*
 * The rows of the help on cols columns: the keys of a recording (replay)
 * or of a live process, of one process or a set of them (set), what the
 * cells mean, and, when why is not NULL,
 * why the method is method, whole; a row too long for cols is wrapped
 * between words. Calls emit for each row (emit may be NULL) and returns
 * how many there are.
 */
size_t	 view_help_rows(bool replay, bool set, const char *method,
	     const char *why, int cols, view_help_emit *emit, void *arg);

/*
 * The row that says why the method is method, on cols columns, into buf:
 * " method NAME: " then the first clause of each reason in why (the
 * reasons are joined by "; " and a reason's details follow ": ", ", " or
 * " ("), as many as fit, and " (h: details)" when some of why was left
 * out. A clause is never cut: if none fits, the row says to press h.
 * Returns its width in columns.
 */
int	 view_method_row(const char *method, const char *why, int cols,
	     char *buf, size_t size);

#endif
