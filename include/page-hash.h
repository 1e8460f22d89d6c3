/*
 * page-hash.h - the 64-bit XXH3 hash of pages of memory, with the fastest
 * build of XXH3 this CPU runs: the value is the same in every build.
 * Sizes are in bytes.
 */
#ifndef SDTOP_PAGE_HASH_H
#define SDTOP_PAGE_HASH_H

#include <stddef.h>
#include <stdint.h>

/* Hash n blocks of len bytes each, laid end to end from buf, into out. */
void	 page_hash_many(const uint8_t *buf, size_t n, size_t len,
	     uint64_t *out);

/* The same with XXH3 built for AVX2: call it only when the CPU has it. */
void	 page_hash_many_avx2(const uint8_t *buf, size_t n, size_t len,
	     uint64_t *out);

#endif
