/*
 * bitmap.h - fixed-size bit sets, one bit per page.
 *
 * A bitmap of n bits is an array of BITMAP_WORDS(n) uint64_t; bit i is
 * page i of a VMA, counted from its start.
 */
#ifndef SDTOP_BITMAP_H
#define SDTOP_BITMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BITMAP_WORDS(n)	(((n) + 63) / 64)

static inline void
bitmap_set(uint64_t *b, size_t i)
{
	b[i / 64] |= UINT64_C(1) << (i % 64);
}

static inline void
bitmap_clear_bit(uint64_t *b, size_t i)
{
	b[i / 64] &= ~(UINT64_C(1) << (i % 64));
}

static inline bool
bitmap_test(const uint64_t *b, size_t i)
{
	return (b[i / 64] >> (i % 64)) & 1;
}

/* A zeroed bitmap of n bits (at least one word), or NULL. */
uint64_t	*bitmap_new(size_t n);
/* Set bits [from, to). */
void		 bitmap_set_range(uint64_t *b, size_t from, size_t to);
/* Number of set bits in [from, to). */
size_t		 bitmap_count_range(const uint64_t *b, size_t from, size_t to);
/* Number of set bits among the first n. */
size_t		 bitmap_count(const uint64_t *b, size_t n);
/* Index of the first set bit at or after i, or n if none. */
size_t		 bitmap_next_set(const uint64_t *b, size_t i, size_t n);
/* Index of the first clear bit at or after i, or n if none. */
size_t		 bitmap_next_clear(const uint64_t *b, size_t i, size_t n);

#endif
