/*
 * test-snapshot-set.c - the totals of a set of processes: private pages
 * add up, a page of a shared mapping counts once however many processes
 * map or write it, wherever each maps it and at whatever offset.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "pageset.h"
#include "snapshot.h"
#include "snap-make.h"

/* Make VMA i of p shared (dev 0:1, inode ino, file offset pgoff pages). */
static void
share(struct snapshot *p, size_t i, uint64_t ino, uint64_t pgoff)
{
	struct vma	*v = &p->vmas[i].vma;

	v->prot |= VMA_SHARED;
	v->perms[3] = 's';
	v->dev_major = 0;
	v->dev_minor = 1;
	v->inode = ino;
	v->offset = pgoff * 4096;
}

/* Mark pages [from, to) of VMA i of p written. */
static void
write_pages(struct snapshot *p, size_t i, uint64_t from, uint64_t to)
{
	assert_int_equal(pageset_add_range(p->vmas[i].written, from, to), 0);
}

/* A set of the n processes p, counted. */
static struct snapshot *
set_of(struct snapshot **p, size_t n)
{
	struct snapshot	*s;
	size_t		 i;

	s = snapshot_new(0);
	assert_non_null(s);
	s->set = SNAP_SET_PIDS;
	s->procs = calloc(n, sizeof *s->procs);
	assert_non_null(s->procs);
	for (i = 0; i < n; i++) {
		snapshot_count(p[i]);
		s->procs[s->nproc++] = p[i];
	}
	assert_int_equal(snapshot_set_count(s), 0);
	return (s);
}

static const struct region two[] = {
	{ 0x10000, 8, "rw-p", "", true },	/* private */
	{ 0x40000, 16, "rw-s", "/dev/zero", true }	/* shared */
};

/* Private pages add up; shared pages written by both count once. */
static void
test_shared_once(void **state)
{
	struct snapshot	*p[2], *s;

	(void)state;
	p[0] = snap_make(two, 2);
	p[1] = snap_make(two, 2);
	share(p[0], 1, 77, 0);
	share(p[1], 1, 77, 0);
	write_pages(p[0], 0, 0, 3);
	write_pages(p[1], 0, 0, 5);
	write_pages(p[0], 1, 2, 6);		/* 2..5 */
	write_pages(p[1], 1, 4, 10);		/* 4..9: 4, 5 shared */
	s = set_of(p, 2);
	assert_int_equal(p[0]->dirty_pages, 3 + 4);
	assert_int_equal(p[0]->shared_dirty_pages, 4);
	assert_int_equal(p[1]->shared_dirty_pages, 6);
	/* Private 3 + 5, shared pages 2..9 once: 8. */
	assert_int_equal(s->shared_dirty_pages, 8);
	assert_int_equal(s->dirty_pages, 3 + 5 + 8);
	/* Tracked: 8 + 8 private, 16 shared once. */
	assert_int_equal(s->tracked_pages, 8 + 8 + 16);
	snapshot_free(s);
}

/*
 * The key is the page of the file, not the address: the same file mapped
 * at another address and offset matches page for page, another inode or
 * a private mapping of the same file never does.
 */
static void
test_keyed_by_file(void **state)
{
	static const struct region r[] = {
		{ 0x80000, 4, "rw-s", "/m", true },
		{ 0x90000, 4, "rw-s", "/n", true },
		{ 0xa0000, 4, "rw-p", "/m", true }
	};
	struct snapshot	*p[2], *s;

	(void)state;
	p[0] = snap_make(r, 3);
	p[1] = snap_make(r, 3);
	share(p[0], 0, 5, 10);		/* file pages 10..13 */
	share(p[1], 0, 5, 12);		/* file pages 12..15 */
	share(p[0], 1, 6, 0);
	share(p[1], 1, 7, 0);		/* another file */
	p[0]->vmas[2].vma.inode = p[1]->vmas[2].vma.inode = 5;
	write_pages(p[0], 0, 2, 4);	/* file pages 12, 13 */
	write_pages(p[1], 0, 0, 2);	/* file pages 12, 13 again */
	write_pages(p[0], 1, 0, 1);
	write_pages(p[1], 1, 0, 1);
	write_pages(p[0], 2, 0, 2);	/* private copies: 2 + 2 */
	write_pages(p[1], 2, 0, 2);
	s = set_of(p, 2);
	assert_int_equal(s->shared_dirty_pages, 2 + 1 + 1);
	assert_int_equal(s->dirty_pages, 4 + 2 + 2);
	/* Files 5 (pages 10..15), 6, 7 and the private copies. */
	assert_int_equal(s->tracked_pages, 6 + 4 + 4 + 4 + 4);
	snapshot_free(s);
}

/* A shared mapping with no inode, and untracked ones, are not keyed. */
static void
test_untracked_and_processes_without_vmas(void **state)
{
	static const struct region r[] = {
		{ 0x80000, 4, "rw-s", "", true },
		{ 0x90000, 4, "r--s", "/ro", false }
	};
	struct snapshot	*p[3], *s;

	(void)state;
	p[0] = snap_make(r, 2);
	p[1] = snap_make(r, 2);
	p[2] = snapshot_new(0);		/* exited, or not watched */
	assert_non_null(p[2]);
	p[0]->vmas[0].vma.prot |= VMA_SHARED;
	p[1]->vmas[0].vma.prot |= VMA_SHARED;
	share(p[0], 1, 9, 0);
	share(p[1], 1, 9, 0);
	write_pages(p[0], 0, 0, 4);
	write_pages(p[1], 0, 0, 4);
	s = set_of(p, 3);
	assert_int_equal(s->shared_dirty_pages, 0);
	assert_int_equal(s->dirty_pages, 8);
	assert_int_equal(s->tracked_pages, 8);
	snapshot_free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shared_once),
		cmocka_unit_test(test_keyed_by_file),
		cmocka_unit_test(test_untracked_and_processes_without_vmas),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
