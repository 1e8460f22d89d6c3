/*
 * discard.h - the pages a process gave back during a cycle.
 *
 * A page is discarded when it was resident (or swapped) at the last
 * collect and is neither at this one: MADV_DONTNEED, MADV_FREE once the
 * kernel reclaimed it. It is not written, and no method reports it as written: a migration sends
 * it as a hole, not as data. Only a VMA at the same addresses, mapping
 * the same thing, in two cycles in a row is judged, and only a private
 * one: the page of a shared mapping stays in the file, memfd or segment
 * when its entry is dropped (a hole punched there cannot be told from
 * that), so nothing is judged given back (a VMA that moved,
 * shrank or grew is new, as the session says); pages unmapped with their
 * VMA are not counted, the maps show them gone.
 *
 * The memory keeps a copy of each tracked VMA's present pages from one
 * collect to the next: about a bit per resident page.
 */
#ifndef SDTOP_DISCARD_H
#define SDTOP_DISCARD_H

#include <stdbool.h>
#include <stddef.h>

#include "proc-maps.h"

struct snapshot;
struct pageset;

struct discard_memory {
	struct vma	*vmas;		/* names not kept (NULL) */
	struct pageset	**present;
	size_t		 n;
};

/*
 * Fill the discarded set of every judged VMA of s from the memory, then,
 * unless peek (a rescan: the cycle goes on), remember the present pages
 * of s for the next collect. -1 (ENOMEM) when memory ran out: the memory
 * is then empty, and the next cycle judges nothing.
 */
int	 discard_judge(struct discard_memory *m, struct snapshot *s,
	     bool peek);

/* Forget everything (a new program image, the end of the run). */
void	 discard_free(struct discard_memory *m);

#endif
