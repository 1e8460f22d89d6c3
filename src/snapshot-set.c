/*
 * snapshot-set.c - the totals of a set of processes, with the pages of
 * shared mappings counted once (see snapshot_set_count() in snapshot.h).
 *
 * A page of a private mapping belongs to one process: once written it is
 * that process's own copy. A page of a shared mapping is the page of a
 * file (tmpfs and shmem included: shared anonymous memory, memfd, System
 * V segments are files of an internal mount), and every process that maps
 * it maps the same page. Each such page is keyed by the file (device and
 * inode, as maps prints them) and its offset in pages; the pages of every
 * process are gathered as runs of keys, sorted, and their union counted.
 *
 * Units: pages of s->page_size bytes.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>

#include "pageset.h"
#include "snapshot.h"

/* A run of pages [first, end) of one file. */
struct key_run {
	uint64_t	 dev;
	uint64_t	 inode;
	uint64_t	 first;
	uint64_t	 end;
};

struct key_runs {
	struct key_run	*r;
	size_t		 n;
	size_t		 cap;
};

/* What is counted: written, given back, tracked or resident pages. */
enum set_what { SET_DIRTY, SET_DISCARDED, SET_TRACKED, SET_RESIDENT };

bool
snapshot_vma_shared(const struct vma *v)
{
	return ((v->prot & VMA_SHARED) != 0 && v->inode != 0);
}

static int
key_push(struct key_runs *k, const struct vma *v, uint64_t pgoff,
    uint64_t from, uint64_t to)
{
	struct key_run	*r;
	size_t		 cap;

	if (k->n == k->cap) {
		cap = k->cap == 0 ? 64 : k->cap * 2;
		if ((r = reallocarray(k->r, cap, sizeof *r)) == NULL)
			return (-1);
		k->r = r;
		k->cap = cap;
	}
	r = &k->r[k->n++];
	r->dev = (uint64_t)v->dev_major << 32 | v->dev_minor;
	r->inode = v->inode;
	r->first = pgoff + from;
	r->end = pgoff + to;
	return (0);
}

/* Push the runs of members of set (NULL: every page) of the VMA sv. */
static int
key_push_set(struct key_runs *k, const struct snap_vma *sv,
    const struct pageset *set, uint64_t psize)
{
	uint64_t	 pgoff = sv->vma.offset / psize, i = 0, j;

	if (set == NULL)
		return (sv->npages == 0 ? 0 :
		    key_push(k, &sv->vma, pgoff, 0, sv->npages));
	while ((i = pageset_next(set, i)) < sv->npages) {
		j = pageset_next_gap(set, i);
		if (key_push(k, &sv->vma, pgoff, i, j) == -1)
			return (-1);
		i = j;
	}
	return (0);
}

static int
key_cmp(const void *a, const void *b)
{
	const struct key_run	*x = a, *y = b;

	if (x->dev != y->dev)
		return (x->dev < y->dev ? -1 : 1);
	if (x->inode != y->inode)
		return (x->inode < y->inode ? -1 : 1);
	if (x->first != y->first)
		return (x->first < y->first ? -1 : 1);
	return (0);
}

/* The number of distinct keys the runs of k cover. */
static uint64_t
key_union(struct key_runs *k)
{
	const struct key_run	*r, *cur = NULL;
	uint64_t		 total = 0, end = 0;
	size_t			 i;

	/* No runs, no array: qsort() must not be given NULL. */
	if (k->n == 0)
		return (0);
	qsort(k->r, k->n, sizeof *k->r, key_cmp);
	for (i = 0; i < k->n; i++) {
		r = &k->r[i];
		if (cur == NULL || r->dev != cur->dev ||
		    r->inode != cur->inode || r->first >= end) {
			total += r->end - r->first;
			cur = r;
			end = r->end;
		} else if (r->end > end) {
			total += r->end - end;
			end = r->end;
		}
	}
	return (total);
}

/*
 * The pages of one kind (what) of a process's shared mappings into k;
 * the count of its own. The tracked pages of a VMA are all of it; its
 * resident ones its present set when known.
 */
static int
key_gather(struct key_runs *k, const struct snapshot *p, enum set_what what,
    uint64_t *own)
{
	const struct snap_vma	*sv;
	const struct pageset	*set;
	size_t			 i;

	*own = 0;
	for (i = 0; i < p->nvma; i++) {
		sv = &p->vmas[i];
		if (!sv->tracked || !snapshot_vma_shared(&sv->vma))
			continue;
		switch (what) {
		case SET_DIRTY:
			set = sv->written;
			*own += sv->dirty;
			break;
		case SET_DISCARDED:
			set = sv->discarded;
			*own += sv->ndiscarded;
			break;
		case SET_TRACKED:
			set = NULL;
			*own += sv->npages;
			break;
		default:
			set = sv->has_resident ? sv->present : NULL;
			*own += sv->resident;
			break;
		}
		if ((what == SET_DIRTY || what == SET_DISCARDED) &&
		    set == NULL)
			continue;
		if (key_push_set(k, sv, set, p->page_size) == -1)
			return (-1);
	}
	return (0);
}

/* One total of the set: the processes' own pages plus the shared once. */
static int
set_total(struct snapshot *s, enum set_what what, uint64_t *total,
    uint64_t *shared)
{
	struct key_runs	 k = { 0 };
	const struct snapshot *p;
	uint64_t	 own, all, sum = 0;
	size_t		 i;

	for (i = 0; i < s->nproc; i++) {
		p = s->procs[i];
		if (key_gather(&k, p, what, &own) == -1) {
			free(k.r);
			errno = ENOMEM;
			return (-1);
		}
		switch (what) {
		case SET_DIRTY:
			all = p->dirty_pages;
			s->procs[i]->shared_dirty_pages = own;
			break;
		case SET_DISCARDED:
			all = p->discarded_pages;
			break;
		case SET_TRACKED:
			all = p->tracked_pages;
			break;
		default:
			all = p->resident_pages;
			break;
		}
		sum += all >= own ? all - own : 0;
	}
	*shared = key_union(&k);
	*total = sum + *shared;
	free(k.r);
	return (0);
}

int
snapshot_set_count(struct snapshot *s)
{
	uint64_t	 shared;

	if (set_total(s, SET_DIRTY, &s->dirty_pages,
	    &s->shared_dirty_pages) == -1 ||
	    set_total(s, SET_DISCARDED, &s->discarded_pages, &shared) == -1 ||
	    set_total(s, SET_TRACKED, &s->tracked_pages, &shared) == -1 ||
	    set_total(s, SET_RESIDENT, &s->resident_pages, &shared) == -1)
		return (-1);
	return (0);
}
