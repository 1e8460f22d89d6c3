/*
 * pageset.c - sparse sets of pages: a sorted array of 16-byte chunk heads,
 * one per PAGESET_CHUNK_BITS pages that hold a member, found by binary
 * search (or at once, for the last chunk touched, which is where an
 * ascending scan appends).
 *
 * A chunk keeps its members as a sorted array of 16-bit offsets while
 * there are at most ARRAY_MAX of them (up to INLINE_MAX inside the head
 * itself, then on the heap, capacity doubling), and as a bitmap of
 * PAGESET_CHUNK_BITS bits (512 bytes) above, and as nothing but its head
 * when full: a lone member costs a head, a dense chunk about a bit a page,
 * a full one (a region written or present throughout) a head. Members are
 * never removed, so the form of a chunk follows from its count alone.
 * Sizes are bytes.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pageset.h"

#define CHUNK_WORDS	(PAGESET_CHUNK_BITS / 64)
#define BITMAP_BYTES	(PAGESET_CHUNK_BITS / 8)
#define INLINE_MAX	4
#define ARRAY_MAX	(BITMAP_BYTES / 2)
#define KEY_BITS	51
/* Whether chunk c holds every page of its span (no storage). */
#define CHUNK_FULL(c)	((c)->n == PAGESET_CHUNK_BITS)

/*
 * The members of pages [key, key + 1) * PAGESET_CHUNK_BITS: n of them,
 * in in[] (n <= INLINE_MAX), a[] (n <= ARRAY_MAX), w[] (above), or all
 * of them (n == PAGESET_CHUNK_BITS, nothing stored).
 */
struct chunk {
	uint64_t	 key : KEY_BITS;
	uint64_t	 n : 64 - KEY_BITS;
	union {
		uint16_t	 in[INLINE_MAX];
		uint16_t	*a;
		uint64_t	*w;
	} u;
};

struct pageset {
	uint64_t	 size;		/* pages */
	size_t		 n, cap;	/* chunks held, allocated */
	struct chunk	*c;		/* by ascending key */
	size_t		 hint;		/* the chunk last found or made */
	size_t		 heap;		/* bytes of arrays and bitmaps */
};

/* The mask of bits [lo, hi) within one word, 0 <= lo < hi <= 64. */
static uint64_t
word_mask(unsigned lo, unsigned hi)
{
	uint64_t	 m = hi == 64 ? ~UINT64_C(0) : (UINT64_C(1) << hi) - 1;

	return (m & ~((UINT64_C(1) << lo) - 1));
}

/* The number of offsets a heap array holds room for with n members. */
static size_t
array_cap(size_t n)
{
	size_t	 cap = 8;

	while (cap < n)
		cap *= 2;
	return (cap);
}

/* The offsets of an array chunk. */
static uint16_t *
chunk_array(struct chunk *c)
{
	return (c->n <= INLINE_MAX ? c->u.in : c->u.a);
}

static const uint16_t *
chunk_carray(const struct chunk *c)
{
	return (c->n <= INLINE_MAX ? c->u.in : c->u.a);
}

/* The first offset of array a (n of them) that is at least b. */
static size_t
array_lower(const uint16_t *a, size_t n, unsigned b)
{
	size_t	 lo = 0, hi = n, mid;

	if (n != 0 && a[n - 1] < b)
		return (n);
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (a[mid] < b)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (lo);
}

/* Free what chunk c holds on the heap. */
static void
chunk_release(struct pageset *s, struct chunk *c)
{
	if (CHUNK_FULL(c))
		return;
	if (c->n > ARRAY_MAX) {
		free(c->u.w);
		s->heap -= BITMAP_BYTES;
	} else if (c->n > INLINE_MAX) {
		free(c->u.a);
		s->heap -= array_cap(c->n) * sizeof *c->u.a;
	}
}

struct pageset *
pageset_new(uint64_t size)
{
	struct pageset	*s;

	if ((s = calloc(1, sizeof *s)) == NULL)
		return (NULL);
	/* Keys must fit their field: 2^63 pages is far past any VMA. */
	if (size > (UINT64_C(1) << (KEY_BITS + 12)))
		size = UINT64_C(1) << (KEY_BITS + 12);
	s->size = size;
	return (s);
}

void
pageset_free(struct pageset *s)
{
	if (s == NULL)
		return;
	pageset_clear(s);
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
	return (sizeof *s + s->cap * sizeof *s->c + s->heap);
}

void
pageset_clear(struct pageset *s)
{
	size_t	 i;

	for (i = 0; i < s->n; i++)
		chunk_release(s, &s->c[i]);
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

/* The chunk of key, made (empty) if there is none; NULL with ENOMEM. */
static struct chunk *
chunk_get(struct pageset *s, uint64_t key)
{
	struct chunk	*c;
	size_t		 pos, ncap;

	pos = lower_bound(s, key);
	if (pos < s->n && s->c[pos].key == key) {
		s->hint = pos;
		return (&s->c[pos]);
	}
	if (s->n == s->cap) {
		ncap = s->cap == 0 ? 1 : s->cap * 2;
		if ((c = reallocarray(s->c, ncap, sizeof *c)) == NULL) {
			errno = ENOMEM;
			return (NULL);
		}
		s->c = c;
		s->cap = ncap;
	}
	c = s->c;
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

/*
 * The members of array chunk c in word w (bit b is offset 64 * w + b),
 * and where they lie in its array: [*p, *q).
 */
static uint64_t
array_word(const struct chunk *c, unsigned w, size_t *p, size_t *q)
{
	const uint16_t	*a = chunk_carray(c);
	uint64_t	 bits = 0;
	size_t		 i;

	i = *p = array_lower(a, c->n, w * 64);
	for (; i < c->n && a[i] < (w + 1) * 64; i++)
		bits |= UINT64_C(1) << (a[i] % 64);
	*q = i;
	return (bits);
}

/* Turn array chunk c into a bitmap, then add the k new bits of word w. */
static int
chunk_to_bitmap(struct pageset *s, struct chunk *c, unsigned w,
    uint64_t bits, unsigned k)
{
	const uint16_t	*a = chunk_carray(c);
	uint64_t	*m;
	size_t		 i;

	if ((m = calloc(CHUNK_WORDS, sizeof *m)) == NULL)
		return (-1);
	for (i = 0; i < c->n; i++)
		m[a[i] / 64] |= UINT64_C(1) << (a[i] % 64);
	m[w] |= bits;
	chunk_release(s, c);
	s->heap += BITMAP_BYTES;
	c->u.w = m;
	c->n += k;
	return (0);
}

/* Make room in array chunk c for n members in all. */
static int
array_grow(struct pageset *s, struct chunk *c, size_t n)
{
	uint16_t	*a, in[INLINE_MAX];
	size_t		 old;

	if (n <= INLINE_MAX)
		return (0);
	if (c->n <= INLINE_MAX) {
		if ((a = malloc(array_cap(n) * sizeof *a)) == NULL)
			return (-1);
		memcpy(in, c->u.in, sizeof in);
		memcpy(a, in, c->n * sizeof *a);
		c->u.a = a;
		s->heap += array_cap(n) * sizeof *a;
		return (0);
	}
	if ((old = array_cap(c->n)) == array_cap(n))
		return (0);
	if ((a = reallocarray(c->u.a, array_cap(n), sizeof *a)) == NULL)
		return (-1);
	c->u.a = a;
	s->heap += (array_cap(n) - old) * sizeof *a;
	return (0);
}

/* Add the pages of bits to word w of chunk c; -1 (ENOMEM) on failure. */
static int
chunk_or(struct pageset *s, struct chunk *c, unsigned w, uint64_t bits)
{
	uint16_t	*a;
	size_t		 p = 0, q = 0, i, out, n = c->n;
	unsigned	 k, b;
	bool		 append;

	if (n > ARRAY_MAX) {
		if (CHUNK_FULL(c))
			return (0);
		c->n += (unsigned)__builtin_popcountll(bits & ~c->u.w[w]);
		c->u.w[w] |= bits;
		if (CHUNK_FULL(c)) {
			free(c->u.w);
			s->heap -= BITMAP_BYTES;
		}
		return (0);
	}
	/* Above every member (an ascending scan): appended in order. */
	a = chunk_array(c);
	append = n == 0 || a[n - 1] < w * 64 + (unsigned)__builtin_ctzll(bits);
	if (!append && (bits &= ~array_word(c, w, &p, &q)) == 0)
		return (0);
	k = (unsigned)__builtin_popcountll(bits);
	if (n + k > ARRAY_MAX) {
		if (chunk_to_bitmap(s, c, w, bits, k) == -1)
			goto fail;
		return (0);
	}
	if (array_grow(s, c, n + k) == -1)
		goto fail;
	c->n = n + k;
	a = chunk_array(c);
	if (append) {
		for (i = n; bits != 0; bits &= bits - 1)
			a[i++] = (uint16_t)(w * 64 +
			    (unsigned)__builtin_ctzll(bits));
		return (0);
	}
	memmove(&a[q + k], &a[q], (n - q) * sizeof *a);
	/* Merge the old members of the word and the new, from the top. */
	out = q + k;
	i = q;
	while (bits != 0) {
		b = 63 - (unsigned)__builtin_clzll(bits);
		while (i > p && a[i - 1] % 64 > b)
			a[--out] = a[--i];
		a[--out] = (uint16_t)(w * 64 + b);
		bits &= ~(UINT64_C(1) << b);
	}
	return (0);

fail:
	errno = ENOMEM;
	return (-1);
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
	return (chunk_or(s, c, b / 64, UINT64_C(1) << (b % 64)));
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
		base = (uint64_t)c->key * PAGESET_CHUNK_BITS;
		end = to - base > PAGESET_CHUNK_BITS ? PAGESET_CHUNK_BITS :
		    to - base;
		lo = (unsigned)(from - base);
		hi = (unsigned)end;
		/* The whole chunk: full, whatever it held. */
		if (lo == 0 && hi == PAGESET_CHUNK_BITS) {
			chunk_release(s, c);
			c->n = PAGESET_CHUNK_BITS;
			from = base + end;
			continue;
		}
		for (w = lo / 64; w * 64 < hi; w++) {
			wlo = w * 64 > lo ? 0 : lo % 64;
			whi = (w + 1) * 64 <= hi ? 64 : hi % 64;
			if (chunk_or(s, c, w, word_mask(wlo, whi)) == -1)
				return (-1);
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

	if (first >= s->size)
		return (0);
	if (s->size - first < 64)
		bits &= word_mask(0, (unsigned)(s->size - first));
	if (bits == 0)
		return (0);
	if ((c = chunk_get(s, first / PAGESET_CHUNK_BITS)) == NULL)
		return (-1);
	return (chunk_or(s, c, (unsigned)(w % CHUNK_WORDS), bits));
}

static uint64_t	chunk_word(const struct chunk *, unsigned);

int
pageset_union(struct pageset *s, const struct pageset *from)
{
	const struct chunk	*fc;
	const uint16_t		*a;
	uint64_t		 bits;
	size_t			 i, j;
	unsigned		 w;

	for (i = 0; i < from->n; i++) {
		fc = &from->c[i];
		if (fc->n > ARRAY_MAX) {
			for (w = 0; w < CHUNK_WORDS; w++)
				if (pageset_add_word(s, (uint64_t)fc->key *
				    CHUNK_WORDS + w, chunk_word(fc, w)) == -1)
					return (-1);
			continue;
		}
		a = chunk_carray(fc);
		j = 0;
		while (j < fc->n) {
			w = a[j] / 64;
			for (bits = 0; j < fc->n && a[j] / 64 == w; j++)
				bits |= UINT64_C(1) << (a[j] % 64);
			if (pageset_add_word(s, (uint64_t)fc->key *
			    CHUNK_WORDS + w, bits) == -1)
				return (-1);
		}
	}
	return (0);
}

/* Word w of chunk c: bit b is offset 64 * w + b. */
static uint64_t
chunk_word(const struct chunk *c, unsigned w)
{
	size_t	 p, q;

	if (CHUNK_FULL(c))
		return (~UINT64_C(0));
	if (c->n > ARRAY_MAX)
		return (c->u.w[w]);
	return (array_word(c, w, &p, &q));
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
	return ((chunk_word(c, b / 64) >> (b % 64)) & 1);
}

uint64_t
pageset_word(const struct pageset *s, uint64_t w)
{
	const struct chunk	*c;

	if ((c = chunk_find(s, w / CHUNK_WORDS)) == NULL)
		return (0);
	return (chunk_word(c, (unsigned)(w % CHUNK_WORDS)));
}

uint64_t
pageset_count(const struct pageset *s)
{
	return (pageset_count_range(s, 0, s->size));
}

/* The members of chunk c in offsets [lo, hi). */
static uint64_t
chunk_count(const struct chunk *c, unsigned lo, unsigned hi)
{
	uint64_t	 n = 0;
	unsigned	 w, wlo, whi;

	if ((lo == 0 && hi == PAGESET_CHUNK_BITS) || CHUNK_FULL(c))
		return (CHUNK_FULL(c) ? hi - lo : c->n);
	if (c->n <= ARRAY_MAX)
		return (array_lower(chunk_carray(c), c->n, hi) -
		    array_lower(chunk_carray(c), c->n, lo));
	for (w = lo / 64; w * 64 < hi; w++) {
		wlo = w * 64 > lo ? 0 : lo % 64;
		whi = (w + 1) * 64 <= hi ? 64 : hi % 64;
		n += (uint64_t)__builtin_popcountll(c->u.w[w] &
		    word_mask(wlo, whi));
	}
	return (n);
}

uint64_t
pageset_count_range(const struct pageset *s, uint64_t from, uint64_t to)
{
	const struct chunk	*c;
	uint64_t		 n = 0, base;
	size_t			 pos;
	unsigned		 lo, hi;

	if (to > s->size)
		to = s->size;
	if (from >= to)
		return (0);
	pos = lower_bound(s, from / PAGESET_CHUNK_BITS);
	for (; pos < s->n; pos++) {
		c = &s->c[pos];
		base = (uint64_t)c->key * PAGESET_CHUNK_BITS;
		if (base >= to)
			break;
		lo = from > base ? (unsigned)(from - base) : 0;
		hi = to - base >= PAGESET_CHUNK_BITS ? PAGESET_CHUNK_BITS :
		    (unsigned)(to - base);
		n += chunk_count(c, lo, hi);
	}
	return (n);
}

/*
 * The first offset at or after b in chunk c that is a member (or, with
 * invert, is not); PAGESET_CHUNK_BITS if none.
 */
static unsigned
chunk_next(const struct chunk *c, unsigned b, bool invert)
{
	const uint16_t	*a;
	uint64_t	 word;
	size_t		 i;
	unsigned	 w;

	if (CHUNK_FULL(c))
		return (invert ? PAGESET_CHUNK_BITS : b);
	if (c->n <= ARRAY_MAX) {
		a = chunk_carray(c);
		i = array_lower(a, c->n, b);
		if (!invert)
			return (i < c->n ? a[i] : PAGESET_CHUNK_BITS);
		/* Walk the run of members that starts at b, if any. */
		for (; i < c->n && a[i] == b; i++)
			b++;
		return (b);
	}
	for (w = b / 64; w < CHUNK_WORDS; w++) {
		word = invert ? ~c->u.w[w] : c->u.w[w];
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
		base = (uint64_t)c->key * PAGESET_CHUNK_BITS;
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
