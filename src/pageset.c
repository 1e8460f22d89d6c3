/*
 * pageset.c - sparse sets of pages: a sorted array of fixed-size chunks
 * of bits, found by binary search (or at once, for the last chunk touched,
 * which is where an ascending scan appends).
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "pageset.h"

#define CHUNK_WORDS	(PAGESET_CHUNK_BITS / 64)

/* PAGESET_CHUNK_BITS pages from page key * PAGESET_CHUNK_BITS. */
struct chunk {
	uint64_t	 key;
	uint64_t	 w[CHUNK_WORDS];
};

struct pageset {
	uint64_t	 size;		/* pages */
	size_t		 n, cap;	/* chunks held, allocated */
	struct chunk	*c;		/* by ascending key */
	size_t		 hint;		/* the chunk last found or made */
};

/* The mask of bits [lo, hi) within one word, 0 <= lo < hi <= 64. */
static uint64_t
word_mask(unsigned lo, unsigned hi)
{
	uint64_t	 m = hi == 64 ? ~UINT64_C(0) : (UINT64_C(1) << hi) - 1;

	return (m & ~((UINT64_C(1) << lo) - 1));
}

struct pageset *
pageset_new(uint64_t size)
{
	struct pageset	*s;

	if ((s = calloc(1, sizeof *s)) == NULL)
		return (NULL);
	s->size = size;
	return (s);
}

void
pageset_free(struct pageset *s)
{
	if (s == NULL)
		return;
	free(s->c);
	free(s);
}

uint64_t
pageset_size(const struct pageset *s)
{
	return (s->size);
}

size_t
pageset_bytes(const struct pageset *s)
{
	return (sizeof *s + s->cap * sizeof *s->c);
}

void
pageset_clear(struct pageset *s)
{
	s->n = s->hint = 0;
}

/* The first chunk whose key is at least key (s->n if none). */
static size_t
lower_bound(const struct pageset *s, uint64_t key)
{
	size_t	 lo = 0, hi = s->n, mid;

	if (s->hint < s->n && s->c[s->hint].key <= key &&
	    (s->hint + 1 == s->n || s->c[s->hint + 1].key > key))
		return (s->c[s->hint].key == key ? s->hint : s->hint + 1);
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (s->c[mid].key < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (lo);
}

/* The chunk of key, made (zeroed) if there is none; NULL with ENOMEM. */
static struct chunk *
chunk_get(struct pageset *s, uint64_t key)
{
	struct chunk	*c;
	size_t		 pos;

	pos = lower_bound(s, key);
	if (pos < s->n && s->c[pos].key == key) {
		s->hint = pos;
		return (&s->c[pos]);
	}
	if ((c = array_reserve(s->c, s->n + 1, &s->cap, sizeof *c)) == NULL) {
		errno = ENOMEM;
		return (NULL);
	}
	s->c = c;
	memmove(&c[pos + 1], &c[pos], (s->n - pos) * sizeof *c);
	memset(&c[pos], 0, sizeof *c);
	c[pos].key = key;
	s->n++;
	s->hint = pos;
	return (&c[pos]);
}

/* The chunk of key, or NULL if it holds no member. */
static const struct chunk *
chunk_find(const struct pageset *s, uint64_t key)
{
	size_t	 pos = lower_bound(s, key);

	if (pos < s->n && s->c[pos].key == key)
		return (&s->c[pos]);
	return (NULL);
}

int
pageset_add(struct pageset *s, uint64_t i)
{
	struct chunk	*c;
	unsigned	 b;

	if (i >= s->size)
		return (0);
	if ((c = chunk_get(s, i / PAGESET_CHUNK_BITS)) == NULL)
		return (-1);
	b = i % PAGESET_CHUNK_BITS;
	c->w[b / 64] |= UINT64_C(1) << (b % 64);
	return (0);
}

int
pageset_add_range(struct pageset *s, uint64_t from, uint64_t to)
{
	struct chunk	*c;
	uint64_t	 base, end;
	unsigned	 lo, hi, w, wlo, whi;

	if (to > s->size)
		to = s->size;
	while (from < to) {
		if ((c = chunk_get(s, from / PAGESET_CHUNK_BITS)) == NULL)
			return (-1);
		base = c->key * PAGESET_CHUNK_BITS;
		end = to - base > PAGESET_CHUNK_BITS ? PAGESET_CHUNK_BITS :
		    to - base;
		lo = (unsigned)(from - base);
		hi = (unsigned)end;
		for (w = lo / 64; w * 64 < hi; w++) {
			wlo = w * 64 > lo ? 0 : lo % 64;
			whi = (w + 1) * 64 <= hi ? 64 : hi % 64;
			c->w[w] |= word_mask(wlo, whi);
		}
		from = base + end;
	}
	return (0);
}

int
pageset_add_word(struct pageset *s, uint64_t w, uint64_t bits)
{
	struct chunk	*c;
	uint64_t	 first = w * 64;

	if (first >= s->size || bits == 0)
		return (0);
	if (s->size - first < 64)
		bits &= word_mask(0, (unsigned)(s->size - first));
	if ((c = chunk_get(s, first / PAGESET_CHUNK_BITS)) == NULL)
		return (-1);
	c->w[w % CHUNK_WORDS] |= bits;
	return (0);
}

int
pageset_union(struct pageset *s, const struct pageset *from)
{
	const struct chunk	*fc;
	size_t			 i;
	unsigned		 w;

	for (i = 0; i < from->n; i++) {
		fc = &from->c[i];
		for (w = 0; w < CHUNK_WORDS; w++) {
			if (pageset_add_word(s, fc->key * CHUNK_WORDS + w,
			    fc->w[w]) == -1)
				return (-1);
		}
	}
	return (0);
}

bool
pageset_has(const struct pageset *s, uint64_t i)
{
	const struct chunk	*c;
	unsigned		 b;

	if (i >= s->size ||
	    (c = chunk_find(s, i / PAGESET_CHUNK_BITS)) == NULL)
		return (false);
	b = i % PAGESET_CHUNK_BITS;
	return ((c->w[b / 64] >> (b % 64)) & 1);
}

uint64_t
pageset_word(const struct pageset *s, uint64_t w)
{
	const struct chunk	*c;

	if ((c = chunk_find(s, w / CHUNK_WORDS)) == NULL)
		return (0);
	return (c->w[w % CHUNK_WORDS]);
}

uint64_t
pageset_count(const struct pageset *s)
{
	return (pageset_count_range(s, 0, s->size));
}

uint64_t
pageset_count_range(const struct pageset *s, uint64_t from, uint64_t to)
{
	const struct chunk	*c;
	uint64_t		 n = 0, base;
	size_t			 pos;
	unsigned		 lo, hi, w, wlo, whi;

	if (to > s->size)
		to = s->size;
	if (from >= to)
		return (0);
	pos = lower_bound(s, from / PAGESET_CHUNK_BITS);
	for (; pos < s->n; pos++) {
		c = &s->c[pos];
		base = c->key * PAGESET_CHUNK_BITS;
		if (base >= to)
			break;
		lo = from > base ? (unsigned)(from - base) : 0;
		hi = to - base >= PAGESET_CHUNK_BITS ? PAGESET_CHUNK_BITS :
		    (unsigned)(to - base);
		for (w = lo / 64; w * 64 < hi; w++) {
			wlo = w * 64 > lo ? 0 : lo % 64;
			whi = (w + 1) * 64 <= hi ? 64 : hi % 64;
			n += (uint64_t)__builtin_popcountll(c->w[w] &
			    word_mask(wlo, whi));
		}
	}
	return (n);
}

/*
 * The first bit at or after bit b of chunk c that is set (or, with
 * invert, clear); PAGESET_CHUNK_BITS if none.
 */
static unsigned
chunk_next(const struct chunk *c, unsigned b, bool invert)
{
	uint64_t	 word;
	unsigned	 w;

	for (w = b / 64; w < CHUNK_WORDS; w++) {
		word = invert ? ~c->w[w] : c->w[w];
		if (w == b / 64)
			word &= ~((UINT64_C(1) << (b % 64)) - 1);
		if (word != 0)
			return (w * 64 + (unsigned)__builtin_ctzll(word));
	}
	return (PAGESET_CHUNK_BITS);
}

uint64_t
pageset_next(const struct pageset *s, uint64_t i)
{
	const struct chunk	*c;
	uint64_t		 base, r;
	size_t			 pos;
	unsigned		 b;

	if (i >= s->size)
		return (s->size);
	for (pos = lower_bound(s, i / PAGESET_CHUNK_BITS); pos < s->n; pos++) {
		c = &s->c[pos];
		base = c->key * PAGESET_CHUNK_BITS;
		b = i > base ? (unsigned)(i - base) : 0;
		if ((b = chunk_next(c, b, false)) < PAGESET_CHUNK_BITS) {
			r = base + b;
			return (r < s->size ? r : s->size);
		}
	}
	return (s->size);
}

uint64_t
pageset_next_gap(const struct pageset *s, uint64_t i)
{
	const struct chunk	*c;
	uint64_t		 key, base, r;
	size_t			 pos;
	unsigned		 b;

	if (i >= s->size)
		return (s->size);
	key = i / PAGESET_CHUNK_BITS;
	for (pos = lower_bound(s, key); pos < s->n && s->c[pos].key == key;
	    pos++, key++) {
		c = &s->c[pos];
		base = key * PAGESET_CHUNK_BITS;
		b = i > base ? (unsigned)(i - base) : 0;
		if ((b = chunk_next(c, b, true)) < PAGESET_CHUNK_BITS) {
			r = base + b;
			return (r < s->size ? r : s->size);
		}
	}
	r = key * PAGESET_CHUNK_BITS;
	if (r < i)
		r = i;
	return (r < s->size ? r : s->size);
}
