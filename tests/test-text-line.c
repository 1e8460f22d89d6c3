/*
 * test-text-line.c - bounded line reading: lines with and without their
 * newline, empty lines, NUL bytes, and a line longer than the bound.
 */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "text-line.h"

/* A stream holding the len bytes of s. */
static FILE *
stream(const char *s, size_t len)
{
	FILE	*f = tmpfile();

	assert_non_null(f);
	assert_int_equal(fwrite(s, 1, len, f), len);
	rewind(f);
	return (f);
}

static void
text_line_read__lines__each_without_newline(void **state)
{
	FILE	*f = stream("ab\n\nlast", 8);
	char	*buf = NULL;
	size_t	 cap = 0;
	bool	 nl;

	assert_int_equal(text_line_read(f, &buf, &cap, 100, &nl), 2);
	assert_string_equal(buf, "ab");
	assert_true(nl);
	assert_int_equal(text_line_read(f, &buf, &cap, 100, &nl), 0);
	assert_string_equal(buf, "");
	assert_true(nl);
	assert_int_equal(text_line_read(f, &buf, &cap, 100, &nl), 4);
	assert_string_equal(buf, "last");
	assert_false(nl);
	assert_int_equal(text_line_read(f, &buf, &cap, 100, &nl), -1);
	assert_int_equal(errno, 0);
	free(buf);
	fclose(f);
}

static void
text_line_read__nul_bytes__kept_in_the_length(void **state)
{
	FILE	*f = stream("a\0b\n", 4);
	char	*buf = NULL;
	size_t	 cap = 0;
	bool	 nl;

	assert_int_equal(text_line_read(f, &buf, &cap, 100, &nl), 3);
	assert_int_equal(buf[1], '\0');
	assert_int_equal(buf[2], 'b');
	free(buf);
	fclose(f);
}

static void
text_line_read__longer_than_the_bound__efbig_and_bounded(void **state)
{
	char	 big[5000];
	FILE	*f;
	char	*buf = NULL;
	size_t	 cap = 0;
	bool	 nl;

	memset(big, 'x', sizeof big);
	f = stream(big, sizeof big);
	assert_int_equal(text_line_read(f, &buf, &cap, 1000, &nl), -1);
	assert_int_equal(errno, EFBIG);
	assert_true(cap <= 1001);
	free(buf);
	fclose(f);
	/* Exactly the bound is fine. */
	f = stream(big, 1000);
	buf = NULL;
	cap = 0;
	assert_int_equal(text_line_read(f, &buf, &cap, 1000, &nl), 1000);
	assert_false(nl);
	free(buf);
	fclose(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    text_line_read__lines__each_without_newline),
		cmocka_unit_test(
		    text_line_read__nul_bytes__kept_in_the_length),
		cmocka_unit_test(
		    text_line_read__longer_than_the_bound__efbig_and_bounded),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
