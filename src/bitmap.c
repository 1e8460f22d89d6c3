/*
 * bitmap.c - bit sets of pages: counting and range operations, a 64-bit
 * word at a time.
 */
#include "config.h"

#include <stdlib.h>

#include "bitmap.h"

uint64_t *
bitmap_new(size_t n)
{
	return (calloc(BITMAP_WORDS(n) == 0 ? 1 : BITMAP_WORDS(n),
	    sizeof(uint64_t)));
}

/* The mask of bits [lo, hi) within one word, 0 <= lo < hi <= 64. */
static uint64_t
word_mask(size_t lo, size_t hi)
{
	uint64_t	 m = hi == 64 ? ~UINT64_C(0) : (UINT64_C(1) << hi) - 1;

	return (m & ~((UINT64_C(1) << lo) - 1));
}

void
bitmap_set_range(uint64_t *b, size_t from, size_t to)
{
	size_t	 w, lo, hi;

	while (from < to) {
		w = from / 64;
		lo = from % 64;
		hi = (to - w * 64) >= 64 ? 64 : to - w * 64;
		b[w] |= word_mask(lo, hi);
		from = w * 64 + hi;
	}
}

size_t
bitmap_count_range(const uint64_t *b, size_t from, size_t to)
{
	size_t	 w, lo, hi, n = 0;

	while (from < to) {
		w = from / 64;
		lo = from % 64;
		hi = (to - w * 64) >= 64 ? 64 : to - w * 64;
		n += (size_t)__builtin_popcountll(b[w] & word_mask(lo, hi));
		from = w * 64 + hi;
	}
	return (n);
}

size_t
bitmap_count(const uint64_t *b, size_t n)
{
	return (bitmap_count_range(b, 0, n));
}

size_t
bitmap_next_set(const uint64_t *b, size_t i, size_t n)
{
	uint64_t	 word;

	while (i < n) {
		word = b[i / 64] & ~((UINT64_C(1) << (i % 64)) - 1);
		if (word != 0) {
			i = (i / 64) * 64 + (size_t)__builtin_ctzll(word);
			return (i < n ? i : n);
		}
		i = (i / 64 + 1) * 64;
	}
	return (n);
}

size_t
bitmap_next_clear(const uint64_t *b, size_t i, size_t n)
{
	uint64_t	 word;

	while (i < n) {
		word = ~b[i / 64] & ~((UINT64_C(1) << (i % 64)) - 1);
		if (word != 0) {
			i = (i / 64) * 64 + (size_t)__builtin_ctzll(word);
			return (i < n ? i : n);
		}
		i = (i / 64 + 1) * 64;
	}
	return (n);
}
