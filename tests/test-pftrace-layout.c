/*
 * test-pftrace-layout.c - the diff of maps readings into region records:
 * identical regions keep their identity silently, and each kind of change
 * (add, remove, resize, reprotect, split, merge, head cut, move) gives the
 * records the trace format promises. Addresses are in pages of 4 KiB.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pftrace-layout.h"

#define P	4096ULL

struct sink {
	struct pf_rec	 r[16];
	size_t		 n;
};

static int
collect(void *arg, const struct pf_rec *r)
{
	struct sink	*s = arg;

	assert_true(s->n < 16);
	s->r[s->n++] = *r;
	return (0);
}

/* A list of regions from (start page, end page, perms, inode) tuples. */
static void
make(struct vma_list *l, size_t n, const uint64_t (*v)[3],
    const char *const *perms)
{
	size_t	i;

	l->n = l->cap = n;
	l->v = calloc(n + 1, sizeof *l->v);
	assert_non_null(l->v);
	for (i = 0; i < n; i++) {
		l->v[i].start = v[i][0] * P;
		l->v[i].end = v[i][1] * P;
		l->v[i].inode = v[i][2];
		l->v[i].offset = v[i][2] != 0 ? (v[i][0] - 0x100) * P : 0;
		memcpy(l->v[i].perms, perms[i], 5);
		l->v[i].name = (char *)(v[i][2] != 0 ? "/lib/x.so" : "");
	}
}

static void
update(struct pf_layout *lay, uint64_t *next, struct sink *s, size_t n,
    const uint64_t (*v)[3], const char *const *perms)
{
	struct vma_list	 l;
	struct pf_rec	 tmpl;

	memset(&tmpl, 0, sizeof tmpl);
	tmpl.pid = 1;
	tmpl.tid = 1;
	strcpy(tmpl.cause, "test");
	make(&l, n, v, perms);
	s->n = 0;
	assert_int_equal(pflayout_update(lay, &l, next, &tmpl, collect, s), 0);
	free(l.v);
}

static void
pflayout_update__every_kind_of_change__exact_records(void **state)
{
	struct pf_layout	 lay = { NULL, 0, 0 };
	struct sink		 s;
	uint64_t		 next = 1;
	static const uint64_t	 v0[][3] = { { 0x100, 0x104, 7 },
				    { 0x200, 0x208, 0 } };
	static const char *const p0[] = { "r-xp", "rw-p" };
	/* The anonymous region: reprotect its middle (a split). */
	static const uint64_t	 v1[][3] = { { 0x100, 0x104, 7 },
				    { 0x200, 0x202, 0 }, { 0x202, 0x204, 0 },
				    { 0x204, 0x208, 0 } };
	static const char *const p1[] = { "r-xp", "rw-p", "r--p", "rw-p" };
	/* Back as it was: a merge. */
	static const char *const p2[] = { "r-xp", "rw-p" };
	/* The head of the anonymous region cut, the file one grown. */
	static const uint64_t	 v3[][3] = { { 0x100, 0x106, 7 },
				    { 0x201, 0x208, 0 } };
	/* The file region moved elsewhere (mremap), a new one mapped. */
	static const uint64_t	 v4[][3] = { { 0x201, 0x208, 0 },
				    { 0x300, 0x306, 8 } };
	static const char *const p4[] = { "rw-p", "r-xp" };

	(void)state;
	update(&lay, &next, &s, 2, v0, p0);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.r[0].type, PFR_ADD);
	assert_int_equal(s.r[0].id, 1);
	assert_int_equal(s.r[0].link, 0);
	assert_int_equal(s.r[1].id, 2);
	assert_string_equal(s.r[1].cause, "test");

	/* The same reading again: nothing. */
	update(&lay, &next, &s, 2, v0, p0);
	assert_int_equal(s.n, 0);

	update(&lay, &next, &s, 4, v1, p1);
	assert_int_equal(s.n, 3);
	assert_int_equal(s.r[0].type, PFR_CHANGE);
	assert_int_equal(s.r[0].id, 2);
	assert_int_equal(s.r[0].vma.end, 0x202 * P);
	assert_int_equal(s.r[1].type, PFR_ADD);
	assert_int_equal(s.r[1].id, 3);
	assert_int_equal(s.r[1].link, 2);
	assert_string_equal(s.r[1].vma.perms, "r--p");
	assert_int_equal(s.r[2].type, PFR_ADD);
	assert_int_equal(s.r[2].id, 4);
	assert_int_equal(s.r[2].link, 2);

	update(&lay, &next, &s, 2, v0, p2);
	assert_int_equal(s.n, 3);
	assert_int_equal(s.r[0].type, PFR_CHANGE);
	assert_int_equal(s.r[0].id, 2);
	assert_int_equal(s.r[0].vma.end, 0x208 * P);
	assert_int_equal(s.r[1].type, PFR_REMOVE);
	assert_int_equal(s.r[1].id, 3);
	assert_int_equal(s.r[1].link, 2);
	assert_int_equal(s.r[2].type, PFR_REMOVE);
	assert_int_equal(s.r[2].id, 4);
	assert_int_equal(s.r[2].link, 2);

	update(&lay, &next, &s, 2, v3, p2);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.r[0].type, PFR_CHANGE);
	assert_int_equal(s.r[0].id, 1);
	assert_int_equal(s.r[0].vma.end, 0x106 * P);
	assert_int_equal(s.r[1].type, PFR_CHANGE);
	assert_int_equal(s.r[1].id, 2);
	assert_int_equal(s.r[1].vma.start, 0x201 * P);

	update(&lay, &next, &s, 2, v4, p4);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.r[0].type, PFR_ADD);
	assert_int_equal(s.r[0].id, 5);
	assert_int_equal(s.r[0].vma.inode, 8);
	assert_int_equal(s.r[1].type, PFR_REMOVE);
	assert_int_equal(s.r[1].id, 1);
	assert_int_equal(s.r[1].link, 0);
	assert_int_equal(lay.n, 2);
	assert_int_equal(lay.r[0].id, 2);
	assert_int_equal(lay.r[1].id, 5);

	s.n = 0;
	assert_int_equal(pflayout_clear(&lay, &s.r[15], collect, &s), 0);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.r[0].type, PFR_REMOVE);
	assert_int_equal(lay.n, 0);
	pflayout_free(&lay);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    pflayout_update__every_kind_of_change__exact_records),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
