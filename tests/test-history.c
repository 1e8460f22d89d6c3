/*
 * test-history.c - the convergence rule (the last W counts all within
 * +-T of their mean) at its edges, and the history that applies it cycle
 * by cycle: converged_at, reset, defaults.
 *
 * Counts are dirty pages per cycle; the tolerance is a fraction.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "history.h"

#define N(a)	(sizeof (a) / sizeof (a)[0])

static void
converged__fewer_counts_than_window__false(void **state)
{
	const uint64_t	 c[] = { 100, 100, 100, 100 };

	(void)state;
	assert_false(converged(c, 0, 5, 0.10));
	assert_false(converged(c, 1, 5, 0.10));
	assert_false(converged(c, 4, 5, 0.10));
	assert_true(converged(c, 4, 4, 0.10));
}

static void
converged__window_zero__false(void **state)
{
	const uint64_t	 c[] = { 100, 100 };

	(void)state;
	assert_false(converged(c, 2, 0, 0.10));
}

static void
converged__all_zero__true(void **state)
{
	const uint64_t	 c[] = { 0, 0, 0, 0, 0 };
	const uint64_t	 d[] = { 0, 0, 0, 0, 1 };

	(void)state;
	assert_true(converged(c, 5, 5, 0.10));
	/* Even a zero tolerance accepts a constant window. */
	assert_true(converged(c, 5, 5, 0.0));
	/* One page among zeros: far from the mean of 0.2. */
	assert_false(converged(d, 5, 5, 0.10));
}

static void
converged__exactly_at_tolerance__true(void **state)
{
	/* Mean 1000, so +-10 % is +-100: 900 and 1100 lie on the edge. */
	const uint64_t	 c[] = { 900, 1100, 1000, 1000, 1000 };
	const uint64_t	 d[] = { 1100, 1100, 900, 900, 1000 };

	(void)state;
	assert_true(converged(c, 5, 5, 0.10));
	assert_true(converged(d, 5, 5, 0.10));
}

static void
converged__just_beyond_tolerance__false(void **state)
{
	/* Mean 1000 still; 1101 and 899 are 101 away. */
	const uint64_t	 c[] = { 899, 1101, 1000, 1000, 1000 };
	const uint64_t	 d[] = { 899, 1000, 1000, 1000, 1101 };
	/* Mean 1000: 1101 high, the rest share the deficit within bounds. */
	const uint64_t	 e[] = { 1101, 975, 975, 975, 974 };

	(void)state;
	assert_false(converged(c, 5, 5, 0.10));
	assert_false(converged(d, 5, 5, 0.10));
	assert_false(converged(e, 5, 5, 0.10));
}

static void
converged__only_the_last_window_counts(void **state)
{
	/* A wild start followed by five steady counts. */
	const uint64_t	 c[] = { 5000, 1, 70000, 100, 100, 100, 100, 100 };

	(void)state;
	assert_true(converged(c, N(c), 5, 0.10));
	assert_false(converged(c, N(c) - 1, 5, 0.10));
	assert_false(converged(c, N(c), 6, 0.10));
}

static void
converged__tolerance_zero__only_equal_counts(void **state)
{
	const uint64_t	 c[] = { 7, 7, 7 };
	const uint64_t	 d[] = { 7, 7, 8 };

	(void)state;
	assert_true(converged(c, 3, 3, 0.0));
	assert_false(converged(d, 3, 3, 0.0));
}

static void
history_push__spike_leaves_window__converges_again(void **state)
{
	const uint64_t	 c[] = { 100, 100, 100, 100, 100, 500, 100, 100, 100,
			     100, 100 };
	/* Whether the history has converged after each push. */
	const bool	 want[] = { false, false, false, false, true, false,
			     false, false, false, false, true };
	struct history	 h;
	size_t		 i;

	(void)state;
	history_init(&h, 5, 0.10);
	for (i = 0; i < N(c); i++) {
		assert_int_equal(history_push(&h, c[i]), want[i]);
		assert_int_equal(history_converged(&h), want[i]);
	}
	/* The first converged cycle is remembered, not the latest. */
	assert_int_equal(h.converged_at, 4);
	assert_int_equal(h.n, N(c));
	history_free(&h);
}

static void
history_push__converged_at_is_first_converged_index(void **state)
{
	const uint64_t	 c[] = { 10, 4000, 3000, 1000, 1050, 990, 1000, 1020,
			     1000 };
	struct history	 h;
	size_t		 i;
	long		 first = -1;

	(void)state;
	history_init(&h, 5, 0.10);
	for (i = 0; i < N(c); i++) {
		(void)history_push(&h, c[i]);
		if (i < 7)
			assert_int_equal(h.converged_at, -1);
		if (first == -1 && converged(c, i + 1, 5, 0.10))
			first = (long)i;
	}
	/* Window 3..7 (1000 1050 990 1000 1020) is the first that holds. */
	assert_int_equal(first, 7);
	assert_int_equal(h.converged_at, 7);
	history_free(&h);
}

static void
history_reset__forgets_counts_and_converged_at(void **state)
{
	struct history	 h;
	int		 i;

	(void)state;
	history_init(&h, 3, 0.10);
	for (i = 0; i < 3; i++)
		(void)history_push(&h, 50);
	assert_true(history_converged(&h));
	assert_int_equal(h.converged_at, 2);
	history_reset(&h);
	assert_int_equal(h.n, 0);
	assert_int_equal(h.converged_at, -1);
	assert_false(history_converged(&h));
	/* It needs a whole window again, and counts indexes anew. */
	assert_false(history_push(&h, 50));
	assert_false(history_push(&h, 50));
	assert_true(history_push(&h, 50));
	assert_int_equal(h.converged_at, 2);
	history_free(&h);
	assert_null(h.counts);
}

static void
history_init__zero_window_and_negative_tolerance__defaults(void **state)
{
	struct history	 h;

	(void)state;
	history_init(&h, 0, -1);
	assert_int_equal(h.window, HISTORY_WINDOW);
	assert_true(h.tolerance == HISTORY_TOLERANCE);
	assert_int_equal(h.converged_at, -1);
	assert_int_equal(h.n, 0);
	history_free(&h);
	history_init(&h, 8, 0.25);
	assert_int_equal(h.window, 8);
	assert_true(h.tolerance == 0.25);
	history_free(&h);
}

static void
history_push__many_cycles__keeps_every_count(void **state)
{
	struct history	 h;
	size_t		 i;

	(void)state;
	history_init(&h, 5, 0.10);
	/* Past the first growth of the array. */
	for (i = 0; i < 1000; i++)
		(void)history_push(&h, i % 2 == 0 ? 1000 : 2000);
	assert_int_equal(h.n, 1000);
	for (i = 0; i < 1000; i++)
		assert_int_equal(h.counts[i], i % 2 == 0 ? 1000 : 2000);
	assert_false(history_converged(&h));
	assert_int_equal(h.converged_at, -1);
	history_free(&h);
}

static void
history_max__range__largest_count_of_that_range_only(void **state)
{
	const uint64_t	 c[] = { 900, 5, 70, 12, 70 };

	(void)state;
	assert_int_equal(history_max(c, 0, N(c)), 900);
	/* The sparkline shows the last counts: the first is off screen. */
	assert_int_equal(history_max(c, 1, N(c)), 70);
	assert_int_equal(history_max(c, 3, 4), 12);
	/* Nothing to show: a scale of 0, and no count is read. */
	assert_int_equal(history_max(c, 2, 2), 0);
	assert_int_equal(history_max(NULL, 0, 0), 0);
}

static void
history_working_set__last_window__mean_rounded_down(void **state)
{
	const uint64_t	 c[] = { 1000, 10, 11, 12, 13, 15 };

	(void)state;
	/* 61 pages over the last 5 cycles: 12.2, so 12. */
	assert_int_equal(history_working_set(c, N(c), 5), 12);
	assert_int_equal(history_working_set(c, N(c), 2), 14);
	assert_int_equal(history_working_set(c, N(c), 1), 15);
	/* The spike counts once the window reaches it. */
	assert_int_equal(history_working_set(c, N(c), 6), 176);
}

static void
history_working_set__window_zero_or_too_long__mean_of_all(void **state)
{
	const uint64_t	 c[] = { 4, 6, 9 };

	(void)state;
	assert_int_equal(history_working_set(c, N(c), 0), 6);
	assert_int_equal(history_working_set(c, N(c), 5), 6);
	assert_int_equal(history_working_set(c, N(c), 2), 7);
	assert_int_equal(history_working_set(c, 0, 5), 0);
	assert_int_equal(history_working_set(NULL, 0, 0), 0);
}

static void
history_cycle_at__counts_back_from_the_last_cycle(void **state)
{
	(void)state;
	/* Ten counts, the last one cycle 42: index 7 is cycle 40. */
	assert_int_equal(history_cycle_at(10, 7, 42), 40);
	assert_int_equal(history_cycle_at(10, 9, 42), 42);
	assert_int_equal(history_cycle_at(10, 0, 42), 33);
	/* A history restarted at cycle 98 by a clear. */
	assert_int_equal(history_cycle_at(3, 0, 100), 98);
}

static void
history_working_set__after_convergence__mean_of_the_window(void **state)
{
	const uint64_t	 in[] = { 500, 100, 104, 98, 102, 96, 101 };
	struct history	 h;
	size_t		 i;

	(void)state;
	history_init(&h, 5, 0.10);
	for (i = 0; i < N(in); i++)
		(void)history_push(&h, in[i]);
	assert_int_equal(h.converged_at, 5);
	/* The last five, 104 + 98 + 102 + 96 + 101, are 501 pages: 100. */
	assert_int_equal(history_working_set(h.counts, h.n, h.window), 100);
	assert_int_equal(history_max(h.counts, 1, h.n), 104);
	/* Seven cycles from cycle 1: it converged at cycle 6. */
	assert_int_equal(history_cycle_at(h.n, h.converged_at, 7), 6);
	history_free(&h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(converged__fewer_counts_than_window__false),
		cmocka_unit_test(converged__window_zero__false),
		cmocka_unit_test(converged__all_zero__true),
		cmocka_unit_test(converged__exactly_at_tolerance__true),
		cmocka_unit_test(converged__just_beyond_tolerance__false),
		cmocka_unit_test(converged__only_the_last_window_counts),
		cmocka_unit_test(converged__tolerance_zero__only_equal_counts),
		cmocka_unit_test(
		    history_push__spike_leaves_window__converges_again),
		cmocka_unit_test(
		    history_push__converged_at_is_first_converged_index),
		cmocka_unit_test(
		    history_reset__forgets_counts_and_converged_at),
		cmocka_unit_test(
		    history_init__zero_window_and_negative_tolerance__defaults),
		cmocka_unit_test(history_push__many_cycles__keeps_every_count),
		cmocka_unit_test(
		    history_max__range__largest_count_of_that_range_only),
		cmocka_unit_test(
		    history_working_set__last_window__mean_rounded_down),
		cmocka_unit_test(
		    history_working_set__window_zero_or_too_long__mean_of_all),
		cmocka_unit_test(
		    history_cycle_at__counts_back_from_the_last_cycle),
		cmocka_unit_test(
		    history_working_set__after_convergence__mean_of_the_window),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
