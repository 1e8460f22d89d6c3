/*
 * pftrace-check.c - check each record of a trace against the ones before
 * it (see pftrace-check.h). The reader keeps the region ids given so far
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
#include "pftrace-format.h"
#include "pftrace-check.h"
#include "proc.h"
#include "str-escape.h"

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
find_id(const struct pftrace_reader *rd, uint64_t id)
{
	size_t	lo = 0, hi = rd->nids, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (rd->ids[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < rd->nids && rd->ids[lo].id == id)
		return (&rd->ids[lo]);
	return (NULL);
}

/* Where pid is, or would go, in the sorted pids. */
static size_t
pid_slot(const struct pftrace_reader *rd, int pid)
{
	size_t	lo = 0, hi = rd->npids, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (rd->pids[mid].pid < pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (lo);
}

/* The process pid, or NULL if no proc record started it. */
static struct pftrace_pid *
find_pid(const struct pftrace_reader *rd, int pid)
{
	size_t	i = pid_slot(rd, pid);

	if (i < rd->npids && rd->pids[i].pid == pid)
		return (&rd->pids[i]);
	return (NULL);
}

/* An info page_size: once, before any region, a sane size. */
static int
check_page_size(struct pftrace_reader *rd, const struct pf_rec *r, char *why,
    size_t size)
{
	uint64_t	 v;
	char		*end;

	errno = 0;
	v = strtoull(r->value, &end, 10);
	if (r->value[0] < '0' || r->value[0] > '9' || *end != '\0' ||
	    errno != 0)
		return (refuse(why, size, "page_size: not a decimal number"));
	if ((v & (v - 1)) != 0 || v == 0)
		return (refuse(why, size, "page_size: %" PRIu64 " is not a "
		    "power of two", v));
	if (!page_size_sane(v))
		return (refuse(why, size, "page_size: %" PRIu64 " is out of "
		    "range (%u..%u)", v, PAGE_SIZE_MIN, PAGE_SIZE_MAX));
	if (rd->page_given)
		return (refuse(why, size, "page_size: given twice"));
	if (rd->started)
		return (refuse(why, size, "page_size: given after the first "
		    "record"));
	rd->page_given = true;
	rd->page_size = v;
	for (rd->page_shift = 0; (UINT64_C(1) << rd->page_shift) < v;
	    rd->page_shift++)
		;
	return (0);
}

/* A proc record: a process starts, or starts again once it has none. */
static int
check_proc(struct pftrace_reader *rd, const struct pf_rec *r, char *why,
    size_t size)
{
	struct pftrace_pid	*p, *np;
	size_t			 i;

	if ((p = find_pid(rd, r->pid)) != NULL) {
		if (p->live != 0)
			return (refuse(why, size, "pid: %d starts again while "
			    "%zu of its regions are there", r->pid, p->live));
		return (0);
	}
	np = array_reserve(rd->pids, rd->npids + 1, &rd->cappids,
	    sizeof *rd->pids);
	if (np == NULL)
		return (refuse(why, size, "out of memory"));
	rd->pids = np;
	i = pid_slot(rd, r->pid);
	memmove(rd->pids + i + 1, rd->pids + i,
	    (rd->npids - i) * sizeof *rd->pids);
	rd->pids[i].pid = r->pid;
	rd->pids[i].live = 0;
	rd->npids++;
	return (0);
}

/* START and END of an add or change: aligned to the page size. */
static int
check_geometry(const struct pftrace_reader *rd, const struct pf_rec *r,
    char *why, size_t size)
{
	if (r->vma.start % rd->page_size != 0)
		return (refuse(why, size, "start: %" PRIx64 " is not a "
		    "multiple of the page size %" PRIu64, r->vma.start,
		    rd->page_size));
	if (r->vma.end % rd->page_size != 0)
		return (refuse(why, size, "end: %" PRIx64 " is not a multiple "
		    "of the page size %" PRIu64, r->vma.end, rd->page_size));
	return (0);
}

/* A region id an add, change or remove names as a link (0: none). */
static int
check_link(const struct pftrace_reader *rd, uint64_t link, const char *field,
    char *why, size_t size)
{
	if (link != 0 && find_id(rd, link) == NULL)
		return (refuse(why, size, "%s: region %" PRIu64 " was never "
		    "added", field, link));
	return (0);
}

/* An add record: a new id, above every id before it. */
static int
check_add(struct pftrace_reader *rd, const struct pf_rec *r,
    struct pftrace_pid *p, char *why, size_t size)
{
	struct pftrace_id	*e, *ids;

	if (r->id > STR_JSON_MAX_INT)
		return (refuse(why, size, "id: %" PRIu64 " is out of range (1..%"
		    PRIu64 ")", r->id, STR_JSON_MAX_INT));
	if (rd->nids > 0 && r->id <= rd->ids[rd->nids - 1].id)
		return (refuse(why, size, "id: %" PRIu64 " is not above the "
		    "last region id %" PRIu64, r->id,
		    rd->ids[rd->nids - 1].id));
	if (check_link(rd, r->link, "parent", why, size) == -1 ||
	    check_geometry(rd, r, why, size) == -1)
		return (-1);
	ids = array_reserve(rd->ids, rd->nids + 1, &rd->capids,
	    sizeof *rd->ids);
	if (ids == NULL)
		return (refuse(why, size, "out of memory"));
	rd->ids = ids;
	e = &rd->ids[rd->nids++];
	e->id = r->id;
	e->pid = r->pid;
	e->live = true;
	p->live++;
	return (0);
}

/* A change or remove record: a region of this process still there. */
static int
check_other(struct pftrace_reader *rd, const struct pf_rec *r,
    struct pftrace_pid *p, char *why, size_t size)
{
	struct pftrace_id	*e;

	if ((e = find_id(rd, r->id)) == NULL)
		return (refuse(why, size, "id: region %" PRIu64 " was never "
		    "added", r->id));
	if (!e->live)
		return (refuse(why, size, "id: region %" PRIu64 " was "
		    "removed before", r->id));
	if (e->pid != r->pid)
		return (refuse(why, size, "pid: region %" PRIu64 " is of "
		    "process %d, not %d", r->id, e->pid, r->pid));
	if (r->type == PFR_CHANGE)
		return (check_geometry(rd, r, why, size));
	if (check_link(rd, r->link, "into", why, size) == -1)
		return (-1);
	e->live = false;
	p->live--;
	return (0);
}

int
pfcheck_record(struct pftrace_reader *rd, const struct pf_rec *r,
    char *why, size_t size)
{
	struct pftrace_pid	*p;

	if (r->type == PFR_INFO) {
		if (strcmp(r->key, "page_size") == 0)
			return (check_page_size(rd, r, why, size));
		return (0);
	}
	rd->started = true;
	switch (r->type) {
	case PFR_PROC:
		return (check_proc(rd, r, why, size));
	case PFR_END:
		if (r->count != rd->faults)
			return (refuse(why, size, "faults: %" PRIu64 ", but the "
			    "trace holds %" PRIu64 " fault records", r->count,
			    rd->faults));
		if (r->lost != rd->lost)
			return (refuse(why, size, "lost: %" PRIu64 ", but the "
			    "lost records count %" PRIu64, r->lost, rd->lost));
		return (0);
	case PFR_LOST:
		/* Counts add up to what a JSON number carries exactly. */
		if (r->count > STR_JSON_MAX_INT - rd->lost)
			return (refuse(why, size, "count: %" PRIu64 " makes more "
			    "than %" PRIu64 " lost in all", r->count,
			    STR_JSON_MAX_INT));
		rd->lost += r->count;
		return (0);
	default:
		break;
	}
	if ((p = find_pid(rd, r->pid)) == NULL)
		return (refuse(why, size, "pid: process %d has no proc record",
		    r->pid));
	switch (r->type) {
	case PFR_FAULT:
		rd->faults++;
		return (0);
	case PFR_ADD:
		return (check_add(rd, r, p, why, size));
	case PFR_CHANGE:
	case PFR_REMOVE:
		return (check_other(rd, r, p, why, size));
	default:
		return (0);
	}
}

void
pfcheck_free(struct pftrace_reader *rd)
{
	free(rd->ids);
	free(rd->pids);
	rd->ids = NULL;
	rd->pids = NULL;
	rd->nids = rd->capids = rd->npids = rd->cappids = 0;
}
