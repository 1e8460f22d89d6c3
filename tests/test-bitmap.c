/*
 * test-bitmap.c - bit sets of pages: ranges that cross 64-bit words,
 * counts, and the next set or clear bit at word and size boundaries, each
 * checked against a plain bool array kept alongside.
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

#include "bitmap.h"

/* The slow, obvious answers, from a bool per bit. */
static size_t
ref_count(const bool *r, size_t from, size_t to)
{
	size_t	 n = 0;

	for (; from < to; from++)
		n += r[from];
	return (n);
}

static size_t
ref_next(const bool *r, size_t i, size_t n, bool value)
{
	for (; i < n; i++) {
		if (r[i] == value)
			return (i);
	}
	return (n);
}

static void
bitmap_new__zeroed_and_at_least_one_word(void **state)
{
	uint64_t	*b;
	size_t		 sizes[] = { 0, 1, 63, 64, 65, 1000 }, i, w;

	(void)state;
	for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		b = bitmap_new(sizes[i]);
		assert_non_null(b);
		for (w = 0; w < (sizes[i] == 0 ? 1 : BITMAP_WORDS(sizes[i]));
		    w++)
			assert_int_equal(b[w], 0);
		free(b);
	}
	assert_int_equal(BITMAP_WORDS(0), 0);
	assert_int_equal(BITMAP_WORDS(1), 1);
	assert_int_equal(BITMAP_WORDS(64), 1);
	assert_int_equal(BITMAP_WORDS(65), 2);
}

static void
bitmap_set__single_bits__set_test_clear(void **state)
{
	uint64_t	*b = bitmap_new(130);

	(void)state;
	bitmap_set(b, 0);
	bitmap_set(b, 63);
	bitmap_set(b, 64);
	bitmap_set(b, 129);
	assert_int_equal(b[0], UINT64_C(1) | UINT64_C(1) << 63);
	assert_int_equal(b[1], UINT64_C(1));
	assert_int_equal(b[2], UINT64_C(1) << 1);
	assert_true(bitmap_test(b, 63));
	assert_false(bitmap_test(b, 62));
	assert_true(bitmap_test(b, 129));
	bitmap_clear_bit(b, 63);
	assert_false(bitmap_test(b, 63));
	assert_true(bitmap_test(b, 0));
	assert_int_equal(bitmap_count(b, 130), 3);
	free(b);
}

static void
bitmap_set_range__crossing_words__exact_bits(void **state)
{
	/* [from, to) pairs: inside a word, to a word end, across several. */
	static const size_t	 ranges[][2] = {
		{ 0, 0 }, { 5, 5 }, { 0, 1 }, { 3, 17 }, { 60, 64 },
		{ 63, 65 }, { 64, 128 }, { 1, 200 }, { 0, 257 }, { 100, 101 },
		{ 127, 129 }, { 190, 260 }, { 256, 257 },
	};
	size_t		 n = 260, k, i;
	uint64_t	*b;
	bool		 ref[260];

	(void)state;
	for (k = 0; k < sizeof ranges / sizeof ranges[0]; k++) {
		b = bitmap_new(n);
		memset(ref, 0, sizeof ref);
		bitmap_set_range(b, ranges[k][0], ranges[k][1]);
		for (i = ranges[k][0]; i < ranges[k][1]; i++)
			ref[i] = true;
		for (i = 0; i < n; i++) {
			if (bitmap_test(b, i) != ref[i])
				fail_msg("range [%zu, %zu): bit %zu wrong",
				    ranges[k][0], ranges[k][1], i);
		}
		/* Nothing beyond n was touched. */
		assert_int_equal(b[BITMAP_WORDS(n) - 1] >> (n % 64), 0);
		free(b);
	}
}

static void
bitmap_set_range__overlapping__union(void **state)
{
	uint64_t	*b = bitmap_new(200);

	(void)state;
	bitmap_set_range(b, 10, 70);
	bitmap_set_range(b, 60, 130);
	bitmap_set_range(b, 150, 151);
	assert_int_equal(bitmap_count(b, 200), 121);
	assert_int_equal(bitmap_next_set(b, 0, 200), 10);
	assert_int_equal(bitmap_next_clear(b, 10, 200), 130);
	assert_int_equal(bitmap_next_set(b, 130, 200), 150);
	assert_int_equal(bitmap_next_clear(b, 150, 200), 151);
	free(b);
}

/* Fill b and ref with a pseudo-random pattern of n bits. */
static void
fill_random(uint64_t *b, bool *ref, size_t n, unsigned seed, unsigned odds)
{
	size_t	 i;

	srand(seed);
	for (i = 0; i < n; i++) {
		ref[i] = (unsigned)rand() % odds == 0;
		if (ref[i])
			bitmap_set(b, i);
	}
}

static void
bitmap_count_range__every_range__matches_reference(void **state)
{
	size_t		 n = 200, from, to;
	uint64_t	*b = bitmap_new(n);
	bool		 ref[200];

	(void)state;
	fill_random(b, ref, n, 1, 3);
	for (from = 0; from <= n; from++) {
		for (to = from; to <= n; to++) {
			if (bitmap_count_range(b, from, to) !=
			    ref_count(ref, from, to))
				fail_msg("count [%zu, %zu) wrong", from, to);
		}
	}
	assert_int_equal(bitmap_count(b, n), ref_count(ref, 0, n));
	free(b);
}

static void
bitmap_count__n_not_a_multiple_of_64__ignores_bits_beyond(void **state)
{
	uint64_t	*b = bitmap_new(70);

	(void)state;
	/* Bits 70..127 lie in the storage but not in the set. */
	b[0] = ~UINT64_C(0);
	b[1] = ~UINT64_C(0);
	assert_int_equal(bitmap_count(b, 70), 70);
	assert_int_equal(bitmap_count(b, 65), 65);
	assert_int_equal(bitmap_count(b, 1), 1);
	assert_int_equal(bitmap_count(b, 0), 0);
	assert_int_equal(bitmap_count_range(b, 64, 70), 6);
	free(b);
}

static void
bitmap_next__every_start__matches_reference(void **state)
{
	size_t		 sizes[] = { 1, 63, 64, 65, 127, 128, 129, 300 };
	size_t		 k, n, i;
	unsigned	 odds;
	uint64_t	*b;
	bool		 ref[300];

	(void)state;
	for (k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
		for (odds = 1; odds <= 9; odds += 4) {
			n = sizes[k];
			b = bitmap_new(n);
			memset(ref, 0, sizeof ref);
			fill_random(b, ref, n, (unsigned)(n * 10 + odds), odds);
			for (i = 0; i <= n; i++) {
				if (bitmap_next_set(b, i, n) !=
				    ref_next(ref, i, n, true))
					fail_msg("n %zu: next_set(%zu) wrong",
					    n, i);
				if (bitmap_next_clear(b, i, n) !=
				    ref_next(ref, i, n, false))
					fail_msg("n %zu: next_clear(%zu) wrong",
					    n, i);
			}
			free(b);
		}
	}
}

static void
bitmap_next_set__bits_beyond_n__not_found(void **state)
{
	uint64_t	*b = bitmap_new(100);

	(void)state;
	/* Set bits 100..127, outside a set of 100. */
	b[1] = ~UINT64_C(0) << 36;
	assert_int_equal(bitmap_next_set(b, 0, 100), 100);
	assert_int_equal(bitmap_next_set(b, 99, 100), 100);
	assert_int_equal(bitmap_next_set(b, 100, 100), 100);
	assert_int_equal(bitmap_next_set(b, 0, 101), 100);
	free(b);
}

static void
bitmap_next_clear__all_set_to_n__returns_n(void **state)
{
	uint64_t	*b = bitmap_new(100);

	(void)state;
	bitmap_set_range(b, 0, 100);
	assert_int_equal(bitmap_next_clear(b, 0, 100), 100);
	assert_int_equal(bitmap_next_clear(b, 64, 100), 100);
	assert_int_equal(bitmap_next_clear(b, 99, 100), 100);
	assert_int_equal(bitmap_next_clear(b, 0, 64), 64);
	bitmap_clear_bit(b, 64);
	assert_int_equal(bitmap_next_clear(b, 0, 100), 64);
	assert_int_equal(bitmap_next_clear(b, 63, 100), 64);
	assert_int_equal(bitmap_next_clear(b, 65, 100), 100);
	free(b);
}

static void
bitmap_next_set__word_boundaries(void **state)
{
	uint64_t	*b = bitmap_new(256);

	(void)state;
	bitmap_set(b, 63);
	bitmap_set(b, 64);
	bitmap_set(b, 191);
	bitmap_set(b, 255);
	assert_int_equal(bitmap_next_set(b, 0, 256), 63);
	assert_int_equal(bitmap_next_set(b, 63, 256), 63);
	assert_int_equal(bitmap_next_set(b, 64, 256), 64);
	assert_int_equal(bitmap_next_set(b, 65, 256), 191);
	assert_int_equal(bitmap_next_set(b, 192, 256), 255);
	assert_int_equal(bitmap_next_set(b, 192, 255), 255);
	assert_int_equal(bitmap_next_clear(b, 63, 256), 65);
	free(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(bitmap_new__zeroed_and_at_least_one_word),
		cmocka_unit_test(bitmap_set__single_bits__set_test_clear),
		cmocka_unit_test(bitmap_set_range__crossing_words__exact_bits),
		cmocka_unit_test(bitmap_set_range__overlapping__union),
		cmocka_unit_test(
		    bitmap_count_range__every_range__matches_reference),
		cmocka_unit_test(
		    bitmap_count__n_not_a_multiple_of_64__ignores_bits_beyond),
		cmocka_unit_test(bitmap_next__every_start__matches_reference),
		cmocka_unit_test(bitmap_next_set__bits_beyond_n__not_found),
		cmocka_unit_test(bitmap_next_clear__all_set_to_n__returns_n),
		cmocka_unit_test(bitmap_next_set__word_boundaries),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
