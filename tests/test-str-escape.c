/*
 * test-str-escape.c - the one escaping of outside text: what passes,
 * what becomes \xNN, what JSON makes of it, and terminal widths.
 */
#include "config.h"

#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "str-escape.h"

/* Escape src with flags into a buffer of plenty and compare. */
static void
want_escape(const char *src, int flags, const char *want)
{
	char	 buf[512];
	size_t	 n;

	n = str_escape(buf, sizeof buf, src, flags);
	if (strcmp(buf, want) != 0)
		fail_msg("escape of \"%s\": \"%s\", want \"%s\"", src, buf,
		    want);
	assert_int_equal(n, strlen(want));
}

/* src written by str_json_put(). */
static char *
json_of(const char *src)
{
	char	*buf = NULL;
	size_t	 len = 0;
	FILE	*f;

	f = open_memstream(&buf, &len);
	assert_non_null(f);
	assert_int_equal(str_json_put(f, src), 0);
	assert_int_equal(fclose(f), 0);
	return (buf);
}

static void
str_escape__printable_text__passes_unchanged(void **state)
{
	(void)state;
	want_escape("", 0, "");
	want_escape("/usr/lib/libc.so.6 (x) [heap] ~!@#$%^&*", 0,
	    "/usr/lib/libc.so.6 (x) [heap] ~!@#$%^&*");
	/* Accents, CJK, an emoji: valid printable UTF-8. */
	want_escape("caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80", 0,
	    "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80");
	/* A backslash stays: the kernel's \012 reads as it wrote it. */
	want_escape("a\\012b", 0, "a\\012b");
	want_escape(NULL, 0, "");
}

static void
str_escape__c0_del_and_escape_sequences__become_hex(void **state)
{
	(void)state;
	want_escape("\x1b]0;owned\x07", 0, "\\x1b]0;owned\\x07");
	want_escape("\x1b[2J\x1b[31mred", 0, "\\x1b[2J\\x1b[31mred");
	want_escape("a\nb\tc\rd\x7f", 0, "a\\x0ab\\x09c\\x0dd\\x7f");
	want_escape("\x01\x1f", 0, "\\x01\\x1f");
}

static void
str_escape__c1_controls__every_byte_hex(void **state)
{
	(void)state;
	/* U+009B (CSI), U+0085 (NEL), U+0080 and U+009F: the C1 range. */
	want_escape("\xc2\x9b" "31m", 0, "\\xc2\\x9b" "31m");
	want_escape("\xc2\x85\xc2\x80\xc2\x9f", 0,
	    "\\xc2\\x85\\xc2\\x80\\xc2\\x9f");
	/* U+00A0, just past the range, is printable. */
	want_escape("\xc2\xa0", 0, "\xc2\xa0");
}

static void
str_escape__invalid_utf8__each_byte_hex(void **state)
{
	(void)state;
	want_escape("\xff", 0, "\\xff");
	want_escape("a\x80z", 0, "a\\x80z");
	/* Overlong '/', a surrogate, past U+10FFFF, cut short at the end. */
	want_escape("\xc0\xaf", 0, "\\xc0\\xaf");
	want_escape("\xed\xa0\x80", 0, "\\xed\\xa0\\x80");
	want_escape("\xf4\x90\x80\x80", 0, "\\xf4\\x90\\x80\\x80");
	want_escape("ok\xe2\x82", 0, "ok\\xe2\\x82");
	/* A bad lead byte does not swallow the valid text after it. */
	want_escape("\xe2" "\xc3\xa9", 0, "\\xe2" "\xc3\xa9");
}

static void
str_escape__bidi_and_separators__become_hex(void **state)
{
	(void)state;
	/* U+202E RIGHT-TO-LEFT OVERRIDE, U+2028 LINE SEPARATOR. */
	want_escape("a\xe2\x80\xae" "b", 0, "a\\xe2\\x80\\xae" "b");
	want_escape("\xe2\x80\xa8", 0, "\\xe2\\x80\\xa8");
	/* U+2069 closes the isolates; U+2070 (superscript 0) is text. */
	want_escape("\xe2\x81\xa9\xe2\x81\xb0", 0, "\\xe2\\x81\\xa9\xe2\x81\xb0");
}

static void
str_escape__ascii_flag__escapes_everything_else(void **state)
{
	(void)state;
	want_escape("caf\xc3\xa9", STR_ESCAPE_ASCII, "caf\\xc3\\xa9");
	want_escape("plain", STR_ESCAPE_ASCII, "plain");
}

static void
str_escape__small_buffer__cut_between_units(void **state)
{
	char	 buf[8], *d;
	size_t	 n;

	(void)state;
	/* "ab\x1b" needs 6 bytes; with 5 of room the escape is left out. */
	n = str_escape(buf, 5, "ab\x1b", 0);
	assert_int_equal(n, 6);
	assert_string_equal(buf, "ab");
	n = str_escape(buf, 7, "ab\x1b", 0);
	assert_int_equal(n, 6);
	assert_string_equal(buf, "ab\\x1b");
	/* A character is never cut: "\xc3\xa9" does not fit in 2 bytes. */
	n = str_escape(buf, 2, "\xc3\xa9", 0);
	assert_int_equal(n, 2);
	assert_string_equal(buf, "");
	assert_int_equal(str_escape(NULL, 0, "\x1b\x1b", 0), 8);
	d = str_escape_dup("x\x9by", 0);
	assert_non_null(d);
	assert_string_equal(d, "x\\x9by");
	free(d);
}

static void
str_escape_put__writes_what_str_escape_makes(void **state)
{
	const char	*src = "n\x1b[1m\xc2\x9b\xff\xe6\x97\xa5";
	char		*buf = NULL, want[128];
	size_t		 len = 0;
	FILE		*f;

	(void)state;
	f = open_memstream(&buf, &len);
	assert_non_null(f);
	assert_int_equal(str_escape_put(f, src), 0);
	assert_int_equal(fclose(f), 0);
	str_escape(want, sizeof want, src, 0);
	assert_string_equal(buf, want);
	assert_string_equal(buf, "n\\x1b[1m\\xc2\\x9b\\xff\xe6\x97\xa5");
	free(buf);
}

static void
str_json_put__escapes_and_round_trips(void **state)
{
	static const struct {
		const char	*src;
		const char	*json;
		const char	*back;	/* what a JSON parser reads */
	} cases[] = {
		{ "", "\"\"", "" },
		{ "a\"b\\c", "\"a\\\"b\\\\c\"", "a\"b\\c" },
		{ "\n\r\t\b\x01\x1f", "\"\\n\\r\\t\\u0008\\u0001\\u001f\"",
		    "\n\r\t\b\x01\x1f" },
		{ "\x1b]0;t\x07", "\"\\u001b]0;t\\u0007\"", "\x1b]0;t\x07" },
		{ "\x7f\xc2\x9b", "\"\\u007f\\u009b\"", "\x7f\xc2\x9b" },
		{ "\xe2\x80\xae", "\"\\u202e\"", "\xe2\x80\xae" },
		{ "caf\xc3\xa9\xf0\x9f\x98\x80", "\"caf\xc3\xa9\xf0\x9f\x98\x80\"",
		    "caf\xc3\xa9\xf0\x9f\x98\x80" },
		/* Not UTF-8: one U+FFFD a byte. */
		{ "a\xff\xc0z", "\"a\\ufffd\\ufffdz\"",
		    "a\xef\xbf\xbd\xef\xbf\xbdz" },
	};
	json_error_t	 err;
	json_t		*j;
	char		*buf;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		buf = json_of(cases[i].src);
		assert_string_equal(buf, cases[i].json);
		j = json_loads(buf, JSON_DECODE_ANY, &err);
		if (j == NULL)
			fail_msg("case %zu: %s: %s", i, buf, err.text);
		assert_string_equal(json_string_value(j), cases[i].back);
		json_decref(j);
		free(buf);
	}
}

static void
str_utf8_next__bounds_of_each_length(void **state)
{
	uint32_t	 cp = 0;

	(void)state;
	assert_int_equal(str_utf8_next("A", 1, &cp), 1);
	assert_int_equal(cp, 'A');
	assert_int_equal(str_utf8_next("\xc2\x80", 2, &cp), 2);
	assert_int_equal(cp, 0x80);
	assert_int_equal(str_utf8_next("\xef\xbf\xbf", 3, &cp), 3);
	assert_int_equal(cp, 0xffff);
	assert_int_equal(str_utf8_next("\xf4\x8f\xbf\xbf", 4, &cp), 4);
	assert_int_equal(cp, 0x10ffff);
	/* Fewer bytes than the sequence needs. */
	assert_int_equal(str_utf8_next("\xf4\x8f\xbf\xbf", 3, &cp), 0);
	assert_int_equal(str_utf8_next("\xe0\x9f\xbf", 3, &cp), 0);
	assert_int_equal(str_utf8_next("\xf0\x8f\xbf\xbf", 4, &cp), 0);
	assert_int_equal(str_utf8_next("\xf5\x80\x80\x80", 4, &cp), 0);
	assert_int_equal(str_utf8_next("", 0, &cp), 0);
}

static void
str_fit__counts_columns_not_bytes(void **state)
{
	const char	*cjk = "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e";
	size_t		 w;

	(void)state;
	if (setlocale(LC_CTYPE, "C.UTF-8") == NULL)
		skip();
	assert_int_equal(str_width("abc"), 3);
	assert_int_equal(str_width("caf\xc3\xa9"), 4);
	/* Three CJK characters: nine bytes, six columns. */
	assert_int_equal(str_width(cjk), 6);
	/* Five columns hold two of them, never half of the third. */
	assert_int_equal(str_fit(cjk, 5, &w), 6);
	assert_int_equal(w, 4);
	assert_int_equal(str_fit(cjk, 6, &w), 9);
	assert_int_equal(w, 6);
	assert_int_equal(str_fit("caf\xc3\xa9!", 4, &w), 5);
	assert_int_equal(w, 4);
	assert_int_equal(str_fit("abc", 0, &w), 0);
	assert_int_equal(w, 0);
	setlocale(LC_CTYPE, "C");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(str_escape__printable_text__passes_unchanged),
		cmocka_unit_test(
		    str_escape__c0_del_and_escape_sequences__become_hex),
		cmocka_unit_test(str_escape__c1_controls__every_byte_hex),
		cmocka_unit_test(str_escape__invalid_utf8__each_byte_hex),
		cmocka_unit_test(str_escape__bidi_and_separators__become_hex),
		cmocka_unit_test(
		    str_escape__ascii_flag__escapes_everything_else),
		cmocka_unit_test(str_escape__small_buffer__cut_between_units),
		cmocka_unit_test(str_escape_put__writes_what_str_escape_makes),
		cmocka_unit_test(str_json_put__escapes_and_round_trips),
		cmocka_unit_test(str_utf8_next__bounds_of_each_length),
		cmocka_unit_test(str_fit__counts_columns_not_bytes),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
