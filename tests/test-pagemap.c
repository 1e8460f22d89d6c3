/*
 * test-pagemap.c - decoding pagemap entries, from a pagemap file generated
 * here (a sparse file written with pwrite at vpn * 8) in a temporary proc
 * tree, and PAGEMAP_SCAN on this process's own pagemap.
 *
 * Units: addresses in bytes, page indexes counted from the start of the
 * range read.
 */
#include "config.h"

#include <sys/mman.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "bitmap.h"
#include "page.h"
#include "proc-pagemap.h"
#include "proc.h"

/* Bits 58 (guard), 59 and 60 are set in entries to prove they are ignored. */
#define PM_GUARD	(UINT64_C(1) << 58)
#define PM_UNUSED	((UINT64_C(1) << 59) | (UINT64_C(1) << 60))

/* A temporary proc tree holding one target, PID 77, with a pagemap. */
struct tree {
	char			 dir[64];
	char			 pid_dir[96];
	char			 pagemap[128];
	int			 wfd;		/* the pagemap, for writing */
	struct proc_target	 t;
	int			 fd;		/* the target's pagemap fd */
};

static struct tree *
tree_new(void)
{
	struct tree	*tr;
	char		*cause = NULL;

	tr = calloc(1, sizeof *tr);
	assert_non_null(tr);
	snprintf(tr->dir, sizeof tr->dir, "/tmp/sdtop-pagemap-XXXXXX");
	assert_non_null(mkdtemp(tr->dir));
	snprintf(tr->pid_dir, sizeof tr->pid_dir, "%s/77", tr->dir);
	assert_int_equal(mkdir(tr->pid_dir, 0700), 0);
	snprintf(tr->pagemap, sizeof tr->pagemap, "%s/pagemap", tr->pid_dir);
	tr->wfd = open(tr->pagemap, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(tr->wfd >= 0);
	assert_int_equal(proc_open(&tr->t, tr->dir, 77, &cause), 0);
	tr->fd = proc_pagemap_fd(&tr->t);
	assert_true(tr->fd >= 0);
	return (tr);
}

static void
tree_free(struct tree *tr)
{
	proc_close(&tr->t);
	close(tr->wfd);
	assert_int_equal(unlink(tr->pagemap), 0);
	assert_int_equal(rmdir(tr->pid_dir), 0);
	assert_int_equal(rmdir(tr->dir), 0);
	free(tr);
}

/* Write the entry of the page at virtual address addr. */
static void
tree_put(struct tree *tr, uint64_t addr, uint64_t entry)
{
	off_t	 off = (off_t)((addr >> page_shift()) * sizeof entry);

	assert_int_equal(pwrite(tr->wfd, &entry, sizeof entry, off),
	    sizeof entry);
}

/* The flag bits an entry of page i of a generated range carries. */
static uint64_t
pattern_entry(size_t i)
{
	uint64_t	 e = (uint64_t)i & PM_PFN_MASK;

	if (i % 2 == 0)
		e |= PM_PRESENT;
	else if (i % 3 == 0)
		e |= PM_SWAP;
	if (i % 5 == 0)
		e |= PM_SOFT_DIRTY;
	if (i % 7 == 0)
		e |= PM_FILE;
	if (i % 11 == 0)
		e |= PM_MMAP_EXCLUSIVE;
	if (i % 13 == 0)
		e |= PM_UFFD_WP;
	if (i % 4 == 1)
		e |= PM_GUARD | PM_UNUSED;
	return (e);
}

/* Check every state bitmap of st, pages [0, n), against pattern_entry(). */
static void
check_states(const struct page_states *st, size_t n)
{
	uint64_t	 e;
	size_t		 i;

	for (i = 0; i < n; i++) {
		e = pattern_entry(i);
		if (bitmap_test(st->present, i) != ((e & PM_PRESENT) != 0) ||
		    bitmap_test(st->swapped, i) != ((e & PM_SWAP) != 0) ||
		    bitmap_test(st->soft_dirty, i) !=
		    ((e & PM_SOFT_DIRTY) != 0) ||
		    bitmap_test(st->file, i) != ((e & PM_FILE) != 0) ||
		    bitmap_test(st->exclusive, i) !=
		    ((e & PM_MMAP_EXCLUSIVE) != 0) ||
		    bitmap_test(st->uffd_wp, i) != ((e & PM_UFFD_WP) != 0))
			fail_msg("page %zu decoded wrong (entry %#llx)", i,
			    (unsigned long long)e);
	}
}

static void
pagemap_read_states__each_bit__its_own_bitmap(void **state)
{
	struct tree		*tr = tree_new();
	struct page_states	 st;
	uint64_t		 start = UINT64_C(0x7f0000000000);
	uint64_t		 psz = page_size();

	(void)state;
	/* One page per state, then a page with everything else set. */
	tree_put(tr, start + 0 * psz, PM_PRESENT | 0x1234);
	tree_put(tr, start + 1 * psz, PM_SWAP | 0x3);
	tree_put(tr, start + 2 * psz, PM_SOFT_DIRTY);
	tree_put(tr, start + 3 * psz, PM_FILE);
	tree_put(tr, start + 4 * psz, PM_MMAP_EXCLUSIVE);
	tree_put(tr, start + 5 * psz, PM_UFFD_WP);
	tree_put(tr, start + 6 * psz, PM_GUARD | PM_UNUSED | PM_PFN_MASK);
	tree_put(tr, start + 7 * psz, ~UINT64_C(0));
	tree_put(tr, start + 8 * psz, 0);
	assert_int_equal(page_states_alloc(&st, 9), 0);
	assert_int_equal(pagemap_read_states(tr->fd, start, 9, &st), 9);
	assert_int_equal(st.npages, 9);
	assert_int_equal(st.present[0], 1 << 0 | 1 << 7);
	assert_int_equal(st.swapped[0], 1 << 1 | 1 << 7);
	assert_int_equal(st.soft_dirty[0], 1 << 2 | 1 << 7);
	assert_int_equal(st.file[0], 1 << 3 | 1 << 7);
	assert_int_equal(st.exclusive[0], 1 << 4 | 1 << 7);
	assert_int_equal(st.uffd_wp[0], 1 << 5 | 1 << 7);
	page_states_free(&st);
	assert_null(st.present);
	tree_free(tr);
}

static void
pagemap_read_raw__entries_as_written(void **state)
{
	struct tree	*tr = tree_new();
	uint64_t	 start = UINT64_C(0x555500000000), out[64];
	uint64_t	 psz = page_size();
	size_t		 i;

	(void)state;
	for (i = 0; i < 64; i++)
		tree_put(tr, start + i * psz, pattern_entry(i) | PM_GUARD);
	memset(out, 0xa5, sizeof out);
	assert_int_equal(pagemap_read_raw(tr->fd, start, 64, out), 64);
	for (i = 0; i < 64; i++)
		assert_int_equal(out[i], pattern_entry(i) | PM_GUARD);
	/* From the middle: the offset is the page number times 8. */
	assert_int_equal(pagemap_read_raw(tr->fd, start + 10 * psz, 3, out),
	    3);
	assert_int_equal(out[0], pattern_entry(10) | PM_GUARD);
	assert_int_equal(out[2], pattern_entry(12) | PM_GUARD);
	tree_free(tr);
}

/* Decode n pages from a start page that is not batch-aligned. */
static void
batches_check(size_t n)
{
	struct tree		*tr = tree_new();
	struct page_states	 st;
	uint64_t		 psz = page_size();
	uint64_t		 start = (UINT64_C(0x7f0000010000) / psz - 100) *
				     psz;
	size_t			 i;

	for (i = 0; i < n; i++)
		tree_put(tr, start + i * psz, pattern_entry(i));
	assert_int_equal(page_states_alloc(&st, n), 0);
	assert_int_equal(pagemap_read_states(tr->fd, start, n, &st),
	    (ssize_t)n);
	check_states(&st, n);
	page_states_free(&st);
	tree_free(tr);
}

static void
pagemap_read_states__across_batches__every_page(void **state)
{
	(void)state;
	batches_check(PAGEMAP_BATCH - 1);
	batches_check(PAGEMAP_BATCH);
	batches_check(PAGEMAP_BATCH + 1);
	batches_check(2 * PAGEMAP_BATCH + 300);
}

static void
pagemap_read_states__file_ends_early__short_count(void **state)
{
	struct tree		*tr = tree_new();
	struct page_states	 st;
	uint64_t		 psz = page_size();
	uint64_t		 start = UINT64_C(0x7f0000000000);
	size_t			 have = PAGEMAP_BATCH + 10, i;

	(void)state;
	/* All set, so that bits decoded beyond the end would show. */
	for (i = 0; i < have; i++)
		tree_put(tr, start + i * psz, ~UINT64_C(0));
	assert_int_equal(page_states_alloc(&st, 3 * PAGEMAP_BATCH), 0);
	assert_int_equal(pagemap_read_states(tr->fd, start, 3 * PAGEMAP_BATCH,
	    &st), (ssize_t)have);
	assert_int_equal(bitmap_count(st.present, 3 * PAGEMAP_BATCH), have);
	assert_int_equal(bitmap_count(st.uffd_wp, 3 * PAGEMAP_BATCH), have);
	assert_int_equal(bitmap_next_clear(st.present, 0, 3 * PAGEMAP_BATCH),
	    have);
	page_states_free(&st);
	tree_free(tr);
}

static void
pagemap_read__above_the_end__zero_pages_like_vsyscall(void **state)
{
	struct tree		*tr = tree_new();
	struct page_states	 st;
	uint64_t		 vsyscall = UINT64_C(0xffffffffff600000), raw[4];

	(void)state;
	tree_put(tr, UINT64_C(0x7ffd5e7c0000), PM_PRESENT);
	assert_int_equal(page_states_alloc(&st, 1), 0);
	assert_int_equal(pagemap_read_states(tr->fd, vsyscall, 1, &st), 0);
	assert_false(bitmap_test(st.present, 0));
	assert_int_equal(pagemap_read_raw(tr->fd, vsyscall, 4, raw), 0);
	page_states_free(&st);
	tree_free(tr);
}

static void
pagemap_read_raw__real_vsyscall_or_end__no_error(void **state)
{
	uint64_t	 raw[1];
	ssize_t		 r;
	int		 fd;

	(void)state;
	fd = open("/proc/self/pagemap", O_RDONLY);
	if (fd == -1) {
		print_message("skipped: cannot open /proc/self/pagemap: %s\n",
		    strerror(errno));
		skip();
	}
	/* Past the task size, the kernel returns 0 bytes (or fails). */
	r = pagemap_read_raw(fd, UINT64_C(0xffffffffff600000), 1, raw);
	close(fd);
	if (r == -1)
		assert_true(errno == EINVAL || errno == EIO);
	else
		assert_int_equal(r, 0);
}

static void
pagemap_read_states__bad_fd__minus_one_errno(void **state)
{
	struct page_states	 st;

	(void)state;
	assert_int_equal(page_states_alloc(&st, 4), 0);
	errno = 0;
	assert_int_equal(pagemap_read_states(-1, 0x1000, 4, &st), -1);
	assert_int_equal(errno, EBADF);
	page_states_free(&st);
}

/* Regions PAGEMAP_SCAN reported, in pages from a base address. */
struct got {
	uint64_t	 base;
	uint64_t	*pages;		/* bitmap */
	size_t		 npages;
	size_t		 nregions;
	uint64_t	 categories;	/* OR of all */
	size_t		 stop_after;	/* return 7 after that many; 0 never */
};

static int
got_region(const struct pmscan_region *r, void *arg)
{
	struct got	*g = arg;
	uint64_t	 psz = page_size();

	assert_true(r->start < r->end);
	assert_true(r->start >= g->base);
	assert_true(r->end <= g->base + g->npages * psz);
	bitmap_set_range(g->pages, (r->start - g->base) / psz,
	    (r->end - g->base) / psz);
	g->nregions++;
	g->categories |= r->categories;
	if (g->stop_after != 0 && g->nregions == g->stop_after)
		return (7);
	return (0);
}

/* Map n private anonymous pages, without huge pages, none touched. */
static uint8_t *
map_pages(size_t n)
{
	void	*p;

	p = mmap(NULL, n * page_size(), PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(p != MAP_FAILED);
	(void)madvise(p, n * page_size(), MADV_NOHUGEPAGE);
	return (p);
}

/* Scan [p, p + n pages) for present pages into g; skip without the ioctl. */
static int
scan_present(int fd, uint8_t *p, size_t n, uint64_t max_pages,
    struct got *g)
{
	struct pmscan_arg	 tmpl;
	int			 r;

	memset(g->pages, 0, BITMAP_WORDS(n) * sizeof (uint64_t));
	g->base = (uint64_t)(uintptr_t)p;
	g->npages = n;
	g->nregions = 0;
	g->categories = 0;
	memset(&tmpl, 0, sizeof tmpl);
	tmpl.category_mask = PAGE_IS_PRESENT;
	tmpl.return_mask = PAGE_IS_PRESENT;
	tmpl.max_pages = max_pages;
	r = pagemap_scan(fd, g->base, g->base + n * page_size(), &tmpl,
	    got_region, g);
	if (r == -1 && errno == ENOTTY) {
		print_message("skipped: this kernel has no PAGEMAP_SCAN "
		    "(Linux 6.7+)\n");
		skip();
	}
	return (r);
}

static int
open_self_pagemap(void)
{
	int	 fd;

	fd = open("/proc/self/pagemap", O_RDONLY);
	if (fd == -1) {
		print_message("skipped: cannot open /proc/self/pagemap: %s\n",
		    strerror(errno));
		skip();
	}
	return (fd);
}

static void
pagemap_scan__written_pages__present_regions(void **state)
{
	struct got	 g = { 0 };
	uint8_t		*p;
	size_t		 n = 8;
	int		 fd;

	(void)state;
	fd = open_self_pagemap();
	p = map_pages(n);
	p[1 * page_size()] = 1;
	p[3 * page_size()] = 3;
	p[4 * page_size() + 17] = 4;
	g.pages = bitmap_new(n);
	assert_int_equal(scan_present(fd, p, n, 0, &g), 0);
	/* Pages 1 and 3-4: two regions, as runs of equal categories. */
	assert_int_equal(g.nregions, 2);
	assert_int_equal(g.pages[0], UINT64_C(0x1a));
	assert_int_equal(g.categories, PAGE_IS_PRESENT);

	/* One page per call: the walk restarts at walk_end until done. */
	assert_int_equal(scan_present(fd, p, n, 1, &g), 0);
	assert_int_equal(g.pages[0], UINT64_C(0x1a));
	assert_int_equal(g.nregions, 3);

	free(g.pages);
	munmap(p, n * page_size());
	close(fd);
}

static void
pagemap_scan__more_regions_than_one_call__all_reported(void **state)
{
	struct got	 g = { 0 };
	uint8_t		*p;
	size_t		 n = 1500, i;
	int		 fd;

	(void)state;
	fd = open_self_pagemap();
	p = map_pages(n);
	/* Every other page: 750 one-page regions, more than one vec holds. */
	for (i = 0; i < n; i += 2)
		p[i * page_size()] = 1;
	g.pages = bitmap_new(n);
	assert_int_equal(scan_present(fd, p, n, 0, &g), 0);
	assert_int_equal(g.nregions, n / 2);
	assert_int_equal(bitmap_count(g.pages, n), n / 2);
	for (i = 0; i < n; i++)
		assert_int_equal(bitmap_test(g.pages, i), i % 2 == 0);
	free(g.pages);
	munmap(p, n * page_size());
	close(fd);
}

static void
pagemap_scan__callback_stops__its_value_returned(void **state)
{
	struct got	 g = { 0 };
	uint8_t		*p;
	size_t		 n = 8;
	int		 fd;

	(void)state;
	fd = open_self_pagemap();
	p = map_pages(n);
	p[0] = 1;
	p[2 * page_size()] = 1;
	p[5 * page_size()] = 1;
	g.pages = bitmap_new(n);
	g.stop_after = 2;
	assert_int_equal(scan_present(fd, p, n, 0, &g), 7);
	assert_int_equal(g.nregions, 2);
	assert_int_equal(g.pages[0], UINT64_C(0x5));
	free(g.pages);
	munmap(p, n * page_size());
	close(fd);
}

static void
pagemap_scan__unknown_flag__einval(void **state)
{
	struct pmscan_arg	 tmpl;
	struct got		 g = { 0 };
	uint8_t			*p;
	int			 fd;

	(void)state;
	fd = open_self_pagemap();
	p = map_pages(1);
	p[0] = 1;
	g.pages = bitmap_new(1);
	g.base = (uint64_t)(uintptr_t)p;
	g.npages = 1;
	memset(&tmpl, 0, sizeof tmpl);
	tmpl.flags = UINT64_C(1) << 40;
	tmpl.category_mask = PAGE_IS_PRESENT;
	tmpl.return_mask = PAGE_IS_PRESENT;
	errno = 0;
	if (pagemap_scan(fd, g.base, g.base + page_size(), &tmpl, got_region,
	    &g) == -1 && errno == ENOTTY) {
		print_message("skipped: this kernel has no PAGEMAP_SCAN\n");
		skip();
	}
	assert_int_equal(errno, EINVAL);
	assert_int_equal(g.nregions, 0);
	free(g.pages);
	munmap(p, page_size());
	close(fd);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pagemap_read_states__each_bit__its_own_bitmap),
		cmocka_unit_test(pagemap_read_raw__entries_as_written),
		cmocka_unit_test(
		    pagemap_read_states__across_batches__every_page),
		cmocka_unit_test(
		    pagemap_read_states__file_ends_early__short_count),
		cmocka_unit_test(
		    pagemap_read__above_the_end__zero_pages_like_vsyscall),
		cmocka_unit_test(
		    pagemap_read_raw__real_vsyscall_or_end__no_error),
		cmocka_unit_test(pagemap_read_states__bad_fd__minus_one_errno),
		cmocka_unit_test(pagemap_scan__written_pages__present_regions),
		cmocka_unit_test(
		    pagemap_scan__more_regions_than_one_call__all_reported),
		cmocka_unit_test(
		    pagemap_scan__callback_stops__its_value_returned),
		cmocka_unit_test(pagemap_scan__unknown_flag__einval),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
