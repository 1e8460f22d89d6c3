/*
 * pftrace-regions.c - the live regions of each traced process, as the
 * trace's add, change and remove records leave them, and where a fault
 * belongs (see pftrace-regions.h).
 *
 * Each process keeps its live regions in one array sorted by start, then
 * id, so a fault is placed by binary search and both readers walk the
 * layout in address order. A layout record costs a search by id and a
 * memmove (linear in the process's regions); a fault costs a binary
 * search. The trace reader (pftrace_read) has checked each record
 * against the ones before it. Addresses are bytes.
 *
 * The stack rule. The kernel grows the stack on a fault, with no system
 * call that the recorder could stop at: a fault under the VM_GROWSDOWN
 * region ([stack] in maps) and above the region beneath moves the
 * stack's vm_start down to the faulting page (mm/mmap.c, expand_stack();
 * since Linux 6.5 called from lock_mm_and_find_vma() in the fault path).
 * So a fault just under [stack], and above the region beneath it, is the
 * stack's, and the stack's span (lo) grows down to its page. Its geometry
 * (vma) stays as the records gave it: the recorder writes the grown
 * stack in a change record at the next memory system call, from maps.
 * The kernel also refuses to grow within stack_guard_gap (256 pages by
 * default, Linux 4.12) of the region beneath or past RLIMIT_STACK; such
 * a fault ends in SIGSEGV (severity '-' in the trace) and is still given
 * to the stack, which it tried to grow. A fault anywhere else outside
 * every region is in no region.
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "pftrace-regions.h"

void
pfregions_init(struct pfregions *t)
{
	memset(t, 0, sizeof *t);
}

void
pfregions_free(struct pfregions *t)
{
	size_t	i, j;

	for (i = 0; i < t->np; i++) {
		for (j = 0; j < t->p[i].n; j++)
			vma_free(&t->p[i].r[j].vma);
		free(t->p[i].r);
	}
	free(t->p);
	memset(t, 0, sizeof *t);
}

/* The index of pid in t->p, or where it would go (*found false). */
static size_t
proc_index(const struct pfregions *t, int pid, bool *found)
{
	size_t	lo = 0, hi = t->np, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (t->p[mid].pid < pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = lo < t->np && t->p[lo].pid == pid;
	return (lo);
}

static struct pfregions_proc *
proc_find(const struct pfregions *t, int pid)
{
	bool	found;
	size_t	i = proc_index(t, pid, &found);

	return (found ? &t->p[i] : NULL);
}

/* The process pid, added when new; NULL when out of memory. */
static struct pfregions_proc *
proc_get(struct pfregions *t, int pid)
{
	struct pfregions_proc	*v;
	bool			 found;
	size_t			 i = proc_index(t, pid, &found);

	if (found)
		return (&t->p[i]);
	if ((v = array_reserve(t->p, t->np + 1, &t->cap, sizeof *v)) == NULL)
		return (NULL);
	t->p = v;
	memmove(v + i + 1, v + i, (t->np - i) * sizeof *v);
	memset(&v[i], 0, sizeof v[i]);
	v[i].pid = pid;
	t->np++;
	return (&v[i]);
}

/* Whether region a goes before b: by start, then id. */
static bool
region_before(const struct pfregion *a, const struct pfregion *b)
{
	if (a->vma.start != b->vma.start)
		return (a->vma.start < b->vma.start);
	return (a->id < b->id);
}

/* The index where g goes in p's sorted regions. */
static size_t
region_slot(const struct pfregions_proc *p, const struct pfregion *g)
{
	size_t	lo = 0, hi = p->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (region_before(&p->r[mid], g))
			lo = mid + 1;
		else
			hi = mid;
	}
	return (lo);
}

/* Put g in its place among p's regions (room for it is there). */
static void
region_insert(struct pfregions_proc *p, const struct pfregion *g)
{
	size_t	i = region_slot(p, g);

	memmove(p->r + i + 1, p->r + i, (p->n - i) * sizeof *p->r);
	p->r[i] = *g;
	p->n++;
}

/* Take region i out of p's regions. */
static void
region_take(struct pfregions_proc *p, size_t i)
{
	memmove(p->r + i, p->r + i + 1, (p->n - i - 1) * sizeof *p->r);
	p->n--;
}

/* The index of region id among the live regions of p, or SIZE_MAX. */
static size_t
region_index(const struct pfregions_proc *p, uint64_t id)
{
	size_t	i;

	for (i = 0; i < p->n; i++) {
		if (p->r[i].id == id)
			return (i);
	}
	return (SIZE_MAX);
}

int
pfregions_add(struct pfregions *t, const struct pf_rec *rec)
{
	struct pfregions_proc	*p;
	struct pfregion		 g, *v;

	if ((p = proc_get(t, rec->pid)) == NULL)
		return (-1);
	if (region_index(p, rec->id) != SIZE_MAX) {
		errno = EEXIST;
		return (-1);
	}
	if ((v = array_reserve(p->r, p->n + 1, &p->cap, sizeof *v)) == NULL)
		return (-1);
	p->r = v;
	memset(&g, 0, sizeof g);
	if (vma_copy(&g.vma, &rec->vma) == -1)
		return (-1);
	g.id = rec->id;
	g.pid = rec->pid;
	g.lo = rec->vma.start;
	g.hi = rec->vma.end;
	region_insert(p, &g);
	return (0);
}

int
pfregions_change(struct pfregions *t, const struct pf_rec *rec)
{
	struct pfregions_proc	*p;
	struct pfregion		 g;
	size_t			 i;

	if ((p = proc_find(t, rec->pid)) == NULL ||
	    (i = region_index(p, rec->id)) == SIZE_MAX) {
		errno = ENOENT;
		return (-1);
	}
	g = p->r[i];
	region_take(p, i);
	g.vma.start = rec->vma.start;
	g.vma.end = rec->vma.end;
	g.vma.offset = rec->vma.offset;
	g.vma.prot = rec->vma.prot;
	memcpy(g.vma.perms, rec->vma.perms, sizeof g.vma.perms);
	if (g.vma.start < g.lo)
		g.lo = g.vma.start;
	if (g.vma.end > g.hi)
		g.hi = g.vma.end;
	region_insert(p, &g);
	return (0);
}

int
pfregions_remove(struct pfregions *t, const struct pf_rec *rec,
    struct pfregion *gone)
{
	struct pfregions_proc	*p;
	size_t			 i;

	if ((p = proc_find(t, rec->pid)) == NULL ||
	    (i = region_index(p, rec->id)) == SIZE_MAX) {
		errno = ENOENT;
		return (-1);
	}
	if (gone != NULL)
		*gone = p->r[i];
	else
		vma_free(&p->r[i].vma);
	region_take(p, i);
	return (0);
}

/* How many of p's regions start at or below addr. */
static size_t
regions_from_below(const struct pfregions_proc *p, uint64_t addr)
{
	size_t	lo = 0, hi = p->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (p->r[mid].vma.start <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (lo);
}

struct pfregion *
pfregions_find(const struct pfregions *t, int pid, uint64_t addr)
{
	const struct pfregions_proc	*p = proc_find(t, pid);
	size_t				 i;

	if (p == NULL || (i = regions_from_below(p, addr)) == 0 ||
	    addr >= p->r[i - 1].vma.end)
		return (NULL);
	return (&p->r[i - 1]);
}

struct pfregion *
pfregions_place(struct pfregions *t, int pid, uint64_t addr, uint64_t page)
{
	struct pfregions_proc	*p = proc_find(t, pid);
	struct pfregion		*g;
	size_t			 i;

	if (p == NULL)
		return (NULL);
	i = regions_from_below(p, addr);
	if (i > 0 && addr < p->r[i - 1].vma.end)
		return (&p->r[i - 1]);
	/* Not in the region beneath: under the next one, the stack? */
	if (i == p->n || strcmp(p->r[i].vma.name, "[stack]") != 0)
		return (NULL);
	g = &p->r[i];
	addr &= ~(page - 1);
	if (addr < g->lo)
		g->lo = addr;
	return (g);
}

const struct pfregion *
pfregions_live(const struct pfregions *t, int pid, size_t *n)
{
	const struct pfregions_proc	*p = proc_find(t, pid);

	*n = p != NULL ? p->n : 0;
	return (p != NULL && p->n > 0 ? p->r : NULL);
}
