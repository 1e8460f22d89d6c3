/*
 * faultcost.h - what one write-protect fault costs on this machine: the
 * first write to a page after a clear (soft-dirty) or a write-protect
 * (uffd-wp) traps into the kernel, and watching makes the target take one
 * such fault per page it writes in a cycle.
 *
 * Measured once, on a private buffer of this process's own, never on the
 * target. Units: nanoseconds per fault (one page written once).
 */
#ifndef SDTOP_FAULTCOST_H
#define SDTOP_FAULTCOST_H

#include <stddef.h>

/* Pages of the buffer written in each pass, and the passes made. */
#define FAULTCOST_PAGES		256
#define FAULTCOST_PASSES	5

/*
 * The cost of one asynchronous userfaultfd write-protect fault, ns: the
 * median over FAULTCOST_PASSES of the time of a write to a protected page
 * less that of a write to the same page unprotected. -1 with *cause (one
 * line) when it cannot be measured here; everything made is released.
 */
int	 faultcost_uffd_wp(double *ns, char **cause);

/*
 * The same for a soft-dirty fault: the protection is a write of "4" to
 * /proc/self/clear_refs. Meaningful only on a kernel with soft-dirty.
 */
int	 faultcost_softdirty(double *ns, char **cause);

/* The median of the n values of v (reordered); 0 when n is 0. */
double	 faultcost_median(double *v, size_t n);

#endif
