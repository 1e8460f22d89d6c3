/*
 * discard.c - the pages given back between two collects: present at the
 * first, absent at the second. Pages count from each VMA's start.
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "discard.h"
#include "pageset.h"
#include "snapshot.h"

/* Whether a and b are the same mapping: same range, same backing. */
static bool
discard_same(const struct vma *a, const struct vma *b)
{
	return (a->start == b->start && a->end == b->end &&
	    a->offset == b->offset && a->inode == b->inode &&
	    a->dev_major == b->dev_major && a->dev_minor == b->dev_minor);
}

/* Add to out the members of a that are not members of b. -1 ENOMEM. */
static int
discard_minus(struct pageset *out, const struct pageset *a,
    const struct pageset *b)
{
	uint64_t	 n = pageset_size(a), i = 0, j, k, m;

	while ((i = pageset_next(a, i)) < n) {
		j = pageset_next_gap(a, i);
		/* The pages of [i, j) not in b, run by run. */
		for (k = i; k < j; k = m) {
			if ((k = pageset_next_gap(b, k)) >= j)
				break;
			if ((m = pageset_next(b, k)) > j)
				m = j;
			if (pageset_add_range(out, k, m) == -1)
				return (-1);
		}
		i = j;
	}
	return (0);
}

/* The remembered present pages of v, or NULL. Both lists are sorted. */
static const struct pageset *
discard_find(const struct discard_memory *m, const struct vma *v)
{
	size_t	 lo = 0, hi = m->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (m->vmas[mid].start < v->start)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < m->n && discard_same(&m->vmas[lo], v))
		return (m->present[lo]);
	return (NULL);
}

void
discard_free(struct discard_memory *m)
{
	size_t	 i;

	for (i = 0; i < m->n; i++)
		pageset_free(m->present[i]);
	free(m->present);
	free(m->vmas);
	memset(m, 0, sizeof *m);
}

/* Remember a copy of the present pages of every judged VMA of s. */
static int
discard_remember(struct discard_memory *m, const struct snapshot *s)
{
	const struct snap_vma	*sv;
	size_t			 i;

	discard_free(m);
	if (s->nvma == 0)
		return (0);
	m->vmas = calloc(s->nvma, sizeof *m->vmas);
	m->present = calloc(s->nvma, sizeof *m->present);
	if (m->vmas == NULL || m->present == NULL)
		return (-1);
	for (i = 0; i < s->nvma; i++) {
		sv = &s->vmas[i];
		if (!sv->tracked || sv->present == NULL)
			continue;
		m->vmas[m->n] = sv->vma;
		m->vmas[m->n].name = NULL;
		if ((m->present[m->n] = pageset_new(sv->npages)) == NULL)
			return (-1);
		m->n++;
		if (pageset_union(m->present[m->n - 1], sv->present) == -1)
			return (-1);
	}
	return (0);
}

int
discard_judge(struct discard_memory *m, struct snapshot *s, bool peek)
{
	struct snap_vma		*sv;
	const struct pageset	*was;
	size_t			 i;

	for (i = 0; i < s->nvma; i++) {
		sv = &s->vmas[i];
		/*
		 * A shared mapping's page outlives its page table entry (in
		 * the page cache, the memfd, the segment): dropping the entry
		 * gives nothing back.
		 */
		if (!sv->tracked || sv->is_new || sv->present == NULL ||
		    (sv->vma.prot & VMA_SHARED) != 0 ||
		    (was = discard_find(m, &sv->vma)) == NULL)
			continue;
		if ((sv->discarded = pageset_new(sv->npages)) == NULL ||
		    discard_minus(sv->discarded, was, sv->present) == -1)
			goto nomem;
	}
	if (!peek && discard_remember(m, s) == -1)
		goto nomem;
	return (0);

nomem:
	discard_free(m);
	errno = ENOMEM;
	return (-1);
}
