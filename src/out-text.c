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
	if (s->max_cost > 0)
		fprintf(f, "  max-cost %g%%: interval %s", s->max_cost,
		    s->lengthened ? "lengthened" : "as asked");
}

int
out_text(FILE *f, const struct snapshot *s, const struct text_options *o)
{
	const struct snap_vma	*sv;
	char			 size[32];
	size_t			 i;

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
	fprintf(f, "  interval %gs  dirty %" PRIu64 "/%" PRIu64 " pages (%s)"
	    "  %s", s->interval, s->dirty_pages, s->tracked_pages,
	    render_bytes(s->dirty_pages * s->page_size, size, sizeof size),
	    s->converged ? "converged" : "not converged");
	if (s->discarded_pages > 0)
		fprintf(f, "  discarded %" PRIu64 " (%s)", s->discarded_pages,
		    render_bytes(s->discarded_pages * s->page_size, size,
		    sizeof size));
	out_text_cost(f, s);
	fputc('\n', f);
	if (s->has_precopy) {
		fprintf(f, "pre-copy of %s resident ", render_bytes(
		    s->precopy.memory_bytes, size, sizeof size));
		fprintf(f, "at %s/s: dirty rate ",
		    render_bytes((uint64_t)s->precopy.bandwidth_bps, size,
		    sizeof size));
		fprintf(f, "%s/s, ", render_bytes(
		    (uint64_t)s->precopy.dirty_rate_bps, size, sizeof size));
		if (s->precopy.converges)
			fprintf(f, "converges: %u round%s, downtime %.1f ms\n",
			    s->precopy.rounds,
			    s->precopy.rounds == 1 ? "" : "s",
			    s->precopy.downtime_ms);
		else
			fprintf(f, "does not converge\n");
	}
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
	return (ferror(f) ? -1 : 0);
}
