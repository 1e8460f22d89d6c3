/*
 * test-replay-pftrace.c - a tracepgfault trace replayed as snapshots:
 * hand-written traces (tests/fixtures/pftrace) with known faults per
 * window give exactly those pages, per region, per window; regions come
 * and go across windows, keep their faults through a split and a merge;
 * a malformed line is named by its number; stepping back re-reads.
 *
 * The fixtures say page_size 4096: on another page size the test skips.
 */
#include "config.h"

#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fixture.h"

#include "page.h"
#include "pageset.h"
#include "replay.h"
#include "snapshot.h"

static void
open_trace(struct replay *r, const char *name, double window)
{
	char	*cause = NULL;

	if (replay_open_window(r, fixture_path("pftrace", name), window, &cause) == -1)
		fail_msg("%s", cause);
	assert_non_null(r->pft);
}

/* The next snapshot, which must be there. */
static struct snapshot *
next(struct replay *r)
{
	struct snapshot	*s = NULL;
	char		*cause = NULL;
	int		 rc;

	rc = replay_next(r, &s, &cause);
	if (rc == -1)
		fail_msg("%s", cause);
	assert_int_equal(rc, 1);
	assert_non_null(s);
	return (s);
}

/*
 * Check VMA i of s: its range, and its written pages, given as a string
 * of '.' and 'X', one per page.
 */
static void
check_vma(const struct snapshot *s, size_t i, uint64_t start, uint64_t end,
    const char *pages)
{
	const struct snap_vma	*sv;
	uint64_t		 k, want = 0;

	assert_true(i < s->nvma);
	sv = &s->vmas[i];
	assert_int_equal(sv->vma.start, start);
	assert_int_equal(sv->vma.end, end);
	assert_int_equal(sv->npages, strlen(pages));
	assert_true(sv->tracked);
	assert_false(sv->is_new);
	assert_non_null(sv->written);
	for (k = 0; k < sv->npages; k++) {
		if (pageset_has(sv->written, k) != (pages[k] == 'X'))
			fail_msg("VMA %zx page %" PRIu64 ": want %c", (size_t)
			    start, k, pages[k]);
		want += pages[k] == 'X';
	}
	assert_int_equal(sv->dirty, want);
}

/* The end: the exited snapshot, then nothing. */
static void
check_exit(struct replay *r, unsigned long cycle)
{
	struct snapshot	*s;
	char		*cause = NULL;

	s = next(r);
	assert_true(s->exited);
	assert_int_equal(s->nvma, 0);
	assert_int_equal(s->cycle, cycle);
	snapshot_free(s);
	assert_int_equal(replay_next(r, &s, &cause), 0);
	assert_null(s);
}

static void
replay_pftrace__one_second_windows__faults_of_each_window(void **state)
{
	struct replay	 r;
	struct snapshot	*s;

	(void)state;
	open_trace(&r, "windows.trace", 1);

	/* Window 1: pages 0 and 1 (twice), the first text page. */
	s = next(&r);
	assert_int_equal(s->cycle, 1);
	assert_int_equal(s->pid, 200);
	assert_string_equal(s->comm, "win");
	assert_string_equal(s->method, "faults");
	assert_true(s->interval == 1);
	assert_true(s->time == 1);
	assert_false(s->exited);
	assert_int_equal(s->nvma, 2);
	check_vma(s, 0, 0x400000, 0x402000, "X.");
	check_vma(s, 1, 0x10000000, 0x10008000, "XX......");
	assert_int_equal(s->dirty_pages, 3);
	assert_int_equal(s->tracked_pages, 10);
	snapshot_free(s);

	/* Window 2: an unknown-kind fault counts, an incomplete one not. */
	s = next(&r);
	assert_int_equal(s->cycle, 2);
	assert_true(s->time == 2);
	check_vma(s, 0, 0x400000, 0x402000, "..");
	check_vma(s, 1, 0x10000000, 0x10008000, ".......X");
	assert_int_equal(s->dirty_pages, 1);
	snapshot_free(s);

	/* Window 3 has no record at all. */
	s = next(&r);
	assert_int_equal(s->cycle, 3);
	check_vma(s, 1, 0x10000000, 0x10008000, "........");
	assert_int_equal(s->dirty_pages, 0);
	snapshot_free(s);

	/* Window 4: the forked child's fault (pid 201) is not shown. */
	s = next(&r);
	assert_int_equal(s->cycle, 4);
	check_vma(s, 1, 0x10000000, 0x10008000, "..X.X...");
	assert_int_equal(s->dirty_pages, 2);
	snapshot_free(s);

	/* Window 5: the exit; the layout it died with stays. */
	s = next(&r);
	assert_int_equal(s->cycle, 5);
	assert_false(s->exited);
	assert_int_equal(s->nvma, 2);
	assert_int_equal(s->dirty_pages, 0);
	snapshot_free(s);

	check_exit(&r, 6);
	replay_close(&r);
}

static void
replay_pftrace__two_second_windows__faults_add_up(void **state)
{
	struct replay	 r;
	struct snapshot	*s;

	(void)state;
	open_trace(&r, "windows.trace", 2);
	s = next(&r);
	assert_true(s->interval == 2);
	assert_true(s->time == 2);
	check_vma(s, 0, 0x400000, 0x402000, "X.");
	check_vma(s, 1, 0x10000000, 0x10008000, "XX.....X");
	assert_int_equal(s->dirty_pages, 4);
	snapshot_free(s);
	s = next(&r);
	check_vma(s, 1, 0x10000000, 0x10008000, "..X.X...");
	snapshot_free(s);
	s = next(&r);
	assert_int_equal(s->dirty_pages, 0);
	snapshot_free(s);
	check_exit(&r, 4);
	replay_close(&r);
}

static void
replay_pftrace__layout_changes__regions_and_faults_follow(void **state)
{
	struct replay	 r;
	struct snapshot	*s;

	(void)state;
	open_trace(&r, "layout.trace", 1);

	s = next(&r);
	assert_int_equal(s->nvma, 2);
	check_vma(s, 0, 0x10000000, 0x10004000, "....");
	check_vma(s, 1, 0x20000000, 0x20002000, "X.");
	assert_string_equal(s->vmas[1].vma.name, "[heap]");
	snapshot_free(s);

	/*
	 * Window 2: a region is added and faults; the heap faults, then is
	 * unmapped: it is not shown, and its fault is gone with it.
	 */
	s = next(&r);
	assert_int_equal(s->nvma, 2);
	check_vma(s, 0, 0x10000000, 0x10004000, "....");
	check_vma(s, 1, 0x30000000, 0x30004000, ".X..");
	assert_int_equal(s->dirty_pages, 1);
	snapshot_free(s);

	/*
	 * Window 3: the first region faults (page 3), grows, faults (page
	 * 5), is split at page 2: both faults go with the new part. The
	 * region of window 2 moves (remove, add) and faults at its new place.
	 */
	s = next(&r);
	assert_int_equal(s->nvma, 3);
	check_vma(s, 0, 0x10000000, 0x10002000, "..");
	check_vma(s, 1, 0x10002000, 0x10006000, ".X.X");
	assert_string_equal(s->vmas[1].vma.perms, "r--p");
	check_vma(s, 2, 0x40000000, 0x40004000, "X...");
	assert_int_equal(s->dirty_pages, 3);
	snapshot_free(s);

	check_exit(&r, 4);
	replay_close(&r);
}

static void
replay_pftrace__split_then_merge__faults_kept(void **state)
{
	struct replay	 r;
	struct snapshot	*s;

	(void)state;
	/* good.trace splits a region in three and merges it back. */
	open_trace(&r, "good.trace", 1);
	s = next(&r);
	assert_int_equal(s->nvma, 3);
	check_vma(s, 0, 0x400000, 0x401000, "X");
	check_vma(s, 1, 0x7f0000000000, 0x7f0000008000, "X.X..X..");
	check_vma(s, 2, 0x7ffc00010000, 0x7ffc00020000, "................");
	snapshot_free(s);
	check_exit(&r, 2);
	replay_close(&r);
}

static void
replay_pftrace__earlier_window__read_again(void **state)
{
	struct replay	 r;
	struct snapshot	*s;
	uint64_t	 first[4];
	unsigned long	 i;

	(void)state;
	open_trace(&r, "windows.trace", 1);
	for (i = 0; i < 4; i++) {
		s = next(&r);
		first[i] = s->dirty_pages;
		snapshot_free(s);
	}
	/* What the screen does to step back: ask for window 2 again. */
	r.line = 1;
	s = next(&r);
	assert_int_equal(s->cycle, 2);
	assert_int_equal(s->dirty_pages, first[1]);
	check_vma(s, 1, 0x10000000, 0x10008000, ".......X");
	snapshot_free(s);
	/* And on from there, as if nothing had happened. */
	s = next(&r);
	assert_int_equal(s->cycle, 3);
	assert_int_equal(s->dirty_pages, first[2]);
	snapshot_free(s);
	r.line = 4;
	s = next(&r);
	assert_int_equal(s->cycle, 5);
	snapshot_free(s);
	check_exit(&r, 6);
	replay_close(&r);
}

static void
replay_pftrace__malformed_line__file_and_line(void **state)
{
	struct replay	 r;
	struct snapshot	*s;
	char		*cause = NULL, want[4200];

	(void)state;
	open_trace(&r, "bad-line.trace", 1);
	s = next(&r);
	check_vma(s, 0, 0x10000000, 0x10004000, "X...");
	snapshot_free(s);
	assert_int_equal(replay_next(&r, &s, &cause), -1);
	assert_null(s);
	snprintf(want, sizeof want, "%s:7: addr: not a hex number",
	    fixture_path("pftrace", "bad-line.trace"));
	assert_string_equal(cause, want);
	free(cause);
	replay_close(&r);
}

static void
replay_pftrace__unknown_region__file_and_line(void **state)
{
	struct replay	 r;
	struct snapshot	*s;
	char		*cause = NULL, want[4200];

	(void)state;
	open_trace(&r, "unknown-region.trace", 1);
	assert_int_equal(replay_next(&r, &s, &cause), -1);
	snprintf(want, sizeof want, "%s:6: id: region 7 was never added",
	    fixture_path("pftrace", "unknown-region.trace"));
	assert_string_equal(cause, want);
	free(cause);
	/*
	 * Asked again, it reads again and fails the same way (the fuzzer
	 * found that it went on past the bad record to the end).
	 */
	cause = NULL;
	assert_int_equal(replay_next(&r, &s, &cause), -1);
	assert_null(s);
	assert_string_equal(cause, want);
	free(cause);
	replay_close(&r);
}

static void
replay_pftrace__cut_short__fails(void **state)
{
	struct replay	 r;
	struct snapshot	*s;
	char		*cause = NULL;
	int		 rc;

	(void)state;
	open_trace(&r, "truncated.trace", 1);
	while ((rc = replay_next(&r, &s, &cause)) == 1)
		snapshot_free(s);
	assert_int_equal(rc, -1);
	assert_non_null(strstr(cause, "truncated.trace:"));
	assert_non_null(strstr(cause, "end record"));
	free(cause);
	replay_close(&r);
}

static void
replay_open__bad_header__line_one(void **state)
{
	struct replay	 r;
	char		*cause = NULL, want[4200];

	(void)state;
	assert_int_equal(replay_open_window(&r, fixture_path("pftrace", "bad-version.trace"),
	    1, &cause), -1);
	snprintf(want, sizeof want, "%s:1: ", fixture_path("pftrace", "bad-version.trace"));
	assert_memory_equal(cause, want, strlen(want));
	assert_non_null(strstr(cause, "version"));
	free(cause);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    replay_pftrace__one_second_windows__faults_of_each_window),
		cmocka_unit_test(
		    replay_pftrace__two_second_windows__faults_add_up),
		cmocka_unit_test(
		    replay_pftrace__layout_changes__regions_and_faults_follow),
		cmocka_unit_test(replay_pftrace__split_then_merge__faults_kept),
		cmocka_unit_test(replay_pftrace__earlier_window__read_again),
		cmocka_unit_test(replay_pftrace__malformed_line__file_and_line),
		cmocka_unit_test(replay_pftrace__unknown_region__file_and_line),
		cmocka_unit_test(replay_pftrace__cut_short__fails),
		cmocka_unit_test(replay_open__bad_header__line_one),
	};

	if (page_size() != 4096) {
		printf("SKIP: the fixtures are of 4096-byte pages, this "
		    "machine's are %zu\n", page_size());
		return (77);
	}
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
