/*
 * pftrace-perms.h - the permissions a region of a tracepgfault trace had
 * through its life, for the report: each from the time a record gave
 * them, with the faults shown while it had them. A region's row shows
 * its last permissions; this says what they were before and when they
 * changed (a region written, then made read-only with mprotect(), shows
 * write faults that came while it was writable).
 *
 * Times are nanoseconds since the start of the trace.
 */
#ifndef SDTOP_PFTRACE_PERMS_H
#define SDTOP_PFTRACE_PERMS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "pftrace-format.h"

/* One set of permissions a region had, and the faults shown under it. */
struct pfrep_perm {
	uint64_t	 from;		/* time of the record that gave them */
	char		 perms[5];	/* as in maps: rwxp */
	char		 cause[16];	/* that record's cause */
	uint64_t	 kind[4];	/* faults by enum pf_kind */
};

/* A region's permissions in trace order; the first from its add. */
struct pfrep_perms {
	struct pfrep_perm *v;
	size_t		 n, cap;
};

void	 pfperms_free(struct pfrep_perms *h);

/*
 * Note the permissions an add or change record gave at time, for cause:
 * a new entry when they differ from the last. -1 with ENOMEM.
 */
int	 pfperms_note(struct pfrep_perms *h, uint64_t time,
	     const char *perms, const char *cause);

/*
 * Count a fault of kind at time under the permissions the region had
 * then: the last entry from at or before time (the first if none).
 */
void	 pfperms_fault(struct pfrep_perms *h, uint64_t time,
	     enum pf_kind kind);

/*
 * The line under a region's row when its permissions changed: each set
 * from when and why, and its faults by kind. Nothing otherwise.
 */
void	 pfperms_print(FILE *out, const struct pfrep_perms *h);

/* The JSON member ,"permissions":[...] of a region (every entry). */
void	 pfperms_json(FILE *out, const struct pfrep_perms *h);

#endif
