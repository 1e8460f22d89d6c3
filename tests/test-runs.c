/*
 * test-runs.c - run lists: appends that join overlapping and adjacent
 * runs, and unions checked against a bool per unit kept alongside.
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

#include "runs.h"
#include "runs-check.h"

#define SPAN	512

static void
runs_append__adjacent_and_overlapping__are_joined(void **state)
{
	struct runs	rs = { NULL, 0, 0 };

	(void)state;
	assert_int_equal(runs_append(&rs, 10, 20), 0);
	assert_int_equal(runs_append(&rs, 20, 30), 0);	/* adjacent */
	assert_int_equal(runs_append(&rs, 25, 28), 0);	/* inside */
	assert_int_equal(runs_append(&rs, 29, 40), 0);	/* overlapping */
	assert_int_equal(runs_append(&rs, 50, 50), 0);	/* empty */
	assert_int_equal(runs_append(&rs, 41, 45), 0);	/* a gap of one */
	assert_int_equal(rs.n, 2);
	assert_int_equal(rs.r[0].start, 10);
	assert_int_equal(rs.r[0].end, 40);
	assert_int_equal(rs.r[1].start, 41);
	assert_int_equal(rs.r[1].end, 45);
	runs_free(&rs);
	assert_null(rs.r);
}

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

static void
runs_merge__random_lists__give_their_union(void **state)
{
	struct runs	a, b, empty = { NULL, 0, 0 };
	bool		ref[SPAN], refb[SPAN];
	int		round;
	size_t		i;

	(void)state;
	srand(7);
	for (round = 0; round < 200; round++) {
		memset(&a, 0, sizeof a);
		memset(&b, 0, sizeof b);
		memset(ref, 0, sizeof ref);
		memset(refb, 0, sizeof refb);
		random_runs(&a, ref, 1 + (unsigned int)round % 17);
		check_runs_span(&a, ref, SPAN);
		random_runs(&b, refb, 1 + (unsigned int)round % 5);
		for (i = 0; i < SPAN; i++)
			ref[i] = ref[i] || refb[i];
		assert_int_equal(runs_merge(&a, &b), 0);
		check_runs_span(&a, ref, SPAN);
		assert_int_equal(runs_merge(&a, &empty), 0);
		check_runs_span(&a, ref, SPAN);
		assert_int_equal(runs_merge(&empty, &a), 0);
		check_runs_span(&empty, ref, SPAN);
		runs_free(&a);
		runs_free(&b);
		runs_free(&empty);
	}
}

static void
runs_clear__keeps_memory__and_empties(void **state)
{
	struct runs	rs = { NULL, 0, 0 };
	bool		ref[SPAN];

	(void)state;
	assert_int_equal(runs_append(&rs, 1, 3), 0);
	runs_clear(&rs);
	assert_int_equal(rs.n, 0);
	assert_non_null(rs.r);
	memset(ref, 0, sizeof ref);
	check_runs_span(&rs, ref, SPAN);
	runs_free(&rs);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(runs_append__adjacent_and_overlapping__are_joined),
		cmocka_unit_test(runs_merge__random_lists__give_their_union),
		cmocka_unit_test(runs_clear__keeps_memory__and_empties),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
