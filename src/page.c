/*
 * page.c - the system page size, asked once, and the sizes a file may
 * claim.
 */
#include "config.h"

#include <unistd.h>

#include "page.h"

size_t
page_size(void)
{
	static size_t	 size;

	if (size == 0)
		size = (size_t)sysconf(_SC_PAGESIZE);
	return (size);
}

unsigned
page_shift(void)
{
	static unsigned	 shift;

	if (shift == 0) {
		while (((size_t)1 << shift) < page_size())
			shift++;
	}
	return (shift);
}

bool
page_size_sane(uint64_t ps)
{
	return (ps >= PAGE_SIZE_MIN && ps <= PAGE_SIZE_MAX &&
	    (ps & (ps - 1)) == 0);
}
