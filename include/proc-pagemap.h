/*
 * proc-pagemap.h - reading /proc/PID/pagemap, entry by entry or with the
 * PAGEMAP_SCAN ioctl.
 *
 * Entries are 64 bits per virtual page (Documentation/admin-guide/mm/
 * pagemap.rst). Bits this program does not use are never checked: bit 57
 * (uffd-wp, 5.13+) and bit 58 (guard region, 6.13+) were once "reserved".
 */
#ifndef SDTOP_PROC_PAGEMAP_H
#define SDTOP_PROC_PAGEMAP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/types.h>

#include "kernel-compat.h"

#define PM_PFN_MASK		((UINT64_C(1) << 55) - 1)
#define PM_SOFT_DIRTY		(UINT64_C(1) << 55)
#define PM_MMAP_EXCLUSIVE	(UINT64_C(1) << 56)
#define PM_UFFD_WP		(UINT64_C(1) << 57)
#define PM_FILE			(UINT64_C(1) << 61)
#define PM_SWAP			(UINT64_C(1) << 62)
#define PM_PRESENT		(UINT64_C(1) << 63)

/* Entries read per pread: 4096 entries is 32 KiB, near the cheapest per page. */
#define PAGEMAP_BATCH		4096

/* The states of a run of pages, one bitmap per state (bit i = page i). */
struct page_states {
	size_t		 npages;
	uint64_t	*present;
	uint64_t	*swapped;
	uint64_t	*soft_dirty;
	uint64_t	*file;		/* file-backed or shared anonymous */
	uint64_t	*exclusive;
	uint64_t	*uffd_wp;
};

int	 page_states_alloc(struct page_states *st, size_t npages);
void	 page_states_free(struct page_states *st);

/*
 * Decode the npages entries for [start, start + npages pages) of an open
 * pagemap fd into st (which must hold npages). Reads PAGEMAP_BATCH entries
 * per pread and loops on short reads; a read of 0 bytes ends the range
 * early (a [vsyscall] page lies above the task size). Returns the number of
 * pages decoded, or -1 with errno.
 */
ssize_t	 pagemap_read_states(int fd, uint64_t start, size_t npages,
	     struct page_states *st);

/*
 * Read raw entries for npages pages from start into out; same contract as
 * pagemap_read_states().
 */
ssize_t	 pagemap_read_raw(int fd, uint64_t start, size_t npages,
	     uint64_t *out);

/* Called for each region PAGEMAP_SCAN returns; non-zero stops the scan. */
typedef int (*pmscan_fn)(const struct pmscan_region *r, void *arg);

/*
 * Run PAGEMAP_SCAN over [start, end) with the flags and category masks of
 * tmpl (its size, start, end, vec and vec_len are filled in here), calling
 * fn for every region, and restarting at walk_end until the range is done.
 * Returns 0, the callback's non-zero value, or -1 with errno (ENOTTY: the
 * kernel has no PAGEMAP_SCAN; EINVAL: a flag or category it does not know).
 */
int	 pagemap_scan(int fd, uint64_t start, uint64_t end,
	     const struct pmscan_arg *tmpl, pmscan_fn fn, void *arg);

#endif
