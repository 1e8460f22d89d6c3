/*
 * test-present-map.c - a region's present map: the absent runs taken out
 * of it (checked against a bool per unit kept alongside, on random lists
 * and on the edge cases: runs that cover several present runs, touch
 * their ends, or lie outside them), the written runs added, the page set
 * of a cycle, and when a map is due for a full walk. Units: the runs are
 * in bytes; the page sets count pages of 1 << SHIFT bytes.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pageset.h"
#include "present-map.h"
#include "runs.h"
#include "runs-check.h"

#define SPAN	512
#define SHIFT	12

/* Random sorted run lists of width at most w, recorded in ref too. */
static void
random_runs(struct runs *rs, bool *ref, unsigned int w)
{
	uint64_t	at = (uint64_t)(rand() % 8), len;

	while (at < SPAN) {
		len = 1 + (uint64_t)(rand() % (int)w);
		if (at + len > SPAN)
			len = SPAN - at;
		assert_int_equal(runs_append(rs, at, at + len), 0);
		for (; len > 0; len--)
			ref[at++] = true;
		at += (uint64_t)(rand() % (int)(2 * w));
	}
}

/* Make rs the runs of the pairs of ends in v (n of them, ascending). */
static void
runs_of(struct runs *rs, const uint64_t *v, size_t n)
{
	size_t	i;

	runs_clear(rs);
	for (i = 0; i + 1 < n; i += 2)
		assert_int_equal(runs_append(rs, v[i], v[i + 1]), 0);
}

static void
present_map_remove__edges__keep_what_is_not_absent(void **state)
{
	struct present_map	 pm = { { NULL, 0, 0 }, 0 };
	struct runs		 absent = { NULL, 0, 0 };
	const uint64_t		 have[] = { 10, 20, 30, 40, 50, 60 };
	/* Covering 10-20 and part of 30-40; inside 50-60; in gaps. */
	const uint64_t		 gone[] = { 0, 5, 8, 33, 45, 48, 52, 54,
	    60, 70 };

	(void)state;
	runs_of(&pm.runs, have, 6);
	runs_of(&absent, gone, 10);
	assert_int_equal(present_map_remove(&pm, &absent), 0);
	assert_int_equal(pm.runs.n, 3);
	assert_int_equal(pm.runs.r[0].start, 33);
	assert_int_equal(pm.runs.r[0].end, 40);
	assert_int_equal(pm.runs.r[1].start, 50);
	assert_int_equal(pm.runs.r[1].end, 52);
	assert_int_equal(pm.runs.r[2].start, 54);
	assert_int_equal(pm.runs.r[2].end, 60);

	/* One absent run over everything empties the map. */
	runs_clear(&absent);
	assert_int_equal(runs_append(&absent, 0, SPAN), 0);
	assert_int_equal(present_map_remove(&pm, &absent), 0);
	assert_int_equal(pm.runs.n, 0);
	/* Nothing to take from, nothing to take: no change. */
	assert_int_equal(present_map_remove(&pm, &absent), 0);
	runs_clear(&absent);
	runs_of(&pm.runs, have, 6);
	assert_int_equal(present_map_remove(&pm, &absent), 0);
	assert_int_equal(pm.runs.n, 3);
	runs_free(&absent);
	present_map_free(&pm);
}

static void
present_map_remove__random_lists__give_the_difference(void **state)
{
	struct present_map	 pm;
	struct runs		 absent;
	bool			 ref[SPAN], gone[SPAN];
	int			 round;
	size_t			 i;

	(void)state;
	srand(11);
	for (round = 0; round < 300; round++) {
		memset(&pm, 0, sizeof pm);
		memset(&absent, 0, sizeof absent);
		memset(ref, 0, sizeof ref);
		memset(gone, 0, sizeof gone);
		random_runs(&pm.runs, ref, 1 + (unsigned int)round % 23);
		random_runs(&absent, gone, 1 + (unsigned int)round % 7);
		for (i = 0; i < SPAN; i++)
			ref[i] = ref[i] && !gone[i];
		assert_int_equal(present_map_remove(&pm, &absent), 0);
		check_runs_span(&pm.runs, ref, SPAN);
		runs_free(&absent);
		present_map_free(&pm);
	}
}

/* Written runs join; the page set counts pages from the region's start. */
static void
present_map_fill__after_add_and_remove__pages_of_the_map(void **state)
{
	struct present_map	 pm = { { NULL, 0, 0 }, 0 };
	struct runs		 w = { NULL, 0, 0 }, gone = { NULL, 0, 0 };
	struct pageset		*set;
	const uint64_t		 base = UINT64_C(0x7f0000000000);
	uint64_t		 p;

	(void)state;
	assert_int_equal(runs_append(&pm.runs, base, base + (8 << SHIFT)), 0);
	assert_int_equal(runs_append(&w, base + (10 << SHIFT),
	    base + (12 << SHIFT)), 0);
	assert_int_equal(present_map_add(&pm, &w), 0);
	assert_int_equal(runs_append(&gone, base + (2 << SHIFT),
	    base + (4 << SHIFT)), 0);
	assert_int_equal(present_map_remove(&pm, &gone), 0);
	assert_non_null(set = pageset_new(16));
	assert_int_equal(present_map_fill(&pm, base, SHIFT, set), 0);
	for (p = 0; p < 16; p++)
		assert_int_equal(pageset_has(set, p),
		    p < 2 || (p >= 4 && p < 8) || p == 10 || p == 11);
	pageset_free(set);
	runs_free(&w);
	runs_free(&gone);
	present_map_free(&pm);
}

/* A map never walked, or forgotten, is due, and is emptied for the walk. */
static void
present_map_due__new_or_forgotten__empties_it(void **state)
{
	struct present_map	 pm = { { NULL, 0, 0 }, 0 };

	(void)state;
	assert_true(present_map_due(&pm));
	assert_int_equal(runs_append(&pm.runs, 0, 8), 0);
	present_map_walked(&pm);
	assert_false(present_map_due(&pm));
	assert_int_equal(pm.runs.n, 1);
	present_map_forget(&pm);
	assert_true(present_map_due(&pm));
	assert_int_equal(pm.runs.n, 0);
	present_map_free(&pm);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(present_map_remove__edges__keep_what_is_not_absent),
		cmocka_unit_test(present_map_remove__random_lists__give_the_difference),
		cmocka_unit_test(present_map_fill__after_add_and_remove__pages_of_the_map),
		cmocka_unit_test(present_map_due__new_or_forgotten__empties_it),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
