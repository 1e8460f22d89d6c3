/*
 * test-pageset.c - sparse sets of pages: ranges across chunk boundaries,
 * inserts in any order, counts and the next member or gap checked against
 * a plain bool array on random data (chunks as inline, heap arrays and
 * bitmaps, and across the turns between them), sets of 2^35 pages with
 * few members, and what the memory held follows: members, not pages.
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

#define CB	PAGESET_CHUNK_BITS

/* The slow, obvious answers, from a bool per page. */
static uint64_t
ref_count(const bool *r, uint64_t from, uint64_t to)
{
	uint64_t	 n = 0;

	for (; from < to; from++)
		n += r[from];
	return (n);
}

static uint64_t
ref_next(const bool *r, uint64_t i, uint64_t n, bool value)
{
	for (; i < n; i++)
		if (r[i] == value)
			return (i);
	return (n);
}

/* Every query of s against r, at every page (and past the end). */
static void
check_all(const struct pageset *s, const bool *r, uint64_t n)
{
	uint64_t	 i, j;

	assert_int_equal(pageset_count(s), ref_count(r, 0, n));
	for (i = 0; i <= n + 1; i++) {
		assert_int_equal(pageset_has(s, i), i < n && r[i]);
		assert_int_equal(pageset_next(s, i),
		    i < n ? ref_next(r, i, n, true) : n);
		assert_int_equal(pageset_next_gap(s, i),
		    i < n ? ref_next(r, i, n, false) : n);
	}
	for (i = 0; i < n; i += 1 + i / 7)
		for (j = i; j <= n; j += 1 + j / 5)
			assert_int_equal(pageset_count_range(s, i, j),
			    ref_count(r, i, j));
}

static void
pageset_new__empty_and_costs_nothing_per_page(void **state)
{
	struct pageset	*s;

	(void)state;
	assert_non_null(s = pageset_new(UINT64_C(1) << 35));
	assert_int_equal(pageset_size(s), UINT64_C(1) << 35);
	assert_int_equal(pageset_count(s), 0);
	assert_int_equal(pageset_next(s, 0), UINT64_C(1) << 35);
	assert_int_equal(pageset_next_gap(s, 5), 5);
	assert_true(pageset_bytes(s) < 1024);
	pageset_free(s);
}

static void
pageset_add_range__across_chunks__exact(void **state)
{
	struct pageset	*s;
	uint64_t	 n = 5 * CB + 77;
	bool		*r;
	struct { uint64_t from, to; } rg[] = {
		{ CB - 3, CB + 3 }, { 2 * CB - 1, 4 * CB + 1 },
		{ 0, 1 }, { 63, 65 }, { n - 2, n + 50 }, { 100, 100 },
	};
	size_t		 k;
	uint64_t	 i;

	(void)state;
	assert_non_null(r = calloc(n, sizeof *r));
	assert_non_null(s = pageset_new(n));
	for (k = 0; k < sizeof rg / sizeof rg[0]; k++) {
		assert_int_equal(pageset_add_range(s, rg[k].from, rg[k].to), 0);
		for (i = rg[k].from; i < rg[k].to && i < n; i++)
			r[i] = true;
		check_all(s, r, n);
	}
	pageset_free(s);
	free(r);
}

static void
pageset_random__matches_a_flat_reference(void **state)
{
	struct pageset	*s, *u;
	uint64_t	 n = 9 * CB + 13, i, w, bits;
	bool		*r;
	int		 round, k;

	(void)state;
	srandom(7);
	assert_non_null(r = calloc(n, sizeof *r));
	for (round = 0; round < 4; round++) {
		memset(r, 0, n * sizeof *r);
		assert_non_null(s = pageset_new(n));
		/* Single pages, ranges and words, in no order. */
		for (k = 0; k < 300; k++) {
			i = (uint64_t)random() % n;
			switch (random() % 3) {
			case 0:
				assert_int_equal(pageset_add(s, i), 0);
				r[i] = true;
				break;
			case 1:
				w = i + (uint64_t)random() % 200;
				assert_int_equal(pageset_add_range(s, i, w), 0);
				for (; i < w && i < n; i++)
					r[i] = true;
				break;
			default:
				bits = (uint64_t)random() << 32 |
				    (uint64_t)random();
				assert_int_equal(pageset_add_word(s, i / 64,
				    bits), 0);
				for (w = 0; w < 64; w++)
					if ((bits >> w & 1) &&
					    (i / 64) * 64 + w < n)
						r[(i / 64) * 64 + w] = true;
				for (w = 0; w < 64 && (i / 64) * 64 + w < n;
				    w++)
					assert_int_equal(pageset_word(s,
					    i / 64) >> w & 1,
					    r[(i / 64) * 64 + w]);
			}
		}
		check_all(s, r, n);
		/* A union into an empty set is a copy. */
		assert_non_null(u = pageset_new(n));
		assert_int_equal(pageset_union(u, s), 0);
		check_all(u, r, n);
		pageset_free(u);
		pageset_clear(s);
		assert_int_equal(pageset_count(s), 0);
		pageset_free(s);
	}
	free(r);
}

static void
pageset_huge__few_members__small_and_fast(void **state)
{
	struct pageset	*s;
	uint64_t	 n = UINT64_C(1) << 35, top = n - 1;

	(void)state;
	assert_non_null(s = pageset_new(n));
	/* Out of order: the top first, then the bottom, then the middle. */
	assert_int_equal(pageset_add(s, top), 0);
	assert_int_equal(pageset_add_range(s, 0, 100), 0);
	assert_int_equal(pageset_add_range(s, n / 2 - 5, n / 2 + 5), 0);
	assert_int_equal(pageset_add(s, n + 5), 0);	/* ignored */
	assert_int_equal(pageset_count(s), 111);
	assert_int_equal(pageset_count_range(s, 100, n / 2), 5);
	assert_int_equal(pageset_count_range(s, 1, n), 110);
	assert_int_equal(pageset_next(s, 100), n / 2 - 5);
	assert_int_equal(pageset_next_gap(s, n / 2 - 5), n / 2 + 5);
	assert_int_equal(pageset_next(s, n / 2 + 5), top);
	assert_int_equal(pageset_next_gap(s, top), n);
	assert_int_equal(pageset_next(s, n), n);
	assert_true(pageset_has(s, top));
	assert_false(pageset_has(s, top - 1));
	assert_true(pageset_bytes(s) < 64 * 1024);
	pageset_free(s);
}

static void
pageset_bytes__follows_members_not_size(void **state)
{
	struct pageset	*s;
	uint64_t	 members = 1 << 20, i;

	(void)state;
	/* 1 Mi pages added ascending in a set of 2^40: about a bit each. */
	assert_non_null(s = pageset_new(UINT64_C(1) << 40));
	for (i = 0; i < members; i++)
		assert_int_equal(pageset_add(s, (UINT64_C(1) << 39) + i), 0);
	assert_int_equal(pageset_count(s), members);
	assert_true(pageset_bytes(s) <= members / 8 * 2 + 4096);
	pageset_free(s);
}

/* Add page i to s and to r. */
static void
add_both(struct pageset *s, bool *r, uint64_t i)
{
	assert_int_equal(pageset_add(s, i), 0);
	r[i] = true;
}

static void
pageset_one_chunk__every_form__exact(void **state)
{
	struct pageset	*s, *u;
	uint64_t	 n = CB, i, *perm, t;
	uint64_t	 at[] = { 1, 4, 5, 8, 9, 255, 256, 257, 258, 1000, CB };
	bool		*r;
	size_t		 k, done = 0, bytes = 0;

	(void)state;
	srandom(11);
	assert_non_null(r = calloc(n, sizeof *r));
	assert_non_null(perm = calloc(n, sizeof *perm));
	for (i = 0; i < n; i++)
		perm[i] = i;
	for (i = n - 1; i > 0; i--) {
		k = (size_t)random() % (i + 1);
		t = perm[i];
		perm[i] = perm[k];
		perm[k] = t;
	}
	assert_non_null(s = pageset_new(n));
	/* Members in random order, through the inline, array and bitmap. */
	for (k = 0; k < sizeof at / sizeof at[0]; k++) {
		for (; done < at[k]; done++)
			add_both(s, r, perm[done]);
		check_all(s, r, n);
		for (i = 0; i < n / 64; i++)
			for (t = 0; t < 64; t++)
				assert_int_equal(pageset_word(s, i) >> t & 1,
				    r[i * 64 + t]);
		/* Memory grows with the members, until the chunk is full. */
		if (at[k] == CB)
			assert_true(pageset_bytes(s) < 100);
		else
			assert_true(pageset_bytes(s) >= bytes);
		bytes = pageset_bytes(s);
		/* A union into an empty set is a copy, whatever the form. */
		assert_non_null(u = pageset_new(n));
		assert_int_equal(pageset_union(u, s), 0);
		check_all(u, r, n);
		pageset_free(u);
	}
	assert_int_equal(pageset_next_gap(s, 0), n);
	pageset_free(s);
	free(perm);
	free(r);
}

static void
pageset_array_to_bitmap__by_words_and_ranges(void **state)
{
	struct pageset	*s;
	uint64_t	 n = 3 * CB, i;
	bool		*r;

	(void)state;
	assert_non_null(r = calloc(n, sizeof *r));
	assert_non_null(s = pageset_new(n));
	/* 250 lone members, then a range and words that overlap them. */
	for (i = 0; i < 250; i++)
		add_both(s, r, CB + i * 16);
	check_all(s, r, n);
	assert_int_equal(pageset_add_range(s, CB + 100, CB + 104), 0);
	for (i = CB + 100; i < CB + 104; i++)
		r[i] = true;
	check_all(s, r, n);
	assert_int_equal(pageset_add_word(s, CB / 64 + 2, 0x10003), 0);
	r[CB + 2 * 64 + 1] = true;
	check_all(s, r, n);
	/* 255 members: 7 new ones of 8 take the chunk past an array. */
	assert_int_equal(pageset_add_word(s, CB / 64 + 3, 0xff), 0);
	for (i = 0; i < 8; i++)
		r[CB + 3 * 64 + i] = true;
	check_all(s, r, n);
	assert_int_equal(pageset_count(s), 262);
	/* A range across three chunks, over a bitmap. */
	assert_int_equal(pageset_add_range(s, CB - 5, 2 * CB + 300), 0);
	for (i = CB - 5; i < 2 * CB + 300; i++)
		r[i] = true;
	check_all(s, r, n);
	assert_int_equal(pageset_count(s), CB + 305);
	pageset_free(s);
	free(r);
}

static void
pageset_union__of_mixed_forms__exact(void **state)
{
	struct pageset	*a, *b;
	uint64_t	 n = 12 * CB + 5, i, j, density;
	bool		*r;
	int		 round;

	(void)state;
	srandom(13);
	assert_non_null(r = calloc(n, sizeof *r));
	for (round = 0; round < 3; round++) {
		memset(r, 0, n * sizeof *r);
		assert_non_null(a = pageset_new(n));
		assert_non_null(b = pageset_new(n));
		/* Each chunk of each set gets from none to all its pages. */
		for (i = 0; i < n; i += CB) {
			density = (uint64_t)random() % 6;
			for (j = 0; j < (UINT64_C(1) << (2 * density)) &&
			    i + j < n; j++)
				add_both(random() % 2 ? a : b, r,
				    i + (uint64_t)random() % CB % (n - i));
		}
		assert_int_equal(pageset_union(a, b), 0);
		check_all(a, r, n);
		pageset_free(a);
		pageset_free(b);
	}
	free(r);
}

static void
pageset_bytes__scattered_dense_and_empty(void **state)
{
	struct pageset	*s;
	uint64_t	 members = 100000, dense = 1 << 20, i;

	(void)state;
	/* An empty set and a one-member set: a few dozen bytes. */
	assert_non_null(s = pageset_new(UINT64_C(1) << 35));
	assert_true(pageset_bytes(s) < 100);
	assert_int_equal(pageset_add(s, 12345678), 0);
	assert_true(pageset_bytes(s) < 100);
	pageset_free(s);
	/* Lone members, one per 5000 pages: tens of bytes each at most. */
	assert_non_null(s = pageset_new(UINT64_C(1) << 35));
	for (i = 0; i < members; i++)
		assert_int_equal(pageset_add(s, i * 5000), 0);
	assert_int_equal(pageset_count(s), members);
	assert_true(pageset_bytes(s) < members * 40);
	pageset_free(s);
	/* A dense range, at once or page by page: about a bit a page. */
	assert_non_null(s = pageset_new(UINT64_C(1) << 35));
	assert_int_equal(pageset_add_range(s, 3 * CB + 7, 3 * CB + 7 + dense),
	    0);
	assert_int_equal(pageset_count(s), dense);
	assert_true(pageset_bytes(s) * 8 <= dense * 11 / 10);
	pageset_free(s);
	assert_non_null(s = pageset_new(UINT64_C(1) << 35));
	for (i = 0; i < dense; i++)
		assert_int_equal(pageset_add(s, 5 * CB + i), 0);
	assert_true(pageset_bytes(s) * 8 <= dense * 11 / 10);
	pageset_free(s);
	/*
	 * Whole chunks, at once or page by page, are full: a head each
	 * (16 bytes), and their members are all there.
	 */
	assert_non_null(s = pageset_new(UINT64_C(1) << 35));
	assert_int_equal(pageset_add_range(s, 2 * CB, 2 * CB + dense), 0);
	for (i = 0; i < CB; i++)
		assert_int_equal(pageset_add(s, (UINT64_C(1) << 30) + i), 0);
	assert_true(pageset_bytes(s) <= (dense / CB + 2) * 32 + 100);
	assert_int_equal(pageset_count(s), dense + CB);
	assert_int_equal(pageset_count_range(s, 2 * CB + 5, 2 * CB + 9), 4);
	assert_int_equal(pageset_next(s, 0), 2 * CB);
	assert_int_equal(pageset_next_gap(s, 2 * CB), 2 * CB + dense);
	assert_int_equal(pageset_next_gap(s, UINT64_C(1) << 30),
	    (UINT64_C(1) << 30) + CB);
	assert_true(pageset_has(s, 2 * CB + dense - 1));
	assert_false(pageset_has(s, 2 * CB + dense));
	assert_int_equal(pageset_word(s, (2 * CB + 64) / 64), ~UINT64_C(0));
	pageset_free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pageset_new__empty_and_costs_nothing_per_page),
		cmocka_unit_test(pageset_add_range__across_chunks__exact),
		cmocka_unit_test(pageset_random__matches_a_flat_reference),
		cmocka_unit_test(pageset_huge__few_members__small_and_fast),
		cmocka_unit_test(pageset_bytes__follows_members_not_size),
		cmocka_unit_test(pageset_one_chunk__every_form__exact),
		cmocka_unit_test(pageset_array_to_bitmap__by_words_and_ranges),
		cmocka_unit_test(pageset_union__of_mixed_forms__exact),
		cmocka_unit_test(pageset_bytes__scattered_dense_and_empty),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
