/*
 * snap-make.h - a snapshot of given regions, for the unit tests of what
 * reads snapshots (the screen's layout and titles). Include after
 * <cmocka.h>. Pages are of 4096 bytes.
 */
#ifndef SDTOP_TEST_SNAP_MAKE_H
#define SDTOP_TEST_SNAP_MAKE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "proc-maps.h"
#include "snapshot.h"

/* A region {start, pages, perms, name, tracked} of a snapshot. */
struct region {
	uint64_t	 start;
	uint64_t	 pages;
	const char	*perms;
	const char	*name;
	bool		 tracked;
};

/* The snapshot of the n regions r, none new, nothing written. */
static inline struct snapshot *
snap_make(const struct region *r, size_t n)
{
	struct snapshot	*s;
	struct vma	 v;
	size_t		 i;

	s = snapshot_new(n);
	assert_non_null(s);
	s->page_size = 4096;
	for (i = 0; i < n; i++) {
		memset(&v, 0, sizeof v);
		v.start = r[i].start;
		v.end = r[i].start + r[i].pages * 4096;
		snprintf(v.perms, sizeof v.perms, "%s", r[i].perms);
		v.prot = (r[i].perms[0] == 'r' ? VMA_READ : 0) |
		    (r[i].perms[1] == 'w' ? VMA_WRITE : 0);
		v.name = (char *)r[i].name;
		assert_int_equal(snapshot_set_vma(s, i, &v, r[i].tracked,
		    false), 0);
	}
	snapshot_count(s);
	return (s);
}

#endif
