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
 *
 * This is the writer's side: it makes the add, change and remove records
 * from whole maps readings. The readers' side, which applies them and
 * places faults, is pftrace-regions.c.
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

/* What the diff of an old layout (n regions) and a new reading (m) infers. */
struct diff {
	uint64_t	*new_id;	/* [m]: identity of each new region */
	uint64_t	*parent;	/* [m]: split from; 0 */
	bool		*changed;	/* [m]: kept, with another geometry */
	bool		*fresh;		/* [m]: a new identity */
	bool		*kept;		/* [n]: identity kept by a new region */
	uint64_t	*into;		/* [n]: gone, merged into; 0 */
};

static void
diff_free(struct diff *d)
{
	free(d->new_id);
	free(d->parent);
	free(d->changed);
	free(d->fresh);
	free(d->kept);
	free(d->into);
}

static int
diff_alloc(struct diff *d, size_t n, size_t m)
{
	d->new_id = calloc(m + 1, sizeof *d->new_id);
	d->parent = calloc(m + 1, sizeof *d->parent);
	d->changed = calloc(m + 1, sizeof *d->changed);
	d->fresh = calloc(m + 1, sizeof *d->fresh);
	d->kept = calloc(n + 1, sizeof *d->kept);
	d->into = calloc(n + 1, sizeof *d->into);
	if (d->new_id == NULL || d->parent == NULL || d->changed == NULL ||
	    d->fresh == NULL || d->kept == NULL || d->into == NULL) {
		diff_free(d);
		return (-1);
	}
	return (0);
}

/*
 * Keep identities across the two readings: same start and backing
 * (identical, or resized or reprotected in place), then same end and
 * backing (its head was unmapped or reprotected).
 */
static void
diff_match(const struct pf_layout *l, const struct vma_list *now,
    struct diff *d)
{
	size_t	i, j;

	for (i = 0, j = 0; i < l->n && j < now->n;) {
		const struct vma *o = &l->r[i].vma, *v = &now->v[j];

		if (o->start < v->start)
			i++;
		else if (o->start > v->start)
			j++;
		else {
			if (same_backing(o, v)) {
				d->new_id[j] = l->r[i].id;
				d->kept[i] = true;
				d->changed[j] = !same_region(o, v);
			}
			i++;
			j++;
		}
	}
	for (i = 0, j = 0; i < l->n && j < now->n;) {
		const struct vma *o = &l->r[i].vma, *v = &now->v[j];

		if (o->end < v->end)
			i++;
		else if (o->end > v->end)
			j++;
		else {
			if (!d->kept[i] && d->new_id[j] == 0 &&
			    same_backing(o, v)) {
				d->new_id[j] = l->r[i].id;
				d->kept[i] = true;
				d->changed[j] = true;
			}
			i++;
			j++;
		}
	}
}

/*
 * What is left of the new is new, perhaps split from an old region it
 * overlaps; what is left of the old has gone, perhaps merged into a kept
 * region that now covers it.
 */
static void
diff_infer(const struct pf_layout *l, const struct vma_list *now,
    uint64_t *next_id, struct diff *d)
{
	size_t	i, j;

	for (j = 0; j < now->n; j++) {
		if (d->new_id[j] != 0)
			continue;
		for (i = first_ending_above(l, now->v[j].start); i < l->n &&
		    l->r[i].vma.start < now->v[j].end; i++) {
			if (same_backing(&l->r[i].vma, &now->v[j])) {
				d->parent[j] = l->r[i].id;
				break;
			}
		}
		d->new_id[j] = (*next_id)++;
		d->fresh[j] = true;
	}
	for (i = 0, j = 0; i < l->n; i++) {
		if (d->kept[i])
			continue;
		while (j < now->n && now->v[j].end <= l->r[i].vma.start)
			j++;
		if (j < now->n && overlaps(&now->v[j], &l->r[i].vma) &&
		    same_backing(&l->r[i].vma, &now->v[j]) && !d->fresh[j])
			d->into[i] = d->new_id[j];
	}
}

/* Emit the records of the diff: changes and adds, then removes. */
static int
diff_emit(const struct pf_layout *l, const struct vma_list *now,
    const struct diff *d, const struct pf_rec *tmpl, pflayout_emit_fn emit,
    void *arg)
{
	struct pf_rec	r;
	size_t		i, j;

	for (j = 0; j < now->n; j++) {
		if (d->fresh[j])
			make_rec(&r, tmpl, PFR_ADD, d->new_id[j], d->parent[j],
			    &now->v[j]);
		else if (d->changed[j])
			make_rec(&r, tmpl, PFR_CHANGE, d->new_id[j], 0,
			    &now->v[j]);
		else
			continue;
		if (emit(arg, &r) != 0)
			return (-1);
	}
	for (i = 0; i < l->n; i++) {
		if (d->kept[i])
			continue;
		make_rec(&r, tmpl, PFR_REMOVE, l->r[i].id, d->into[i], NULL);
		if (emit(arg, &r) != 0)
			return (-1);
	}
	return (0);
}

/* The new layout: a copy of the reading with its identities, or NULL. */
static struct pf_region *
diff_layout(const struct vma_list *now, const struct diff *d)
{
	struct pf_region	*nr;
	size_t			 j;

	if ((nr = calloc(now->n + 1, sizeof *nr)) == NULL)
		return (NULL);
	for (j = 0; j < now->n; j++) {
		if (copy_vma(&nr[j].vma, &now->v[j]) != 0) {
			while (j-- > 0)
				free(nr[j].vma.name);
			free(nr);
			return (NULL);
		}
		nr[j].id = d->new_id[j];
	}
	return (nr);
}

int
pflayout_update(struct pf_layout *l, const struct vma_list *now,
    uint64_t *next_id, const struct pf_rec *tmpl, pflayout_emit_fn emit,
    void *arg)
{
	struct diff		 d;
	struct pf_region	*nr = NULL;
	size_t			 i, j;
	int			 ret = -1;

	if (diff_alloc(&d, l->n, now->n) != 0)
		goto out;
	diff_match(l, now, &d);
	diff_infer(l, now, next_id, &d);
	if ((nr = diff_layout(now, &d)) == NULL)
		goto done;
	if (diff_emit(l, now, &d, tmpl, emit, arg) != 0) {
		for (j = 0; j < now->n; j++)
			free(nr[j].vma.name);
		free(nr);
		goto done;
	}
	for (i = 0; i < l->n; i++)
		free(l->r[i].vma.name);
	free(l->r);
	l->r = nr;
	l->n = l->cap = now->n;
	ret = 0;
done:
	diff_free(&d);
out:
	if (ret != 0 && errno == 0)
		errno = ENOMEM;
	return (ret);
}
