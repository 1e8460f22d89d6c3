/*
 * runs-check.h - check a run list against a flat reference of span
 * bools, for the unit tests of runs and present maps. Include after
 * <cmocka.h>.
 */
#ifndef SDTOP_TEST_RUNS_CHECK_H
#define SDTOP_TEST_RUNS_CHECK_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "runs.h"

/* Whether rs is sorted, disjoint, not adjacent, and covers exactly ref. */
static inline void
check_runs_span(const struct runs *rs, const bool *ref, size_t span)
{
	bool	*got;
	size_t	 i;
	uint64_t a;

	got = calloc(span, sizeof *got);
	assert_non_null(got);
	for (i = 0; i < rs->n; i++) {
		assert_true(rs->r[i].start < rs->r[i].end);
		assert_true(rs->r[i].end <= span);
		if (i > 0)
			assert_true(rs->r[i - 1].end < rs->r[i].start);
		for (a = rs->r[i].start; a < rs->r[i].end; a++)
			got[a] = true;
	}
	for (i = 0; i < span; i++)
		assert_int_equal(got[i], ref[i]);
	free(got);
}

#endif
