/*
 * test-num.c - the number parsers and the array helper.
 */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "array.h"
#include "num.h"

static void
num_u64__digits_in_range__parsed(void **state)
{
	uint64_t	v = 7;

	(void)state;
	assert_int_equal(num_u64("42", 10, 0, 100, &v), 0);
	assert_int_equal(v, 42);
	assert_int_equal(num_u64("ff", 16, 0, UINT64_MAX, &v), 0);
	assert_int_equal(v, 255);
	assert_int_equal(num_u64("18446744073709551615", 10, 0, UINT64_MAX,
	    &v), 0);
	assert_true(v == UINT64_MAX);
}

static void
num_u64__sign_blank_or_tail__einval(void **state)
{
	const char	*bad[] = { "", "-1", "+1", " 1", "1 ", "1x", "0x10",
			    "a" };
	uint64_t	 v = 7;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		errno = 0;
		assert_int_equal(num_u64(bad[i], 10, 0, UINT64_MAX, &v), -1);
		assert_int_equal(errno, EINVAL);
	}
	assert_int_equal(v, 7);
}

static void
num_u64__outside_bounds_or_overflow__erange(void **state)
{
	uint64_t	v = 7;

	(void)state;
	assert_int_equal(num_u64("101", 10, 0, 100, &v), -1);
	assert_int_equal(errno, ERANGE);
	assert_int_equal(num_u64("0", 10, 1, 100, &v), -1);
	assert_int_equal(errno, ERANGE);
	assert_int_equal(num_u64("18446744073709551616", 10, 0, UINT64_MAX,
	    &v), -1);
	assert_int_equal(errno, ERANGE);
	assert_int_equal(v, 7);
}

static void
num_addr__prefix_and_at_most_16_digits(void **state)
{
	uint64_t	v = 7;

	(void)state;
	assert_int_equal(num_addr("0x7ffdAbc000", &v), 0);
	assert_true(v == 0x7ffdabc000ULL);
	assert_int_equal(num_addr("0xffffffffffffffff", &v), 0);
	assert_true(v == UINT64_MAX);
	assert_int_equal(num_addr("0x1ffffffffffffffff", &v), -1);
	assert_int_equal(num_addr("0x", &v), -1);
	assert_int_equal(num_addr("0x0x1", &v), -1);
	assert_int_equal(num_addr("1000", &v), -1);
	assert_int_equal(num_addr("0x-1", &v), -1);
}

static void
num_double__finite_whole_token_in_bounds(void **state)
{
	static const struct {
		const char	*s;
		double		 lo, hi;
		int		 err;		/* 0: parsed as want */
		double		 want;
	} cases[] = {
		{ "0.25", 0, 1, 0, 0.25 },
		{ ".5", 0, 1, 0, 0.5 },
		{ "1e3", 0, 1e4, 0, 1000 },
		{ "-1.5", -5, 5, 0, -1.5 },
		{ "2", 0, 1, ERANGE, 0 },
		{ "-1", 0, 5, ERANGE, 0 },
		{ "inf", 0, 1e300, ERANGE, 0 },
		{ "nan", 0, 1, EINVAL, 0 },
		{ "1e999", 0, 1e300, ERANGE, 0 },
		{ "1e-999", 0, 1, ERANGE, 0 },
		{ "0x10", 0, 100, EINVAL, 0 },
		{ "-0x1", -5, 5, EINVAL, 0 },
		{ "1s", 0, 5, EINVAL, 0 },
		{ " 1", 0, 5, EINVAL, 0 },
		{ "+1", 0, 5, EINVAL, 0 },
		{ "-", -5, 5, EINVAL, 0 },
	};
	double	v;
	size_t	i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		v = 7;
		errno = 0;
		if (cases[i].err == 0) {
			assert_int_equal(num_double(cases[i].s, cases[i].lo,
			    cases[i].hi, &v), 0);
			assert_true(v == cases[i].want);
		} else {
			assert_int_equal(num_double(cases[i].s, cases[i].lo,
			    cases[i].hi, &v), -1);
			assert_int_equal(errno, cases[i].err);
			/* Nothing is written on failure. */
			assert_true(v == 7);
		}
	}
}

static void
array_reserve__grows_keeps_contents_and_never_shrinks(void **state)
{
	int	*a = NULL, *p;
	size_t	 cap = 0, i;

	(void)state;
	for (i = 0; i < 1000; i++) {
		p = array_reserve(a, i + 1, &cap, sizeof *a);
		assert_non_null(p);
		a = p;
		assert_true(cap >= i + 1);
		a[i] = (int)i;
	}
	for (i = 0; i < 1000; i++)
		assert_int_equal(a[i], (int)i);
	assert_ptr_equal(array_reserve(a, 10, &cap, sizeof *a), a);
	assert_true(cap >= 1000);
	free(a);
}

static void
array_reserve__size_overflow__null_and_unchanged(void **state)
{
	int	*a = NULL;
	size_t	 cap = 0;

	(void)state;
	errno = 0;
	assert_null(array_reserve(a, SIZE_MAX / 2, &cap, sizeof *a));
	assert_int_equal(errno, ENOMEM);
	assert_int_equal(cap, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(num_u64__digits_in_range__parsed),
		cmocka_unit_test(num_u64__sign_blank_or_tail__einval),
		cmocka_unit_test(num_u64__outside_bounds_or_overflow__erange),
		cmocka_unit_test(num_addr__prefix_and_at_most_16_digits),
		cmocka_unit_test(num_double__finite_whole_token_in_bounds),
		cmocka_unit_test(
		    array_reserve__grows_keeps_contents_and_never_shrinks),
		cmocka_unit_test(
		    array_reserve__size_overflow__null_and_unchanged),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
