/*
 * test-cost.c - the cost estimate and the --max-cost interval rule on
 * cases worked out by hand.
 *
 * Percent of one CPU; seconds; nanoseconds per fault.
 */
#include "config.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "cost.h"
#include "snapshot.h"

#define CLOSE(a, b)	assert_true(close_to((a), (b)))

/* Whether a and b agree to a millionth. */
static int
close_to(double a, double b)
{
	return fabs(a - b) < 1e-6 * (1 + fabs(b));
}

/*
 * 1000 pages at 13 us each are 13 ms of faults: 1.3 % of one second,
 * 26 % of 50 ms; 0 pages cost nothing.
 */
static void
cost_faults_percent__pages_times_fault_over_interval(void **state)
{
	(void)state;
	CLOSE(cost_faults_percent(1000, 13000, 1), 1.3);
	CLOSE(cost_faults_percent(1000, 13000, 0.05), 26);
	CLOSE(cost_faults_percent(0, 13000, 1), 0);
	/* 200 000 faults of 15 us in 2 s: 1.5 CPU-seconds a second. */
	CLOSE(cost_faults_percent(200000, 15000, 2), 150);
}

static void
cost_faults_percent__unknown_fault_cost__minus_one(void **state)
{
	(void)state;
	assert_true(cost_faults_percent(1000, -1, 1) == -1);
	assert_true(cost_faults_percent(1000, 0, 1) == -1);
	assert_true(cost_faults_percent(1000, NAN, 1) == -1);
	assert_true(cost_faults_percent(1000, 13000, 0) == -1);
}

static void
cost_cpu_percent__cpu_over_interval(void **state)
{
	(void)state;
	CLOSE(cost_cpu_percent(0.004, 0.5), 0.8);
	CLOSE(cost_cpu_percent(0, 1), 0);
	assert_true(cost_cpu_percent(-0.1, 1) == -1);
	assert_true(cost_cpu_percent(0.1, 0) == -1);
}

/* Ten times the user's interval, never past SNAPSHOT_MAX_INTERVAL. */
static void
cost_interval_cap__ten_times_then_the_maximum(void **state)
{
	(void)state;
	CLOSE(cost_interval_cap(0.05), 0.5);
	CLOSE(cost_interval_cap(1), 10);
	CLOSE(cost_interval_cap(360), SNAPSHOT_MAX_INTERVAL);
	CLOSE(cost_interval_cap(SNAPSHOT_MAX_INTERVAL), SNAPSHOT_MAX_INTERVAL);
}

/* Over the limit, the interval doubles, up to the cap. */
static void
cost_next_interval__over_limit__doubles_to_the_cap(void **state)
{
	double	 iv = 0.05;
	double	 want[] = { 0.1, 0.2, 0.4, 0.5, 0.5 };
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof want / sizeof want[0]; i++) {
		iv = cost_next_interval(iv, 0.05, 5, 1);
		CLOSE(iv, want[i]);
	}
	/* A user's interval near the maximum: capped by SNAPSHOT_MAX. */
	CLOSE(cost_next_interval(3000, 3000, 50, 1), SNAPSHOT_MAX_INTERVAL);
}

/* Under half the limit, it halves, never below the user's interval. */
static void
cost_next_interval__well_under__halves_to_the_floor(void **state)
{
	double	 iv = 0.5;
	double	 want[] = { 0.25, 0.125, 0.0625, 0.05, 0.05 };
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof want / sizeof want[0]; i++) {
		iv = cost_next_interval(iv, 0.05, 0.1, 1);
		CLOSE(iv, want[i]);
	}
	CLOSE(cost_next_interval(1, 1, 0, 1), 1);
}

/* Between half the limit and the limit, and at either edge, it stays. */
static void
cost_next_interval__between_half_and_limit__stays(void **state)
{
	(void)state;
	CLOSE(cost_next_interval(0.4, 0.1, 0.75, 1), 0.4);
	CLOSE(cost_next_interval(0.4, 0.1, 1, 1), 0.4);
	CLOSE(cost_next_interval(0.4, 0.1, 0.5, 1), 0.4);
	CLOSE(cost_next_interval(0.4, 0.1, 0.4999, 1), 0.2);
	CLOSE(cost_next_interval(0.4, 0.1, 1.0001, 1), 0.8);
}

/* An unknown cost changes nothing; no limit changes nothing. */
static void
cost_next_interval__unknown_cost__keeps_the_interval(void **state)
{
	(void)state;
	CLOSE(cost_next_interval(0.4, 0.1, -1, 1), 0.4);
	CLOSE(cost_next_interval(0.4, 0.1, 50, 0), 0.4);
	/* Still kept within the bounds (the user changed -i meanwhile). */
	CLOSE(cost_next_interval(0.4, 1, -1, 1), 1);
	CLOSE(cost_next_interval(20, 1, -1, 1), 10);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    cost_faults_percent__pages_times_fault_over_interval),
		cmocka_unit_test(
		    cost_faults_percent__unknown_fault_cost__minus_one),
		cmocka_unit_test(cost_cpu_percent__cpu_over_interval),
		cmocka_unit_test(cost_interval_cap__ten_times_then_the_maximum),
		cmocka_unit_test(
		    cost_next_interval__over_limit__doubles_to_the_cap),
		cmocka_unit_test(
		    cost_next_interval__well_under__halves_to_the_floor),
		cmocka_unit_test(
		    cost_next_interval__between_half_and_limit__stays),
		cmocka_unit_test(
		    cost_next_interval__unknown_cost__keeps_the_interval),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
