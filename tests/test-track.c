/*
 * test-track.c - the method table and the marking of a failed VMA.
 */
#include "config.h"

#include <errno.h>
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
#include "track.h"

static void
track_vma_failed__tracked_vma__untracked_with_no_pages(void **state)
{
	struct snapshot	*s;
	struct vma	 v;

	(void)state;
	memset(&v, 0, sizeof v);
	v.start = 0x10000;
	v.end = v.start + 8 * page_size();
	v.name = (char *)"";
	assert_non_null(s = snapshot_new(1));
	s->page_size = page_size();
	assert_int_equal(snapshot_set_vma(s, 0, &v, true, false), 0);
	assert_non_null(s->vmas[0].present = pageset_new(8));
	pageset_add_range(s->vmas[0].written, 1, 3);
	track_vma_failed(&s->vmas[0], EFAULT);
	assert_false(s->vmas[0].tracked);
	assert_int_equal(s->vmas[0].error, EFAULT);
	assert_null(s->vmas[0].written);
	assert_null(s->vmas[0].present);
	snapshot_count(s);
	assert_int_equal(s->dirty_pages, 0);
	assert_int_equal(s->tracked_pages, 0);
	assert_string_equal(snap_vma_error(&s->vmas[0]), strerror(EFAULT));
	track_vma_failed(&s->vmas[0], SNAP_EHUGE);
	assert_int_equal(s->vmas[0].error, SNAP_EHUGE);
	snapshot_free(s);
}

static void
track_find__each_name__its_method(void **state)
{
	(void)state;
	assert_ptr_equal(track_find("soft-dirty"), &track_softdirty);
	assert_ptr_equal(track_find("uffd-wp"), &track_uffd);
	assert_ptr_equal(track_find("hash"), &track_hash);
	assert_null(track_find("auto"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    track_vma_failed__tracked_vma__untracked_with_no_pages),
		cmocka_unit_test(track_find__each_name__its_method),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
