/*
 * pftrace-layout.c - a traced process's regions with identities, and the
 * diff of each new maps reading against them (see pftrace-layout.h).
 *
 * The kernel does not tell us which vm_area_struct became which, so the
 * diff infers it from the two readings, in this order of preference:
 * identical region (same identity, no record); same start and same
 * backing (resized or reprotected in place: a change record); same end
 * and same backing, offset consistent (its head was cut); a new region
 * overlapping an old one of the same backing (split from it: an add
 * record naming the parent); an old region left over that a kept region
 * of the same backing now covers (merged into it: a remove record naming
 * it). Everything else is a plain add or remove. Addresses are bytes.
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "pftrace-layout.h"

/* Whether a and b map the same thing: the same file, or both anonymous. */
static bool
same_backing(const struct vma *a, const struct vma *b)
{
	const char	*an = a->name != NULL ? a->name : "";
	const char	*bn = b->name != NULL ? b->name : "";

	if (a->inode != b->inode || a->dev_major != b->dev_major ||
	    a->dev_minor != b->dev_minor || strcmp(an, bn) != 0)
		return (false);
	if ((a->prot & VMA_SHARED) != (b->prot & VMA_SHARED))
		return (false);
	/* A file region keeps its offset where its start moves with it. */
	if (a->inode != 0 && b->offset - a->offset != b->start - a->start)
		return (false);
	return (true);
}

/* Whether a and b are the same region in every field a reading shows. */
static bool
same_region(const struct vma *a, const struct vma *b)
{
	return (a->start == b->start && a->end == b->end &&
	    a->offset == b->offset && memcmp(a->perms, b->perms, 4) == 0 &&
	    same_backing(a, b));
}

static bool
overlaps(const struct vma *a, const struct vma *b)
{
	return (a->start < b->end && b->start < a->end);
}

/* Copy the stamp of tmpl and the region into a record. */
static void
make_rec(struct pf_rec *r, const struct pf_rec *tmpl, enum pf_rec_type t,
    uint64_t id, uint64_t link, const struct vma *v)
{
	memset(r, 0, sizeof *r);
	r->type = t;
	r->time = tmpl->time;
	r->pid = tmpl->pid;
	r->tid = tmpl->tid;
	memcpy(r->cause, tmpl->cause, sizeof r->cause);
	r->id = id;
	r->link = link;
	if (v != NULL)
		r->vma = *v;
}

/* Deep-copy a VMA without depending on its allocator. */
static int
copy_vma(struct vma *dst, const struct vma *src)
{
	*dst = *src;
	dst->name = strdup(src->name != NULL ? src->name : "");
	return (dst->name == NULL ? -1 : 0);
}

void
pflayout_free(struct pf_layout *l)
{
	size_t	i;

	for (i = 0; i < l->n; i++)
		free(l->r[i].vma.name);
	free(l->r);
	memset(l, 0, sizeof *l);
}

int
pflayout_clear(struct pf_layout *l, const struct pf_rec *tmpl,
    pflayout_emit_fn emit, void *arg)
{
	struct pf_rec	r;
	size_t		i;

	for (i = 0; i < l->n; i++) {
		make_rec(&r, tmpl, PFR_REMOVE, l->r[i].id, 0, NULL);
		if (emit(arg, &r) != 0)
			return (-1);
	}
	pflayout_free(l);
	return (0);
}

/* The first old region whose end lies above addr (binary search). */
static size_t
first_ending_above(const struct pf_layout *l, uint64_t addr)
{
	size_t	lo = 0, hi = l->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (l->r[mid].vma.end <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (lo);
}

int
pflayout_update(struct pf_layout *l, const struct vma_list *now,
    uint64_t *next_id, const struct pf_rec *tmpl, pflayout_emit_fn emit,
    void *arg)
{
	struct pf_region	*nr = NULL;
	uint64_t		*new_id = NULL, *parent = NULL, *into = NULL;
	bool			*kept = NULL, *changed = NULL, *fresh = NULL;
	struct pf_rec		 r;
	size_t			 i, j, m = now->n;
	int			 ret = -1;

	new_id = calloc(m + 1, sizeof *new_id);
	parent = calloc(m + 1, sizeof *parent);
	changed = calloc(m + 1, sizeof *changed);
	fresh = calloc(m + 1, sizeof *fresh);
	kept = calloc(l->n + 1, sizeof *kept);
	into = calloc(l->n + 1, sizeof *into);
	nr = calloc(m + 1, sizeof *nr);
	if (new_id == NULL || parent == NULL || changed == NULL ||
	    fresh == NULL || kept == NULL || into == NULL || nr == NULL)
		goto out;

	/* Same start: identical, or resized/reprotected in place. */
	for (i = 0, j = 0; i < l->n && j < m;) {
		const struct vma *o = &l->r[i].vma, *v = &now->v[j];

		if (o->start < v->start)
			i++;
		else if (o->start > v->start)
			j++;
		else {
			if (same_backing(o, v)) {
				new_id[j] = l->r[i].id;
				kept[i] = true;
				changed[j] = !same_region(o, v);
			}
			i++;
			j++;
		}
	}
	/* Same end: its head was unmapped or reprotected. */
	for (i = 0, j = 0; i < l->n && j < m;) {
		const struct vma *o = &l->r[i].vma, *v = &now->v[j];

		if (o->end < v->end)
			i++;
		else if (o->end > v->end)
			j++;
		else {
			if (!kept[i] && new_id[j] == 0 && same_backing(o, v)) {
				new_id[j] = l->r[i].id;
				kept[i] = true;
				changed[j] = true;
			}
			i++;
			j++;
		}
	}
	/* What is left of the new is new, perhaps split from an old one. */
	for (j = 0; j < m; j++) {
		if (new_id[j] != 0)
			continue;
		for (i = first_ending_above(l, now->v[j].start); i < l->n &&
		    l->r[i].vma.start < now->v[j].end; i++) {
			if (same_backing(&l->r[i].vma, &now->v[j])) {
				parent[j] = l->r[i].id;
				break;
			}
		}
		new_id[j] = (*next_id)++;
		fresh[j] = true;
	}
	/* What is left of the old has gone, perhaps merged into a kept one. */
	for (i = 0, j = 0; i < l->n; i++) {
		if (kept[i])
			continue;
		while (j < m && now->v[j].end <= l->r[i].vma.start)
			j++;
		if (j < m && overlaps(&now->v[j], &l->r[i].vma) &&
		    same_backing(&l->r[i].vma, &now->v[j]) &&
		    !fresh[j])
			into[i] = new_id[j];
	}

	for (j = 0; j < m; j++) {
		if (copy_vma(&nr[j].vma, &now->v[j]) != 0) {
			while (j-- > 0)
				free(nr[j].vma.name);
			goto out;
		}
		nr[j].id = new_id[j];
	}
	for (j = 0; j < m; j++) {
		if (fresh[j])
			make_rec(&r, tmpl, PFR_ADD, new_id[j], parent[j],
			    &now->v[j]);
		else if (changed[j])
			make_rec(&r, tmpl, PFR_CHANGE, new_id[j], 0,
			    &now->v[j]);
		else
			continue;
		if (emit(arg, &r) != 0)
			goto fail;
	}
	for (i = 0; i < l->n; i++) {
		if (kept[i])
			continue;
		make_rec(&r, tmpl, PFR_REMOVE, l->r[i].id, into[i], NULL);
		if (emit(arg, &r) != 0)
			goto fail;
	}
	for (i = 0; i < l->n; i++)
		free(l->r[i].vma.name);
	free(l->r);
	l->r = nr;
	l->n = l->cap = m;
	nr = NULL;
	ret = 0;
	goto out;

fail:
	for (j = 0; j < m; j++)
		free(nr[j].vma.name);
out:
	if (ret != 0 && errno == 0)
		errno = ENOMEM;
	free(nr);
	free(new_id);
	free(parent);
	free(changed);
	free(fresh);
	free(kept);
	free(into);
	return (ret);
}
