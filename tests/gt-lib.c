/*
 * gt-lib.c - page lists, JSON ranges and differences for the
 * ground-truth checkers.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gt-lib.h"

/* S: digits of BASE and nothing else, below 2^64. */
static int
parse_u64(const char *s, int base, uint64_t *v)
{
	char	*end;

	if (s == NULL || (base == 16 ? !isxdigit((unsigned char)*s) :
	    !isdigit((unsigned char)*s)))
		return (-1);
	errno = 0;
	*v = strtoull(s, &end, base);
	return (errno != 0 || *end != '\0' ? -1 : 0);
}

int
gt_parse_hex(const char *s, uint64_t *v)
{
	if (s == NULL || strncmp(s, "0x", 2) != 0)
		return (-1);
	return (parse_u64(s + 2, 16, v));
}

int
gt_parse_inode(const char *s, uint64_t *v)
{
	return (parse_u64(s, 10, v));
}

int
gt_pages_add(const char *s, bool *set, size_t n)
{
	unsigned long long	a, b;
	char			*end;

	if (strcmp(s, "-") == 0)
		return (0);
	while (*s != '\0') {
		errno = 0;
		a = strtoull(s, &end, 10);
		if (errno != 0 || end == s)
			return (-1);
		b = a;
		s = end;
		if (*s == '-') {
			b = strtoull(s + 1, &end, 10);
			if (end == s + 1)
				return (-1);
			s = end;
		}
		if (b < a || b >= n)
			return (-1);
		for (; a <= b; a++)
			set[a] = true;
		if (*s == ',')
			s++;
		else if (*s != '\0')
			return (-1);
	}
	return (0);
}

int
gt_ranges(json_t *ranges, uint64_t start, uint64_t end, uint64_t pagesz,
    bool *have, size_t n)
{
	json_t		*x;
	size_t		 i;
	uint64_t	 a, b, p;

	memset(have, 0, n * sizeof *have);
	if (!json_is_array(ranges))
		return (-1);
	json_array_foreach(ranges, i, x) {
		if (gt_parse_hex(json_string_value(json_array_get(x, 0)), &a) ||
		    gt_parse_hex(json_string_value(json_array_get(x, 1)), &b) ||
		    b <= a || a < start || b > end || (a - start) % pagesz ||
		    (b - start) % pagesz || (b - start) / pagesz > n)
			return (-1);
		for (p = (a - start) / pagesz; p < (b - start) / pagesz; p++)
			have[p] = true;
	}
	return (0);
}

json_t *
gt_find_vma(json_t *cycle, uint64_t start, uint64_t end)
{
	json_t		*v;
	size_t		 i;
	uint64_t	 s, e;

	json_array_foreach(json_object_get(cycle, "vmas"), i, v) {
		if (gt_parse_hex(json_string_value(json_object_get(v, "start")),
		    &s) == 0 && gt_parse_hex(json_string_value(
		    json_object_get(v, "end")), &e) == 0 && s == start &&
		    e == end)
			return (v);
	}
	return (NULL);
}

void
gt_print_diff(const bool *want, const bool *have, size_t n, bool wanted)
{
	size_t	i, j;
	bool	first = true;

	for (i = 0; i < n; i = j) {
		j = i + 1;
		if (want[i] != wanted || have[i] == wanted)
			continue;
		while (j < n && want[j] == wanted && have[j] != wanted)
			j++;
		printf("%s%zu", first ? "" : ",", i);
		if (j - 1 > i)
			printf("-%zu", j - 1);
		first = false;
	}
	if (first)
		printf("none");
}
