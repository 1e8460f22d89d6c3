/*
 * test-view.c - the layout of the region map, without a terminal: how
 * many rows each region takes (one when its cells fit after its title),
 * the total the scrolling works on, and the zoom auto-zoom picks; and
 * how long the status line keeps an error.
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

#include "now.h"
#include "proc-maps.h"
#include "snapshot.h"
#include "snap-make.h"
#include "view.h"
#include "view-layout.h"
#include "view-title.h"

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
view_layout__title_widths__measured_in_columns(void **state)
{
	/* Three CJK characters: 9 bytes, 6 columns. */
	const struct region	 r[] = {
		{ 0x10000000, 4, "rw-p", "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", true },
	};
	struct snapshot		*s;
	struct view		 v;

	(void)state;
	if (setlocale(LC_CTYPE, "C.UTF-8") == NULL)
		skip();
	s = snap_make(r, 1);
	view_init(&v);
	v.snap = s;
	v.unicode = true;
	v.autozoom = false;
	/*
	 * "10000000-10004000 rw-p 4 pages 16.0 KiB" (40), " not tracked"
	 * wide state (12), two spaces and the name: 59 columns, then two
	 * and 4 cells fit in 65 columns, not in 64.
	 */
	view_layout(&v, 65, 30);
	assert_int_equal(v.title_cols[0], 59);
	assert_int_equal(v.map_rows, 1);
	view_layout(&v, 64, 30);
	assert_int_equal(v.map_rows, 2);
	view_free(&v);
	snapshot_free(s);
	setlocale(LC_CTYPE, "C");
}

static void
view_layout__map_rows_add_up_the_regions(void **state)
{
	const struct region	 r[] = {
		{ 0x10000000, 4, "rw-p", "", true },		/* 1 row */
		{ 0x20000000, 40, "rw-p", "[heap]", true },	/* 1 row */
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
	/*
	 * 8-digit addresses (18), "rw-p " (5), "300 pages " (10), "160.0 KiB "
	 * (10), the state (11) and two spaces: 56 columns, and the name.
	 */
	view_layout(&v, 120, 30);
	assert_int_equal(v.norder, 3);
	assert_int_equal(v.title_fmt.parts, VIEW_TITLE_START | VIEW_TITLE_END |
	    VIEW_TITLE_PAGES | VIEW_TITLE_BYTES);
	assert_int_equal(v.title_cols[0], 56 + 6);
	assert_int_equal(v.map_rows, 1 + 1 + 4);

	/* All regions: the untracked library fits on its title's row. */
	v.writable_only = false;
	view_layout(&v, 120, 30);
	assert_int_equal(v.norder, 4);
	assert_int_equal(v.map_rows, 1 + 1 + 1 + 4);

	/*
	 * On 60 columns the end address and the size in bytes go, so that
	 * the library's name fits (37 + 19 columns): the 4-page regions
	 * still have room for their cells, the heap not; 300 cells take 5
	 * rows.
	 */
	view_layout(&v, 60, 30);
	assert_int_equal(v.title_fmt.parts, VIEW_TITLE_START |
	    VIEW_TITLE_PAGES);
	assert_int_equal(v.title_cols[2], 37 + 19);
	assert_int_equal(v.map_rows, 1 + 2 + 2 + 6);
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

static void
view_status_expire__error__gone_after_its_seconds_info_stays(void **state)
{
	struct view	v;
	double		t;

	(void)state;
	view_init(&v);
	t = now_mono();
	view_status(&v, true, "not an interval: \"%s\"", "9999");
	assert_false(view_status_expire(&v, t + VIEW_ERROR_SECONDS - 1));
	assert_string_equal(v.status, "not an interval: \"9999\"");
	assert_true(view_status_expire(&v, t + VIEW_ERROR_SECONDS + 1));
	assert_string_equal(v.status, "");
	assert_false(v.status_error);
	/* A message that is not an error stays until something replaces it. */
	view_status(&v, false, "paused; space resumes");
	assert_false(view_status_expire(&v, t + 3600));
	assert_string_equal(v.status, "paused; space resumes");
	/* An error that stays: its time cleared. */
	view_status(&v, true, "the recording ends here");
	v.status_until = 0;
	assert_false(view_status_expire(&v, t + 3600));
	view_free(&v);
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
		    view_layout__title_widths__measured_in_columns),
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
		cmocka_unit_test(
		    view_status_expire__error__gone_after_its_seconds_info_stays),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
