/*
 * test-snapshot.c - the result of one cycle: VMA set-up (a deep copy, a
 * written page set only when tracked) and the totals snapshot_count() makes,
 * which leave out new and untracked VMAs.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pageset.h"
#include "page.h"
#include "snapshot.h"

/* A VMA of npages pages at start. */
static struct vma
vma_at(uint64_t start, uint64_t npages, char *name)
{
	struct vma	 v = { 0 };

	v.start = start;
	v.end = start + npages * page_size();
	memcpy(v.perms, "rw-p", 5);
	v.prot = VMA_READ | VMA_WRITE;
	v.name = name;
	return (v);
}

static void
snapshot_new__zeroed_with_page_size(void **state)
{
	struct snapshot	*s;

	(void)state;
	s = snapshot_new(0);
	assert_non_null(s);
	assert_int_equal(s->nvma, 0);
	assert_null(s->vmas);
	assert_int_equal(s->page_size, page_size());
	assert_int_equal(s->cycle, 0);
	assert_false(s->exited);
	snapshot_free(s);
	s = snapshot_new(3);
	assert_non_null(s);
	assert_int_equal(s->nvma, 3);
	assert_null(s->vmas[2].written);
	assert_null(s->vmas[2].vma.name);
	snapshot_free(s);
	snapshot_free(NULL);
}

static void
snapshot_set_vma__deep_copy_and_page_set_when_tracked(void **state)
{
	struct snapshot	*s;
	char		 name[] = "[heap]";
	struct vma	 v = vma_at(0x10000000, 130, name);

	(void)state;
	s = snapshot_new(2);
	assert_non_null(s);
	assert_int_equal(snapshot_set_vma(s, 0, &v, true, false), 0);
	assert_int_equal(snapshot_set_vma(s, 1, &v, false, false), 0);
	name[1] = 'X';
	assert_string_equal(s->vmas[0].vma.name, "[heap]");
	assert_int_equal(s->vmas[0].npages, 130);
	assert_true(s->vmas[0].tracked);
	assert_non_null(s->vmas[0].written);
	assert_int_equal(pageset_count(s->vmas[0].written), 0);
	assert_false(s->vmas[1].tracked);
	assert_null(s->vmas[1].written);
	assert_int_equal(s->vmas[1].npages, 130);
	snapshot_free(s);
}

static void
snapshot_count__totals_skip_new_and_untracked(void **state)
{
	struct snapshot	*s;
	struct vma	 v;
	char		 name[] = "";

	(void)state;
	s = snapshot_new(4);
	assert_non_null(s);
	v = vma_at(0x10000000, 100, name);
	assert_int_equal(snapshot_set_vma(s, 0, &v, true, false), 0);
	pageset_add_range(s->vmas[0].written, 10, 75);
	v = vma_at(0x20000000, 10, name);
	assert_int_equal(snapshot_set_vma(s, 1, &v, true, false), 0);
	pageset_add(s->vmas[1].written, 9);
	/* A new VMA is not judged even if bits are set in it. */
	v = vma_at(0x30000000, 8, name);
	assert_int_equal(snapshot_set_vma(s, 2, &v, true, true), 0);
	pageset_add_range(s->vmas[2].written, 0, 8);
	v = vma_at(0x40000000, 50, name);
	assert_int_equal(snapshot_set_vma(s, 3, &v, false, false), 0);

	s->vmas[0].dirty = 999;
	snapshot_count(s);
	assert_int_equal(s->vmas[0].dirty, 65);
	assert_int_equal(s->vmas[1].dirty, 1);
	assert_int_equal(s->vmas[2].dirty, 0);
	assert_int_equal(s->vmas[3].dirty, 0);
	assert_int_equal(s->dirty_pages, 66);
	assert_int_equal(s->tracked_pages, 110);

	/* Counting again gives the same, not double. */
	snapshot_count(s);
	assert_int_equal(s->dirty_pages, 66);
	assert_int_equal(s->tracked_pages, 110);
	snapshot_free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(snapshot_new__zeroed_with_page_size),
		cmocka_unit_test(
		    snapshot_set_vma__deep_copy_and_page_set_when_tracked),
		cmocka_unit_test(snapshot_count__totals_skip_new_and_untracked),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
