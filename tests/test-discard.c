/*
 * test-discard.c - the pages given back between two collects: present at
 * one, absent at the next, judged only for the same mapping in both.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "discard.h"
#include "pageset.h"
#include "snapshot.h"

#define START	UINT64_C(0x10000000)
#define PAGES	20000		/* more than one chunk of a page set */

/* A snapshot of one tracked VMA whose present pages are [from, to) runs. */
static struct snapshot *
snap_one(uint64_t inode, bool is_new, const uint64_t *runs, size_t nruns)
{
	struct snapshot	*s;
	struct vma	 v = { 0 };
	size_t		 i;

	s = snapshot_new(1);
	assert_non_null(s);
	v.start = START;
	v.end = START + PAGES * s->page_size;
	v.inode = inode;
	v.prot = VMA_READ | VMA_WRITE;
	memcpy(v.perms, "rw-p", 5);
	v.name = (char *)"";
	assert_int_equal(snapshot_set_vma(s, 0, &v, !is_new, is_new), 0);
	if (is_new)
		return (s);
	s->vmas[0].present = pageset_new(PAGES);
	assert_non_null(s->vmas[0].present);
	for (i = 0; i < nruns; i++)
		assert_int_equal(pageset_add_range(s->vmas[0].present,
		    runs[2 * i], runs[2 * i + 1]), 0);
	return (s);
}

/* The members of set, as a flat reference, checked against want(i). */
static void
want_members(const struct pageset *set, bool (*want)(uint64_t))
{
	uint64_t	 i;

	assert_non_null(set);
	for (i = 0; i < PAGES; i++)
		if (pageset_has(set, i) != want(i))
			fail_msg("page %llu: %s, want %s",
			    (unsigned long long)i,
			    pageset_has(set, i) ? "member" : "not",
			    want(i) ? "member" : "not");
}

/* Present [0, 10000) and [12000, 20000), then [0, 100), [5000, 19000). */
static const uint64_t was[] = { 0, 10000, 12000, 20000 };
static const uint64_t now[] = { 0, 100, 5000, 19000 };

static bool
gave_back(uint64_t i)
{
	return ((i >= 100 && i < 5000) || (i >= 19000 && i < 20000));
}

static void
discard_judge__same_vma__present_then_absent(void **state)
{
	struct discard_memory	 m = { 0 };
	struct snapshot		*a, *b;

	(void)state;
	a = snap_one(0, false, was, 2);
	assert_int_equal(discard_judge(&m, a, false), 0);
	/* The first collect has nothing to compare with. */
	assert_null(a->vmas[0].discarded);
	b = snap_one(0, false, now, 2);
	assert_int_equal(discard_judge(&m, b, false), 0);
	want_members(b->vmas[0].discarded, gave_back);
	snapshot_count(b);
	assert_int_equal(b->discarded_pages, 4900 + 1000);
	assert_int_equal(b->resident_pages, 100 + 14000);
	snapshot_free(a);
	snapshot_free(b);
	discard_free(&m);
}

static void
discard_judge__peek__remembers_nothing(void **state)
{
	struct discard_memory	 m = { 0 };
	struct snapshot		*a, *b, *c;

	(void)state;
	a = snap_one(0, false, was, 2);
	assert_int_equal(discard_judge(&m, a, false), 0);
	/* A rescan sees the pages gone, but the cycle goes on. */
	b = snap_one(0, false, now, 2);
	assert_int_equal(discard_judge(&m, b, true), 0);
	want_members(b->vmas[0].discarded, gave_back);
	c = snap_one(0, false, now, 2);
	assert_int_equal(discard_judge(&m, c, false), 0);
	want_members(c->vmas[0].discarded, gave_back);
	snapshot_free(a);
	snapshot_free(b);
	snapshot_free(c);
	discard_free(&m);
}

/* From now back to was: only the pages now has and was has not. */
static bool
gave_back_again(uint64_t i)
{
	return (i >= 10000 && i < 12000);
}

static void
discard_judge__other_mapping_or_new__not_judged(void **state)
{
	struct discard_memory	 m = { 0 };
	struct snapshot		*a, *b, *c, *d;

	(void)state;
	a = snap_one(0, false, was, 2);
	assert_int_equal(discard_judge(&m, a, false), 0);
	/* The same range now maps a file: nothing to compare with. */
	b = snap_one(77, false, now, 2);
	assert_int_equal(discard_judge(&m, b, false), 0);
	assert_null(b->vmas[0].discarded);
	/* A new VMA is not judged, and leaves nothing to compare with. */
	c = snap_one(77, true, NULL, 0);
	assert_int_equal(discard_judge(&m, c, false), 0);
	assert_null(c->vmas[0].discarded);
	d = snap_one(77, false, was, 2);
	assert_int_equal(discard_judge(&m, d, false), 0);
	assert_null(d->vmas[0].discarded);
	/* Judged from the collect before, not from older ones. */
	snapshot_free(b);
	b = snap_one(77, false, now, 2);
	assert_int_equal(discard_judge(&m, b, false), 0);
	want_members(b->vmas[0].discarded, gave_back);
	snapshot_free(c);
	c = snap_one(77, false, was, 2);
	assert_int_equal(discard_judge(&m, c, false), 0);
	want_members(c->vmas[0].discarded, gave_back_again);
	snapshot_free(a);
	snapshot_free(b);
	snapshot_free(c);
	snapshot_free(d);
	discard_free(&m);
}

static void
discard_judge__shared_mapping__never_judged(void **state)
{
	struct discard_memory	 m = { 0 };
	struct snapshot		*a, *b;

	(void)state;
	a = snap_one(0, false, was, 2);
	a->vmas[0].vma.prot |= VMA_SHARED;
	assert_int_equal(discard_judge(&m, a, false), 0);
	b = snap_one(0, false, now, 2);
	b->vmas[0].vma.prot |= VMA_SHARED;
	/* Dropped from the page tables, the pages stay in the segment. */
	assert_int_equal(discard_judge(&m, b, false), 0);
	assert_null(b->vmas[0].discarded);
	snapshot_free(a);
	snapshot_free(b);
	discard_free(&m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(discard_judge__same_vma__present_then_absent),
		cmocka_unit_test(discard_judge__peek__remembers_nothing),
		cmocka_unit_test(
		    discard_judge__other_mapping_or_new__not_judged),
		cmocka_unit_test(discard_judge__shared_mapping__never_judged),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
