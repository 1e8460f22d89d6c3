/*
 * out-text.c - batch text output: a header line per cycle, then one row
 * per VMA in the course format (one cell a page, X written, . not), or
 * zoomed to a width when asked.
 */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "output.h"
#include "render.h"
#include "snapshot.h"

/* Print the cells of one tracked VMA, zoomed to fit width when non-zero. */
static void
out_text_cells(FILE *f, const struct snap_vma *sv, uint64_t width)
{
	char		 buf[4096];
	uint64_t	 zoom = 1, ncells, from;
	size_t		 n;

	if (width != 0 && sv->npages > width)
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

int
out_text(FILE *f, const struct snapshot *s, const struct text_options *o)
{
	const struct snap_vma	*sv;
	char			 size[32];
	size_t			 i;

	if (s->exited) {
		fprintf(f, "cycle %lu  pid %ld (%s): process exited\n",
		    s->cycle, (long)s->pid, s->comm);
		return (ferror(f) ? -1 : 0);
	}
	if (s->exec)
		fprintf(f, "cycle %lu  pid %ld ran a new program (%s): its "
		    "regions are new, the history starts again\n", s->cycle,
		    (long)s->pid, s->comm);
	fprintf(f, "cycle %lu  pid %ld (%s)  method %s  interval %gs  "
	    "dirty %" PRIu64 "/%" PRIu64 " pages (%s)  %s\n",
	    s->cycle, (long)s->pid, s->comm, s->method, s->interval,
	    s->dirty_pages, s->tracked_pages,
	    render_bytes(s->dirty_pages * s->page_size, size, sizeof size),
	    s->converged ? "converged" : "not converged");
	if (s->has_precopy) {
		fprintf(f, "pre-copy at %s/s: dirty rate ",
		    render_bytes((uint64_t)s->precopy.bandwidth_bps, size,
		    sizeof size));
		fprintf(f, "%s/s, ", render_bytes(
		    (uint64_t)s->precopy.dirty_rate_bps, size, sizeof size));
		if (s->precopy.converges)
			fprintf(f, "converges: %u rounds, downtime %.1f ms\n",
			    s->precopy.rounds, s->precopy.downtime_ms);
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
		fprintf(f, "  %s %s%s", sv->vma.perms, sv->vma.name,
		    sv->vma.deleted ? " (deleted)" : "");
		if (sv->error != 0)
			fprintf(f, "  [error: %s]", snap_vma_error(sv));
		fputc('\n', f);
	}
	return (ferror(f) ? -1 : 0);
}
