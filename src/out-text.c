/*
 * out-text.c - batch text output: a header line per cycle, then one row
 * per VMA in the course format (one cell a page, X written, . not), or
 * zoomed to a width when asked or when the region has more pages than a
 * row holds (RENDER_MAX_CELLS). Names, comm and method come from the
 * target or from a file: they are printed through str_escape_put().
 */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "out-text.h"
#include "render.h"
#include "snapshot.h"
#include "str-escape.h"

/* Print the cells of one tracked VMA, zoomed to fit width (0: the cap). */
static void
out_text_cells(FILE *f, const struct snap_vma *sv, uint64_t width)
{
	char		 buf[4096];
	uint64_t	 zoom = 1, ncells, from;
	size_t		 n;

	if (width == 0 || width > RENDER_MAX_CELLS)
		width = RENDER_MAX_CELLS;
	if (sv->npages > width)
		zoom = render_zoom_fit(sv->npages, width);
	ncells = render_ncells(sv->npages, zoom);
	fputc('|', f);
	for (from = 0; from < ncells; from += n) {
		n = render_row(sv, zoom, from, zoom == 1, buf, sizeof buf);
		if (n == 0)
			break;
		fputs(buf, f);
	}
	fputc('|', f);
	if (zoom > 1)
		fprintf(f, " (%" PRIu64 " pages/cell)", zoom);
}

/*
 * The end of the cycle's header: what watching cost, when known (in the
 * target's faults, or in sdtop's CPU), and what --max-cost did.
 */
static void
out_text_cost(FILE *f, const struct snapshot *s)
{
	if (s->cost_kind == SNAP_COST_FAULTS)
		fprintf(f, "  cost %.2f%% (%.1f us/fault)", s->cost_percent,
		    s->fault_ns / 1e3);
	else if (s->cost_kind == SNAP_COST_SDTOP_CPU)
		fprintf(f, "  cost %.2f%% (sdtop's CPU)", s->cost_percent);
	else if (s->cost_kind == SNAP_COST_MIXED)
		fprintf(f, "  cost %.2f%% (faults and sdtop's CPU)",
		    s->cost_percent);
	if (s->max_cost > 0)
		fprintf(f, "  max-cost %g%%: interval %s", s->max_cost,
		    s->lengthened ? "lengthened" : "as asked");
}

/* The pre-copy line of a cycle. */
static void
out_text_precopy(FILE *f, const struct snapshot *s)
{
	char	 size[32];

	fprintf(f, "pre-copy of %s resident ", render_bytes(
	    s->precopy.memory_bytes, size, sizeof size));
	fprintf(f, "at %s/s: dirty rate ",
	    render_bytes((uint64_t)s->precopy.bandwidth_bps, size,
	    sizeof size));
	fprintf(f, "%s/s, ", render_bytes(
	    (uint64_t)s->precopy.dirty_rate_bps, size, sizeof size));
	if (s->precopy.converges)
		fprintf(f, "converges: %u round%s, downtime %.1f ms\n",
		    s->precopy.rounds, s->precopy.rounds == 1 ? "" : "s",
		    s->precopy.downtime_ms);
	else
		fprintf(f, "does not converge\n");
}

/* One row per VMA of s. */
static void
out_text_regions(FILE *f, const struct snapshot *s,
    const struct text_options *o)
{
	const struct snap_vma	*sv;
	size_t			 i;

	for (i = 0; i < s->nvma; i++) {
		sv = &s->vmas[i];
		fprintf(f, "Region: %016" PRIx64 " - %016" PRIx64
		    " (%4" PRIu64 " pages): ", sv->vma.start, sv->vma.end,
		    sv->npages);
		if (sv->tracked)
			out_text_cells(f, sv, o->width);
		else if (sv->is_new)
			fputs("new since the last clear", f);
		else
			fputs("not tracked", f);
		fputs("  ", f);
		str_escape_put(f, sv->vma.perms);
		fputc(' ', f);
		str_escape_put(f, sv->vma.name);
		if (sv->vma.deleted)
			fputs(" (deleted)", f);
		if (sv->error != 0)
			fprintf(f, "  [error: %s]", snap_vma_error(sv));
		fputc('\n', f);
	}
}

/* The counts of a header: written of tracked, converged, discarded. */
static void
out_text_counts(FILE *f, const struct snapshot *s)
{
	char	 size[32];

	fprintf(f, "  interval %gs  dirty %" PRIu64 "/%" PRIu64 " pages (%s)",
	    s->interval, s->dirty_pages, s->tracked_pages,
	    render_bytes(s->dirty_pages * s->page_size, size, sizeof size));
	if (s->set != SNAP_SET_NONE)
		fprintf(f, "  %" PRIu64 " shared", s->shared_dirty_pages);
	fprintf(f, "  %s", s->converged ? "converged" : "not converged");
	if (s->discarded_pages > 0)
		fprintf(f, "  discarded %" PRIu64 " (%s)", s->discarded_pages,
		    render_bytes(s->discarded_pages * s->page_size, size,
		    sizeof size));
	out_text_cost(f, s);
	fputc('\n', f);
}

/* One process of a set: its line, then its regions. */
static void
out_text_process(FILE *f, const struct snapshot *p,
    const struct text_options *o)
{
	fprintf(f, "process %ld (", (long)p->pid);
	str_escape_put(f, p->comm);
	fputc(')', f);
	if (p->exited && p->error != NULL) {
		fputs(": left: ", f);
		str_escape_put(f, p->error);
		fputc('\n', f);
		return;
	}
	if (p->exited) {
		fputs(": exited\n", f);
		return;
	}
	if (p->error != NULL) {
		fputs(": not watched: ", f);
		str_escape_put(f, p->error);
		fputc('\n', f);
		return;
	}
	fprintf(f, "  ppid %ld  method ", (long)p->ppid);
	str_escape_put(f, p->method);
	fprintf(f, "  dirty %" PRIu64 "/%" PRIu64 " pages (incl. %" PRIu64
	    " shared)  resident %" PRIu64, p->dirty_pages, p->tracked_pages,
	    p->shared_dirty_pages, p->resident_pages);
	if (p->joined)
		fputs("  joined", f);
	if (p->exec)
		fputs("  ran a new program: its regions are new", f);
	fputc('\n', f);
	out_text_regions(f, p, o);
}

/* A cycle of a set: its header, then each process. */
static int
out_text_set(FILE *f, const struct snapshot *s, const struct text_options *o)
{
	size_t	 i;

	fprintf(f, "cycle %lu  ", s->cycle);
	str_escape_put(f, s->comm);
	fprintf(f, "  %zu process%s", s->nproc, s->nproc == 1 ? "" : "es");
	if (s->exited) {
		fputs(s->set == SNAP_SET_CGROUP ? ": the cgroup was removed\n" :
		    ": every process has exited\n", f);
		for (i = 0; i < s->nproc; i++)
			out_text_process(f, s->procs[i], o);
		return (ferror(f) ? -1 : 0);
	}
	fputs("  method ", f);
	str_escape_put(f, s->method);
	out_text_counts(f, s);
	if (s->has_precopy)
		out_text_precopy(f, s);
	for (i = 0; i < s->nproc; i++)
		out_text_process(f, s->procs[i], o);
	return (ferror(f) ? -1 : 0);
}

int
out_text(FILE *f, const struct snapshot *s, const struct text_options *o)
{
	if (s->set != SNAP_SET_NONE)
		return (out_text_set(f, s, o));
	fprintf(f, "cycle %lu  pid %ld (", s->cycle, (long)s->pid);
	str_escape_put(f, s->comm);
	if (s->exited) {
		fputs("): process exited\n", f);
		return (ferror(f) ? -1 : 0);
	}
	if (s->exec) {
		fputs(") ran a new program: its regions are new, the history "
		    "starts again\n", f);
		fprintf(f, "cycle %lu  pid %ld (", s->cycle, (long)s->pid);
		str_escape_put(f, s->comm);
	}
	fputs(")  method ", f);
	str_escape_put(f, s->method);
	out_text_counts(f, s);
	if (s->has_precopy)
		out_text_precopy(f, s);
	out_text_regions(f, s, o);
	return (ferror(f) ? -1 : 0);
}
