/*
 * fuzz-common.c - the bounded output stream and the output oracles of
 * the fuzzing harnesses (see fuzz.h). The UTF-8 check is written here
 * apart from src/str-escape.c, so that the escaping is judged by other
 * code than its own.
 */
#include "config.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "fuzz.h"

void
fuzz_fail(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

char *
fuzz_strndup(const uint8_t *data, size_t size)
{
	char	*s;

	if ((s = malloc(size + 1)) == NULL)
		fuzz_fail("out of memory");
	memcpy(s, data, size);
	s[size] = '\0';
	return (s);
}

/* The fopencookie write function: keep the bytes, abort past the bound. */
static ssize_t
sink_write(void *cookie, const char *buf, size_t n)
{
	struct fuzz_sink	*s = cookie;
	size_t			 cap;

	if (s->len + n > s->max)
		fuzz_fail("%s: output past %zu bytes: out of proportion to "
		    "the input", s->what, s->max);
	if (s->len + n > s->cap) {
		cap = s->cap == 0 ? 4096 : s->cap;
		while (cap < s->len + n)
			cap *= 2;
		if ((s->buf = realloc(s->buf, cap)) == NULL)
			fuzz_fail("out of memory");
		s->cap = cap;
	}
	memcpy(s->buf + s->len, buf, n);
	s->len += n;
	return ((ssize_t)n);
}

FILE *
fuzz_sink_open(struct fuzz_sink *s, size_t max, const char *what)
{
	cookie_io_functions_t	 io = { NULL, sink_write, NULL, NULL };
	FILE			*f;

	memset(s, 0, sizeof *s);
	s->max = max;
	s->what = what;
	if ((f = fopencookie(s, "w", io)) == NULL)
		fuzz_fail("fopencookie failed");
	return (f);
}

void
fuzz_sink_reset(struct fuzz_sink *s)
{
	s->len = 0;
}

void
fuzz_sink_close(FILE *f, struct fuzz_sink *s)
{
	fclose(f);
	free(s->buf);
	memset(s, 0, sizeof *s);
}

void
fuzz_check_text(const char *what, const char *text, size_t len)
{
	const unsigned char	*p = (const unsigned char *)text;
	uint32_t		 c;
	size_t			 i, k, need;

	for (i = 0; i < len; i += need) {
		need = 1;
		if (p[i] == '\n' || p[i] == '\t')
			continue;
		if (p[i] < 0x20 || p[i] == 0x7f)
			fuzz_fail("%s: control byte 0x%02x at %zu", what, p[i],
			    i);
		if (p[i] < 0x80)
			continue;
		if (p[i] >= 0xc2 && p[i] <= 0xdf)
			need = 2;
		else if (p[i] >= 0xe0 && p[i] <= 0xef)
			need = 3;
		else if (p[i] >= 0xf0 && p[i] <= 0xf4)
			need = 4;
		else
			fuzz_fail("%s: byte 0x%02x at %zu is not UTF-8", what,
			    p[i], i);
		if (i + need > len)
			fuzz_fail("%s: UTF-8 cut short at %zu", what, i);
		c = p[i] & (0xff >> (need + 1));
		for (k = 1; k < need; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				fuzz_fail("%s: bad UTF-8 at %zu", what, i);
			c = c << 6 | (p[i + k] & 0x3f);
		}
		if ((need == 3 && c < 0x800) || (need == 4 && c < 0x10000) ||
		    c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
			fuzz_fail("%s: bad UTF-8 at %zu", what, i);
		if (c <= 0x9f)
			fuzz_fail("%s: C1 control U+%04X at %zu", what, c, i);
	}
}

void
fuzz_check_json_lines(const char *what, const char *buf, size_t len)
{
	json_error_t	 err;
	json_t		*j;
	const char	*line = buf, *nl, *end;

	if (len == 0)
		return;
	end = buf + len;
	while (line < end) {
		nl = memchr(line, '\n', (size_t)(end - line));
		if (nl == NULL)
			nl = end;
		if (nl > line) {
			j = json_loadb(line, (size_t)(nl - line),
			    JSON_DECODE_ANY, &err);
			if (j == NULL)
				fuzz_fail("%s: not JSON: %s: %.*s", what,
				    err.text, (int)(nl - line > 200 ? 200 :
				    nl - line), line);
			json_decref(j);
		}
		line = nl + 1;
	}
}

static uint64_t	 rnd_state;

void
fuzz_seed(unsigned int seed)
{
	rnd_state = seed * UINT64_C(0x9e3779b97f4a7c15) + 1;
}

uint64_t
fuzz_rnd(void)
{
	rnd_state ^= rnd_state >> 12;
	rnd_state ^= rnd_state << 25;
	rnd_state ^= rnd_state >> 27;
	return (rnd_state * UINT64_C(2685821657736338717));
}

uint64_t
fuzz_pick(uint64_t n)
{
	return (n == 0 ? 0 : fuzz_rnd() % n);
}
