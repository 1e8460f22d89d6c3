/*
 * page-hash-avx2.c - XXH3 over pages, built inline for AVX2: the build
 * compiles this file alone with -mavx2 (x86-64 only), so nothing else of
 * sdtop needs the CPU to have it; page_hash_many() calls it only when the
 * CPU says it has AVX2. Sizes are in bytes.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "page-hash.h"

void
page_hash_many_avx2(const uint8_t *buf, size_t n, size_t len, uint64_t *out)
{
	size_t	i;

	for (i = 0; i < n; i++)
		out[i] = XXH3_64bits(buf + i * len, len);
}
