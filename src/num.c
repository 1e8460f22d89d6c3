/*
 * num.c - whole-token number parsers with bounds. strtoull(3) alone
 * accepts a leading blank, a sign (and wraps "-1" to the largest value)
 * and, in base 16, a second "0x"; these parsers take digits only.
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "num.h"

/* The value of digit c in base, or -1. */
static int
num_digit(char c, int base)
{
	int	d;

	if (c >= '0' && c <= '9')
		d = c - '0';
	else if (c >= 'a' && c <= 'f')
		d = c - 'a' + 10;
	else if (c >= 'A' && c <= 'F')
		d = c - 'A' + 10;
	else
		return (-1);
	return (d < base ? d : -1);
}

int
num_u64(const char *s, int base, uint64_t lo, uint64_t hi, uint64_t *out)
{
	uint64_t	 v = 0;
	int		 d, range = 0;

	if (*s == '\0') {
		errno = EINVAL;
		return (-1);
	}
	for (; *s != '\0'; s++) {
		if ((d = num_digit(*s, base)) == -1) {
			errno = EINVAL;
			return (-1);
		}
		if (v > (UINT64_MAX - (uint64_t)d) / (uint64_t)base)
			range = 1;
		else
			v = v * (uint64_t)base + (uint64_t)d;
	}
	if (range || v < lo || v > hi) {
		errno = ERANGE;
		return (-1);
	}
	*out = v;
	return (0);
}

int
num_addr(const char *s, uint64_t *out)
{
	const char	*p;

	if (s[0] != '0' || s[1] != 'x') {
		errno = EINVAL;
		return (-1);
	}
	for (p = s + 2; *p != '\0'; p++) {
		if (p - (s + 2) == 16) {
			errno = EINVAL;
			return (-1);
		}
	}
	return (num_u64(s + 2, 16, 0, UINT64_MAX, out));
}

int
num_double(const char *s, double lo, double hi, double *out)
{
	const char	*p = *s == '-' ? s + 1 : s;
	char		*end;
	double		 v;

	/*
	 * Decimal digits, a point or "inf" after an optional minus: no
	 * blank, no +, no hexadecimal (strtod() would take "0x10" for 16).
	 */
	if (!((*p >= '0' && *p <= '9') || *p == '.' || *p == 'i' ||
	    *p == 'I') || (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))) {
		errno = EINVAL;
		return (-1);
	}
	errno = 0;
	v = strtod(s, &end);
	if (end == s || *end != '\0' || v != v) {
		errno = EINVAL;
		return (-1);
	}
	/* Too large or too small for a double: out of any range. */
	if (errno == ERANGE) {
		errno = ERANGE;
		return (-1);
	}
	if (!isfinite(v) || v < lo || v > hi) {
		errno = ERANGE;
		return (-1);
	}
	*out = v;
	return (0);
}
