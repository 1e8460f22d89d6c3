/*
 * test-hash.c - the hash method against a child process whose writes are
 * known: it changes the pages it is told to, and the method must report
 * exactly those. Also the known limit (a write of the same value is not
 * seen), pages appearing (changed) and vanishing (not changed), an
 * unreadable VMA, the target exiting, and the cycles: a collect's reading
 * is the next baseline unless the clear is fresh, and a rescan keeps the
 * baseline.
 *
 * The child maps a buffer of BUF_PAGES pages between PROT_NONE guards (so
 * it is a VMA of its own), touches the first TOUCHED pages, and maps a
 * write-only VMA (which process_vm_readv cannot read), and a sparse VMA of
 * SPARSE_PAGES with three pages touched. Units: pages.
 *
 * Built twice: as test-hash, and as test-hash-noscan with TEST_NO_SCAN,
 * where pagemap_scan() (wrapped at link time) fails as on a kernel before
 * 6.7, so the method's plain pagemap reads are tested too.
 */
#include "config.h"

#include <sys/mman.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "pageset.h"
#include "page.h"
#include "proc-maps.h"
#include "proc-pagemap.h"
#include "proc.h"
#include "snapshot.h"
#include "track.h"

#define BUF_PAGES	64
#define TOUCHED		48
#define WO_PAGES	4
#define SPARSE_PAGES	(UINT64_C(2) << 20)	/* 8 GiB of 4 KiB pages */
#define SPARSE_LAST	(SPARSE_PAGES - 1)

enum child_op { OP_WRITE, OP_DONTNEED, OP_SPARSE_WRITE, OP_EXIT };

struct child_cmd {
	int		 op;
	int		 page;
	unsigned char	 value;
};

struct child_addrs {
	uint64_t	 buf;
	uint64_t	 wo;
	uint64_t	 sparse;
};

struct fixture {
	pid_t			 pid;
	int			 cmd;	/* write end: commands */
	int			 ack;	/* read end: one byte per command done */
	struct child_addrs	 a;
	struct proc_target	 t;
	struct tracker		 tr;
};

#ifdef TEST_NO_SCAN
int	__wrap_pagemap_scan(int, uint64_t, uint64_t, const struct pmscan_arg *,
	    pmscan_fn, void *);

/* The kernel of before 6.7: no PAGEMAP_SCAN ioctl. */
int
__wrap_pagemap_scan(int fd, uint64_t start, uint64_t end,
    const struct pmscan_arg *tmpl, pmscan_fn fn, void *arg)
{
	errno = ENOTTY;
	return (-1);
}
#endif

/* A region of n pages with a PROT_NONE page on each side, mapped prot. */
static unsigned char *
map_guarded(size_t n, int prot)
{
	size_t	 ps = page_size();
	char	*p;

	p = mmap(NULL, (n + 2) * ps, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
	    -1, 0);
	if (p == MAP_FAILED)
		return (NULL);
	if (mprotect(p + ps, n * ps, prot) == -1)
		return (NULL);
	return ((unsigned char *)p + ps);
}

/* The child: obey commands until told to exit. */
static void __attribute__((noreturn))
child_main(int cmd, int ack)
{
	struct child_addrs	 a;
	struct child_cmd	 c;
	unsigned char		*buf, *wo, *sparse;
	size_t			 ps = page_size(), i;
	char			 done = 'k';

	buf = map_guarded(BUF_PAGES, PROT_READ | PROT_WRITE);
	wo = map_guarded(WO_PAGES, PROT_WRITE);
	sparse = mmap(NULL, SPARSE_PAGES * ps, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (buf == NULL || wo == NULL || sparse == MAP_FAILED)
		_exit(2);
	sparse[0] = sparse[1000 * ps] = sparse[SPARSE_LAST * ps] = 1;
	for (i = 0; i < TOUCHED; i++)
		buf[i * ps] = 1;
	for (i = 0; i < WO_PAGES; i++)
		wo[i * ps] = 1;
	a.buf = (uint64_t)(uintptr_t)buf;
	a.wo = (uint64_t)(uintptr_t)wo;
	a.sparse = (uint64_t)(uintptr_t)sparse;
	if (write(ack, &a, sizeof a) != sizeof a)
		_exit(2);
	while (read(cmd, &c, sizeof c) == sizeof c) {
		switch (c.op) {
		case OP_WRITE:
			buf[(size_t)c.page * ps] = c.value;
			break;
		case OP_SPARSE_WRITE:
			sparse[(size_t)c.page * ps] = c.value;
			break;
		case OP_DONTNEED:
			madvise(buf + (size_t)c.page * ps, ps, MADV_DONTNEED);
			break;
		default:
			_exit(0);
		}
		if (write(ack, &done, 1) != 1)
			_exit(2);
	}
	_exit(0);
}

/* Send one command and wait until the child has carried it out. */
static void
child_do(struct fixture *f, int op, int page, unsigned char value)
{
	struct child_cmd	 c;
	char			 done;

	memset(&c, 0, sizeof c);
	c.op = op;
	c.page = page;
	c.value = value;
	assert_int_equal(write(f->cmd, &c, sizeof c), sizeof c);
	assert_int_equal(read(f->ack, &done, 1), 1);
}

static int
setup(void **state)
{
	struct fixture	*f;
	int		 cp[2], ap[2];
	char		*cause = NULL;

	f = calloc(1, sizeof *f);
	assert_non_null(f);
	assert_int_equal(pipe(cp), 0);
	assert_int_equal(pipe(ap), 0);
	f->pid = fork();
	assert_true(f->pid != -1);
	if (f->pid == 0) {
		close(cp[1]);
		close(ap[0]);
		child_main(cp[0], ap[1]);
	}
	close(cp[0]);
	close(ap[1]);
	f->cmd = cp[1];
	f->ack = ap[0];
	assert_int_equal(read(f->ack, &f->a, sizeof f->a), sizeof f->a);

	assert_int_equal(proc_open(&f->t, "/proc", f->pid, &cause), 0);
	f->tr.method = &track_hash;
	f->tr.target = &f->t;
	assert_int_equal(track_hash.attach(&f->tr, &cause), 0);
	*state = f;
	return (0);
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;
	int		 status;

	track_hash.detach(&f->tr);
	proc_close(&f->t);
	close(f->cmd);
	close(f->ack);
	kill(f->pid, SIGKILL);
	waitpid(f->pid, &status, 0);
	free(f);
	return (0);
}

/* Read the child's maps and take the baseline. */
static void
clear(struct fixture *f)
{
	struct vma_list	 vl;
	char		*cause = NULL;

	memset(&vl, 0, sizeof vl);
	assert_int_equal(maps_read(&f->t, &vl, &cause), 0);
#ifdef TEST_NO_SCAN
	/*
	 * Without PAGEMAP_SCAN every entry is read, holes too: leave out the
	 * terabytes of a sanitizer's shadow (those VMAs are then not judged).
	 */
	{
		size_t	i, j = 0;

		for (i = 0; i < vl.n; i++) {
			if (vma_pages(&vl.v[i]) <= SPARSE_PAGES)
				vl.v[j++] = vl.v[i];
			else
				vma_free(&vl.v[i]);
		}
		vl.n = j;
	}
#endif
	assert_int_equal(track_hash.start_cycle(&f->tr, &vl, &cause), 0);
	vma_list_free(&vl);
}

/* A snapshot of the child's maps now, its writable VMAs tracked. */
static struct snapshot *
snap_now(struct fixture *f)
{
	struct vma_list	 vl;
	struct snapshot	*s;
	char		*cause = NULL;
	size_t		 i;

	memset(&vl, 0, sizeof vl);
	assert_int_equal(maps_read(&f->t, &vl, &cause), 0);
	s = snapshot_new(vl.n);
	assert_non_null(s);
	for (i = 0; i < vl.n; i++) {
		assert_int_equal(snapshot_set_vma(s, i, &vl.v[i],
		    vma_trackable(&vl.v[i]), false), 0);
	}
	vma_list_free(&vl);
	return (s);
}

/* The VMA of s that starts at start; fails the test when missing. */
static struct snap_vma *
find(struct snapshot *s, uint64_t start)
{
	size_t	i;

	for (i = 0; i < s->nvma; i++) {
		if (s->vmas[i].vma.start == start)
			return (&s->vmas[i]);
	}
	fail_msg("no VMA at 0x%llx", (unsigned long long)start);
	return (NULL);
}

/* Collect and check that the buffer's changed pages are exactly want. */
static void
collect_expect(struct fixture *f, const int *want, size_t nwant)
{
	struct snapshot	*s;
	struct snap_vma	*sv;
	size_t		 i;

	s = snap_now(f);
	assert_int_equal(track_hash.collect(&f->tr, s, NULL), 0);
	sv = find(s, f->a.buf);
	assert_true(sv->tracked);
	assert_int_equal(sv->error, 0);
	assert_int_equal(sv->npages, BUF_PAGES);
	for (i = 0; i < nwant; i++) {
		if (!pageset_has(sv->written, (size_t)want[i]))
			fail_msg("page %d changed but was not reported", want[i]);
	}
	if (pageset_count(sv->written) != nwant) {
		for (i = 0; i < BUF_PAGES; i++) {
			if (pageset_has(sv->written, i))
				print_message("reported: page %zu\n", i);
		}
		fail_msg("%zu pages reported, %zu changed",
		    pageset_count(sv->written), nwant);
	}
	snapshot_free(s);
}

static void
hash_collect__untouched_buffer__reads_clean(void **state)
{
	struct fixture	*f = *state;

	clear(f);
	collect_expect(f, NULL, 0);
}

static void
hash_collect__changed_pages__exactly_those(void **state)
{
	struct fixture	*f = *state;
	const int	 want[] = { 0, 5, 6, 47 };
	size_t		 i;

	clear(f);
	for (i = 0; i < sizeof want / sizeof want[0]; i++)
		child_do(f, OP_WRITE, want[i], 2);
	collect_expect(f, want, sizeof want / sizeof want[0]);

	/* A second cycle forgets the first one's changes. */
	clear(f);
	child_do(f, OP_WRITE, 9, 3);
	collect_expect(f, (const int[]){ 9 }, 1);
}

/* The known limit of the method: it sees content, not the write itself. */
static void
hash_collect__same_value_write__not_reported(void **state)
{
	struct fixture	*f = *state;

	clear(f);
	child_do(f, OP_WRITE, 3, 1);		/* already 1 */
	child_do(f, OP_WRITE, 4, 7);		/* changed, then changed back */
	child_do(f, OP_WRITE, 4, 1);
	child_do(f, OP_WRITE, 8, 9);		/* a real change */
	collect_expect(f, (const int[]){ 8 }, 1);
}

/*
 * A page that appears changed; one given back did not (it is discarded,
 * judged from the present pages); one given back and written again did.
 */
static void
hash_collect__page_appears_changed_vanishes_not(void **state)
{
	struct fixture	*f = *state;
	struct snapshot	*s;
	struct snap_vma	*sv;

	clear(f);
	child_do(f, OP_WRITE, TOUCHED + 2, 5);	/* absent -> present */
	child_do(f, OP_DONTNEED, 10, 0);	/* present -> absent */
	child_do(f, OP_DONTNEED, 11, 0);	/* given back, written again */
	child_do(f, OP_WRITE, 11, 6);
	collect_expect(f, (const int[]){ 11, TOUCHED + 2 }, 2);

	/* The present set follows pagemap: page 10 gone, TOUCHED+2 in. */
	s = snap_now(f);
	assert_int_equal(track_hash.collect(&f->tr, s, NULL), 0);
	sv = find(s, f->a.buf);
	assert_non_null(sv->present);
	assert_false(pageset_has(sv->present, 10));
	assert_true(pageset_has(sv->present, TOUCHED + 2));
	assert_true(pageset_has(sv->present, 0));
	assert_true(pageset_has(sv->present, 11));
	assert_false(pageset_has(sv->present, TOUCHED));
	assert_int_equal(pageset_count(sv->present), TOUCHED);
	snapshot_free(s);
}

/* A VMA it cannot read is marked with its error; the rest still works. */
static void
hash_collect__unreadable_vma__error_not_fatal(void **state)
{
	struct fixture	*f = *state;
	struct snapshot	*s;
	struct snap_vma	*sv;

	clear(f);
	child_do(f, OP_WRITE, 1, 4);
	s = snap_now(f);
	assert_int_equal(track_hash.collect(&f->tr, s, NULL), 0);
	sv = find(s, f->a.wo);
	assert_int_equal(sv->error, EFAULT);
	assert_false(sv->tracked);
	sv = find(s, f->a.buf);
	assert_true(sv->tracked);
	assert_int_equal(pageset_count(sv->written), 1);
	assert_true(pageset_has(sv->written, 1));
	snapshot_free(s);
}

/* A VMA tracked now that was not hashed at the clear is not judged. */
static void
hash_collect__vma_without_baseline__error(void **state)
{
	struct fixture	*f = *state;
	struct vma_list	 vl;
	struct snapshot	*s;
	struct snap_vma	*sv;
	char		*cause = NULL;

	memset(&vl, 0, sizeof vl);		/* a clear that saw no VMA */
	assert_int_equal(track_hash.start_cycle(&f->tr, &vl, &cause), 0);
	s = snap_now(f);
	assert_int_equal(track_hash.collect(&f->tr, s, NULL), 0);
	sv = find(s, f->a.buf);
	assert_false(sv->tracked);
	assert_int_equal(sv->error, ENODATA);
	snapshot_free(s);
}

static void
hash_collect__target_exited__esrch(void **state)
{
	struct fixture	*f = *state;
	struct snapshot	*s;
	char		*cause = NULL;
	int		 status;

	clear(f);
	s = snap_now(f);
	kill(f->pid, SIGKILL);
	assert_int_equal(waitpid(f->pid, &status, 0), f->pid);
	assert_int_equal(track_hash.collect(&f->tr, s, &cause), -1);
	assert_true(proc_gone(errno));
	assert_non_null(cause);
	free(cause);
	snapshot_free(s);
}

/* Only the present pages of a large sparse VMA are read and compared. */
static void
hash_collect__sparse_vma__exact(void **state)
{
	struct fixture	*f = *state;
	struct snapshot	*s;
	struct snap_vma	*sv;

	clear(f);
	child_do(f, OP_SPARSE_WRITE, 1000, 2);		/* changed */
	child_do(f, OP_SPARSE_WRITE, 0, 1);		/* same value */
	child_do(f, OP_SPARSE_WRITE, 5000, 1);		/* absent -> present */
	s = snap_now(f);
	assert_int_equal(track_hash.collect(&f->tr, s, NULL), 0);
	sv = find(s, f->a.sparse);
	assert_true(sv->tracked);
	assert_int_equal(sv->npages, SPARSE_PAGES);
	assert_int_equal(pageset_count(sv->written), 2);
	assert_int_equal(sv->dirty, 2);
	assert_true(pageset_has(sv->written, 1000));
	assert_true(pageset_has(sv->written, 5000));
	assert_true(pageset_has(sv->present, SPARSE_LAST));
	assert_int_equal(pageset_count(sv->present), 4);
	snapshot_free(s);
}

/*
 * The collect's reading is the next baseline: a change made between a
 * collect and the next clear is counted in the next cycle, once.
 */
static void
hash_cycle__change_after_collect__next_cycle_once(void **state)
{
	struct fixture	*f = *state;
	struct snapshot	*s;

	clear(f);
	assert_false(f->tr.kept);		/* the first cycle reads */
	child_do(f, OP_WRITE, 3, 2);
	collect_expect(f, (const int[]){ 3 }, 1);
	child_do(f, OP_WRITE, 7, 2);		/* between collect and clear */
	clear(f);
	assert_true(f->tr.kept);
	collect_expect(f, (const int[]){ 7 }, 1);
	clear(f);
	collect_expect(f, NULL, 0);

	/* The unreadable VMA still fails alone in a kept cycle. */
	clear(f);
	assert_true(f->tr.kept);
	s = snap_now(f);
	assert_int_equal(track_hash.collect(&f->tr, s, NULL), 0);
	assert_int_equal(find(s, f->a.wo)->error, EFAULT);
	assert_true(find(s, f->a.buf)->tracked);
	snapshot_free(s);
}

/* "Clear now" keeps nothing: the baseline is read at the clear. */
static void
hash_cycle__fresh_clear__reads_baseline(void **state)
{
	struct fixture	*f = *state;

	clear(f);
	collect_expect(f, NULL, 0);
	child_do(f, OP_WRITE, 5, 2);		/* before the fresh clear */
	f->tr.fresh = true;
	clear(f);
	f->tr.fresh = false;
	assert_false(f->tr.kept);
	collect_expect(f, NULL, 0);
}

/* A rescan compares with the baseline and keeps it: the cycle goes on. */
static void
hash_cycle__rescan__keeps_baseline(void **state)
{
	struct fixture	*f = *state;

	clear(f);
	child_do(f, OP_WRITE, 2, 2);
	f->tr.peek = true;
	collect_expect(f, (const int[]){ 2 }, 1);
	child_do(f, OP_WRITE, TOUCHED + 1, 2);	/* absent -> present */
	collect_expect(f, (const int[]){ 2, TOUCHED + 1 }, 2);
	f->tr.peek = false;
	child_do(f, OP_WRITE, 4, 2);
	collect_expect(f, (const int[]){ 2, 4, TOUCHED + 1 }, 3);
	clear(f);
	assert_true(f->tr.kept);
	collect_expect(f, NULL, 0);
}

/*
 * A page that appears after a collect counts in the next cycle; one that
 * vanishes then counts in none.
 */
static void
hash_cycle__page_appears_or_vanishes_after_collect(void **state)
{
	struct fixture	*f = *state;

	clear(f);
	child_do(f, OP_WRITE, TOUCHED + 2, 5);	/* absent -> present */
	collect_expect(f, (const int[]){ TOUCHED + 2 }, 1);
	child_do(f, OP_DONTNEED, 10, 0);	/* present -> absent */
	child_do(f, OP_WRITE, TOUCHED + 3, 5);
	clear(f);
	assert_true(f->tr.kept);
	collect_expect(f, (const int[]){ TOUCHED + 3 }, 1);
	clear(f);
	collect_expect(f, NULL, 0);
}

static void
hash_probe__own_child__works(void **state)
{
	struct fixture	*f = *state;
	char		*why = NULL;

	assert_int_equal(track_hash.probe(NULL, &why), 0);
	assert_int_equal(track_hash.probe(&f->t, &why), 0);
	assert_null(why);
}

static void
hash_probe__exited_target__says_gone(void **state)
{
	struct fixture	*f = *state;
	char		*why = NULL;
	int		 status;

	kill(f->pid, SIGKILL);
	assert_int_equal(waitpid(f->pid, &status, 0), f->pid);
	assert_int_equal(track_hash.probe(&f->t, &why), -1);
	assert_non_null(why);
	assert_non_null(strstr(why, "gone"));
	free(why);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
		T(hash_collect__untouched_buffer__reads_clean),
		T(hash_collect__changed_pages__exactly_those),
		T(hash_collect__same_value_write__not_reported),
		T(hash_collect__page_appears_changed_vanishes_not),
		T(hash_collect__unreadable_vma__error_not_fatal),
		T(hash_collect__vma_without_baseline__error),
		T(hash_collect__target_exited__esrch),
		T(hash_collect__sparse_vma__exact),
		T(hash_cycle__change_after_collect__next_cycle_once),
		T(hash_cycle__fresh_clear__reads_baseline),
		T(hash_cycle__rescan__keeps_baseline),
		T(hash_cycle__page_appears_or_vanishes_after_collect),
		T(hash_probe__own_child__works),
		T(hash_probe__exited_target__says_gone),
#undef T
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
