/*
 * pftrace-report.c - replay a tracepgfault trace into per-region fault
 * maps and print them: one row per region identity in the course format
 * (one character a page, X where a fault happened), with when and why it
 * was added and removed, its faults by kind and, when they changed, its
 * permissions through its life (pftrace-perms.c); a timeline (faults per
 * interval per region); or JSON.
 *
 * The layout is pftrace-regions.c's: it applies the add, change and
 * remove records and places each fault shown (the region holding its
 * address when the record was read, or [stack] growing), as it does for
 * sdtop --replay. This file keeps the summary of each region identity
 * (its life, its faults) and prints them. A row spans every geometry its
 * region had (a heap that grew shows its largest extent). Times are
 * nanoseconds since the start, printed as seconds.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "cause.h"
#include "page.h"
#include "pageset.h"
#include "pftrace-format.h"
#include "pftrace-perms.h"
#include "pftrace-read.h"
#include "pftrace-regions.h"
#include "pftrace-report.h"
#include "proc.h"
#include "render.h"
#include "snapshot.h"
#include "str-escape.h"

/* Rows of more pages (256 MiB) are drawn with several pages a cell. */
#define MAX_ROW_CELLS	RENDER_MAX_CELLS
#define MAX_TIMELINE	100000

static struct pfrep_proc *
proc_get(const struct pfreport *rep, int pid)
{
	size_t	i;

	for (i = rep->np; i > 0; i--) {
		if (rep->p[i - 1].pid == pid)
			return (&rep->p[i - 1]);
	}
	return (NULL);
}

/* The summary of region id (the reader keeps ids increasing), or NULL. */
static struct pfrep_region *
region_get(const struct pfreport *rep, uint64_t id)
{
	size_t	lo = 0, hi = rep->nr, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (rep->r[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (lo < rep->nr && rep->r[lo].id == id ? &rep->r[lo] : NULL);
}

/* Give summary r the geometry of region g: its name becomes r's. */
static void
region_take(struct pfrep_region *r, struct pfregion *g)
{
	r->vma = g->vma;
	r->lo = g->lo;
	r->hi = g->hi;
	g->vma.name = NULL;
}

/* The cause of a failed table update, from its errno. */
static const char *
table_error(void)
{
	if (errno == ENOMEM)
		return ("out of memory");
	if (errno == EEXIST)
		return ("id: a region id added twice");
	return ("id: not a live region of this process");
}

/*
 * Apply an add record to the table and start the region's summary. The
 * reader has checked it: its process started, its id is above every one
 * before (so rep->r stays in id order), its parent exists.
 */
static const char *
apply_add(struct pfreport *rep, struct pfregions *t, const struct pf_rec *rec)
{
	struct pfrep_region	*r;

	if (proc_get(rep, rec->pid) == NULL)
		return ("pid: process has no proc record");
	r = array_reserve(rep->r, rep->nr + 1, &rep->capr, sizeof *r);
	if (r == NULL)
		return ("out of memory");
	rep->r = r;
	if (pfregions_add(t, rec) == -1)
		return (table_error());
	r = &rep->r[rep->nr++];
	memset(r, 0, sizeof *r);
	r->id = rec->id;
	r->pid = rec->pid;
	r->lo = rec->vma.start;
	r->hi = rec->vma.end;
	r->added = rec->time;
	r->removed = UINT64_MAX;
	memcpy(r->added_by, rec->cause, sizeof r->added_by);
	r->parent = rec->link;
	r->live = true;
	if (pfperms_note(&r->hist, rec->time, rec->vma.perms, rec->cause) ==
	    -1)
		return ("out of memory");
	return (NULL);
}

/*
 * Apply a change or remove record (checked by the reader, as an add). A
 * removed region's summary takes its last geometry.
 */
static const char *
apply_other(struct pfreport *rep, struct pfregions *t, const struct pf_rec *rec)
{
	struct pfrep_region	*r = region_get(rep, rec->id);
	struct pfregion		 gone;

	if (r == NULL)
		return ("id: not a live region of this process");
	if (rec->type == PFR_CHANGE) {
		if (pfregions_change(t, rec) == -1)
			return (table_error());
		r->changes++;
		if (pfperms_note(&r->hist, rec->time, rec->vma.perms,
		    rec->cause) == -1)
			return ("out of memory");
		return (NULL);
	}
	if (pfregions_remove(t, rec, &gone) == -1)
		return (table_error());
	region_take(r, &gone);
	r->live = false;
	r->removed = rec->time;
	memcpy(r->removed_by, rec->cause, sizeof r->removed_by);
	r->into = rec->link;
	return (NULL);
}

/*
 * Apply a fault record: one that passes the filters is placed by the
 * table and counted in its region's summary.
 */
static const char *
apply_fault(struct pfreport *rep, struct pfregions *t, const struct pf_rec *rec,
    const struct pfreport_options *o)
{
	struct pfrep_proc	*p;
	struct pfrep_region	*r;
	struct pfregion		*g;
	struct pfrep_fault	*n;

	rep->faults++;
	if ((p = proc_get(rep, rec->pid)) == NULL)
		return ("pid: process has no proc record");
	if (rec->time < o->from || rec->time >= o->to ||
	    (o->tid != 0 && rec->tid != o->tid) ||
	    (o->pid != 0 && rec->pid != o->pid) ||
	    (o->writes && rec->kind != PF_KIND_WRITE))
		return (NULL);
	rep->shown++;
	p->faults++;
	g = pfregions_place(t, rec->pid, rec->addr, rep->page);
	if (g == NULL || (r = region_get(rep, g->id)) == NULL) {
		rep->outside++;
		return (NULL);
	}
	r->kind[rec->kind]++;
	pfperms_fault(&r->hist, rec->time, rec->kind);
	if (rec->sev == PF_SEV_MAJOR)
		r->major++;
	else if (rec->sev == PF_SEV_MINOR)
		r->minor++;
	else if (rec->sev == PF_SEV_NONE)
		r->incomplete++;
	if ((n = array_reserve(r->f, r->nf + 1, &r->capf, sizeof *n)) == NULL)
		return ("out of memory");
	r->f = n;
	r->f[r->nf].time = rec->time;
	r->f[r->nf++].page = rec->addr / rep->page;
	return (NULL);
}

/* Apply a proc, thread, info, lost or end record. */
static const char *
apply_misc(struct pfreport *rep, const struct pf_rec *rec)
{
	struct pfrep_proc	*p, *n;

	switch (rec->type) {
	case PFR_INFO:
		if (strcmp(rec->key, "command") == 0) {
			free(rep->command);
			if ((rep->command = strdup(rec->value)) == NULL)
				return ("out of memory");
		} else if (strcmp(rec->key, "kinds") == 0)
			rep->have_kind = strcmp(rec->value, "none") != 0;
		return (NULL);
	case PFR_PROC:
		if ((p = proc_get(rep, rec->pid)) == NULL) {
			n = array_reserve(rep->p, rep->np + 1, &rep->capp,
			    sizeof *n);
			if (n == NULL)
				return ("out of memory");
			rep->p = n;
			p = &rep->p[rep->np++];
			memset(p, 0, sizeof *p);
		}
		p->pid = rec->pid;
		p->ppid = rec->ppid;
		memcpy(p->how, rec->how, sizeof p->how);
		return (NULL);
	case PFR_THREAD:
		if ((p = proc_get(rep, rec->pid)) == NULL)
			return ("pid: process has no proc record");
		p->threads++;
		return (NULL);
	case PFR_LOST:
		rep->lost = rec->count > UINT64_MAX - rep->lost ? UINT64_MAX :
		    rep->lost + rec->count;
		rep->lost_records++;
		return (NULL);
	case PFR_END:
		rep->end = rec->time;
		return (NULL);
	default:
		return (NULL);
	}
}

/* The regions still live at the end give their summaries their geometry. */
static void
take_live(struct pfreport *rep, struct pfregions *t)
{
	struct pfrep_region	*r;
	size_t			 i, j;

	for (i = 0; i < t->np; i++) {
		for (j = 0; j < t->p[i].n; j++) {
			if ((r = region_get(rep, t->p[i].r[j].id)) != NULL)
				region_take(r, &t->p[i].r[j]);
		}
	}
}

int
pfreport_load(struct pfreport *rep, FILE *f, const struct pfreport_options *o,
    char **cause)
{
	struct pftrace_reader	 rd;
	struct pfregions	 t;
	struct pf_rec		 rec;
	const char		*why;
	int			 n;

	memset(rep, 0, sizeof *rep);
	rep->page = page_size();
	if (pftrace_reader_open(&rd, f, cause) != 0)
		return (-1);
	pfregions_init(&t);
	while ((n = pftrace_read(&rd, &rec, cause)) == 1) {
		/* The reader took the trace's page size, checked. */
		rep->page = rd.check.page_size;
		switch (rec.type) {
		case PFR_ADD:
			why = apply_add(rep, &t, &rec);
			break;
		case PFR_CHANGE:
		case PFR_REMOVE:
			why = apply_other(rep, &t, &rec);
			break;
		case PFR_FAULT:
			why = apply_fault(rep, &t, &rec, o);
			break;
		default:
			why = apply_misc(rep, &rec);
			break;
		}
		pftrace_rec_free(&rec);
		if (why != NULL) {
			*cause = cause_fmt("%lu: %s", rd.line, why);
			n = -1;
			break;
		}
	}
	pftrace_reader_close(&rd);
	take_live(rep, &t);
	pfregions_free(&t);
	if (n != 0) {
		pfreport_free(rep);
		return (-1);
	}
	return (0);
}

void
pfreport_free(struct pfreport *rep)
{
	size_t	i;

	for (i = 0; i < rep->nr; i++) {
		free(rep->r[i].vma.name);
		free(rep->r[i].f);
		pfperms_free(&rep->r[i].hist);
	}
	free(rep->r);
	free(rep->p);
	free(rep->command);
	memset(rep, 0, sizeof *rep);
}

static const struct pfreport *sort_rep;

/* Order rows: by process, then address, then when they were added. */
static int
cmp_rows(const void *a, const void *b)
{
	const struct pfrep_region *x = *(const struct pfrep_region *const *)a;
	const struct pfrep_region *y = *(const struct pfrep_region *const *)b;
	const struct pfrep_proc	  *px = proc_get(sort_rep,
	    x->pid);
	const struct pfrep_proc	  *py = proc_get(sort_rep,
	    y->pid);

	if (px != py)
		return (px < py ? -1 : 1);
	if (x->lo != y->lo)
		return (x->lo < y->lo ? -1 : 1);
	if (x->added != y->added)
		return (x->added < y->added ? -1 : 1);
	return (x->id < y->id ? -1 : 1);
}

/* The rows to print, sorted; NULL on allocation failure. */
static struct pfrep_region **
rows(const struct pfreport *rep, const struct pfreport_options *o, size_t *n)
{
	struct pfrep_region	**v;
	size_t			  i;

	if ((v = calloc(rep->nr + 1, sizeof *v)) == NULL)
		return (NULL);
	*n = 0;
	for (i = 0; i < rep->nr; i++) {
		if (rep->r[i].id != 0 && (o->pid == 0 ||
		    rep->r[i].pid == o->pid))
			v[(*n)++] = &rep->r[i];
	}
	sort_rep = rep;
	if (*n > 1)
		qsort(v, *n, sizeof *v, cmp_rows);
	return (v);
}

/* The row of r as a snapshot VMA whose written pages are the faulted. */
static int
row_vma(const struct pfreport *rep, const struct pfrep_region *r,
    struct snap_vma *sv)
{
	size_t	i;

	memset(sv, 0, sizeof *sv);
	sv->vma = r->vma;
	sv->vma.start = r->lo;
	sv->vma.end = r->hi;
	sv->npages = (r->hi - r->lo) / rep->page;
	sv->tracked = true;
	if ((sv->written = pageset_new(sv->npages)) == NULL)
		return (-1);
	for (i = 0; i < r->nf; i++) {
		if (r->f[i].page >= r->lo / rep->page &&
		    r->f[i].page < r->hi / rep->page &&
		    pageset_add(sv->written, r->f[i].page - r->lo /
		    rep->page) == -1) {
			pageset_free(sv->written);
			return (-1);
		}
	}
	sv->dirty = pageset_count(sv->written);
	return (0);
}

/*
 * The row of a region too large for a cell a page: MAX_ROW_CELLS cells
 * at most, X where any page of the cell faulted. *zoom: pages a cell.
 */
static char *
zoomed_row(const struct pfreport *rep, const struct pfrep_region *r,
    uint64_t *zoom)
{
	uint64_t	 npages = (r->hi - r->lo) / rep->page, n, first;
	char		*buf;
	size_t		 i;

	*zoom = (npages + MAX_ROW_CELLS - 1) / MAX_ROW_CELLS;
	n = (npages + *zoom - 1) / *zoom;
	if ((buf = malloc(n + 1)) == NULL)
		return (NULL);
	memset(buf, '.', n);
	buf[n] = '\0';
	first = r->lo / rep->page;
	for (i = 0; i < r->nf; i++) {
		if (r->f[i].page >= first && r->f[i].page - first < npages)
			buf[(r->f[i].page - first) / *zoom] = 'X';
	}
	return (buf);
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t	x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x < y ? -1 : x > y);
}

static double
secs(uint64_t ns)
{
	return ((double)ns / 1e9);
}

/* The life and counts line under a row. */
static void
print_life(FILE *out, const struct pfrep_region *r)
{
	fprintf(out, "        id %" PRIu64 ", added %.6f s (%s)", r->id,
	    secs(r->added), r->added_by);
	if (r->parent != 0)
		fprintf(out, " split from %" PRIu64, r->parent);
	if (r->removed != UINT64_MAX)
		fprintf(out, ", removed %.6f s (%s)", secs(r->removed),
		    r->removed_by);
	else
		fprintf(out, ", never removed");
	if (r->into != 0)
		fprintf(out, " merged into %" PRIu64, r->into);
	if (r->changes != 0)
		fprintf(out, ", changed %u times", r->changes);
	fprintf(out, "; faults %zu: read %" PRIu64 " write %" PRIu64 " exec %"
	    PRIu64 " unknown %" PRIu64 "; minor %" PRIu64 " major %" PRIu64
	    " incomplete %" PRIu64 "\n", r->nf, r->kind[PF_KIND_READ],
	    r->kind[PF_KIND_WRITE], r->kind[PF_KIND_EXEC],
	    r->kind[PF_KIND_UNKNOWN], r->minor, r->major, r->incomplete);
}

/* The intervals of the timeline (MAX_TIMELINE at most), from o->from. */
static uint64_t
timeline_bins(const struct pfreport *rep, const struct pfreport_options *o)
{
	uint64_t	 start = o->from, stop, nbins;

	stop = o->to != UINT64_MAX && o->to < rep->end ? o->to : rep->end;
	if (stop <= start)
		stop = start + 1;
	nbins = (stop - start) / o->timeline +
	    ((stop - start) % o->timeline != 0);
	return (nbins > MAX_TIMELINE ? MAX_TIMELINE : nbins);
}

/*
 * Count the faults of r per interval into bins[0..nbins); the last
 * interval takes the faults past it.
 */
static void
timeline_count(const struct pfrep_region *r, const struct pfreport_options *o,
    uint64_t *bins, uint64_t nbins)
{
	uint64_t	 b;
	size_t		 j;

	memset(bins, 0, nbins * sizeof *bins);
	for (j = 0; j < r->nf; j++) {
		b = (r->f[j].time - o->from) / o->timeline;
		bins[b < nbins ? b : nbins - 1]++;
	}
}

/* The timeline: one count per interval per region that faulted. */
static int
print_timeline(FILE *out, const struct pfreport *rep,
    const struct pfreport_options *o, struct pfrep_region **v, size_t n)
{
	uint64_t	 nbins, *bins, b;
	char		 name[128];
	size_t		 i, len, width;

	nbins = timeline_bins(rep, o);
	if ((bins = calloc(nbins, sizeof *bins)) == NULL)
		return (-1);
	fprintf(out, "Timeline: %" PRIu64 " intervals of %.6f s from %.6f s; "
	    "faults per interval\n", nbins, secs(o->timeline), secs(o->from));
	for (i = 0; i < n; i++) {
		if (v[i]->nf == 0)
			continue;
		timeline_count(v[i], o, bins, nbins);
		/* The name in 24 columns, cut between characters. */
		str_escape(name, sizeof name, v[i]->vma.name, 0);
		len = str_fit(name, 24, &width);
		fprintf(out, "  id %4" PRIu64 " %016" PRIx64 " %.*s%*s |",
		    v[i]->id, v[i]->lo, (int)len, name, (int)(24 - width), "");
		for (b = 0; b < nbins; b++)
			fprintf(out, "%s%" PRIu64, b > 0 ? " " : "", bins[b]);
		fprintf(out, "|\n");
	}
	free(bins);
	return (0);
}

static int
print_text(FILE *out, const struct pfreport *rep,
    const struct pfreport_options *o, struct pfrep_region **v, size_t n)
{
	struct snap_vma		 sv;
	const struct pfrep_proc	*p, *last = NULL;
	char			*buf;
	uint64_t		 npages, zoom;
	size_t			 i;

	fputs("Trace of: ", out);
	str_escape_put(out, rep->command != NULL ? rep->command :
	    "(unknown command)");
	fprintf(out, "\nFaults: %" PRIu64 " recorded, %" PRIu64 " shown, %"
	    PRIu64 " of them in no region; lost by the kernel: %" PRIu64
	    " in %u records; read/write/exec known: %s\n", rep->faults,
	    rep->shown, rep->outside, rep->lost, rep->lost_records,
	    rep->have_kind ? "yes" : "no");
	for (i = 0; i < n; i++) {
		p = proc_get(rep, v[i]->pid);
		if (p != last) {
			fprintf(out, "Process %d (%s", p->pid, p->how);
			if (p->ppid != 0)
				fprintf(out, " of %d", p->ppid);
			fprintf(out, "), %u threads, %" PRIu64 " faults shown:\n",
			    p->threads, p->faults);
			last = p;
		}
		npages = (v[i]->hi - v[i]->lo) / rep->page;
		if (npages <= MAX_ROW_CELLS) {
			if (row_vma(rep, v[i], &sv) != 0)
				return (-1);
			if ((buf = malloc(sv.npages + 1)) == NULL) {
				pageset_free(sv.written);
				return (-1);
			}
			render_row(&sv, 1, 0, true, buf, sv.npages + 1);
			pageset_free(sv.written);
			zoom = 1;
		} else if ((buf = zoomed_row(rep, v[i], &zoom)) == NULL)
			return (-1);
		fprintf(out, "Region: %016" PRIx64 " - %016" PRIx64 " (%4"
		    PRIu64 " pages): |%s|  %.4s ", v[i]->lo, v[i]->hi, npages,
		    buf, v[i]->vma.perms);
		str_escape_put(out, v[i]->vma.name);
		if (v[i]->vma.deleted)
			fputs(" (deleted)", out);
		if (zoom > 1)
			fprintf(out, "  [%" PRIu64 " pages a cell]", zoom);
		fputc('\n', out);
		free(buf);
		print_life(out, v[i]);
		pfperms_print(out, &v[i]->hist);
	}
	if (o->timeline != 0 && print_timeline(out, rep, o, v, n) != 0)
		return (-1);
	return (0);
}

/* The distinct faulted pages of r, as indexes from its start, in order. */
static int
json_faulted_pages(FILE *out, const struct pfreport *rep,
    const struct pfrep_region *r)
{
	uint64_t	*idx;
	size_t		 i;

	if ((idx = calloc(r->nf + 1, sizeof *idx)) == NULL)
		return (-1);
	for (i = 0; i < r->nf; i++)
		idx[i] = r->f[i].page - r->lo / rep->page;
	if (r->nf > 1)
		qsort(idx, r->nf, sizeof *idx, cmp_u64);
	fputc('[', out);
	for (i = 0; i < r->nf; i++) {
		if (i == 0 || idx[i] != idx[i - 1])
			fprintf(out, "%s%" PRIu64, i == 0 ? "" : ",", idx[i]);
	}
	fputc(']', out);
	free(idx);
	return (0);
}

/* One region as a JSON object. */
static int
json_region(FILE *out, const struct pfreport *rep,
    const struct pfrep_region *r, const struct pfreport_options *o,
    uint64_t *bins, uint64_t nbins)
{
	uint64_t	 b;

	fprintf(out, "{\"id\":%" PRIu64 ",\"pid\":%d,\"start\":\"0x%" PRIx64
	    "\",\"end\":\"0x%" PRIx64 "\",\"perms\":", r->id, r->pid, r->lo,
	    r->hi);
	str_json_put(out, r->vma.perms);
	fputs(",\"name\":", out);
	str_json_put(out, r->vma.name);
	fprintf(out, ",\"pages\":%" PRIu64 ",\"added\":%.9f,\"added_by\":",
	    (r->hi - r->lo) / rep->page, secs(r->added));
	str_json_put(out, r->added_by);
	if (r->removed != UINT64_MAX) {
		fprintf(out, ",\"removed\":%.9f,\"removed_by\":",
		    secs(r->removed));
		str_json_put(out, r->removed_by);
	} else
		fputs(",\"removed\":null,\"removed_by\":null", out);
	if (r->parent != 0)
		fprintf(out, ",\"split_from\":%" PRIu64, r->parent);
	else
		fputs(",\"split_from\":null", out);
	fprintf(out, ",\"changes\":%u,\"faulted_pages\":", r->changes);
	if (json_faulted_pages(out, rep, r) == -1)
		return (-1);
	fprintf(out, ",\"faults\":{\"read\":%" PRIu64 ",\"write\":%" PRIu64
	    ",\"exec\":%" PRIu64 ",\"unknown\":%" PRIu64 ",\"minor\":%" PRIu64
	    ",\"major\":%" PRIu64 ",\"incomplete\":%" PRIu64 "}",
	    r->kind[PF_KIND_READ], r->kind[PF_KIND_WRITE],
	    r->kind[PF_KIND_EXEC], r->kind[PF_KIND_UNKNOWN], r->minor,
	    r->major, r->incomplete);
	if (r->into != 0)
		fprintf(out, ",\"merged_into\":%" PRIu64, r->into);
	pfperms_json(out, &r->hist);
	if (o->timeline != 0) {
		timeline_count(r, o, bins, nbins);
		fputs(",\"timeline\":[", out);
		for (b = 0; b < nbins; b++)
			fprintf(out, "%s%" PRIu64, b > 0 ? "," : "", bins[b]);
		fputc(']', out);
	}
	fputc('}', out);
	return (0);
}

/*
 * The whole report as one JSON object on one line, written as it goes;
 * strings through str_json_put(), so any name makes valid JSON.
 */
static int
print_json(FILE *out, const struct pfreport *rep,
    const struct pfreport_options *o, struct pfrep_region **v, size_t n)
{
	uint64_t	*bins = NULL, nbins = 0;
	size_t		 i;

	if (o->timeline != 0) {
		nbins = timeline_bins(rep, o);
		if ((bins = calloc(nbins, sizeof *bins)) == NULL)
			return (-1);
	}
	fprintf(out, "{\"version\":%d,\"command\":", PFTRACE_VERSION);
	if (rep->command != NULL)
		str_json_put(out, rep->command);
	else
		fputs("null", out);
	fprintf(out, ",\"page_size\":%zu,\"kinds\":%s,\"faults\":%" PRIu64
	    ",\"shown\":%" PRIu64 ",\"outside\":%" PRIu64 ",\"lost\":%" PRIu64
	    ",\"lost_records\":%u,\"end\":%.9f", rep->page,
	    rep->have_kind ? "true" : "false", rep->faults, rep->shown,
	    rep->outside, rep->lost, rep->lost_records, secs(rep->end));
	if (o->timeline != 0)
		fprintf(out, ",\"interval\":%.9f", secs(o->timeline));
	fputs(",\"processes\":[", out);
	for (i = 0; i < rep->np; i++) {
		fprintf(out, "%s{\"pid\":%d,\"ppid\":%d,\"how\":", i > 0 ?
		    "," : "", rep->p[i].pid, rep->p[i].ppid);
		str_json_put(out, rep->p[i].how);
		fprintf(out, ",\"threads\":%u,\"faults\":%" PRIu64 "}",
		    rep->p[i].threads, rep->p[i].faults);
	}
	fputs("],\"regions\":[", out);
	for (i = 0; i < n; i++) {
		if (i > 0)
			fputc(',', out);
		if (json_region(out, rep, v[i], o, bins, nbins) == -1) {
			free(bins);
			return (-1);
		}
	}
	fputs("]}\n", out);
	free(bins);
	return (0);
}

int
pfreport_print(FILE *out, const struct pfreport *rep,
    const struct pfreport_options *o)
{
	struct pfrep_region	**v;
	size_t			  n;
	int			  ret;

	if ((v = rows(rep, o, &n)) == NULL)
		return (-1);
	if (o->json)
		ret = print_json(out, rep, o, v, n);
	else
		ret = print_text(out, rep, o, v, n);
	free(v);
	if (ret == 0 && (fflush(out) != 0 || ferror(out)))
		ret = -1;
	return (ret);
}
