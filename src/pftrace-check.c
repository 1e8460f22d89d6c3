/*
 * pftrace-check.c - check each record of a trace against the ones before
 * it (see pftrace-check.h). The checker keeps the region ids given so far
 * (a sorted array: the recorder gives ids in increasing order, so each
 * add appends and each lookup is a binary search) and the processes
 * started (sorted by pid), both as long as the records that made them.
 *
 * Addresses are bytes; the page size is the trace's info page_size, or
 * this machine's when the trace does not say.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "num.h"
#include "page.h"
#include "pftrace-check.h"
#include "pftrace-format.h"
#include "str-escape.h"

void
pfcheck_init(struct pfcheck *ck)
{
	memset(ck, 0, sizeof *ck);
	ck->page_size = page_size();
	ck->page_shift = page_shift();
}

/* Format why; returns -1. */
static int __attribute__((format(printf, 3, 4)))
refuse(char *why, size_t size, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(why, size, fmt, ap);
	va_end(ap);
	return (-1);
}

/* The id entry of region id, or NULL. */
static struct pftrace_id *
find_id(const struct pfcheck *ck, uint64_t id)
{
	size_t	lo = 0, hi = ck->nids, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (ck->ids[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < ck->nids && ck->ids[lo].id == id)
		return (&ck->ids[lo]);
	return (NULL);
}

/* Where pid is, or would go, in the sorted pids. */
static size_t
pid_slot(const struct pfcheck *ck, int pid)
{
	size_t	lo = 0, hi = ck->npids, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (ck->pids[mid].pid < pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (lo);
}

/* The process pid, or NULL if no proc record started it. */
static struct pftrace_pid *
find_pid(const struct pfcheck *ck, int pid)
{
	size_t	i = pid_slot(ck, pid);

	if (i < ck->npids && ck->pids[i].pid == pid)
		return (&ck->pids[i]);
	return (NULL);
}

/* An info page_size: once, before any region, a sane size. */
static int
check_page_size(struct pfcheck *ck, const struct pf_rec *r, char *why,
    size_t size)
{
	uint64_t	 v;

	if (num_u64(r->value, 10, 0, UINT64_MAX, &v) != 0)
		return (refuse(why, size, "page_size: not a decimal number"));
	if ((v & (v - 1)) != 0 || v == 0)
		return (refuse(why, size, "page_size: %" PRIu64 " is not a "
		    "power of two", v));
	if (!page_size_sane(v))
		return (refuse(why, size, "page_size: %" PRIu64 " is out of "
		    "range (%u..%u)", v, PAGE_SIZE_MIN, PAGE_SIZE_MAX));
	if (ck->page_given)
		return (refuse(why, size, "page_size: given twice"));
	if (ck->started)
		return (refuse(why, size, "page_size: given after the first "
		    "record"));
	ck->page_given = true;
	ck->page_size = v;
	for (ck->page_shift = 0; (UINT64_C(1) << ck->page_shift) < v;
	    ck->page_shift++)
		;
	return (0);
}

/* A proc record: a process starts, or starts again once it has none. */
static int
check_proc(struct pfcheck *ck, const struct pf_rec *r, char *why,
    size_t size)
{
	struct pftrace_pid	*p, *np;
	size_t			 i;

	if ((p = find_pid(ck, r->pid)) != NULL) {
		if (p->live != 0)
			return (refuse(why, size, "pid: %d starts again while "
			    "%zu of its regions are there", r->pid, p->live));
		return (0);
	}
	np = array_reserve(ck->pids, ck->npids + 1, &ck->cappids,
	    sizeof *ck->pids);
	if (np == NULL)
		return (refuse(why, size, "out of memory"));
	ck->pids = np;
	i = pid_slot(ck, r->pid);
	memmove(ck->pids + i + 1, ck->pids + i,
	    (ck->npids - i) * sizeof *ck->pids);
	ck->pids[i].pid = r->pid;
	ck->pids[i].live = 0;
	ck->npids++;
	return (0);
}

/* START and END of an add or change: aligned to the page size. */
static int
check_geometry(const struct pfcheck *ck, const struct pf_rec *r,
    char *why, size_t size)
{
	if (r->vma.start % ck->page_size != 0)
		return (refuse(why, size, "start: %" PRIx64 " is not a "
		    "multiple of the page size %" PRIu64, r->vma.start,
		    ck->page_size));
	if (r->vma.end % ck->page_size != 0)
		return (refuse(why, size, "end: %" PRIx64 " is not a multiple "
		    "of the page size %" PRIu64, r->vma.end, ck->page_size));
	return (0);
}

/* A region id an add, change or remove names as a link (0: none). */
static int
check_link(const struct pfcheck *ck, uint64_t link, const char *field,
    char *why, size_t size)
{
	if (link != 0 && find_id(ck, link) == NULL)
		return (refuse(why, size, "%s: region %" PRIu64 " was never "
		    "added", field, link));
	return (0);
}

/* An add record: a new id, above every id before it. */
static int
check_add(struct pfcheck *ck, const struct pf_rec *r,
    struct pftrace_pid *p, char *why, size_t size)
{
	struct pftrace_id	*e, *ids;

	if (r->id > STR_JSON_MAX_INT)
		return (refuse(why, size, "id: %" PRIu64 " is out of range (1..%"
		    PRIu64 ")", r->id, STR_JSON_MAX_INT));
	if (ck->nids > 0 && r->id <= ck->ids[ck->nids - 1].id)
		return (refuse(why, size, "id: %" PRIu64 " is not above the "
		    "last region id %" PRIu64, r->id,
		    ck->ids[ck->nids - 1].id));
	if (check_link(ck, r->link, "parent", why, size) == -1 ||
	    check_geometry(ck, r, why, size) == -1)
		return (-1);
	ids = array_reserve(ck->ids, ck->nids + 1, &ck->capids,
	    sizeof *ck->ids);
	if (ids == NULL)
		return (refuse(why, size, "out of memory"));
	ck->ids = ids;
	e = &ck->ids[ck->nids++];
	e->id = r->id;
	e->pid = r->pid;
	e->live = true;
	p->live++;
	return (0);
}

/* A change or remove record: a region of this process still there. */
static int
check_other(struct pfcheck *ck, const struct pf_rec *r,
    struct pftrace_pid *p, char *why, size_t size)
{
	struct pftrace_id	*e;

	if ((e = find_id(ck, r->id)) == NULL)
		return (refuse(why, size, "id: region %" PRIu64 " was never "
		    "added", r->id));
	if (!e->live)
		return (refuse(why, size, "id: region %" PRIu64 " was "
		    "removed before", r->id));
	if (e->pid != r->pid)
		return (refuse(why, size, "pid: region %" PRIu64 " is of "
		    "process %d, not %d", r->id, e->pid, r->pid));
	if (r->type == PFR_CHANGE)
		return (check_geometry(ck, r, why, size));
	if (check_link(ck, r->link, "into", why, size) == -1)
		return (-1);
	e->live = false;
	p->live--;
	return (0);
}

int
pfcheck_record(struct pfcheck *ck, const struct pf_rec *r,
    char *why, size_t size)
{
	struct pftrace_pid	*p;

	if (r->type == PFR_INFO) {
		if (strcmp(r->key, "page_size") == 0)
			return (check_page_size(ck, r, why, size));
		return (0);
	}
	ck->started = true;
	switch (r->type) {
	case PFR_PROC:
		return (check_proc(ck, r, why, size));
	case PFR_END:
		if (r->count != ck->faults)
			return (refuse(why, size, "faults: %" PRIu64 ", but the "
			    "trace holds %" PRIu64 " fault records", r->count,
			    ck->faults));
		if (r->lost != ck->lost)
			return (refuse(why, size, "lost: %" PRIu64 ", but the "
			    "lost records count %" PRIu64, r->lost, ck->lost));
		return (0);
	case PFR_LOST:
		/* Counts add up to what a JSON number carries exactly. */
		if (r->count > STR_JSON_MAX_INT - ck->lost)
			return (refuse(why, size, "count: %" PRIu64 " makes more "
			    "than %" PRIu64 " lost in all", r->count,
			    STR_JSON_MAX_INT));
		ck->lost += r->count;
		return (0);
	default:
		break;
	}
	if ((p = find_pid(ck, r->pid)) == NULL)
		return (refuse(why, size, "pid: process %d has no proc record",
		    r->pid));
	switch (r->type) {
	case PFR_FAULT:
		ck->faults++;
		return (0);
	case PFR_ADD:
		return (check_add(ck, r, p, why, size));
	case PFR_CHANGE:
	case PFR_REMOVE:
		return (check_other(ck, r, p, why, size));
	default:
		return (0);
	}
}

void
pfcheck_free(struct pfcheck *ck)
{
	free(ck->ids);
	free(ck->pids);
	ck->ids = NULL;
	ck->pids = NULL;
	ck->nids = ck->capids = ck->npids = ck->cappids = 0;
}
