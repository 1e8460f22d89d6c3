/*
 * pftrace-layout.h - the address-space layout of one traced process, with
 * an identity (a number) per region, and the diff of a new /proc/PID/maps
 * reading against it into exact change records: add (perhaps split from
 * a region), change (resized or reprotected in place), remove (perhaps
 * merged into a region).
 *
 * Addresses are bytes, half-open [start, end); identities are never
 * reused within one trace.
 */
#ifndef SDTOP_PFTRACE_LAYOUT_H
#define SDTOP_PFTRACE_LAYOUT_H

#include <stddef.h>
#include <stdint.h>

#include "proc-maps.h"
#include "pftrace-format.h"

struct pf_region {
	uint64_t	 id;
	struct vma	 vma;		/* owns its name */
};

struct pf_layout {
	struct pf_region *r;		/* sorted by start, non-overlapping */
	size_t		 n;
	size_t		 cap;
};

/* Called with each change record; a non-zero return stops the diff. */
typedef int	(*pflayout_emit_fn)(void *arg, const struct pf_rec *r);

/*
 * Bring l to the layout now (sorted, as maps lists it), emitting one
 * record per difference, stamped from tmpl (time, pid, tid, cause): first
 * changes and adds in address order, then removes. New identities come
 * from *next_id. Returns 0, or -1 with errno (ENOMEM) or the emitter's
 * failure.
 */
int	 pflayout_update(struct pf_layout *l, const struct vma_list *now,
	     uint64_t *next_id, const struct pf_rec *tmpl,
	     pflayout_emit_fn emit, void *arg);

/* Remove every region, emitting a remove record for each. */
int	 pflayout_clear(struct pf_layout *l, const struct pf_rec *tmpl,
	     pflayout_emit_fn emit, void *arg);

/* Free every region of l (no records). */
void	 pflayout_free(struct pf_layout *l);

#endif
