/*
 * pftrace-report.c - replay a tracepgfault trace into per-region fault
 * maps and print them: one row per region identity in the course format
 * (one character a page, X where a fault happened), with when and why it
 * was added and removed and its faults by kind; a timeline (faults per
 * interval per region); or JSON.
 *
 * A row spans every geometry its region had (a heap that grew shows its
 * largest extent). Faults are attributed to the region that held their
 * address when the record was read. Times are nanoseconds since the
 * start, printed as seconds.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "bitmap.h"
#include "pftrace.h"
#include "pftrace-report.h"
#include "proc.h"
#include "render.h"
#include "snapshot.h"

#define MAX_REGION_ID	100000000ULL
/* Rows of more pages (256 MiB) are drawn with several pages a cell. */
#define MAX_ROW_CELLS	65536
#define MAX_TIMELINE	100000

static struct pfrep_proc *
proc_get(struct pfreport *rep, int pid)
{
	size_t	i;

	for (i = rep->np; i > 0; i--) {
		if (rep->p[i - 1].pid == pid)
			return (&rep->p[i - 1]);
	}
	return (NULL);
}

static struct pfrep_region *
region_get(struct pfreport *rep, uint64_t id)
{
	if (id == 0 || id > rep->nr || rep->r[id - 1].id == 0)
		return (NULL);
	return (&rep->r[id - 1]);
}

static const struct pfreport *sort_rep;

static int
cmp_live(const void *a, const void *b)
{
	uint64_t	x = sort_rep->r[*(const uint64_t *)a - 1].vma.start;
	uint64_t	y = sort_rep->r[*(const uint64_t *)b - 1].vma.start;

	return (x < y ? -1 : x > y);
}

/*
 * The live region of p that holds addr. The stack grows down on a fault
 * with no system call to tell us (mm/mmap.c, expand_stack()), so a fault
 * just under [stack] and above the region beneath it is the stack's.
 */
static struct pfrep_region *
region_at(struct pfreport *rep, struct pfrep_proc *p, uint64_t addr)
{
	struct pfrep_region	*r;
	size_t			 lo = 0, hi = p->nlive, mid;

	if (!p->sorted && p->nlive > 1) {
		sort_rep = rep;
		qsort(p->live, p->nlive, sizeof *p->live, cmp_live);
		p->sorted = true;
	}
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (rep->r[p->live[mid] - 1].vma.end <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == p->nlive)
		return (NULL);
	r = &rep->r[p->live[lo] - 1];
	if (addr >= r->vma.start)
		return (r);
	if (strcmp(r->vma.name, "[stack]") == 0) {
		addr &= ~((uint64_t)rep->page - 1);
		if (addr < r->lo)
			r->lo = addr;
		return (r);
	}
	return (NULL);
}

static int
live_add(struct pfrep_proc *p, uint64_t id)
{
	uint64_t	*n;

	if (p->nlive == p->caplive) {
		n = reallocarray(p->live, p->caplive * 2 + 16, sizeof *n);
		if (n == NULL)
			return (-1);
		p->live = n;
		p->caplive = p->caplive * 2 + 16;
	}
	p->live[p->nlive++] = id;
	p->sorted = false;
	return (0);
}

static void
live_remove(struct pfrep_proc *p, uint64_t id)
{
	size_t	i;

	for (i = 0; i < p->nlive; i++) {
		if (p->live[i] == id) {
			memmove(p->live + i, p->live + i + 1,
			    (p->nlive - i - 1) * sizeof *p->live);
			p->nlive--;
			return;
		}
	}
}

/* Apply an add record. */
static const char *
apply_add(struct pfreport *rep, const struct pf_rec *rec)
{
	struct pfrep_proc	*p;
	struct pfrep_region	*r, *n;
	size_t			 want;

	if ((p = proc_get(rep, rec->pid)) == NULL)
		return ("region of a process with no proc record");
	if (rec->id > MAX_REGION_ID)
		return ("region id too large");
	if (rec->id <= rep->nr && rep->r[rec->id - 1].id != 0)
		return ("region id added twice");
	if (rec->link != 0 && region_get(rep, rec->link) == NULL)
		return ("split from an unknown region");
	if (rec->id > rep->capr) {
		want = rec->id > rep->capr * 2 ? rec->id : rep->capr * 2;
		if ((n = reallocarray(rep->r, want, sizeof *n)) == NULL)
			return ("out of memory");
		memset(n + rep->capr, 0, (want - rep->capr) * sizeof *n);
		rep->r = n;
		rep->capr = want;
	}
	if (rec->id > rep->nr)
		rep->nr = rec->id;
	r = &rep->r[rec->id - 1];
	r->id = rec->id;
	r->pid = rec->pid;
	r->vma = rec->vma;
	if ((r->vma.name = strdup(rec->vma.name != NULL ? rec->vma.name :
	    "")) == NULL)
		return ("out of memory");
	r->lo = rec->vma.start;
	r->hi = rec->vma.end;
	r->added = rec->time;
	r->removed = UINT64_MAX;
	memcpy(r->added_by, rec->cause, sizeof r->added_by);
	r->parent = rec->link;
	r->live = true;
	if (live_add(p, rec->id) != 0)
		return ("out of memory");
	return (NULL);
}

/* Apply a change or remove record. */
static const char *
apply_other(struct pfreport *rep, const struct pf_rec *rec)
{
	struct pfrep_region	*r = region_get(rep, rec->id);
	struct pfrep_proc	*p;

	if (r == NULL)
		return ("unknown region id");
	if (!r->live)
		return ("region already removed");
	if (r->pid != rec->pid || (p = proc_get(rep, rec->pid)) == NULL)
		return ("region of another process");
	if (rec->type == PFR_CHANGE) {
		r->vma.start = rec->vma.start;
		r->vma.end = rec->vma.end;
		r->vma.offset = rec->vma.offset;
		r->vma.prot = rec->vma.prot;
		memcpy(r->vma.perms, rec->vma.perms, sizeof r->vma.perms);
		if (rec->vma.start < r->lo)
			r->lo = rec->vma.start;
		if (rec->vma.end > r->hi)
			r->hi = rec->vma.end;
		r->changes++;
		p->sorted = false;
		return (NULL);
	}
	if (rec->link != 0 && region_get(rep, rec->link) == NULL)
		return ("merged into an unknown region");
	r->live = false;
	r->removed = rec->time;
	memcpy(r->removed_by, rec->cause, sizeof r->removed_by);
	r->into = rec->link;
	live_remove(p, rec->id);
	return (NULL);
}

/* Apply a fault record. */
static const char *
apply_fault(struct pfreport *rep, const struct pf_rec *rec,
    const struct pfreport_options *o)
{
	struct pfrep_proc	*p;
	struct pfrep_region	*r;
	struct pfrep_fault	*n;

	rep->faults++;
	if ((p = proc_get(rep, rec->pid)) == NULL)
		return ("fault of a process with no proc record");
	if (rec->time < o->from || rec->time >= o->to ||
	    (o->tid != 0 && rec->tid != o->tid) ||
	    (o->pid != 0 && rec->pid != o->pid) ||
	    (o->writes && rec->kind != PF_KIND_WRITE))
		return (NULL);
	rep->shown++;
	p->faults++;
	if ((r = region_at(rep, p, rec->addr)) == NULL) {
		rep->outside++;
		return (NULL);
	}
	r->kind[rec->kind]++;
	if (rec->sev == PF_SEV_MAJOR)
		r->major++;
	else if (rec->sev == PF_SEV_MINOR)
		r->minor++;
	else if (rec->sev == PF_SEV_NONE)
		r->incomplete++;
	if (r->nf == r->capf) {
		n = reallocarray(r->f, r->capf * 2 + 16, sizeof *n);
		if (n == NULL)
			return ("out of memory");
		r->f = n;
		r->capf = r->capf * 2 + 16;
	}
	r->f[r->nf].time = rec->time;
	r->f[r->nf++].page = rec->addr / rep->page;
	return (NULL);
}

/* Apply a proc, thread, info, lost or end record. */
static const char *
apply_misc(struct pfreport *rep, const struct pf_rec *rec)
{
	struct pfrep_proc	*p, *n;
	unsigned long		 v;
	char			*end;

	switch (rec->type) {
	case PFR_INFO:
		if (strcmp(rec->key, "page_size") == 0) {
			v = strtoul(rec->value, &end, 10);
			if (*end != '\0' || v < 512 || (v & (v - 1)) != 0)
				return ("bad page size");
			rep->page = v;
		} else if (strcmp(rec->key, "command") == 0) {
			free(rep->command);
			if ((rep->command = strdup(rec->value)) == NULL)
				return ("out of memory");
		} else if (strcmp(rec->key, "kinds") == 0)
			rep->have_kind = strcmp(rec->value, "none") != 0;
		return (NULL);
	case PFR_PROC:
		if ((p = proc_get(rep, rec->pid)) != NULL && p->nlive != 0)
			return ("process started twice");
		if (p == NULL) {
			if (rep->np == rep->capp) {
				n = reallocarray(rep->p, rep->capp * 2 + 4,
				    sizeof *n);
				if (n == NULL)
					return ("out of memory");
				rep->p = n;
				rep->capp = rep->capp * 2 + 4;
			}
			p = &rep->p[rep->np++];
			memset(p, 0, sizeof *p);
		}
		p->pid = rec->pid;
		p->ppid = rec->ppid;
		memcpy(p->how, rec->how, sizeof p->how);
		return (NULL);
	case PFR_THREAD:
		if ((p = proc_get(rep, rec->pid)) == NULL)
			return ("thread of a process with no proc record");
		p->threads++;
		return (NULL);
	case PFR_LOST:
		rep->lost += rec->count;
		rep->lost_records++;
		return (NULL);
	case PFR_END:
		if (rec->count != rep->faults)
			return ("the end record counts other faults than "
			    "the file holds");
		rep->end = rec->time;
		return (NULL);
	default:
		return (NULL);
	}
}

int
pfreport_load(struct pfreport *rep, FILE *f, const struct pfreport_options *o,
    char **cause)
{
	struct pftrace_reader	 rd;
	struct pf_rec		 rec;
	const char		*why;
	int			 n;

	memset(rep, 0, sizeof *rep);
	rep->page = page_size();
	if (pftrace_reader_open(&rd, f, cause) != 0)
		return (-1);
	while ((n = pftrace_read(&rd, &rec, cause)) == 1) {
		switch (rec.type) {
		case PFR_ADD:
			why = apply_add(rep, &rec);
			break;
		case PFR_CHANGE:
		case PFR_REMOVE:
			why = apply_other(rep, &rec);
			break;
		case PFR_FAULT:
			why = apply_fault(rep, &rec, o);
			break;
		default:
			why = apply_misc(rep, &rec);
			break;
		}
		pftrace_rec_free(&rec);
		if (why != NULL) {
			*cause = cause_fmt("line %lu: %s", rd.line, why);
			n = -1;
			break;
		}
	}
	pftrace_reader_close(&rd);
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
	}
	for (i = 0; i < rep->np; i++)
		free(rep->p[i].live);
	free(rep->r);
	free(rep->p);
	free(rep->command);
	memset(rep, 0, sizeof *rep);
}

/* Order rows: by process, then address, then when they were added. */
static int
cmp_rows(const void *a, const void *b)
{
	const struct pfrep_region *x = *(const struct pfrep_region *const *)a;
	const struct pfrep_region *y = *(const struct pfrep_region *const *)b;
	const struct pfrep_proc	  *px = proc_get((struct pfreport *)sort_rep,
	    x->pid);
	const struct pfrep_proc	  *py = proc_get((struct pfreport *)sort_rep,
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
	if ((sv->written = bitmap_new(sv->npages)) == NULL)
		return (-1);
	for (i = 0; i < r->nf; i++) {
		if (r->f[i].page >= r->lo / rep->page &&
		    r->f[i].page < r->hi / rep->page)
			bitmap_set(sv->written, r->f[i].page - r->lo /
			    rep->page);
	}
	sv->dirty = bitmap_count(sv->written, sv->npages);
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

/* The timeline: one count per interval per region that faulted. */
static int
print_timeline(FILE *out, const struct pfreport *rep,
    const struct pfreport_options *o, struct pfrep_region **v, size_t n)
{
	uint64_t	 start = o->from, stop, nbins, *bins, b;
	size_t		 i, j;

	stop = o->to != UINT64_MAX && o->to < rep->end ? o->to : rep->end;
	if (stop <= start)
		stop = start + 1;
	nbins = (stop - start + o->timeline - 1) / o->timeline;
	if (nbins > MAX_TIMELINE)
		nbins = MAX_TIMELINE;
	if ((bins = calloc(nbins, sizeof *bins)) == NULL)
		return (-1);
	fprintf(out, "Timeline: %" PRIu64 " intervals of %.6f s from %.6f s; "
	    "faults per interval\n", nbins, secs(o->timeline), secs(start));
	for (i = 0; i < n; i++) {
		if (v[i]->nf == 0)
			continue;
		memset(bins, 0, nbins * sizeof *bins);
		for (j = 0; j < v[i]->nf; j++) {
			b = (v[i]->f[j].time - start) / o->timeline;
			bins[b < nbins ? b : nbins - 1]++;
		}
		fprintf(out, "  id %4" PRIu64 " %016" PRIx64 " %-24.24s |",
		    v[i]->id, v[i]->lo, v[i]->vma.name);
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

	fprintf(out, "Trace of: %s\n", rep->command != NULL ? rep->command :
	    "(unknown command)");
	fprintf(out, "Faults: %" PRIu64 " recorded, %" PRIu64 " shown, %"
	    PRIu64 " of them in no region; lost by the kernel: %" PRIu64
	    " in %u records; read/write/exec known: %s\n", rep->faults,
	    rep->shown, rep->outside, rep->lost, rep->lost_records,
	    rep->have_kind ? "yes" : "no");
	for (i = 0; i < n; i++) {
		p = proc_get((struct pfreport *)rep, v[i]->pid);
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
				free(sv.written);
				return (-1);
			}
			render_row(&sv, 1, 0, true, buf, sv.npages + 1);
			free(sv.written);
			zoom = 1;
		} else if ((buf = zoomed_row(rep, v[i], &zoom)) == NULL)
			return (-1);
		fprintf(out, "Region: %016" PRIx64 " - %016" PRIx64 " (%4"
		    PRIu64 " pages): |%s|  %.4s %s%s", v[i]->lo, v[i]->hi,
		    npages, buf, v[i]->vma.perms, v[i]->vma.name,
		    v[i]->vma.deleted ? " (deleted)" : "");
		if (zoom > 1)
			fprintf(out, "  [%" PRIu64 " pages a cell]", zoom);
		fputc('\n', out);
		free(buf);
		print_life(out, v[i]);
	}
	if (o->timeline != 0 && print_timeline(out, rep, o, v, n) != 0)
		return (-1);
	return (0);
}

static json_t *
hex(uint64_t v)
{
	char	buf[32];

	snprintf(buf, sizeof buf, "0x%" PRIx64, v);
	return (json_stringn(buf, strlen(buf)));
}

/* One region as a JSON object. */
static json_t *
region_json(const struct pfreport *rep, const struct pfrep_region *r,
    const struct pfreport_options *o)
{
	json_t		*j, *pages, *tl;
	uint64_t	 nbins = 0, b, start = o->from, stop;
	uint64_t	*bins = NULL, *idx;
	size_t		 i;

	/* The distinct faulted pages, as indexes from the row's start. */
	if ((idx = calloc(r->nf + 1, sizeof *idx)) == NULL)
		return (NULL);
	for (i = 0; i < r->nf; i++)
		idx[i] = r->f[i].page - r->lo / rep->page;
	qsort(idx, r->nf, sizeof *idx, cmp_u64);
	pages = json_array();
	for (i = 0; i < r->nf; i++) {
		if (i == 0 || idx[i] != idx[i - 1])
			json_array_append_new(pages,
			    json_integer((json_int_t)idx[i]));
	}
	free(idx);
	j = json_pack("{s:I, s:i, s:o, s:o, s:s, s:s, s:I, s:f, s:s, s:o, "
	    "s:o, s:o, s:I, s:o, s:{s:I, s:I, s:I, s:I, s:I, s:I, s:I}}",
	    "id", (json_int_t)r->id, "pid", r->pid, "start", hex(r->lo),
	    "end", hex(r->hi), "perms", r->vma.perms, "name", r->vma.name,
	    "pages", (json_int_t)((r->hi - r->lo) / rep->page),
	    "added", secs(r->added), "added_by", r->added_by,
	    "removed", r->removed == UINT64_MAX ? json_null() :
	    json_real(secs(r->removed)),
	    "removed_by", r->removed == UINT64_MAX ? json_null() :
	    json_stringn(r->removed_by, strlen(r->removed_by)),
	    "split_from", r->parent != 0 ? json_integer((json_int_t)r->parent) :
	    json_null(), "changes", (json_int_t)r->changes,
	    "faulted_pages", pages, "faults",
	    "read", (json_int_t)r->kind[PF_KIND_READ],
	    "write", (json_int_t)r->kind[PF_KIND_WRITE],
	    "exec", (json_int_t)r->kind[PF_KIND_EXEC],
	    "unknown", (json_int_t)r->kind[PF_KIND_UNKNOWN],
	    "minor", (json_int_t)r->minor, "major", (json_int_t)r->major,
	    "incomplete", (json_int_t)r->incomplete);
	if (j == NULL)
		return (NULL);
	if (r->into != 0)
		json_object_set_new(j, "merged_into",
		    json_integer((json_int_t)r->into));
	if (o->timeline != 0) {
		stop = o->to != UINT64_MAX && o->to < rep->end ? o->to :
		    rep->end;
		if (stop <= start)
			stop = start + 1;
		nbins = (stop - start + o->timeline - 1) / o->timeline;
		if (nbins > MAX_TIMELINE)
			nbins = MAX_TIMELINE;
		if ((bins = calloc(nbins, sizeof *bins)) == NULL) {
			json_decref(j);
			return (NULL);
		}
		for (i = 0; i < r->nf; i++) {
			b = (r->f[i].time - start) / o->timeline;
			bins[b < nbins ? b : nbins - 1]++;
		}
		tl = json_array();
		for (b = 0; b < nbins; b++)
			json_array_append_new(tl, json_integer(
			    (json_int_t)bins[b]));
		json_object_set_new(j, "timeline", tl);
		free(bins);
	}
	return (j);
}

static int
print_json(FILE *out, const struct pfreport *rep,
    const struct pfreport_options *o, struct pfrep_region **v, size_t n)
{
	json_t	*top, *regions, *procs, *r;
	size_t	 i;
	int	 ret;

	regions = json_array();
	for (i = 0; i < n; i++) {
		if ((r = region_json(rep, v[i], o)) == NULL) {
			json_decref(regions);
			return (-1);
		}
		json_array_append_new(regions, r);
	}
	procs = json_array();
	for (i = 0; i < rep->np; i++) {
		json_array_append_new(procs, json_pack("{s:i, s:i, s:s, s:i, "
		    "s:I}", "pid", rep->p[i].pid, "ppid", rep->p[i].ppid,
		    "how", rep->p[i].how, "threads", (int)rep->p[i].threads,
		    "faults", (json_int_t)rep->p[i].faults));
	}
	top = json_pack("{s:i, s:s?, s:I, s:b, s:I, s:I, s:I, s:I, s:I, "
	    "s:f, s:o, s:o}", "version", PFTRACE_VERSION,
	    "command", rep->command, "page_size", (json_int_t)rep->page,
	    "kinds", rep->have_kind, "faults", (json_int_t)rep->faults,
	    "shown", (json_int_t)rep->shown,
	    "outside", (json_int_t)rep->outside,
	    "lost", (json_int_t)rep->lost,
	    "lost_records", (json_int_t)rep->lost_records,
	    "end", secs(rep->end), "processes", procs, "regions", regions);
	if (top == NULL)
		return (-1);
	if (o->timeline != 0)
		json_object_set_new(top, "interval",
		    json_real(secs(o->timeline)));
	ret = json_dumpf(top, out, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(top);
	if (ret != 0 || fputc('\n', out) == EOF)
		return (-1);
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
