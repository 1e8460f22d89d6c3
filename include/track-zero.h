/*
 * track-zero.h - the pages of a VMA that map the shared zero page, taken
 * out of what a method found written and present.
 *
 * A page that maps the zero page (a read of a page never written, or of
 * one given back) holds nothing a migration must send: it is not
 * resident. A method that reads pages (hash) may fault one in itself: a
 * page listed present, given back before the read, reads as zeros, so
 * its content changed; it was given back, not written. Pages count from
 * the VMA's start.
 */
#ifndef SDTOP_TRACK_ZERO_H
#define SDTOP_TRACK_ZERO_H

#include <stddef.h>

struct snap_vma;

/*
 * Take the pages of sv->written (pages of psize bytes) that map the zero
 * page now out of sv->written and sv->present, asked with one PAGEMAP_SCAN
 * over the span of sv->written on the pagemap pmfd; sv->dirty is their
 * number after. 0, or -1 with errno (the scan failed); out of memory,
 * sv->error says ENOMEM and the sets are as they were.
 */
int	 track_zero_drop(int pmfd, struct snap_vma *sv, size_t psize);

#endif
