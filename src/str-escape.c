/*
 * str-escape.c - make outside text harmless to print (see str-escape.h):
 * one classification of characters, written as \xNN escapes for people
 * and as \uXXXX escapes for JSON.
 *
 * Text is walked one unit at a time: a unit is one valid UTF-8
 * character, or one byte that does not start one. Lengths are bytes
 * unless they are called widths (terminal columns).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "str-escape.h"

/* The longest text one unit becomes: four bytes as \xNN each. */
#define UNIT_MAX	16

static const char hexdigits[] = "0123456789abcdef";

size_t
str_utf8_next(const char *s, size_t n, uint32_t *cp)
{
	const unsigned char	*p = (const unsigned char *)s;
	uint32_t		 c, min;
	size_t			 len, i;

	if (n == 0)
		return (0);
	if (p[0] < 0x80) {
		*cp = p[0];
		return (1);
	}
	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		len = 2;
		c = p[0] & 0x1f;
		min = 0x80;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		len = 3;
		c = p[0] & 0x0f;
		min = 0x800;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		len = 4;
		c = p[0] & 0x07;
		min = 0x10000;
	} else
		return (0);
	if (n < len)
		return (0);
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return (0);
		c = c << 6 | (p[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return (0);
	*cp = c;
	return (len);
}

bool
str_printable(uint32_t cp)
{
	if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f))
		return (false);
	/* Separators end a line; the bidirectional controls reorder it. */
	if (cp == 0x2028 || cp == 0x2029 || cp == 0x061c || cp == 0x200e ||
	    cp == 0x200f || (cp >= 0x202a && cp <= 0x202e) ||
	    (cp >= 0x2066 && cp <= 0x2069))
		return (false);
	return (true);
}

/* Append byte c as \xNN to out at *len. */
static void
put_hex_byte(char *out, size_t *len, unsigned char c)
{
	out[(*len)++] = '\\';
	out[(*len)++] = 'x';
	out[(*len)++] = hexdigits[c >> 4];
	out[(*len)++] = hexdigits[c & 0xf];
}

/*
 * The unit at p as str_escape() writes it, into out (UNIT_MAX bytes, not
 * NUL-terminated): returns the bytes of p it covers, *outlen its text.
 */
static size_t
escape_unit(const char *p, int flags, char *out, size_t *outlen)
{
	uint32_t	 cp;
	size_t		 n, i;

	*outlen = 0;
	n = str_utf8_next(p, strnlen(p, 4), &cp);
	if (n == 0) {
		put_hex_byte(out, outlen, (unsigned char)*p);
		return (1);
	}
	if (str_printable(cp) && (n == 1 || !(flags & STR_ESCAPE_ASCII))) {
		memcpy(out, p, n);
		*outlen = n;
		return (n);
	}
	for (i = 0; i < n; i++)
		put_hex_byte(out, outlen, (unsigned char)p[i]);
	return (n);
}

size_t
str_escape(char *dst, size_t size, const char *src, int flags)
{
	char	 unit[UNIT_MAX];
	size_t	 need = 0, used = 0, len;
	bool	 full = false;

	if (src == NULL)
		src = "";
	if (size > 0)
		dst[0] = '\0';
	while (*src != '\0') {
		src += escape_unit(src, flags, unit, &len);
		if (!full && used + len < size) {
			memcpy(dst + used, unit, len);
			used += len;
			dst[used] = '\0';
		} else
			full = true;
		need += len;
	}
	return (need);
}

char *
str_escape_dup(const char *src, int flags)
{
	size_t	 need;
	char	*s;

	need = str_escape(NULL, 0, src, flags);
	if ((s = malloc(need + 1)) == NULL)
		return (NULL);
	str_escape(s, need + 1, src, flags);
	return (s);
}

int
str_escape_put(FILE *f, const char *src)
{
	char	 unit[UNIT_MAX];
	size_t	 len;

	if (src == NULL)
		return (0);
	while (*src != '\0') {
		src += escape_unit(src, 0, unit, &len);
		if (fwrite(unit, 1, len, f) != len)
			return (-1);
	}
	return (0);
}

/*
 * The unit at p as a JSON string holds it, into out (UNIT_MAX bytes):
 * returns the bytes of p it covers, *outlen its text.
 */
static size_t
json_unit(const char *p, char *out, size_t *outlen)
{
	uint32_t	 cp;
	size_t		 n;

	n = str_utf8_next(p, strnlen(p, 4), &cp);
	if (n == 0) {
		/* Not UTF-8: U+FFFD REPLACEMENT CHARACTER, one per byte. */
		memcpy(out, "\\ufffd", 6);
		*outlen = 6;
		return (1);
	}
	if (cp == '"' || cp == '\\') {
		out[0] = '\\';
		out[1] = (char)cp;
		*outlen = 2;
	} else if (cp == '\n' || cp == '\t' || cp == '\r') {
		out[0] = '\\';
		out[1] = cp == '\n' ? 'n' : cp == '\t' ? 't' : 'r';
		*outlen = 2;
	} else if (!str_printable(cp)) {
		/* Every character str_printable() refuses is in the BMP. */
		out[0] = '\\';
		out[1] = 'u';
		out[2] = hexdigits[(cp >> 12) & 0xf];
		out[3] = hexdigits[(cp >> 8) & 0xf];
		out[4] = hexdigits[(cp >> 4) & 0xf];
		out[5] = hexdigits[cp & 0xf];
		*outlen = 6;
	} else {
		memcpy(out, p, n);
		*outlen = n;
	}
	return (n);
}

int
str_json_put(FILE *f, const char *src)
{
	char	 unit[UNIT_MAX];
	size_t	 len;

	if (fputc('"', f) == EOF)
		return (-1);
	if (src != NULL) {
		while (*src != '\0') {
			src += json_unit(src, unit, &len);
			if (fwrite(unit, 1, len, f) != len)
				return (-1);
		}
	}
	if (fputc('"', f) == EOF)
		return (-1);
	return (0);
}

/* The columns code point cp takes. */
static size_t
char_width(uint32_t cp)
{
	int	 w;

	if (cp < 0x80)
		return (1);
	/* Unknown to the locale (not UTF-8, or unassigned): say one. */
	if ((w = wcwidth((wchar_t)cp)) < 0)
		return (1);
	return ((size_t)w);
}

size_t
str_fit(const char *s, size_t cols, size_t *width)
{
	uint32_t	 cp;
	size_t		 off = 0, used = 0, n, w;

	if (s == NULL)
		s = "";
	while (s[off] != '\0') {
		if ((n = str_utf8_next(s + off, strnlen(s + off, 4), &cp)) ==
		    0) {
			/* Not escaped text: a byte the terminal shows as one. */
			n = 1;
			cp = '?';
		}
		w = char_width(cp);
		if (used + w > cols)
			break;
		used += w;
		off += n;
	}
	if (width != NULL)
		*width = used;
	return (off);
}

size_t
str_width(const char *s)
{
	size_t	 width;

	str_fit(s, SIZE_MAX, &width);
	return (width);
}
