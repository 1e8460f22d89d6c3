/*
 * test-page-hash.c - page_hash_many() gives the library's XXH3_64bits()
 * of every block, whichever build of XXH3 it picks, and so does the AVX2
 * build when the CPU can run it: a baseline hashed by one build must
 * compare equal with a reading hashed by another. Sizes are in bytes.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include <cmocka.h>

#include "page-hash.h"

/* Block sizes: pages, and the short lengths XXH3 treats apart. */
static const size_t sizes[] = { 4096, 16384, 65536, 1, 16, 128, 240, 241,
    1000, 1024, 4095 };

/* Blocks of pseudo-random bytes (a fixed seed: the same every run). */
static uint8_t *
random_blocks(size_t n, size_t len)
{
	uint8_t		*buf;
	uint64_t	 x = 0x9e3779b97f4a7c15ull;
	size_t		 i;

	buf = malloc(n * len);
	assert_non_null(buf);
	for (i = 0; i < n * len; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		buf[i] = (uint8_t)x;
	}
	return (buf);
}

static void
page_hash_many__every_size__library_xxh3(void **state)
{
	uint64_t	 out[8];
	uint8_t		*buf;
	size_t		 s, i;

	for (s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
		buf = random_blocks(8, sizes[s]);
		memset(out, 0, sizeof out);
		page_hash_many(buf, 8, sizes[s], out);
		for (i = 0; i < 8; i++)
			assert_true(out[i] ==
			    XXH3_64bits(buf + i * sizes[s], sizes[s]));
		free(buf);
	}
}

static void
page_hash_many__one_byte_changed__hash_differs(void **state)
{
	uint64_t	 before[4], after[4];
	uint8_t		*buf;
	size_t		 i;

	buf = random_blocks(4, 4096);
	page_hash_many(buf, 4, 4096, before);
	buf[2 * 4096 + 4095] ^= 1;
	page_hash_many(buf, 4, 4096, after);
	for (i = 0; i < 4; i++) {
		if (i == 2)
			assert_true(before[i] != after[i]);
		else
			assert_true(before[i] == after[i]);
	}
	free(buf);
}

static void
page_hash_many_avx2__cpu_has_it__library_xxh3(void **state)
{
#ifdef HAVE_HASH_AVX2
	uint64_t	 out[8];
	uint8_t		*buf;
	size_t		 s, i;

	if (!__builtin_cpu_supports("avx2"))
		skip();
	for (s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
		buf = random_blocks(8, sizes[s]);
		page_hash_many_avx2(buf, 8, sizes[s], out);
		for (i = 0; i < 8; i++)
			assert_true(out[i] ==
			    XXH3_64bits(buf + i * sizes[s], sizes[s]));
		free(buf);
	}
#else
	skip();
#endif
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(page_hash_many__every_size__library_xxh3),
		cmocka_unit_test(page_hash_many__one_byte_changed__hash_differs),
		cmocka_unit_test(page_hash_many_avx2__cpu_has_it__library_xxh3),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
