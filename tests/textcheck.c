/*
 * textcheck.c - is a file safe to print on a terminal? Exit 0 when it
 * is valid UTF-8 with no control character but newline and tab: no other
 * C0 byte, no DEL, no C1 control (U+0080-U+009F). Otherwise exit 1 with
 * one line naming the byte offset and what was found there.
 *
 *	textcheck [FILE...]	(standard input when none)
 *
 * Its UTF-8 decoding is written apart from sdtop's on purpose: a test
 * must not share the code it checks.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * The problem with the bytes at p (n left), or NULL; *len the bytes of
 * the character that starts there.
 */
static const char *
check_char(const unsigned char *p, size_t n, size_t *len)
{
	uint32_t	 c;
	size_t		 need, i;

	*len = 1;
	if (p[0] == '\n' || p[0] == '\t')
		return (NULL);
	if (p[0] < 0x20)
		return ("a C0 control byte");
	if (p[0] == 0x7f)
		return ("DEL");
	if (p[0] < 0x80)
		return (NULL);
	if ((p[0] & 0xe0) == 0xc0)
		need = 2;
	else if ((p[0] & 0xf0) == 0xe0)
		need = 3;
	else if ((p[0] & 0xf8) == 0xf0)
		need = 4;
	else
		return ("a byte that cannot start UTF-8");
	if (n < need)
		return ("UTF-8 cut short");
	c = p[0] & (0x7f >> need);
	for (i = 1; i < need; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return ("UTF-8 cut short");
		c = (c << 6) | (p[i] & 0x3f);
	}
	if ((need == 2 && c < 0x80) || (need == 3 && c < 0x800) ||
	    (need == 4 && c < 0x10000))
		return ("overlong UTF-8");
	if (c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return ("not a Unicode scalar value");
	if (c >= 0x80 && c <= 0x9f)
		return ("a C1 control character");
	*len = need;
	return (NULL);
}

/* Check one stream; 0 or 1. */
static int
check(FILE *f, const char *name)
{
	unsigned char	*buf = NULL;
	size_t		 len = 0, cap = 0, off, n;
	const char	*why;

	for (;;) {
		if (len == cap) {
			cap = cap == 0 ? 65536 : cap * 2;
			if ((buf = realloc(buf, cap)) == NULL) {
				fprintf(stderr, "textcheck: out of memory\n");
				return (1);
			}
		}
		if ((n = fread(buf + len, 1, cap - len, f)) == 0)
			break;
		len += n;
	}
	if (ferror(f)) {
		fprintf(stderr, "textcheck: %s: read error\n", name);
		free(buf);
		return (1);
	}
	for (off = 0; off < len; off += n) {
		if ((why = check_char(buf + off, len - off, &n)) != NULL) {
			fprintf(stderr, "textcheck: %s: byte %zu (0x%02x): %s\n",
			    name, off, buf[off], why);
			free(buf);
			return (1);
		}
	}
	free(buf);
	return (0);
}

int
main(int argc, char **argv)
{
	FILE	*f;
	int	 i, rc = 0;

	if (argc < 2)
		return (check(stdin, "(stdin)"));
	for (i = 1; i < argc; i++) {
		if ((f = fopen(argv[i], "rb")) == NULL) {
			perror(argv[i]);
			return (1);
		}
		rc |= check(f, argv[i]);
		fclose(f);
	}
	return (rc);
}
