/*
 * pftrace-regions.h - the regions a tracepgfault trace describes, as its
 * add, change and remove records leave them, and the one rule that says
 * which region a fault belongs to. Both readers of a trace (the report
 * of tracepgfault and sdtop --replay) place every fault through it.
 *
 * Addresses are bytes, a region covering the half-open [start, end);
 * regions are kept per process (address space), live ones only, in
 * address order.
 */
#ifndef SDTOP_PFTRACE_REGIONS_H
#define SDTOP_PFTRACE_REGIONS_H

#include <stddef.h>
#include <stdint.h>

#include "proc-maps.h"
#include "pftrace-format.h"

/* One live region. */
struct pfregion {
	uint64_t	 id;
	int		 pid;
	struct vma	 vma;		/* as the last add or change said; owns
					   its name */
	uint64_t	 lo, hi;	/* the span of every geometry it had, and
					   of the pages its stack growth took */
};

/* The live regions of one process, by start (then id). */
struct pfregions_proc {
	int		 pid;
	struct pfregion	*r;
	size_t		 n, cap;
};

struct pfregions {
	struct pfregions_proc *p;	/* by increasing pid */
	size_t		 np, cap;
};

void	 pfregions_init(struct pfregions *t);
void	 pfregions_free(struct pfregions *t);

/*
 * Apply an add record (its region, of its process). -1 with errno
 * EEXIST (the id lives already) or ENOMEM.
 */
int	 pfregions_add(struct pfregions *t, const struct pf_rec *rec);

/*
 * Apply a change record: the region takes the record's start, end,
 * offset and permissions; its backing and name stay. -1 with errno
 * ENOENT when the id is not a live region of the record's process.
 */
int	 pfregions_change(struct pfregions *t, const struct pf_rec *rec);

/*
 * Apply a remove record. The region ends: into *gone when gone is not
 * NULL (its name is then the caller's to free), else freed. -1 with
 * errno ENOENT as for a change.
 */
int	 pfregions_remove(struct pfregions *t, const struct pf_rec *rec,
	     struct pfregion *gone);

/* The live region of pid holding addr, or NULL. */
struct pfregion *pfregions_find(const struct pfregions *t, int pid,
	     uint64_t addr);

/*
 * The region a fault of pid at addr belongs to, or NULL (a fault in no
 * region): the one holding addr, or [stack] when addr lies under it and
 * above the region beneath, [stack] then growing down to addr's page
 * (page: the trace's page size in bytes, a power of two).
 */
struct pfregion *pfregions_place(struct pfregions *t, int pid,
	     uint64_t addr, uint64_t page);

/* The live regions of pid in address order (*n of them; NULL if none). */
const struct pfregion *pfregions_live(const struct pfregions *t, int pid,
	     size_t *n);

#endif
