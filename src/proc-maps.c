/*
 * proc-maps.c - parse /proc/PID/maps into a list of VMAs.
 *
 * A line is "start-end perms offset major:minor inode   name" (proc(5));
 * addresses and offset are hex, the name runs to the end of the line and may
 * hold spaces, and a file unlinked while mapped ends in " (deleted)".
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "cause.h"
#include "page.h"
#include "proc-maps.h"
#include "proc.h"

#define DELETED_SUFFIX	" (deleted)"

/* Parse hex digits at *p into *v, advancing *p; -1 if there are none. */
static int
parse_hex(const char **p, const char *end, uint64_t *v)
{
	const char	*s = *p;
	uint64_t	 x = 0;
	int		 d;

	for (; s < end; s++) {
		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (*s >= 'a' && *s <= 'f')
			d = *s - 'a' + 10;
		else if (*s >= 'A' && *s <= 'F')
			d = *s - 'A' + 10;
		else
			break;
		if (s - *p >= 16)
			return (-1);
		x = (x << 4) | (uint64_t)d;
	}
	if (s == *p)
		return (-1);
	*p = s;
	*v = x;
	return (0);
}

/* Parse decimal digits at *p into *v, advancing *p; -1 if there are none. */
static int
parse_dec(const char **p, const char *end, uint64_t *v)
{
	const char	*s = *p;
	uint64_t	 x = 0;

	for (; s < end && *s >= '0' && *s <= '9'; s++) {
		if (x > (UINT64_MAX - (uint64_t)(*s - '0')) / 10)
			return (-1);
		x = x * 10 + (uint64_t)(*s - '0');
	}
	if (s == *p)
		return (-1);
	*p = s;
	*v = x;
	return (0);
}

/* Expect character c at *p and step over it. */
static int
expect(const char **p, const char *end, char c)
{
	if (*p >= end || **p != c)
		return (-1);
	(*p)++;
	return (0);
}

/* Skip one or more blanks; -1 if there are none. */
static int
skip_blanks(const char **p, const char *end)
{
	const char	*s = *p;

	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	if (s == *p)
		return (-1);
	*p = s;
	return (0);
}

int
maps_parse_line(const char *line, size_t len, struct vma *out,
    const char **cause)
{
	const char	*p = line, *end = line + len, *name;
	uint64_t	 major, minor;
	size_t		 nlen, slen = strlen(DELETED_SUFFIX);

	memset(out, 0, sizeof *out);
	if (parse_hex(&p, end, &out->start) == -1 || expect(&p, end, '-') == -1 ||
	    parse_hex(&p, end, &out->end) == -1) {
		*cause = "bad address range";
		return (-1);
	}
	if (p < end && *p != ' ' && *p != '\t') {
		*cause = "bad address range";
		return (-1);
	}
	if (out->end <= out->start) {
		*cause = "empty or reversed address range";
		return (-1);
	}
	if (out->start % page_size() != 0 || out->end % page_size() != 0) {
		*cause = "address range not page-aligned";
		return (-1);
	}
	if (skip_blanks(&p, end) == -1 || end - p < 4) {
		*cause = "missing permissions";
		return (-1);
	}
	if (!vma_set_perms(out, p)) {
		*cause = "bad permissions";
		return (-1);
	}
	p += 4;
	if (skip_blanks(&p, end) == -1 || parse_hex(&p, end, &out->offset) == -1 ||
	    (p < end && *p != ' ' && *p != '\t')) {
		*cause = "bad offset";
		return (-1);
	}
	if (skip_blanks(&p, end) == -1 || parse_hex(&p, end, &major) == -1 ||
	    expect(&p, end, ':') == -1 || parse_hex(&p, end, &minor) == -1 ||
	    major > 0xfff || minor > 0xfffff) {
		*cause = "bad device";
		return (-1);
	}
	out->dev_major = (unsigned int)major;
	out->dev_minor = (unsigned int)minor;
	if (skip_blanks(&p, end) == -1 || parse_dec(&p, end, &out->inode) == -1) {
		*cause = "bad inode";
		return (-1);
	}
	if (p < end && skip_blanks(&p, end) == -1) {
		*cause = "junk after inode";
		return (-1);
	}
	name = p;
	nlen = (size_t)(end - p);
	if (nlen >= slen && memcmp(end - slen, DELETED_SUFFIX, slen) == 0) {
		out->deleted = true;
		nlen -= slen;
	}
	if ((out->name = strndup(name, nlen)) == NULL) {
		*cause = "out of memory";
		return (-1);
	}
	return (0);
}

int
vma_copy(struct vma *dst, const struct vma *src)
{
	*dst = *src;
	if ((dst->name = strdup(src->name != NULL ? src->name : "")) == NULL)
		return (-1);
	return (0);
}

void
vma_free(struct vma *v)
{
	free(v->name);
	v->name = NULL;
}

void
vma_list_clear(struct vma_list *l)
{
	size_t	 i;

	for (i = 0; i < l->n; i++)
		vma_free(&l->v[i]);
	l->n = 0;
}

void
vma_list_free(struct vma_list *l)
{
	vma_list_clear(l);
	free(l->v);
	l->v = NULL;
	l->cap = 0;
}

/* Make room for one more VMA at the end of l. */
static struct vma *
vma_list_grow(struct vma_list *l)
{
	struct vma	*nv;

	if ((nv = array_reserve(l->v, l->n + 1, &l->cap, sizeof *nv)) == NULL)
		return (NULL);
	l->v = nv;
	return (&l->v[l->n]);
}

int
vma_list_push(struct vma_list *l, const struct vma *v)
{
	struct vma	*slot;

	if ((slot = vma_list_grow(l)) == NULL || vma_copy(slot, v) == -1)
		return (-1);
	l->n++;
	return (0);
}

int
maps_parse(const char *text, struct vma_list *out, char **cause)
{
	const char	*line = text, *nl, *why;
	struct vma	*slot;
	size_t		 lineno = 0, len;

	vma_list_clear(out);
	while (*line != '\0') {
		lineno++;
		nl = strchr(line, '\n');
		len = nl != NULL ? (size_t)(nl - line) : strlen(line);
		if ((slot = vma_list_grow(out)) == NULL) {
			*cause = cause_fmt("out of memory");
			return (-1);
		}
		if (maps_parse_line(line, len, slot, &why) == -1) {
			*cause = cause_fmt("line %zu: %s", lineno, why);
			errno = EINVAL;
			return (-1);
		}
		out->n++;
		if (nl == NULL)
			break;
		line = nl + 1;
	}
	return (0);
}

int
maps_read(const struct proc_target *t, struct vma_list *out, char **cause)
{
	char	*text;
	int	 r, err;

	if (proc_read_file(t, "maps", &text, NULL) == -1) {
		err = errno;
		*cause = proc_gone(err) ?
		    cause_fmt("process %ld has exited", (long)t->pid) :
		    cause_errno(err, "cannot read /proc/%ld/maps", (long)t->pid);
		errno = err;
		return (-1);
	}
	r = maps_parse(text, out, cause);
	free(text);
	return (r);
}

const struct vma *
vma_list_find(const struct vma_list *l, uint64_t start, uint64_t end)
{
	size_t	 lo = 0, hi = l->n, mid;

	/* maps lists VMAs in address order, so search by start. */
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (l->v[mid].start < start)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < l->n && l->v[lo].start == start && l->v[lo].end == end)
		return (&l->v[lo]);
	return (NULL);
}

bool
vma_set_perms(struct vma *v, const char *p)
{
	if ((p[0] != 'r' && p[0] != '-') || (p[1] != 'w' && p[1] != '-') ||
	    (p[2] != 'x' && p[2] != '-') || (p[3] != 'p' && p[3] != 's'))
		return (false);
	memcpy(v->perms, p, 4);
	v->perms[4] = '\0';
	v->prot = (p[0] == 'r' ? VMA_READ : 0) | (p[1] == 'w' ? VMA_WRITE : 0) |
	    (p[2] == 'x' ? VMA_EXEC : 0) | (p[3] == 's' ? VMA_SHARED : 0);
	return (true);
}

uint64_t
vma_pages(const struct vma *v)
{
	return ((v->end - v->start) >> page_shift());
}

bool
vma_trackable(const struct vma *v)
{
	return ((v->prot & VMA_WRITE) != 0 && strcmp(v->name, "[vsyscall]") != 0);
}
