/*
 * pageset.h - a set of page indexes of one VMA, of any size (up to the
 * whole user address space), whose memory follows its members rather
 * than the range it covers.
 *
 * Indexes are pages counted from the start of the VMA, in [0, size). The
 * set is a sorted array of chunks of PAGESET_CHUNK_BITS pages each, and
 * only the chunks that hold a member exist: a chunk with few members keeps
 * them as 16-bit offsets (a lone member costs a 16-byte head), a fuller
 * one as a bitmap, a bit a page. A dense set costs about one bit per
 * member, an empty 128 TiB VMA a few dozen bytes. Adding in ascending
 * order (what every scan does) is O(1) amortised; any other
 * insert moves the chunks above it.
 */
#ifndef SDTOP_PAGESET_H
#define SDTOP_PAGESET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PAGESET_CHUNK_BITS	4096

struct pageset;

/* An empty set of pages [0, size), or NULL on allocation failure. */
struct pageset	*pageset_new(uint64_t size);
void		 pageset_free(struct pageset *s);
/* The number of pages the set ranges over (not its members). */
uint64_t	 pageset_size(const struct pageset *s);
/* Bytes of memory the set holds. */
size_t		 pageset_bytes(const struct pageset *s);
/* Remove every member, keeping the memory for reuse. */
void		 pageset_clear(struct pageset *s);

/*
 * Add page i, pages [from, to), or the pages 64 * w + b for each set bit b
 * of bits. Pages at or past the size are ignored. -1 (errno ENOMEM) if a
 * chunk cannot be allocated: the set then holds part of what was asked.
 */
int		 pageset_add(struct pageset *s, uint64_t i);
int		 pageset_add_range(struct pageset *s, uint64_t from,
		     uint64_t to);
int		 pageset_add_word(struct pageset *s, uint64_t w, uint64_t bits);
/* Add every member of from (of any size; pages past s's are ignored). */
int		 pageset_union(struct pageset *s, const struct pageset *from);

bool		 pageset_has(const struct pageset *s, uint64_t i);
/* Number of members, in all or in [from, to). */
uint64_t	 pageset_count(const struct pageset *s);
uint64_t	 pageset_count_range(const struct pageset *s, uint64_t from,
		     uint64_t to);
/* The first member at or after i, or the size if none. */
uint64_t	 pageset_next(const struct pageset *s, uint64_t i);
/* The first page at or after i that is not a member, or the size. */
uint64_t	 pageset_next_gap(const struct pageset *s, uint64_t i);
/* The 64 bits of pages [64 * w, 64 * w + 64): bit b is page 64 * w + b. */
uint64_t	 pageset_word(const struct pageset *s, uint64_t w);

#endif
