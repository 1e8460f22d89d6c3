/*
 * snapshot.c - the result of one cycle: allocation, VMA set-up, totals.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "page.h"
#include "snapshot.h"

struct snapshot *
snapshot_new(size_t n)
{
	struct snapshot	*s;

	if ((s = calloc(1, sizeof *s)) == NULL)
		return (NULL);
	if (n > 0 && (s->vmas = calloc(n, sizeof *s->vmas)) == NULL) {
		free(s);
		return (NULL);
	}
	s->nvma = n;
	s->page_size = page_size();
	return (s);
}

void
snapshot_free(struct snapshot *s)
{
	size_t	 i;

	if (s == NULL)
		return;
	for (i = 0; i < s->nvma; i++) {
		vma_free(&s->vmas[i].vma);
		pageset_free(s->vmas[i].written);
		pageset_free(s->vmas[i].present);
		pageset_free(s->vmas[i].discarded);
	}
	free(s->vmas);
	for (i = 0; i < s->nproc; i++)
		snapshot_free(s->procs[i]);
	free(s->procs);
	free(s->roots);
	free(s->cgroup);
	free(s->error);
	free(s);
}

int
snapshot_set_vma(struct snapshot *s, size_t i, const struct vma *v,
    bool tracked, bool is_new)
{
	struct snap_vma	*sv = &s->vmas[i];

	if (vma_copy(&sv->vma, v) == -1)
		return (-1);
	sv->npages = (v->end - v->start) / s->page_size;
	sv->resident = sv->npages;
	sv->tracked = tracked;
	sv->is_new = is_new;
	if (tracked && (sv->written = pageset_new(sv->npages)) == NULL)
		return (-1);
	return (0);
}

const char *
snap_vma_error(const struct snap_vma *sv)
{
	if (sv->error == SNAP_EHUGE)
		return ("huge pages, left unprotected");
	return (strerror(sv->error));
}

void
snapshot_count(struct snapshot *s)
{
	struct snap_vma	*sv;
	size_t		 i;

	s->dirty_pages = s->discarded_pages = 0;
	s->tracked_pages = s->resident_pages = 0;
	for (i = 0; i < s->nvma; i++) {
		sv = &s->vmas[i];
		sv->dirty = sv->ndiscarded = 0;
		if (sv->present != NULL) {
			sv->resident = pageset_count(sv->present);
			sv->has_resident = true;
		}
		if (!sv->tracked || sv->is_new || sv->written == NULL)
			continue;
		sv->dirty = pageset_count(sv->written);
		if (sv->discarded != NULL)
			sv->ndiscarded = pageset_count(sv->discarded);
		s->dirty_pages += sv->dirty;
		s->discarded_pages += sv->ndiscarded;
		s->tracked_pages += sv->npages;
		s->resident_pages += sv->resident;
	}
}
