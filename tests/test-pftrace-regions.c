/*
 * test-pftrace-regions.c - the region table of the trace's readers: add,
 * change and remove keep each process's regions in address order, a
 * fault is placed in the region holding it, or in [stack] when just
 * under it (the stack growing), or in none; and the report and the
 * replay place every fault of one trace (tests/fixtures/pftrace/
 * regions.trace) in the same region. Addresses are bytes, pages 4 KiB.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fixture.h"

#include "page.h"
#include "pageset.h"
#include "pftrace-regions.h"
#include "pftrace-report.h"
#include "replay.h"
#include "snapshot.h"

#define P	4096ULL

/* A region record of process pid: id over [start, end) pages. */
static struct pf_rec
rec(enum pf_rec_type type, int pid, uint64_t id, uint64_t start,
    uint64_t end, const char *name)
{
	struct pf_rec	r;

	memset(&r, 0, sizeof r);
	r.type = type;
	r.pid = pid;
	r.tid = pid;
	strcpy(r.cause, "test");
	r.id = id;
	r.vma.start = start * P;
	r.vma.end = end * P;
	strcpy(r.vma.perms, "rw-p");
	r.vma.name = (char *)name;
	return (r);
}

static void
add(struct pfregions *t, int pid, uint64_t id, uint64_t start, uint64_t end,
    const char *name)
{
	struct pf_rec	r = rec(PFR_ADD, pid, id, start, end, name);

	assert_int_equal(pfregions_add(t, &r), 0);
}

/* The id of the region placed for a fault at page+off, 0 for none. */
static uint64_t
place(struct pfregions *t, int pid, uint64_t page, uint64_t off)
{
	struct pfregion	*g = pfregions_place(t, pid, page * P + off, P);

	return (g != NULL ? g->id : 0);
}

static void
pfregions_add__any_order__live_in_address_order(void **state)
{
	struct pfregions	 t;
	const struct pfregion	*v;
	size_t			 n;

	(void)state;
	pfregions_init(&t);
	add(&t, 1, 1, 0x300, 0x310, "/c");
	add(&t, 1, 2, 0x100, 0x110, NULL);
	add(&t, 1, 3, 0x200, 0x210, "/b");
	add(&t, 2, 4, 0x150, 0x160, "/other");
	v = pfregions_live(&t, 1, &n);
	assert_int_equal(n, 3);
	assert_int_equal(v[0].id, 2);
	assert_string_equal(v[0].vma.name, "");
	assert_int_equal(v[1].id, 3);
	assert_int_equal(v[2].id, 1);
	assert_int_equal(v[2].lo, 0x300 * P);
	assert_int_equal(v[2].hi, 0x310 * P);
	assert_null(pfregions_live(&t, 3, &n));
	assert_int_equal(n, 0);
	pfregions_free(&t);
}

static void
pfregions_find__each_address__exact_region_of_its_process(void **state)
{
	struct pfregions	 t;
	struct pfregion		*g;

	(void)state;
	pfregions_init(&t);
	add(&t, 1, 1, 0x100, 0x110, "/a");
	add(&t, 1, 2, 0x110, 0x120, "/b");
	add(&t, 2, 3, 0x200, 0x210, "/c");
	assert_null(pfregions_find(&t, 1, 0x100 * P - 1));
	assert_non_null(g = pfregions_find(&t, 1, 0x100 * P));
	assert_int_equal(g->id, 1);
	assert_int_equal(pfregions_find(&t, 1, 0x110 * P - 1)->id, 1);
	assert_int_equal(pfregions_find(&t, 1, 0x110 * P)->id, 2);
	assert_null(pfregions_find(&t, 1, 0x120 * P));
	/* Another process's region is not this one's. */
	assert_null(pfregions_find(&t, 1, 0x200 * P));
	assert_int_equal(pfregions_find(&t, 2, 0x200 * P)->id, 3);
	assert_null(pfregions_find(&t, 7, 0x100 * P));
	pfregions_free(&t);
}

static void
pfregions_change__moved_region__found_at_new_place(void **state)
{
	struct pfregions	 t;
	const struct pfregion	*v;
	struct pf_rec		 r;
	size_t			 n;

	(void)state;
	pfregions_init(&t);
	add(&t, 1, 1, 0x100, 0x110, "/a");
	add(&t, 1, 2, 0x200, 0x210, "/b");
	/* mprotect keeps the start, mremap moves the end past /b. */
	r = rec(PFR_CHANGE, 1, 1, 0x100, 0x104, "ignored");
	strcpy(r.vma.perms, "r--p");
	assert_int_equal(pfregions_change(&t, &r), 0);
	assert_null(pfregions_find(&t, 1, 0x105 * P));
	assert_string_equal(pfregions_find(&t, 1, 0x100 * P)->vma.perms,
	    "r--p");
	assert_string_equal(pfregions_find(&t, 1, 0x100 * P)->vma.name, "/a");
	r = rec(PFR_CHANGE, 1, 1, 0x300, 0x320, NULL);
	assert_int_equal(pfregions_change(&t, &r), 0);
	v = pfregions_live(&t, 1, &n);
	assert_int_equal(n, 2);
	assert_int_equal(v[0].id, 2);
	assert_int_equal(v[1].id, 1);
	/* Its span is every geometry it had. */
	assert_int_equal(v[1].lo, 0x100 * P);
	assert_int_equal(v[1].hi, 0x320 * P);
	assert_null(pfregions_find(&t, 1, 0x100 * P));
	assert_int_equal(pfregions_find(&t, 1, 0x31f * P)->id, 1);
	pfregions_free(&t);
}

static void
pfregions_remove__region_handed_back__no_longer_found(void **state)
{
	struct pfregions	 t;
	struct pfregion		 gone;
	struct pf_rec		 r;

	(void)state;
	pfregions_init(&t);
	add(&t, 1, 1, 0x100, 0x110, "/a");
	add(&t, 1, 2, 0x200, 0x210, "/b");
	r = rec(PFR_REMOVE, 1, 1, 0, 0, NULL);
	assert_int_equal(pfregions_remove(&t, &r, &gone), 0);
	assert_int_equal(gone.id, 1);
	assert_string_equal(gone.vma.name, "/a");
	assert_int_equal(gone.lo, 0x100 * P);
	free(gone.vma.name);
	assert_null(pfregions_find(&t, 1, 0x100 * P));
	assert_int_equal(place(&t, 1, 0x100, 0), 0);
	r = rec(PFR_REMOVE, 1, 2, 0, 0, NULL);
	assert_int_equal(pfregions_remove(&t, &r, NULL), 0);
	assert_null(pfregions_find(&t, 1, 0x200 * P));
	pfregions_free(&t);
}

static void
pfregions_update__unknown_or_repeated_id__refused(void **state)
{
	struct pfregions	 t;
	struct pf_rec		 r;

	(void)state;
	pfregions_init(&t);
	add(&t, 1, 1, 0x100, 0x110, "/a");
	r = rec(PFR_ADD, 1, 1, 0x200, 0x210, "/a");
	errno = 0;
	assert_int_equal(pfregions_add(&t, &r), -1);
	assert_int_equal(errno, EEXIST);
	r = rec(PFR_CHANGE, 1, 9, 0x100, 0x120, NULL);
	errno = 0;
	assert_int_equal(pfregions_change(&t, &r), -1);
	assert_int_equal(errno, ENOENT);
	/* Region 1 is process 1's, not process 2's. */
	r = rec(PFR_REMOVE, 2, 1, 0, 0, NULL);
	errno = 0;
	assert_int_equal(pfregions_remove(&t, &r, NULL), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(pfregions_find(&t, 1, 0x10f * P)->id, 1);
	pfregions_free(&t);
}

static void
pfregions_place__just_under_stack__stack_grows(void **state)
{
	struct pfregions	 t;
	struct pfregion		*g;

	(void)state;
	pfregions_init(&t);
	add(&t, 1, 1, 0x100, 0x104, "/beneath");
	add(&t, 1, 2, 0x110, 0x120, "[stack]");
	assert_int_equal(place(&t, 1, 0x10f, 8), 2);
	g = pfregions_find(&t, 1, 0x110 * P);
	assert_int_equal(g->lo, 0x10f * P);
	/* Its geometry stays as the records say until a change says more. */
	assert_int_equal(g->vma.start, 0x110 * P);
	assert_null(pfregions_find(&t, 1, 0x10f * P));
	/* Down to the region beneath, which keeps its own. */
	assert_int_equal(place(&t, 1, 0x104, 0), 2);
	assert_int_equal(g->lo, 0x104 * P);
	assert_int_equal(place(&t, 1, 0x103, 0xfff), 1);
	assert_int_equal(g->lo, 0x104 * P);
	pfregions_free(&t);
}

static void
pfregions_place__outside_every_region__none(void **state)
{
	struct pfregions	 t;

	(void)state;
	pfregions_init(&t);
	add(&t, 1, 1, 0x100, 0x104, "/a");
	add(&t, 1, 2, 0x200, 0x204, "[heap]");
	add(&t, 1, 3, 0x300, 0x304, "[stack]");
	/* Under a region that is not the stack, above all, under all. */
	assert_int_equal(place(&t, 1, 0x1ff, 0), 0);
	assert_int_equal(place(&t, 1, 0x304, 0), 0);
	assert_int_equal(place(&t, 1, 0x0ff, 0), 0);
	/* No region of that process at all. */
	assert_int_equal(place(&t, 2, 0x2ff, 0), 0);
	assert_int_equal(place(&t, 1, 0x2ff, 0), 3);
	pfregions_free(&t);
}

/*
 * regions.trace has one fault per window of 1 s: fault k at window k,
 * at address addr, placed in region id (0: none) named name.
 */
static const struct {
	uint64_t	 time;
	uint64_t	 addr;
	uint64_t	 id;
	const char	*name;
} placed[] = {
	{ 100, 0x10001000, 2, "/a" },
	{ 1000000100, 0x7ffc0000f008, 5, "[stack]" },
	{ 2000000200, 0x20001000, 3, "/b" },
	{ 3000000200, 0x10006000, 2, "/a" },
	{ 4000000200, 0x20003000, 0, NULL },
	{ 5000000100, 0x30000000, 0, NULL },
	{ 6000000100, 0x7ffc00008000, 5, "[stack]" },
	{ 7000000100, 0x7ffc00003000, 4, "/beneath" },
};
#define NPLACED	(sizeof placed / sizeof placed[0])

/* The report's region of the fault at time t, 0 if none. */
static uint64_t
report_region(const struct pfreport *rep, uint64_t t)
{
	size_t	i, j;

	for (i = 0; i < rep->nr; i++) {
		for (j = 0; j < rep->r[i].nf; j++) {
			if (rep->r[i].f[j].time == t)
				return (rep->r[i].id);
		}
	}
	return (0);
}

/* The name of the region of s with the one written page, at *addr. */
static const char *
replay_region(const struct snapshot *s, uint64_t *addr)
{
	const struct snap_vma	*sv;
	const char		*name = NULL;
	size_t			 i;
	uint64_t		 k, n = 0;

	for (i = 0; i < s->nvma; i++) {
		sv = &s->vmas[i];
		for (k = 0; sv->written != NULL && k < sv->npages; k++) {
			if (!pageset_has(sv->written, k))
				continue;
			name = sv->vma.name;
			*addr = sv->vma.start + k * P;
			n++;
		}
	}
	assert_true(n <= 1);
	return (name);
}

static void
report_and_replay__one_trace__same_region_for_every_fault(void **state)
{
	struct pfreport_options	 o;
	struct pfreport		 rep;
	struct replay		 r;
	struct snapshot		*s;
	const char		*name;
	char			*cause = NULL;
	uint64_t		 id, addr;
	size_t			 k;
	FILE			*f;

	(void)state;
	memset(&o, 0, sizeof o);
	o.to = UINT64_MAX;
	assert_non_null(f = fopen(fixture_path("pftrace", "regions.trace"), "r"));
	if (pfreport_load(&rep, f, &o, &cause) != 0)
		fail_msg("%s", cause);
	fclose(f);
	assert_int_equal(rep.outside, 2);
	if (replay_open_window(&r, fixture_path("pftrace", "regions.trace"), 1, &cause) != 0)
		fail_msg("%s", cause);
	for (k = 0; k < NPLACED; k++) {
		id = report_region(&rep, placed[k].time);
		if (id != placed[k].id)
			fail_msg("fault %zu: the report's region %" PRIu64
			    ", want %" PRIu64, k + 1, id, placed[k].id);
		if (id != 0)
			assert_string_equal(rep.r[id - 1].vma.name,
			    placed[k].name);
		s = NULL;
		if (replay_next(&r, &s, &cause) != 1)
			fail_msg("window %zu: %s", k + 1, cause);
		assert_int_equal(s->cycle, k + 1);
		addr = 0;
		name = replay_region(s, &addr);
		if (placed[k].name == NULL) {
			if (name != NULL)
				fail_msg("fault %zu: the replay's region %s, the "
				    "report's none", k + 1, name);
		} else {
			assert_non_null(name);
			assert_string_equal(name, placed[k].name);
			assert_int_equal(addr, placed[k].addr & ~(P - 1));
		}
		snapshot_free(s);
	}
	replay_close(&r);
	/* The stack's row reaches down to its lowest fault. */
	assert_int_equal(rep.r[4].lo, 0x7ffc00008000ULL);
	pfreport_free(&rep);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    pfregions_add__any_order__live_in_address_order),
		cmocka_unit_test(
		    pfregions_find__each_address__exact_region_of_its_process),
		cmocka_unit_test(
		    pfregions_change__moved_region__found_at_new_place),
		cmocka_unit_test(
		    pfregions_remove__region_handed_back__no_longer_found),
		cmocka_unit_test(
		    pfregions_update__unknown_or_repeated_id__refused),
		cmocka_unit_test(
		    pfregions_place__just_under_stack__stack_grows),
		cmocka_unit_test(
		    pfregions_place__outside_every_region__none),
		cmocka_unit_test(
		    report_and_replay__one_trace__same_region_for_every_fault),
	};

	if (page_size() != 4096) {
		printf("SKIP: the fixtures are of 4096-byte pages, this "
		    "machine's are %zu\n", page_size());
		return (77);
	}
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
