/*
 * check-present.c - the present pages the soft-dirty method reports, on
 * a real soft-dirty kernel (guest-init runs it in the qemu guest; the
 * host has no soft-dirty). A child holds a buffer of BUF_PAGES pages
 * whose upper half it discarded (MADV_DONTNEED); over two cycles it
 * writes page 3, then pages 9 and 12 (which makes them present again).
 * Each collect must report exactly those written pages, and as present
 * the lower half plus every page written so far: within SD_PRESENT_AGE
 * the second cycle's map is the first one's with the pages written since.
 *
 * Prints "present ok" or "present FAIL: what", exits 0 or 1. Units:
 * pages of page_size() bytes from the start of the buffer.
 */
#include "config.h"

#include <sys/mman.h>
#include <sys/wait.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "page.h"
#include "pageset.h"
#include "proc-maps.h"
#include "proc.h"
#include "snapshot.h"
#include "track-softdirty.h"
#include "track.h"

#define BUF_PAGES	16

static void __attribute__((noreturn))
fail(const char *what, const char *cause)
{
	printf("present FAIL: %s%s%s\n", what, cause != NULL ? ": " : "",
	    cause != NULL ? cause : "");
	exit(1);
}

/* The child: write a new value to each page index read from in. */
static void __attribute__((noreturn))
child(uint8_t *buf, int in, int out)
{
	uint8_t	 c, value = 1;

	while (read(in, &c, 1) == 1) {
		buf[c * page_size() + 7] = ++value;
		if (write(out, "a", 1) != 1)
			_exit(1);
	}
	_exit(0);
}

/* The pages of the buffer in set, as a mask. */
static uint32_t
mask_of(const struct pageset *set, uint64_t first)
{
	uint32_t	 m = 0;
	unsigned	 i;

	for (i = 0; i < BUF_PAGES; i++)
		if (set != NULL && pageset_has(set, first + i))
			m |= UINT32_C(1) << i;
	return (m);
}

/*
 * One cycle: clear, have the child write the pages of `pages', collect;
 * then check the buffer's written and present masks.
 */
static void
cycle(struct tracker *tr, uint8_t *buf, int to, int from, uint32_t pages,
    uint32_t want_present)
{
	struct vma_list		 vl = { 0 };
	struct snapshot		*s;
	const struct snap_vma	*sv = NULL;
	uint64_t		 addr = (uint64_t)(uintptr_t)buf;
	char			*cause = NULL, a, what[128];
	uint8_t			 c;
	size_t			 i;

	if (maps_read(tr->target, &vl, &cause) == -1 ||
	    tr->method->start_cycle(tr, &vl, &cause) == -1)
		fail("clear", cause);
	for (c = 0; c < BUF_PAGES; c++)
		if ((pages >> c & 1) && (write(to, &c, 1) != 1 ||
		    read(from, &a, 1) != 1))
			fail("the child", NULL);
	if ((s = snapshot_new(vl.n)) == NULL)
		fail("out of memory", NULL);
	for (i = 0; i < vl.n; i++)
		if (snapshot_set_vma(s, i, &vl.v[i], vma_trackable(&vl.v[i]),
		    false) == -1)
			fail("out of memory", NULL);
	if (tr->method->collect(tr, s, &cause) == -1)
		fail("collect", cause);
	for (i = 0; i < s->nvma; i++)
		if (s->vmas[i].vma.start <= addr && addr < s->vmas[i].vma.end)
			sv = &s->vmas[i];
	if (sv == NULL || !sv->tracked)
		fail("the buffer is not tracked", NULL);
	addr = (addr - sv->vma.start) / page_size();
	if (mask_of(sv->written, addr) != pages ||
	    mask_of(sv->present, addr) != want_present) {
		snprintf(what, sizeof what, "written %#x (want %#x), present "
		    "%#x (want %#x)", mask_of(sv->written, addr), pages,
		    mask_of(sv->present, addr), want_present);
		fail(what, NULL);
	}
	snapshot_free(s);
	vma_list_free(&vl);
}

int
main(void)
{
	struct proc_target	 t;
	struct tracker		 tr = { 0 };
	size_t			 len = BUF_PAGES * page_size();
	uint32_t		 lower = (UINT32_C(1) << BUF_PAGES / 2) - 1;
	uint8_t			*buf;
	char			*cause = NULL;
	int			 down[2], up[2];
	pid_t			 pid;

	buf = mmap(NULL, len, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED || pipe(down) == -1 || pipe(up) == -1)
		fail("setup", NULL);
	(void)madvise(buf, len, MADV_NOHUGEPAGE);
	memset(buf, 1, len);
	if (madvise(buf + len / 2, len / 2, MADV_DONTNEED) == -1)
		fail("madvise", NULL);
	if ((pid = fork()) == 0) {
		close(down[1]);
		close(up[0]);
		child(buf, down[0], up[1]);
	}
	close(down[0]);
	close(up[1]);
	if (pid == -1 || proc_open(&t, "/proc", pid, &cause) == -1)
		fail("the child", cause);
	tr.method = &track_softdirty;
	tr.target = &t;
	if (track_softdirty.attach(&tr, &cause) == -1)
		fail("attach", cause);
	cycle(&tr, buf, down[1], up[0], 1u << 3, lower);
	cycle(&tr, buf, down[1], up[0], 1u << 9 | 1u << 12,
	    lower | 1u << 9 | 1u << 12);
	track_softdirty.detach(&tr);
	proc_close(&t);
	close(down[1]);
	waitpid(pid, NULL, 0);
	printf("present ok\n");
	return (0);
}
