/*
 * test-view-title.c - the title rows of the region map, without a
 * terminal: what each format holds, which format a width gets, names
 * shortened from the left and never lost from 40 columns up, escaped and
 * measured in columns, and what a region not tracked says instead of a
 * dirty count.
 *
 * Units: screen columns; 4 KiB pages.
 */
#include "config.h"

#include <errno.h>
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pageset.h"
#include "proc-maps.h"
#include "snapshot.h"
#include "snap-make.h"
#include "str-escape.h"
#include "view-title.h"

/* The format for all the regions of s on cols columns. */
static void
fmt_all(struct view_title_fmt *f, const struct snapshot *s, int cols,
    bool ascii)
{
	size_t	order[64], i;

	assert_true(s->nvma <= 64);
	for (i = 0; i < s->nvma; i++)
		order[i] = i;
	view_title_fmt(f, s, order, s->nvma, cols, ascii);
}

/* What a process run from a build tree maps, writable regions only. */
static const struct region process[] = {
	{ 0x55d50b595000, 1, "rw-p",
	    "/home/someone/src/sdtop/build/tests/workload", true },
	{ 0x55d50db78000, 33, "rw-p", "[heap]", true },
	{ 0x7f2f14e90000, 16384, "rw-p", "", true },
	{ 0x7f2f153a8000, 2, "rw-p", "/usr/lib/x86_64-linux-gnu/libc.so.6", true },
	{ 0x7f2f15440000, 2, "rw-p",
	    "/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2", true },
	{ 0x7ffd0b273000, 33, "rw-p", "[stack]", true },
};
#define NPROCESS	(sizeof process / sizeof process[0])

static void
view_title__wide_screen__every_part_and_whole_names(void **state)
{
	struct view_title_fmt	 f;
	struct snapshot		*s;
	char			 buf[512];
	int			 n;

	(void)state;
	s = snap_make(process, NPROCESS);
	s->vmas[2].dirty = 2068;
	fmt_all(&f, s, 132, true);
	assert_int_equal(f.parts, VIEW_TITLE_START | VIEW_TITLE_END |
	    VIEW_TITLE_PAGES | VIEW_TITLE_BYTES);
	/* As /proc/PID/maps writes them: 12 digits on x86_64. */
	assert_int_equal(f.addr_digits, 12);
	n = view_title(&s->vmas[2], s->page_size, &f, buf, sizeof buf);
	assert_string_equal(buf, "7f2f14e90000-7f2f18e90000 rw-p 16384 pages"
	    "  64.0 MiB  2068 dirty  [anon]");
	assert_int_equal(n, (int)strlen(buf));
	n = view_title(&s->vmas[0], s->page_size, &f, buf, sizeof buf);
	assert_string_equal(buf, "55d50b595000-55d50b596000 rw-p     1 page "
	    "   4.0 KiB     0 dirty  /home/someone/src/sdtop/build/tests/"
	    "workload");
	n = view_title(&s->vmas[4], s->page_size, &f, buf, sizeof buf);
	assert_non_null(strstr(buf,
	    "  /usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2"));
	assert_true(n <= 132);
	snapshot_free(s);
}

static void
view_title__80_columns__start_address_and_names_cut_from_the_left(
    void **state)
{
	struct view_title_fmt	 f;
	struct snapshot		*s;
	char			 buf[512];
	size_t			 i;
	int			 n;

	(void)state;
	s = snap_make(process, NPROCESS);
	fmt_all(&f, s, 80, false);
	/* The end address goes first. */
	assert_int_equal(f.parts, VIEW_TITLE_START | VIEW_TITLE_PAGES |
	    VIEW_TITLE_BYTES);
	for (i = 0; i < NPROCESS; i++) {
		n = view_title(&s->vmas[i], s->page_size, &f, buf, sizeof buf);
		assert_true(n <= 80);
		assert_int_equal(n, (int)str_width(buf));
	}
	view_title(&s->vmas[1], s->page_size, &f, buf, sizeof buf);
	assert_string_equal(buf, "55d50db78000 rw-p    33 pages 132.0 KiB"
	    "     0 dirty  [heap]");
	view_title(&s->vmas[5], s->page_size, &f, buf, sizeof buf);
	assert_non_null(strstr(buf, "  [stack]"));
	/* Cut at a directory: the file's own name stays whole. */
	view_title(&s->vmas[3], s->page_size, &f, buf, sizeof buf);
	assert_non_null(strstr(buf, "dirty  \xe2\x80\xa6/"));
	assert_non_null(strstr(buf, "/libc.so.6"));
	view_title(&s->vmas[4], s->page_size, &f, buf, sizeof buf);
	assert_non_null(strstr(buf, "dirty  \xe2\x80\xa6/ld-linux-x86-64.so.2"));
	view_title(&s->vmas[0], s->page_size, &f, buf, sizeof buf);
	assert_non_null(strstr(buf, "/tests/workload"));
	assert_null(strstr(buf, "/home/"));
	snapshot_free(s);
}

static void
view_title__40_columns__names_keep_their_ends(void **state)
{
	struct view_title_fmt	 f;
	struct snapshot		*s;
	char			 buf[512];
	size_t			 i;
	int			 n;

	(void)state;
	s = snap_make(process, NPROCESS);
	/* Addresses and sizes go: the permissions and the count stay. */
	fmt_all(&f, s, 40, true);
	assert_int_equal(f.parts, 0);
	for (i = 0; i < NPROCESS; i++) {
		n = view_title(&s->vmas[i], s->page_size, &f, buf, sizeof buf);
		assert_true(n <= 40);
		assert_non_null(strstr(buf, "rw-p "));
		assert_non_null(strstr(buf, " dirty  "));
	}
	view_title(&s->vmas[1], s->page_size, &f, buf, sizeof buf);
	assert_non_null(strstr(buf, "  [heap]"));
	view_title(&s->vmas[5], s->page_size, &f, buf, sizeof buf);
	assert_non_null(strstr(buf, "  [stack]"));
	view_title(&s->vmas[3], s->page_size, &f, buf, sizeof buf);
	assert_non_null(strstr(buf, "  .../libc.so.6"));
	view_title(&s->vmas[0], s->page_size, &f, buf, sizeof buf);
	assert_non_null(strstr(buf, "  .../tests/workload"));
	/* A name longer than the room and without a '/' in it: its end. */
	view_title(&s->vmas[4], s->page_size, &f, buf, sizeof buf);
	assert_non_null(strstr(buf, "..."));
	assert_non_null(strstr(buf, "64.so.2"));
	snapshot_free(s);
}

static void
view_title__untracked__says_so_and_why_instead_of_a_count(void **state)
{
	const struct region	 r[] = {
		{ 0x10000000, 4, "r--p", "/usr/lib/libtape.so", false },
		{ 0x20000000, 512, "rw-p", "", true },
		{ 0x30000000, 4, "rw-p", "[heap]", true },
		{ 0x40000000, 8, "rw-p", "", false },
		{ 0x50000000, 8, "rw-p", "", false },
		{ 0x60000000, 1, "---p", "", false },
	};
	struct view_title_fmt	 f;
	struct snapshot		*s;
	char			 buf[512];
	size_t			 i;

	(void)state;
	s = snap_make(r, 6);
	/* Huge pages uffd-wp leaves alone; an error; a new region. */
	s->vmas[1].error = SNAP_EHUGE;
	s->vmas[1].tracked = false;
	s->vmas[2].error = EACCES;
	s->vmas[2].tracked = false;
	s->vmas[4].is_new = true;
	fmt_all(&f, s, 120, true);
	for (i = 0; i < 6; i++) {
		view_title(&s->vmas[i], s->page_size, &f, buf, sizeof buf);
		assert_null(strstr(buf, "dirty"));
	}
	view_title(&s->vmas[0], s->page_size, &f, buf, sizeof buf);
	assert_non_null(strstr(buf, "r--p   4 pages 16.0 KiB not tracked  "
	    "/usr/lib/libtape.so  (read-only)"));
	view_title(&s->vmas[1], s->page_size, &f, buf, sizeof buf);
	assert_non_null(strstr(buf, "not tracked  [anon]  (huge pages)"));
	view_title(&s->vmas[2], s->page_size, &f, buf, sizeof buf);
	assert_non_null(strstr(buf, "not tracked  [heap]  (error: Permission"
	    " denied)"));
	/* Not tracked for a reason the snapshot does not know. */
	view_title(&s->vmas[3], s->page_size, &f, buf, sizeof buf);
	assert_true(strlen(buf) >= 19);
	assert_string_equal(buf + strlen(buf) - 19, "not tracked  [anon]");
	view_title(&s->vmas[4], s->page_size, &f, buf, sizeof buf);
	assert_non_null(strstr(buf, " new region  [anon]"));
	/* A guard page is not read-only: nothing may touch it. */
	view_title(&s->vmas[5], s->page_size, &f, buf, sizeof buf);
	assert_non_null(strstr(buf, "not tracked  [anon]  (no access)"));

	/*
	 * Short of room the name is cut for the note, down to 12 columns:
	 * here 82 - 55 - 13 = 14 of them.
	 */
	fmt_all(&f, s, 82, true);
	view_title(&s->vmas[0], s->page_size, &f, buf, sizeof buf);
	assert_int_equal(str_width(buf), 82);
	assert_non_null(strstr(buf, "not tracked  .../libtape.so  (read-only)"));
	snapshot_free(s);
}

static void
view_title__fixed_part__aligned_from_row_to_row(void **state)
{
	struct view_title_fmt	 f;
	struct snapshot		*s;
	char			 buf[512];
	const char		*name;
	size_t			 i, at = 0;

	(void)state;
	s = snap_make(process, NPROCESS);
	/* Every name starts in the same column, whatever the format. */
	for (i = 0; i < NPROCESS * 3; i++) {
		fmt_all(&f, s, i < NPROCESS ? 132 : i < 2 * NPROCESS ? 80 : 40,
		    true);
		view_title(&s->vmas[i % NPROCESS], s->page_size, &f, buf,
		    sizeof buf);
		name = strstr(buf, " dirty  ");
		assert_non_null(name);
		if (i % NPROCESS == 0)
			at = (size_t)(name - buf);
		assert_int_equal((size_t)(name - buf), at);
	}
	snapshot_free(s);
}

static void
view_title__hostile_and_wide_names__escaped_and_counted_in_columns(
    void **state)
{
	const struct region	 r[] = {
		/* Three CJK characters: 9 bytes, 6 columns. */
		{ 0x10000000, 4, "rw-p", "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", true },
		/* A window title (OSC), a colour (CSI) and a C1 CSI. */
		{ 0x20000000, 4, "rw-p", "\x1b]0;x\x07\x1b[31m\xc2\x9b", true },
		{ 0x30000000, 4, "rw-p", "caf\xc3\xa9", true },
		/* An escape sequence at the end of a long path. */
		{ 0x40000000, 4, "rw-p", "/a/very/long/directory/name/that/goes/"
		  "on/and/on/\x1b[2J", true },
	};
	struct view_title_fmt	 f;
	struct snapshot		*s;
	char			 buf[512];
	int			 n, fixed;

	(void)state;
	if (setlocale(LC_CTYPE, "C.UTF-8") == NULL)
		skip();
	s = snap_make(r, 4);
	fmt_all(&f, s, 200, false);
	/*
	 * 8-digit addresses and a dash (18), "rw-p " (5), "4 pages " (8),
	 * "16.0 KiB " (9), "not tracked" wide (11) and two spaces.
	 */
	fixed = 18 + 5 + 8 + 9 + 11 + 2;
	n = view_title(&s->vmas[0], s->page_size, &f, buf, sizeof buf);
	assert_int_equal(n, fixed + 6);
	assert_int_equal((int)strlen(buf), fixed + 9);
	n = view_title(&s->vmas[1], s->page_size, &f, buf, sizeof buf);
	assert_non_null(strstr(buf, "\\x1b]0;x\\x07\\x1b[31m\\xc2\\x9b"));
	assert_null(strchr(buf, '\x1b'));
	assert_int_equal(n, fixed + 28);
	/* A buffer too short for the whole name never cuts a character. */
	n = view_title(&s->vmas[0], s->page_size, &f, buf, fixed + 5);
	assert_int_equal((int)strlen(buf), fixed + 3);
	assert_int_equal(n, fixed + 2);
	/* Cut from the left, the escapes at the end stay whole. */
	fmt_all(&f, s, 80, false);
	n = view_title(&s->vmas[3], s->page_size, &f, buf, sizeof buf);
	assert_true(n <= 80);
	assert_non_null(strstr(buf, "\xe2\x80\xa6/"));
	assert_non_null(strstr(buf, "/on/\\x1b[2J"));
	assert_null(strchr(buf, '\x1b'));
	/* On a terminal that is not UTF-8, the accent is escaped too. */
	fmt_all(&f, s, 200, true);
	n = view_title(&s->vmas[2], s->page_size, &f, buf, sizeof buf);
	assert_non_null(strstr(buf, "caf\\xc3\\xa9"));
	assert_int_equal(n, fixed + 11);
	snapshot_free(s);
	setlocale(LC_CTYPE, "C");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    view_title__wide_screen__every_part_and_whole_names),
		cmocka_unit_test(
		    view_title__80_columns__start_address_and_names_cut_from_the_left),
		cmocka_unit_test(
		    view_title__40_columns__names_keep_their_ends),
		cmocka_unit_test(
		    view_title__untracked__says_so_and_why_instead_of_a_count),
		cmocka_unit_test(
		    view_title__fixed_part__aligned_from_row_to_row),
		cmocka_unit_test(
		    view_title__hostile_and_wide_names__escaped_and_counted_in_columns),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
