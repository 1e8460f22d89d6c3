/*
 * array.h - growing a heap array: one rule for every table in sdtop.
 */
#ifndef SDTOP_ARRAY_H
#define SDTOP_ARRAY_H

#include <stddef.h>

/*
 * Make room for want elements of size elem in v (*cap allocated): the
 * array, moved or not, or NULL (errno ENOMEM, v and *cap unchanged).
 * Capacity at least doubles, from 16, so n pushes cost O(n).
 */
void	*array_reserve(void *v, size_t want, size_t *cap, size_t elem);

#endif
