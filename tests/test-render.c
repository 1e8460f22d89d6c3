/*
 * test-render.c - the page cells and the sparkline, checked character by
 * character against VMAs whose written and present bits the test sets.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pageset.h"
#include "render.h"
#include "snapshot.h"

/* A tracked VMA of npages pages, nothing written, every page present. */
static struct snap_vma *
vma_make(uint64_t npages)
{
	struct snap_vma	*v;

	v = calloc(1, sizeof *v);
	assert_non_null(v);
	v->npages = npages;
	v->tracked = true;
	v->written = pageset_new(npages);
	v->present = pageset_new(npages);
	assert_non_null(v->written);
	assert_non_null(v->present);
	pageset_add_range(v->present, 0, npages);
	return (v);
}

static void
vma_destroy(struct snap_vma *v)
{
	pageset_free(v->written);
	pageset_free(v->present);
	free(v);
}

/* Mark the pages whose character in pattern is X as written. */
static void
vma_write(struct snap_vma *v, const char *pattern)
{
	size_t	i;

	for (i = 0; pattern[i] != '\0'; i++) {
		if (pattern[i] == 'X')
			pageset_add(v->written, i);
	}
}

static void
render_row__zoom_one__is_the_written_pattern(void **state)
{
	const char	*pattern = "X..XX.......X.XXXXXX.X";
	struct snap_vma	*v;
	char		 buf[64];

	(void)state;
	v = vma_make(strlen(pattern));
	vma_write(v, pattern);
	assert_int_equal(render_row(v, 1, 0, true, buf, sizeof buf),
	    strlen(pattern));
	assert_string_equal(buf, pattern);
	assert_int_equal(render_row(v, 1, 0, false, buf, sizeof buf),
	    strlen(pattern));
	assert_string_equal(buf, pattern);
	vma_destroy(v);
}

static void
render_row__zoom_four__fraction_picks_the_mark(void **state)
{
	struct snap_vma	*v;
	char		 buf[64];

	(void)state;
	/* Cells of 4 pages: 0, 1 (<= a third), 2 and 3 (more), 4 written. */
	v = vma_make(20);
	vma_write(v, "....X...XX..XXX.XXXX");
	assert_int_equal(render_row(v, 4, 0, false, buf, sizeof buf), 5);
	assert_string_equal(buf, ".:xxX");
	/* The course format knows only X and ".". */
	assert_int_equal(render_row(v, 4, 0, true, buf, sizeof buf), 5);
	assert_string_equal(buf, ".XXXX");
	vma_destroy(v);
}

static void
render_cell__third_is_the_boundary(void **state)
{
	struct snap_vma	*v;

	(void)state;
	v = vma_make(6);
	vma_write(v, "XX....");
	assert_int_equal(render_cell(v, 0, 6), CELL_FEW);	/* 2 of 6 */
	pageset_add(v->written, 2);
	assert_int_equal(render_cell(v, 0, 6), CELL_MANY);	/* 3 of 6 */
	pageset_add_range(v->written, 0, 6);
	assert_int_equal(render_cell(v, 0, 6), CELL_WRITTEN);
	vma_destroy(v);
}

static void
render_row__last_cell_partial__judged_on_its_own_pages(void **state)
{
	struct snap_vma	*v;
	char		 buf[16];

	(void)state;
	/* 10 pages at zoom 4: cells of 4, 4 and 2 pages. */
	v = vma_make(10);
	vma_write(v, "........XX");
	assert_int_equal(render_ncells(10, 4), 3);
	assert_int_equal(render_row(v, 4, 0, false, buf, sizeof buf), 3);
	assert_string_equal(buf, "..X");
	vma_destroy(v);
}

static void
render_row__from_and_size__wrap_a_long_vma(void **state)
{
	struct snap_vma	*v;
	char		 buf[5];
	char		 joined[32] = "";
	const char	*pattern = "X.X..XXX.X..X";
	uint64_t	 from;
	size_t		 n;

	(void)state;
	v = vma_make(strlen(pattern));
	vma_write(v, pattern);
	/* Rows of at most 4 cells, as a screen 4 columns wide would ask. */
	for (from = 0; ; from += n) {
		n = render_row(v, 1, from, false, buf, sizeof buf);
		if (n == 0)
			break;
		assert_true(n <= 4);
		strcat(joined, buf);
	}
	assert_string_equal(joined, pattern);
	assert_int_equal(from, strlen(pattern));
	/* Past the end: nothing. */
	assert_int_equal(render_row(v, 1, 100, false, buf, sizeof buf), 0);
	assert_string_equal(buf, "");
	vma_destroy(v);
}

static void
render_cell__absent_new_untracked__have_their_own_marks(void **state)
{
	struct snap_vma	*v;
	char		 buf[16];
	char		 clean, absent, fresh, untracked;

	(void)state;
	v = vma_make(8);
	/* Pages 2 and 3 absent. */
	pageset_free(v->present);
	assert_non_null(v->present = pageset_new(8));
	assert_int_equal(pageset_add_range(v->present, 0, 2), 0);
	assert_int_equal(pageset_add_range(v->present, 4, 8), 0);
	vma_write(v, "X.......");
	assert_int_equal(render_cell(v, 2, 1), CELL_ABSENT);
	assert_int_equal(render_cell(v, 2, 2), CELL_ABSENT);
	/* One present page in the cell makes it clean, not absent. */
	assert_int_equal(render_cell(v, 1, 2), CELL_CLEAN);
	render_row(v, 1, 0, false, buf, sizeof buf);
	clean = cell_char(CELL_CLEAN, false);
	absent = cell_char(CELL_ABSENT, false);
	assert_int_equal(buf[0], 'X');
	assert_int_equal(buf[1], clean);
	assert_int_equal(buf[2], absent);
	assert_int_equal(buf[3], absent);
	/* The course format prints absent pages as clean ones. */
	render_row(v, 1, 0, true, buf, sizeof buf);
	assert_string_equal(buf, "X.......");

	v->is_new = true;
	assert_int_equal(render_cell(v, 0, 8), CELL_NEW);
	v->is_new = false;
	v->tracked = false;
	assert_int_equal(render_cell(v, 0, 8), CELL_UNTRACKED);

	fresh = cell_char(CELL_NEW, false);
	untracked = cell_char(CELL_UNTRACKED, false);
	/* Every kind reads differently on the screen. */
	assert_int_not_equal(absent, clean);
	assert_int_not_equal(fresh, clean);
	assert_int_not_equal(untracked, clean);
	assert_int_not_equal(fresh, absent);
	assert_int_not_equal(untracked, absent);
	assert_int_not_equal(untracked, fresh);
	assert_int_not_equal(fresh, 'X');
	vma_destroy(v);
}

static void
render_cell__unknown_presence__counts_as_clean(void **state)
{
	struct snap_vma	*v;

	(void)state;
	v = vma_make(4);
	pageset_free(v->present);
	v->present = NULL;
	assert_int_equal(render_cell(v, 0, 4), CELL_CLEAN);
	vma_destroy(v);
}

static void
render_zoom_fit__smallest_zoom_that_fits(void **state)
{
	uint64_t	npages, cells, zoom;

	(void)state;
	assert_int_equal(render_zoom_fit(100, 100), 1);
	assert_int_equal(render_zoom_fit(101, 100), 2);
	assert_int_equal(render_zoom_fit(200, 100), 2);
	assert_int_equal(render_zoom_fit(201, 100), 3);
	assert_int_equal(render_zoom_fit(0, 100), 1);
	assert_int_equal(render_zoom_fit(1, 1), 1);
	/* 4 GiB of 4 KiB pages in a 120 x 30 map. */
	npages = UINT64_C(1) << 20;
	cells = 120 * 30;
	zoom = render_zoom_fit(npages, cells);
	assert_true(render_ncells(npages, zoom) <= cells);
	assert_true(render_ncells(npages, zoom - 1) > cells);
	assert_int_equal(render_ncells(npages, 1), npages);
	assert_int_equal(render_ncells(npages, 0), npages);
	assert_int_equal(render_ncells(7, 7), 1);
	assert_int_equal(render_ncells(8, 7), 2);
}

static void
render_sparkline__ascii__scales_to_the_largest(void **state)
{
	const uint64_t	 counts[] = { 0, 1, 50, 100, 7 };
	char		 buf[16];

	(void)state;
	assert_int_equal(render_sparkline(counts, 5, 0, false, buf,
	    sizeof buf), 5);
	assert_int_equal(buf[0], ' ');		/* zero: the blank level */
	assert_int_equal(buf[1], '_');		/* small: never blank */
	assert_int_equal(buf[3], '#');		/* the largest: the top */
	assert_true(strchr(" _.-=+*#", buf[2]) - strchr(" _.-=+*#", buf[4])
	    > 0);
	/* An explicit scale: 100 of 200 is mid-height, not the top. */
	render_sparkline(counts, 5, 200, false, buf, sizeof buf);
	assert_int_not_equal(buf[3], '#');
	assert_int_not_equal(buf[3], ' ');
}

static void
render_sparkline__unicode__three_bytes_a_level(void **state)
{
	const uint64_t	 counts[] = { 8, 1, 4 };
	char		 buf[32];

	(void)state;
	assert_int_equal(render_sparkline(counts, 3, 0, true, buf,
	    sizeof buf), 9);
	assert_memory_equal(buf, "\xe2\x96\x88", 3);	/* full block */
	assert_memory_equal(buf + 3, "\xe2\x96\x81", 3); /* lowest block */
	assert_memory_equal(buf + 6, "\xe2\x96\x84", 3); /* half */
	assert_int_equal(buf[9], '\0');
}

static void
render_sparkline__nonzero__never_blank_even_when_tiny(void **state)
{
	uint64_t	 counts[3] = { UINT64_MAX, 1, UINT64_MAX / 2 };
	char		 buf[32];

	(void)state;
	render_sparkline(counts, 3, 0, false, buf, sizeof buf);
	assert_int_equal(buf[0], '#');
	assert_int_equal(buf[1], '_');
	assert_int_not_equal(buf[2], ' ');
	assert_int_not_equal(buf[2], '#');
	render_sparkline(counts, 3, 0, true, buf, sizeof buf);
	assert_memory_equal(buf + 3, "\xe2\x96\x81", 3);
}

static void
render_sparkline__small_buffer__whole_columns_only(void **state)
{
	const uint64_t	 counts[] = { 1, 2, 3, 4 };
	char		 buf[8];

	(void)state;
	/* Room for 7 bytes: two Unicode columns, not a torn third. */
	assert_int_equal(render_sparkline(counts, 4, 0, true, buf,
	    sizeof buf), 6);
	assert_int_equal(strlen(buf), 6);
	assert_int_equal(render_sparkline(counts, 4, 0, false, buf, 3), 2);
	assert_int_equal(strlen(buf), 2);
}

static void
render_bytes__picks_a_binary_unit(void **state)
{
	char	buf[32];

	(void)state;
	assert_string_equal(render_bytes(0, buf, sizeof buf), "0 B");
	assert_string_equal(render_bytes(512, buf, sizeof buf), "512 B");
	assert_string_equal(render_bytes(4096, buf, sizeof buf), "4.0 KiB");
	assert_string_equal(render_bytes(12800 * 1024, buf, sizeof buf),
	    "12.5 MiB");
	assert_string_equal(render_bytes(UINT64_C(3) << 30, buf, sizeof buf),
	    "3.0 GiB");
	assert_string_equal(render_bytes(1048575, buf, sizeof buf),
	    "1.0 MiB");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(render_row__zoom_one__is_the_written_pattern),
		cmocka_unit_test(render_row__zoom_four__fraction_picks_the_mark),
		cmocka_unit_test(render_cell__third_is_the_boundary),
		cmocka_unit_test(
		    render_row__last_cell_partial__judged_on_its_own_pages),
		cmocka_unit_test(render_row__from_and_size__wrap_a_long_vma),
		cmocka_unit_test(
		    render_cell__absent_new_untracked__have_their_own_marks),
		cmocka_unit_test(render_cell__unknown_presence__counts_as_clean),
		cmocka_unit_test(render_zoom_fit__smallest_zoom_that_fits),
		cmocka_unit_test(render_sparkline__ascii__scales_to_the_largest),
		cmocka_unit_test(
		    render_sparkline__unicode__three_bytes_a_level),
		cmocka_unit_test(
		    render_sparkline__nonzero__never_blank_even_when_tiny),
		cmocka_unit_test(
		    render_sparkline__small_buffer__whole_columns_only),
		cmocka_unit_test(render_bytes__picks_a_binary_unit),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
