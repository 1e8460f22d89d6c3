/*
 * view-help.c - the words of the screen that are laid out for a width:
 * the rows of the help screen (the key table, what the cells mean and
 * why the method was chosen, wrapped between words), and the one row
 * under the header that says in short why the method was chosen.
 *
 * The reason for a method is what the session said: the reasons auto
 * passed over the better methods, joined by "; ", each a clause and then
 * its details after ": ", ", " or " (" (soft-dirty is not available on
 * this kernel: CONFIG_MEM_SOFT_DIRTY is off: ...). The row keeps the
 * clauses, whole, and the help keeps everything.
 *
 * Units: screen columns.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "render.h"
#include "str-escape.h"
#include "view-help.h"
#include "view-keys.h"

/* What the row says when some of the reason is left for the help. */
#define MORE	" (h: details)"

/* The most reasons the row looks at. */
#define NCLAUSES	8

/* Where the details of a reason begin: its first clause ends there. */
static const char *const view_details[] = { ": ", ", ", " (", NULL };

/*
 * The clause of the reason of len bytes at p, into buf: past a leading
 * "name: " (the method it is about, named again unless it is method),
 * up to its details. Returns whether that left nothing out.
 */
static bool
view_clause(const char *method, const char *p, size_t len, char *buf,
    size_t size)
{
	char		 part[512], name[32] = "";
	const char	*s = part, *end, *e;
	size_t		 n, i;

	snprintf(part, sizeof part, "%.*s", (int)len, p);
	/* A name is one word of letters, digits, - and _ before ": ". */
	n = strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789-_");
	if (n > 0 && n < sizeof name && strncmp(s + n, ": ", 2) == 0) {
		snprintf(name, sizeof name, "%.*s", (int)n, s);
		s += n + 2;
	}
	end = s + strlen(s);
	for (i = 0; view_details[i] != NULL; i++) {
		if ((e = strstr(s, view_details[i])) != NULL && e < end)
			end = e;
	}
	if (*name != '\0' && strcmp(name, method) != 0)
		snprintf(buf, size, "%s: %.*s", name, (int)(end - s), s);
	else
		snprintf(buf, size, "%.*s", (int)(end - s), s);
	return (*end == '\0' && strlen(part) < sizeof part - 1);
}

int
view_method_row(const char *method, const char *why, int cols,
    char *buf, size_t size)
{
	char		 clause[NCLAUSES][256];
	const char	*p, *next;
	size_t		 n = 0, i, len, used;
	bool		 whole = true;

	if (size == 0)
		return (0);
	for (p = why; p != NULL && *p != '\0' && n < NCLAUSES; p = next) {
		next = strstr(p, "; ");
		len = next != NULL ? (size_t)(next - p) : strlen(p);
		if (!view_clause(method, p, len, clause[n], sizeof clause[n]))
			whole = false;
		if (*clause[n] != '\0')
			n++;
		else
			whole = false;
		if (next != NULL)
			next += 2;
	}
	if (p != NULL && *p != '\0')
		whole = false;
	snprintf(buf, size, " method %s: ", method);
	used = str_width(buf);
	for (i = 0; i < n; i++)
		used += (i > 0 ? 2 : 0) + str_width(clause[i]);
	if (whole && used <= (size_t)cols) {
		for (i = 0; i < n; i++)
			snprintf(buf + strlen(buf), size - strlen(buf), "%s%s",
			    i > 0 ? "; " : "", clause[i]);
		return ((int)str_width(buf));
	}
	/* As many whole clauses as fit with the hint. */
	used = str_width(buf) + strlen(MORE);
	for (i = 0; i < n; i++) {
		len = (i > 0 ? 2 : 0) + str_width(clause[i]);
		if (used + len > (size_t)cols)
			break;
		snprintf(buf + strlen(buf), size - strlen(buf), "%s%s",
		    i > 0 ? "; " : "", clause[i]);
		used += len;
	}
	if (i == 0)
		snprintf(buf, size, " method %s: h says why", method);
	else
		snprintf(buf + strlen(buf), size - strlen(buf), "%s", MORE);
	return ((int)str_width(buf));
}

/*
 * Emit text as rows of at most cols columns from row, broken between
 * words; rows after the first start with indent spaces. Returns the
 * next row.
 */
static size_t
view_wrap(const char *text, int indent, int cols, enum view_help_kind kind,
    size_t row, view_help_emit *emit, void *arg)
{
	char		 line[512];
	const char	*p = text, *sp;
	size_t		 fit, cut, lead = 0, skip;
	int		 avail;

	while (*p != '\0') {
		avail = cols - (int)lead;
		if (avail < 10)
			avail = 10;
		if (avail > (int)(sizeof line - 1 - lead))
			avail = (int)(sizeof line - 1 - lead);
		fit = str_fit(p, (size_t)avail, NULL);
		if (fit == 0)
			fit = 1;
		cut = fit;
		if (p[fit] != '\0' && p[fit] != ' ') {
			/* Back to the last space past the row's own indent. */
			skip = strspn(p, " ");
			for (sp = p + fit; sp > p + skip && *sp != ' '; sp--)
				;
			if (sp > p + skip)
				cut = (size_t)(sp - p);
		}
		snprintf(line, sizeof line, "%*s%.*s", (int)lead, "", (int)cut,
		    p);
		if (emit != NULL)
			emit(arg, row, kind, line);
		row++;
		p += cut;
		p += strspn(p, " ");
		lead = (size_t)indent;
	}
	return (row);
}

size_t
view_help_rows(bool replay, bool set, const char *method, const char *why,
    int cols, view_help_emit *emit, void *arg)
{
	const char	*name, *help;
	char		 line[512], text[4096];
	size_t		 i, row = 0, nkeys = view_keys_count();

	if (emit != NULL)
		emit(arg, row, VIEW_HELP_BLANK, "");
	row++;
	for (i = 0; i < nkeys; i++) {
		if ((help = view_keys_help(i, replay, set, &name)) == NULL)
			continue;
		snprintf(line, sizeof line, "  %-8s %s", name, help);
		row = view_wrap(line, VIEW_HELP_KEY_COLS, cols, VIEW_HELP_KEY,
		    row, emit, arg);
	}
	if (emit != NULL)
		emit(arg, row, VIEW_HELP_BLANK, "");
	row++;
	snprintf(line, sizeof line, "  Cells: %c all pages written,"
	    " %c most, %c some, %c none, %c not present, %c discarded"
	    " (given back, not written), %c new region, %c untracked."
	    " Any other key returns.",
	    cell_char(CELL_WRITTEN, false), cell_char(CELL_MANY, false),
	    cell_char(CELL_FEW, false), cell_char(CELL_CLEAN, false),
	    cell_char(CELL_ABSENT, false), cell_char(CELL_DISCARDED, false),
	    cell_char(CELL_NEW, false), cell_char(CELL_UNTRACKED, false));
	row = view_wrap(line, 2, cols, VIEW_HELP_TEXT, row, emit, arg);
	if (why == NULL || *why == '\0')
		return (row);
	if (emit != NULL)
		emit(arg, row, VIEW_HELP_BLANK, "");
	row++;
	snprintf(text, sizeof text, "  Why the method is %s: %s", method, why);
	return (view_wrap(text, 2, cols, VIEW_HELP_TEXT, row, emit, arg));
}
