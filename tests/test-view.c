/*
 * test-view.c - the layout of the region map, without a terminal: how
 * many rows each region takes (one when its cells fit after its title),
 * the total the scrolling works on, and the zoom auto-zoom picks.
 *
 * Units: screen columns and map rows; 4 KiB pages.
 */
#include "config.h"

#include <limits.h>
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "proc-maps.h"
#include "snapshot.h"
#include "view.h"
#include "view-layout.h"

/*
 * The title of a region named name is this wide: two 16-digit addresses
 * and a dash (33), " rw-p" (5), " %8llu" pages (9), " pages" (6),
 * " %9s" bytes (10), " %8llu" (9), " dirty  " (8), then the name.
 */
#define TITLE_FIXED	80

/* A snapshot of the regions {start, pages, perms, name, tracked}. */
struct region {
	uint64_t	 start;
	uint64_t	 pages;
	const char	*perms;
	const char	*name;
	bool		 tracked;
};

static struct snapshot *
snap_make(const struct region *r, size_t n)
{
	struct snapshot	*s;
	struct vma	 v;
	size_t		 i;

	s = snapshot_new(n);
	assert_non_null(s);
	s->page_size = 4096;
	for (i = 0; i < n; i++) {
		memset(&v, 0, sizeof v);
		v.start = r[i].start;
		v.end = r[i].start + r[i].pages * 4096;
		snprintf(v.perms, sizeof v.perms, "%s", r[i].perms);
		v.prot = (r[i].perms[0] == 'r' ? VMA_READ : 0) |
		    (r[i].perms[1] == 'w' ? VMA_WRITE : 0);
		v.name = (char *)r[i].name;
		assert_int_equal(snapshot_set_vma(s, i, &v, r[i].tracked,
		    false), 0);
	}
	snapshot_count(s);
	return (s);
}

static void
view_vma_rows__cells_fit_after_title__one_row(void **state)
{
	(void)state;
	/* 86 + 2 + 32 = 120: the last cell ends at the screen's edge. */
	assert_int_equal(view_vma_rows(32, 1, 120, 86), 1);
	assert_int_equal(view_vma_rows(1, 1, 120, 86), 1);
	/* One cell more and the cells go below the title. */
	assert_int_equal(view_vma_rows(33, 1, 120, 86), 2);
	/* Zoomed out, 64 pages are 32 cells: one row again. */
	assert_int_equal(view_vma_rows(64, 2, 120, 86), 1);
}

static void
view_vma_rows__wide_region__title_then_wrapped_cells(void **state)
{
	(void)state;
	/* 300 cells on 120 columns: 3 rows of cells under the title. */
	assert_int_equal(view_vma_rows(300, 1, 120, 86), 4);
	assert_int_equal(view_vma_rows(240, 1, 120, 86), 3);
	assert_int_equal(view_vma_rows(241, 1, 120, 86), 4);
	/* At zoom 4 they are 75 cells: too many after the title. */
	assert_int_equal(view_vma_rows(300, 4, 120, 86), 2);
}

static void
view_vma_rows__title_wider_than_screen__never_one_row(void **state)
{
	(void)state;
	assert_int_equal(view_vma_rows(1, 1, 60, 86), 2);
	assert_int_equal(view_vma_rows(1, 1, 88, 86), 2);
	assert_int_equal(view_vma_rows(1, 1, 89, 86), 1);
	/* No columns at all still gives a row per cell, not a division by 0. */
	assert_int_equal(view_vma_rows(3, 1, 0, 86), 4);
}

static void
view_title__width_is_the_fixed_part_and_the_name(void **state)
{
	const struct region	 r[] = {
		{ 0x10000000, 4, "rw-p", "", true },
		{ 0x20000000, 40, "rw-p", "[heap]", true },
		{ 0x30000000, 4, "r--p", "/usr/lib/libtape.so", false },
	};
	struct snapshot		*s;
	char			 buf[512];
	int			 n;

	(void)state;
	s = snap_make(r, 3);
	n = view_title(&s->vmas[0], s->page_size, false, buf, sizeof buf);
	assert_int_equal(n, (int)strlen(buf));
	assert_int_equal(n, TITLE_FIXED + 6);
	assert_non_null(strstr(buf, "0000000010000000-0000000010004000 rw-p"));
	assert_non_null(strstr(buf, " 4 pages  16.0 KiB "));
	assert_non_null(strstr(buf, "[anon]"));

	n = view_title(&s->vmas[1], s->page_size, false, buf, sizeof buf);
	assert_int_equal(n, TITLE_FIXED + 6);
	assert_non_null(strstr(buf, "[heap]"));

	/* An untracked region says so after its name. */
	n = view_title(&s->vmas[2], s->page_size, false, buf, sizeof buf);
	assert_int_equal(n, TITLE_FIXED + 19 + 11);
	assert_non_null(strstr(buf, "libtape.so  untracked"));

	/* A short buffer is cut, and the width says what it holds. */
	n = view_title(&s->vmas[2], s->page_size, false, buf, 20);
	assert_int_equal(n, 19);
	assert_int_equal((int)strlen(buf), 19);
	snapshot_free(s);
}

static void
view_title__hostile_and_wide_names__escaped_and_counted_in_columns(void **state)
{
	const struct region	 r[] = {
		/* Three CJK characters: 9 bytes, 6 columns. */
		{ 0x10000000, 4, "rw-p", "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", true },
		/* A window title (OSC), a colour (CSI) and a C1 CSI. */
		{ 0x20000000, 4, "rw-p", "\x1b]0;x\x07\x1b[31m\xc2\x9b", true },
		{ 0x30000000, 4, "rw-p", "caf\xc3\xa9", true },
	};
	struct snapshot		*s;
	struct view		 v;
	char			 buf[512];
	int			 n;

	(void)state;
	if (setlocale(LC_CTYPE, "C.UTF-8") == NULL)
		skip();
	s = snap_make(r, 3);
	n = view_title(&s->vmas[0], s->page_size, false, buf, sizeof buf);
	assert_int_equal(n, TITLE_FIXED + 6);
	assert_int_equal((int)strlen(buf), TITLE_FIXED + 9);
	n = view_title(&s->vmas[1], s->page_size, false, buf, sizeof buf);
	assert_non_null(strstr(buf, "\\x1b]0;x\\x07\\x1b[31m\\xc2\\x9b"));
	assert_null(strchr(buf, '\x1b'));
	assert_int_equal(n, TITLE_FIXED + 28);
	/* On a terminal that is not UTF-8, the accent is escaped too. */
	n = view_title(&s->vmas[2], s->page_size, true, buf, sizeof buf);
	assert_non_null(strstr(buf, "caf\\xc3\\xa9"));
	assert_int_equal(n, TITLE_FIXED + 11);
	/* A buffer too short for the whole name never cuts a character. */
	n = view_title(&s->vmas[0], s->page_size, false, buf, TITLE_FIXED + 5);
	assert_int_equal((int)strlen(buf), TITLE_FIXED + 3);
	assert_int_equal(n, TITLE_FIXED + 2);

	/* The layout counts columns: 86 + 2 + 4 cells fit in 92, 84 too. */
	view_init(&v);
	v.snap = s;
	v.unicode = true;
	v.autozoom = false;
	view_layout(&v, 92, 30);
	assert_int_equal(v.title_cols[0], TITLE_FIXED + 6);
	assert_int_equal(v.map_rows, 1 + 2 + 1);
	view_free(&v);
	snapshot_free(s);
	setlocale(LC_CTYPE, "C");
}

static void
view_layout__map_rows_add_up_the_regions(void **state)
{
	const struct region	 r[] = {
		{ 0x10000000, 4, "rw-p", "", true },		/* 1 row */
		{ 0x20000000, 40, "rw-p", "[heap]", true },	/* 2 rows */
		{ 0x30000000, 4, "r--p", "/usr/lib/libtape.so", false },
		{ 0x40000000, 300, "rw-p", "", true },		/* 4 rows */
	};
	struct snapshot		*s;
	struct view		 v;

	(void)state;
	s = snap_make(r, 4);
	view_init(&v);
	v.snap = s;
	v.autozoom = false;
	v.zoom = 1;
	view_layout(&v, 120, 30);
	assert_int_equal(v.norder, 3);
	assert_int_equal(v.title_cols[0], TITLE_FIXED + 6);
	assert_int_equal(v.map_rows, 1 + 2 + 4);

	/* All regions: the untracked library fits on its title's row. */
	v.writable_only = false;
	view_layout(&v, 120, 30);
	assert_int_equal(v.norder, 4);
	assert_int_equal(v.map_rows, 1 + 2 + 1 + 4);

	/* On 60 columns no title leaves room: 2, 2, 2 and 1 + 5 rows. */
	view_layout(&v, 60, 30);
	assert_int_equal(v.map_rows, 2 + 2 + 2 + 6);
	view_free(&v);
	snapshot_free(s);
}

static void
view_layout__top_stays_within_the_last_screen(void **state)
{
	const struct region	 r[] = {
		{ 0x10000000, 4, "rw-p", "", true },
		{ 0x40000000, 300, "rw-p", "", true },
	};
	struct snapshot		*s;
	struct view		 v;

	(void)state;
	s = snap_make(r, 2);
	view_init(&v);
	v.snap = s;
	v.autozoom = false;
	v.top = 100;
	view_layout(&v, 120, 2);
	assert_int_equal(v.map_rows, 1 + 4);
	assert_int_equal(v.top, 5 - 2);
	/* A screen taller than the map shows it from its first row. */
	view_layout(&v, 120, 10);
	assert_int_equal(v.top, 0);
	view_free(&v);
	snapshot_free(s);
}

static void
view_layout__autozoom__smallest_zoom_that_fits(void **state)
{
	const struct region	 r[] = {
		{ 0x10000000, 1000, "rw-p", "", true },
	};
	struct snapshot		*s;
	struct view		 v;

	(void)state;
	s = snap_make(r, 1);
	view_init(&v);
	v.snap = s;
	/*
	 * Three rows: zoom 4 makes 250 cells (3 rows under the title),
	 * zoom 5 makes 200 (2 rows).
	 */
	view_layout(&v, 120, 3);
	assert_int_equal(v.zoom, 5);
	assert_int_equal(v.map_rows, 3);
	/* Room for everything: a page a cell. */
	view_layout(&v, 120, 20);
	assert_int_equal(v.zoom, 1);
	assert_int_equal(v.map_rows, 1 + 9);
	view_free(&v);
	snapshot_free(s);
}

/* The pages of a region from 0x4000 to 0xfffffffffffff000. */
#define HUGE_PAGES	((1ULL << 52) - 5)

static void
view_vma_rows__huge_regions__counted_without_wrapping(void **state)
{
	(void)state;
	/* 2^52 - 5 cells on 120 columns: 11 on the last row. */
	assert_int_equal(view_vma_rows(HUGE_PAGES, 1, 120, 86),
	    1 + (long)(HUGE_PAGES / 120) + 1);
	assert_int_equal(view_vma_rows(HUGE_PAGES, 2, 120, 86),
	    1 + (long)(((HUGE_PAGES + 1) / 2 + 119) / 120));
	/* Cells that fill a column each, as many as a uint64_t holds. */
	assert_int_equal(view_vma_rows(UINT64_MAX, 1, 1, 86), VIEW_ROWS_MAX);
	assert_int_equal(view_vma_rows(UINT64_MAX, 1, 120, 86),
	    1 + (long)(UINT64_MAX / 120) + 1);
	assert_int_equal(view_vma_rows(UINT64_MAX, 1, 120, 0),
	    1 + (long)(UINT64_MAX / 120) + 1);
}

static void
view_layout__huge_region__end_is_its_last_screen(void **state)
{
	const struct region	 r[] = {
		{ 0, 4, "rw-p", "small", true },		/* 1 row */
		{ 0x4000, HUGE_PAGES, "rw-p", "huge", true },
	};
	struct snapshot		*s;
	struct view		 v;
	long			 rows;

	(void)state;
	s = snap_make(r, 2);
	view_init(&v);
	v.snap = s;
	v.autozoom = false;
	v.zoom = 1;
	rows = 1 + 1 + (long)(HUGE_PAGES / 120) + 1;
	v.top = LONG_MAX;
	view_layout(&v, 120, 30);
	assert_int_equal(v.map_rows, rows);
	assert_int_equal(v.top, rows - 30);
	/* Zooming out keeps the scroll position within the shorter map. */
	v.zoom = 2;
	view_layout(&v, 120, 30);
	rows = 1 + 1 + (long)(((HUGE_PAGES + 1) / 2 + 119) / 120);
	assert_int_equal(v.map_rows, rows);
	assert_int_equal(v.top, rows - 30);
	/* Auto-zoom fits it all. */
	v.autozoom = true;
	view_layout(&v, 120, 30);
	assert_true(v.map_rows <= 30);
	assert_int_equal(v.top, 0);
	view_free(&v);
	snapshot_free(s);
}

/* Overlapping huge regions, as a crafted recording may hold. */
#define NHUGE	600

static void
view_layout__map_rows_stop_at_the_most(void **state)
{
	struct region	*r;
	struct snapshot	*s;
	struct view	 v;
	size_t		 i;

	(void)state;
	r = calloc(NHUGE, sizeof *r);
	assert_non_null(r);
	for (i = 0; i < NHUGE; i++)
		r[i] = (struct region){ 0x4000, HUGE_PAGES, "rw-p", "", true };
	s = snap_make(r, NHUGE);
	view_init(&v);
	v.snap = s;
	v.autozoom = false;
	v.zoom = 1;
	v.top = LONG_MAX;
	/* 600 regions of 2^52 rows and more: past LONG_MAX / 4. */
	view_layout(&v, 1, 30);
	assert_int_equal(v.map_rows, VIEW_ROWS_MAX);
	assert_int_equal(v.top, VIEW_ROWS_MAX - 30);
	view_free(&v);
	snapshot_free(s);
	free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(view_vma_rows__cells_fit_after_title__one_row),
		cmocka_unit_test(
		    view_vma_rows__wide_region__title_then_wrapped_cells),
		cmocka_unit_test(
		    view_vma_rows__title_wider_than_screen__never_one_row),
		cmocka_unit_test(
		    view_title__width_is_the_fixed_part_and_the_name),
		cmocka_unit_test(
		    view_title__hostile_and_wide_names__escaped_and_counted_in_columns),
		cmocka_unit_test(view_layout__map_rows_add_up_the_regions),
		cmocka_unit_test(
		    view_layout__top_stays_within_the_last_screen),
		cmocka_unit_test(
		    view_layout__autozoom__smallest_zoom_that_fits),
		cmocka_unit_test(
		    view_vma_rows__huge_regions__counted_without_wrapping),
		cmocka_unit_test(
		    view_layout__huge_region__end_is_its_last_screen),
		cmocka_unit_test(view_layout__map_rows_stop_at_the_most),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
