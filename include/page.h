/*
 * page.h - the size of a page: this system's, and the range of sizes a
 * recording or a trace may claim. Sizes are in bytes.
 */
#ifndef SDTOP_PAGE_H
#define SDTOP_PAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The page sizes a file may claim: the range Linux has used, 4 KiB-1 MiB. */
#define PAGE_SIZE_MIN	4096u
#define PAGE_SIZE_MAX	(1u << 20)

/* The system page size in bytes and its log2. */
size_t	 page_size(void);
unsigned page_shift(void);

/* Whether ps is a power of two from PAGE_SIZE_MIN to PAGE_SIZE_MAX. */
bool	 page_size_sane(uint64_t ps);

#endif
