/*
 * test-faultcost.c - the median the fault cost is taken from, and the
 * contract of the measurements on this machine: a cost above zero, or -1
 * with a cause, and nothing left behind (no descriptor, no mapping).
 *
 * No figure is checked: how long a fault takes is the machine's.
 */
#include "config.h"

#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "faultcost.h"

static void
faultcost_median__odd_even_and_empty(void **state)
{
	double	 odd[] = { 9, 1, 5, 1000, 2 };
	double	 even[] = { 4, 1, 3, 2 };
	double	 one[] = { 7 };

	(void)state;
	assert_true(faultcost_median(odd, 5) == 5);
	assert_true(faultcost_median(even, 4) == 2.5);
	assert_true(faultcost_median(one, 1) == 7);
	assert_true(faultcost_median(NULL, 0) == 0);
}

/* Entries of a /proc/self directory (fd or map_files); -1 on failure. */
static int
count_entries(const char *path)
{
	struct dirent	*d;
	DIR		*dir;
	int		 n = 0;

	if ((dir = opendir(path)) == NULL)
		return (-1);
	while ((d = readdir(dir)) != NULL)
		n += d->d_name[0] != '.';
	closedir(dir);
	return (n);
}

/* Lines of /proc/self/maps: its mappings. */
static int
count_maps(void)
{
	FILE	*f;
	int	 c, n = 0;

	if ((f = fopen("/proc/self/maps", "r")) == NULL)
		return (-1);
	while ((c = getc(f)) != EOF)
		n += c == '\n';
	fclose(f);
	return (n);
}

/* Run one measurement and check what it returns and what it leaves. */
static void
check_measure(int (*fn)(double *, char **))
{
	double	 ns = 0;
	char	*cause = NULL;
	int	 fds, maps, rc;

	/* Once first, so that stdio's own buffers are already made. */
	rc = fn(&ns, &cause);
	free(cause);
	cause = NULL;
	fds = count_entries("/proc/self/fd");
	maps = count_maps();
	rc = fn(&ns, &cause);
	if (rc == 0) {
		assert_null(cause);
		assert_true(ns > 0);
	} else {
		assert_int_equal(rc, -1);
		assert_non_null(cause);
		assert_true(ns == -1);
		print_message("unknown here: %s\n", cause);
		free(cause);
	}
	assert_int_equal(count_entries("/proc/self/fd"), fds);
	assert_int_equal(count_maps(), maps);
}

static void
faultcost_uffd_wp__a_cost_or_a_cause__nothing_left(void **state)
{
	(void)state;
	check_measure(faultcost_uffd_wp);
}

static void
faultcost_softdirty__a_cost_or_a_cause__nothing_left(void **state)
{
	(void)state;
	check_measure(faultcost_softdirty);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(faultcost_median__odd_even_and_empty),
		cmocka_unit_test(
		    faultcost_uffd_wp__a_cost_or_a_cause__nothing_left),
		cmocka_unit_test(
		    faultcost_softdirty__a_cost_or_a_cause__nothing_left),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
