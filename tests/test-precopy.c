/*
 * test-precopy.c - the pre-copy model on series worked out by hand, and
 * the link-speed parser on good and bad rates.
 *
 * The model stops when what is left fits in 300 ms of link time, or after
 * 30 live rounds (see the top of src/precopy.c).
 */
#include "config.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "precopy.h"

#define CLOSE(a, b)	assert_true(close_to((a), (b)))

/* Whether a and b agree to a millionth. */
static int
close_to(double a, double b)
{
	return fabs(a - b) < 1e-6 * (1 + fabs(b));
}

/*
 * 1 GB at 100 MB/s dirtying 50 MB/s: rounds of 1000, 500, 250, 125, 62.5
 * and 31.25 MB (31.25 MB is more than the 30 MB that fit in 300 ms, so it
 * is sent live); 15.625 MB remain: 156.25 ms of downtime.
 */
static void
precopy_estimate__half_rate__six_rounds(void **state)
{
	struct precopy	p;

	precopy_estimate(&p, 1e8, 5e7, 1000000000ULL);
	assert_true(p.converges);
	assert_int_equal(p.rounds, 6);
	CLOSE(p.downtime_ms, 156.25);
	CLOSE(p.total_ms, 10000 + 5000 + 2500 + 1250 + 625 + 312.5 + 156.25);
	assert_int_equal(p.sent_bytes, 1000000000ULL + 500000000 + 250000000 +
	    125000000 + 62500000 + 31250000 + 15625000);
	CLOSE(p.bandwidth_bps, 1e8);
	CLOSE(p.dirty_rate_bps, 5e7);
}

/* A dirty rate twice the link: every round resends all, 30 rounds of 10 s. */
static void
precopy_estimate__rate_above_link__never_converges(void **state)
{
	struct precopy	p;

	precopy_estimate(&p, 1e8, 2e8, 1000000000ULL);
	assert_false(p.converges);
	assert_true(p.downtime_ms < 0);
	assert_int_equal(p.rounds, 30);
	CLOSE(p.total_ms, 30 * 10000.0);
	assert_int_equal(p.sent_bytes, 30 * 1000000000ULL);
}

/* A dirty rate equal to the link does not converge either. */
static void
precopy_estimate__rate_equal_to_link__never_converges(void **state)
{
	struct precopy	p;

	precopy_estimate(&p, 1e8, 1e8, 1000000000ULL);
	assert_false(p.converges);
	assert_true(p.downtime_ms < 0);
	assert_int_equal(p.rounds, 30);
	assert_int_equal(p.sent_bytes, 30 * 1000000000ULL);
}

/*
 * At 90 % of the link, 1 GB would need 34 rounds to shrink under 30 MB:
 * the round limit stops it after 30, with 1 GB * 0.9^30 left for the
 * downtime; all sent is the geometric sum of 31 terms.
 */
static void
precopy_estimate__slow_convergence__stops_at_round_limit(void **state)
{
	struct precopy	p;
	double		last = 1e9 * pow(0.9, 30);
	double		sum = 1e9 * (1 - pow(0.9, 31)) / (1 - 0.9);

	precopy_estimate(&p, 1e8, 9e7, 1000000000ULL);
	assert_true(p.converges);
	assert_int_equal(p.rounds, 30);
	CLOSE(p.downtime_ms, last / 1e8 * 1000);
	assert_true(p.downtime_ms > 300);
	CLOSE(p.total_ms, sum / 1e8 * 1000);
	assert_true(fabs((double)p.sent_bytes - sum) <= 2);
}

/* 1 MB at 100 MB/s takes 10 ms; 100 KB dirtied meanwhile: 1 ms of pause. */
static void
precopy_estimate__small_memory__one_round(void **state)
{
	struct precopy	p;

	precopy_estimate(&p, 1e8, 1e7, 1000000ULL);
	assert_true(p.converges);
	assert_int_equal(p.rounds, 1);
	CLOSE(p.downtime_ms, 1);
	CLOSE(p.total_ms, 11);
	assert_int_equal(p.sent_bytes, 1100000);
}

/* Nothing dirtied: one round, no downtime. */
static void
precopy_estimate__idle__no_downtime(void **state)
{
	struct precopy	p;

	precopy_estimate(&p, 1e6, 0, 4096000ULL);
	assert_true(p.converges);
	assert_int_equal(p.rounds, 1);
	CLOSE(p.downtime_ms, 0);
	CLOSE(p.total_ms, 4096);
	assert_int_equal(p.sent_bytes, 4096000);
}

/* No link at all: nothing can be sent. */
static void
precopy_estimate__zero_bandwidth__never_converges(void **state)
{
	struct precopy	p;

	precopy_estimate(&p, 0, 1e6, 4096000ULL);
	assert_false(p.converges);
	assert_true(p.downtime_ms < 0);
	assert_int_equal(p.sent_bytes, 0);
}

/* Rates that parse, with their value in bytes per second. */
static void
precopy_parse_rate__good_rates__bytes_per_second(void **state)
{
	static const struct {
		const char	*s;
		double		 bps;
	} good[] = {
		{ "1Gbit",	125000000 },
		{ "100Mbit",	12500000 },
		{ "10kbit",	1250 },
		{ "100mbit",	12500000 },
		{ "1Gbit/s",	125000000 },
		{ "8bit",	1 },
		{ "50MB",	50000000 },
		{ "1.5GB",	1500000000 },
		{ "2kB",	2000 },
		{ "2GiB",	2147483648.0 },
		{ "512MiB",	536870912 },
		{ "4KiB",	4096 },
		{ "1000",	1000 },
		{ "1000/s",	1000 },
		{ "12B",	12 },
		{ ".5MB",	500000 },
		{ "1e3",	1000 },
	};
	const char	*cause;
	double		 bps;
	size_t		 i;

	for (i = 0; i < sizeof good / sizeof good[0]; i++) {
		cause = NULL;
		bps = -1;
		if (precopy_parse_rate(good[i].s, &bps, &cause) != 0)
			fail_msg("%s: rejected (%s)", good[i].s, cause);
		if (fabs(bps - good[i].bps) > 1e-9 * good[i].bps)
			fail_msg("%s: %f, not %f", good[i].s, bps, good[i].bps);
	}
}

/* Rates that do not parse, each with a reason. */
static void
precopy_parse_rate__bad_rates__rejected_with_cause(void **state)
{
	static const char *bad[] = {
		"", "abc", "-1", "-1Gbit", "+5", "0", "0Mbit", "0.0", "1Gbitx",
		"1 Gbit", " 1Gbit", "Gbit", "1Mb", "1mB/", "inf", "nan", "1e400",
		"1e-400", "0x10", "1..5MB", ".", "/s", "1GB/s/s", "5 ",
	};
	const char	*cause;
	double		 bps;
	size_t		 i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		cause = NULL;
		bps = 42;
		if (precopy_parse_rate(bad[i], &bps, &cause) != -1)
			fail_msg("\"%s\": accepted as %f", bad[i], bps);
		if (cause == NULL || *cause == '\0')
			fail_msg("\"%s\": no cause", bad[i]);
		assert_true(bps == 42);
	}
}

/* Zero and negative rates say so. */
static void
precopy_parse_rate__not_positive__says_positive(void **state)
{
	const char	*cause = NULL;
	double		 bps;

	assert_int_equal(precopy_parse_rate("-3MB", &bps, &cause), -1);
	assert_non_null(strstr(cause, "positive"));
	cause = NULL;
	assert_int_equal(precopy_parse_rate("0Gbit", &bps, &cause), -1);
	assert_non_null(strstr(cause, "positive"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(precopy_estimate__half_rate__six_rounds),
		cmocka_unit_test(
		    precopy_estimate__rate_above_link__never_converges),
		cmocka_unit_test(
		    precopy_estimate__rate_equal_to_link__never_converges),
		cmocka_unit_test(
		    precopy_estimate__slow_convergence__stops_at_round_limit),
		cmocka_unit_test(precopy_estimate__small_memory__one_round),
		cmocka_unit_test(precopy_estimate__idle__no_downtime),
		cmocka_unit_test(
		    precopy_estimate__zero_bandwidth__never_converges),
		cmocka_unit_test(
		    precopy_parse_rate__good_rates__bytes_per_second),
		cmocka_unit_test(
		    precopy_parse_rate__bad_rates__rejected_with_cause),
		cmocka_unit_test(
		    precopy_parse_rate__not_positive__says_positive),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
