/*
 * gt-lib.h - what the ground-truth checkers (gtcheck, discheck) share:
 * reading the workloads' page lists and sdtop's JSON ranges, and saying
 * where two page sets differ. Page sets are arrays of n bools.
 */
#ifndef SDTOP_GT_LIB_H
#define SDTOP_GT_LIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

/* Parse "0x7f.." into *v; -1 if it is not a hex number. */
int	 gt_parse_hex(const char *s, uint64_t *v);

/* Parse an inode, "4321", into *v; -1 if it is not a decimal number. */
int	 gt_parse_inode(const char *s, uint64_t *v);

/*
 * Add the pages of a PAGES text ("0,2,4-9", or "-" for none) to
 * set[0..n); -1 on a bad list or a page >= n.
 */
int	 gt_pages_add(const char *s, bool *set, size_t n);

/*
 * Fill have[0..n) from a VMA's ranges ([["0x..","0x.."],...]) of the VMA
 * [start, end) in pages of pagesz bytes; -1 if not an array, or a range
 * is malformed or outside the VMA.
 */
int	 gt_ranges(json_t *ranges, uint64_t start, uint64_t end,
	     uint64_t pagesz, bool *have, size_t n);

/* The VMA of a cycle object whose range is exactly [start, end), or NULL. */
json_t	*gt_find_vma(json_t *cycle, uint64_t start, uint64_t end);

/* Print the pages where want is wanted and have is not, as "1,3-5". */
void	 gt_print_diff(const bool *want, const bool *have, size_t n,
	     bool wanted);

#endif
