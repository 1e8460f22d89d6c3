/*
 * array.c - growing a heap array with overflow-checked sizes.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "array.h"

void *
array_reserve(void *v, size_t want, size_t *cap, size_t elem)
{
	size_t	 ncap;
	void	*p;

	if (want <= *cap)
		return (v);
	ncap = *cap < 8 ? 16 : *cap;
	while (ncap < want) {
		if (ncap > SIZE_MAX / 2) {
			errno = ENOMEM;
			return (NULL);
		}
		ncap *= 2;
	}
	if (elem != 0 && ncap > SIZE_MAX / elem) {
		errno = ENOMEM;
		return (NULL);
	}
	if ((p = reallocarray(v, ncap, elem)) == NULL)
		return (NULL);
	*cap = ncap;
	return (p);
}
