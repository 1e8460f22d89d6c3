/*
 * test-view-help.c - the row that says why the method was chosen, and
 * the help screen's rows, laid out without a terminal: whole clauses that
 * fit, never a sentence cut at the edge, and the whole reason in the
 * help, wrapped between words.
 *
 * Units: screen columns.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "str-escape.h"
#include "view-help.h"

/* What auto says on a kernel without soft-dirty (track-softdirty.c). */
#define WHY_SD	"soft-dirty is not available on this kernel: " \
		"CONFIG_MEM_SOFT_DIRTY is off: a page written after " \
		"clear_refs does not read soft-dirty"
/* And of a target whose seccomp filter only root can read. */
#define WHY_SECCOMP "uffd-wp: PID 4242 has a seccomp filter, which only " \
		"root can read, and sdtop injects nothing a filter might forbid"

static void
view_method_row__long_reason__first_clause_and_a_hint(void **state)
{
	char	buf[512];
	int	n;

	(void)state;
	n = view_method_row("uffd-wp", WHY_SD, 80, buf, sizeof buf);
	assert_string_equal(buf, " method uffd-wp: soft-dirty is not available"
	    " on this kernel (h: details)");
	assert_int_equal(n, (int)strlen(buf));
	assert_true(n <= 80);
}

static void
view_method_row__two_reasons__both_when_they_fit(void **state)
{
	char	buf[512];

	(void)state;
	view_method_row("hash", WHY_SD "; " WHY_SECCOMP, 132, buf, sizeof buf);
	/* The method passed over is named; its own name is not repeated. */
	assert_string_equal(buf, " method hash: soft-dirty is not available on"
	    " this kernel; uffd-wp: PID 4242 has a seccomp filter (h:"
	    " details)");
	view_method_row("hash", WHY_SD "; " WHY_SECCOMP, 80, buf, sizeof buf);
	assert_string_equal(buf, " method hash: soft-dirty is not available on"
	    " this kernel (h: details)");
	view_method_row("uffd-wp", WHY_SECCOMP, 80, buf, sizeof buf);
	assert_string_equal(buf, " method uffd-wp: PID 4242 has a seccomp"
	    " filter (h: details)");
}

static void
view_method_row__short_reason__whole_without_a_hint(void **state)
{
	char	buf[512];

	(void)state;
	view_method_row("hash", "uffd-wp: no pidfd", 80, buf, sizeof buf);
	assert_string_equal(buf, " method hash: uffd-wp: no pidfd");
}

static void
view_method_row__narrow__never_a_cut_clause(void **state)
{
	char	buf[512];
	int	cols, n;

	(void)state;
	for (cols = 20; cols <= 200; cols++) {
		n = view_method_row("hash", WHY_SD "; " WHY_SECCOMP, cols, buf,
		    sizeof buf);
		assert_true(n <= cols || cols < 27);
		assert_true(strstr(buf, "(h: details)") != NULL ||
		    strstr(buf, "h says why") != NULL);
		assert_true(strstr(buf, "soft-dirty is not available on this"
		    " kernel") != NULL || strstr(buf, "h says why") != NULL);
	}
	view_method_row("uffd-wp", WHY_SD, 40, buf, sizeof buf);
	assert_string_equal(buf, " method uffd-wp: h says why");
}

/* The help's rows, joined by spaces, and the widest. */
struct help_text {
	char	 all[8192];
	size_t	 rows;
	size_t	 widest;
};

static void
help_collect(void *arg, size_t row, enum view_help_kind kind,
    const char *text)
{
	struct help_text	*h = arg;
	const char		*p = text + strspn(text, " ");
	size_t			 len;

	(void)kind;
	assert_int_equal(row, h->rows);
	h->rows++;
	if (str_width(text) > h->widest)
		h->widest = str_width(text);
	/* Joined by one space, runs of spaces squeezed. */
	for (; *p != '\0'; p++) {
		len = strlen(h->all);
		if (len + 2 >= sizeof h->all || (*p == ' ' && p[1] == ' '))
			continue;
		h->all[len] = *p;
		h->all[len + 1] = '\0';
	}
	len = strlen(h->all);
	if (len > 0 && h->all[len - 1] != ' ' && len + 2 < sizeof h->all)
		strcat(h->all, " ");
}

static void
view_help_rows__narrow__everything_wrapped_and_the_reason_whole(void **state)
{
	struct help_text	 h;
	size_t			 n;
	int			 cols;

	(void)state;
	for (cols = 40; cols <= 140; cols += 20) {
		memset(&h, 0, sizeof h);
		n = view_help_rows(false, false, "hash", WHY_SD "; "
		    WHY_SECCOMP, cols, help_collect, &h);
		assert_int_equal(n, h.rows);
		assert_true(h.widest <= (size_t)cols);
		assert_non_null(strstr(h.all, "Why the method is hash: " WHY_SD
		    "; " WHY_SECCOMP));
		assert_non_null(strstr(h.all, "Cells: X all pages written"));
		assert_non_null(strstr(h.all, "q quit"));
		assert_non_null(strstr(h.all, "scroll down a row (the mouse"
		    " wheel scrolls too)"));
	}
	/* Without a reason, nothing of one; a recording has its own keys. */
	memset(&h, 0, sizeof h);
	view_help_rows(true, false, "uffd-wp", NULL, 80, help_collect, &h);
	assert_null(strstr(h.all, "Why"));
	assert_non_null(strstr(h.all, "step to the previous cycle"));
	assert_null(strstr(h.all, "rescan"));
	/* Counting without drawing gives the same rows. */
	assert_int_equal(view_help_rows(true, false, "uffd-wp", NULL, 80, NULL,
	    NULL), h.rows);
}

static void
view_help_rows__set__enter_and_escape_only_for_a_set(void **state)
{
	struct help_text	 h;

	(void)state;
	/* One process: as ever, no key of the list of processes. */
	memset(&h, 0, sizeof h);
	view_help_rows(false, false, "uffd-wp", NULL, 100, help_collect, &h);
	assert_null(strstr(h.all, "Enter"));
	assert_null(strstr(h.all, "Esc"));
	assert_non_null(strstr(h.all, "Up k scroll up a row "));
	/* A set, live or replayed: Enter opens, Escape goes back. */
	memset(&h, 0, sizeof h);
	view_help_rows(false, true, "uffd-wp", NULL, 100, help_collect, &h);
	assert_non_null(strstr(h.all, "Enter show the regions of the"
	    " process selected"));
	assert_non_null(strstr(h.all, "Esc BS back from a process's"
	    " regions to the list of processes"));
	assert_non_null(strstr(h.all, "select the process above"));
	memset(&h, 0, sizeof h);
	view_help_rows(true, true, "uffd-wp", NULL, 100, help_collect, &h);
	assert_non_null(strstr(h.all, "Enter show the regions"));
	assert_non_null(strstr(h.all, "step to the previous cycle"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    view_method_row__long_reason__first_clause_and_a_hint),
		cmocka_unit_test(
		    view_method_row__two_reasons__both_when_they_fit),
		cmocka_unit_test(
		    view_method_row__short_reason__whole_without_a_hint),
		cmocka_unit_test(view_method_row__narrow__never_a_cut_clause),
		cmocka_unit_test(
		    view_help_rows__narrow__everything_wrapped_and_the_reason_whole),
		cmocka_unit_test(
		    view_help_rows__set__enter_and_escape_only_for_a_set),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
