/*
 * check-present.c - the present and the discarded pages the soft-dirty
 * method reports, on a real soft-dirty kernel (guest-init runs it in the
 * qemu guest; the host has no soft-dirty). A child holds a buffer of
 * BUF_PAGES pages whose upper half it gave back (MADV_DONTNEED); over
 * four cycles it writes page 3, then pages 9 and 12 (which makes them
 * present again), then gives back pages 1 and 9 and writes nothing, then
 * gives back page 12, gives back page 4 and writes it again, and writes
 * page 1. Each collect must report exactly the pages written (a page
 * given back reads not soft-dirty: it is not written), as present the
 * pages that hold something, and, judged from the present pages of two
 * collects in a row as the session does (discard.h), as discarded exactly
 * the pages given back and not written again. The cycles follow each
 * other within PRESENT_MAP_AGE, so on the PAGEMAP_SCAN path the present
 * map is walked in full only in the first.
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

#include "discard.h"
#include "page.h"
#include "pageset.h"
#include "proc-maps.h"
#include "proc.h"
#include "snapshot.h"
#include "track-softdirty.h"
#include "track.h"

#define BUF_PAGES	16

/* A command to the child: a page index, and what to do to it. */
#define OP_DISCARD	0x40		/* give it back */
#define OP_REWRITE	0x80		/* give it back, write it again */
#define OP_PAGE		0x3f

static void __attribute__((noreturn))
fail(const char *what, const char *cause)
{
	printf("present FAIL: %s%s%s\n", what, cause != NULL ? ": " : "",
	    cause != NULL ? cause : "");
	exit(1);
}

/*
 * The child: for each command read from in, give the page back, or write
 * a new value to it, or both.
 */
static void __attribute__((noreturn))
child(uint8_t *buf, int in, int out)
{
	uint8_t	 c, value = 1, *page;

	while (read(in, &c, 1) == 1) {
		page = buf + (c & OP_PAGE) * page_size();
		if ((c & (OP_DISCARD | OP_REWRITE)) &&
		    madvise(page, page_size(), MADV_DONTNEED) == -1)
			_exit(1);
		if (!(c & OP_DISCARD))
			page[7] = ++value;
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

/* What one cycle does and must report, as masks of the buffer's pages. */
struct step {
	uint32_t	 write;		/* pages written */
	uint32_t	 discard;	/* pages given back */
	uint32_t	 rewrite;	/* pages given back and written again */
	uint32_t	 present;	/* pages that must read present */
};

/* Send the child one command per page of mask; wait for each. */
static void
command(int to, int from, uint32_t mask, uint8_t op)
{
	uint8_t	 c, cmd;
	char	 a;

	for (c = 0; c < BUF_PAGES; c++) {
		cmd = c | op;
		if ((mask >> c & 1) && (write(to, &cmd, 1) != 1 ||
		    read(from, &a, 1) != 1))
			fail("the child", NULL);
	}
}

/*
 * One cycle: clear, have the child do what st says, collect and judge
 * the discarded pages with the memory of the last collect; then check the
 * buffer's written, present and discarded masks.
 */
static void
cycle(struct tracker *tr, struct discard_memory *mem, uint8_t *buf, int to,
    int from, const struct step *st)
{
	struct vma_list		 vl = { 0 };
	struct snapshot		*s;
	const struct snap_vma	*sv = NULL;
	uint64_t		 addr = (uint64_t)(uintptr_t)buf;
	uint32_t		 want_discarded = st->discard & ~st->write;
	char			*cause = NULL, what[160];
	size_t			 i;

	if (maps_read(tr->target, &vl, &cause) == -1 ||
	    tr->method->start_cycle(tr, &vl, &cause) == -1)
		fail("clear", cause);
	command(to, from, st->discard, OP_DISCARD);
	command(to, from, st->rewrite, OP_REWRITE);
	command(to, from, st->write, 0);
	if ((s = snapshot_new(vl.n)) == NULL)
		fail("out of memory", NULL);
	for (i = 0; i < vl.n; i++)
		if (snapshot_set_vma(s, i, &vl.v[i], vma_trackable(&vl.v[i]),
		    false) == -1)
			fail("out of memory", NULL);
	if (tr->method->collect(tr, s, &cause) == -1)
		fail("collect", cause);
	if (discard_judge(mem, s, false) == -1)
		fail("out of memory", NULL);
	for (i = 0; i < s->nvma; i++)
		if (s->vmas[i].vma.start <= addr && addr < s->vmas[i].vma.end)
			sv = &s->vmas[i];
	if (sv == NULL || !sv->tracked)
		fail("the buffer is not tracked", NULL);
	addr = (addr - sv->vma.start) / page_size();
	if (mask_of(sv->written, addr) != (st->write | st->rewrite) ||
	    mask_of(sv->present, addr) != st->present ||
	    mask_of(sv->discarded, addr) != want_discarded) {
		snprintf(what, sizeof what, "written %#x (want %#x), present "
		    "%#x (want %#x), discarded %#x (want %#x)",
		    mask_of(sv->written, addr), st->write | st->rewrite,
		    mask_of(sv->present, addr), st->present,
		    mask_of(sv->discarded, addr), want_discarded);
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
	struct discard_memory	 mem = { 0 };
	size_t			 len = BUF_PAGES * page_size();
	uint32_t		 lower = (UINT32_C(1) << BUF_PAGES / 2) - 1;
	const struct step	 steps[] = {
		{ 1u << 3, 0, 0, lower },
		{ 1u << 9 | 1u << 12, 0, 0, lower | 1u << 9 | 1u << 12 },
		/* Given back: discarded, not written, not present. */
		{ 0, 1u << 1 | 1u << 9, 0, (lower & ~(1u << 1)) | 1u << 12 },
		/* Given back and written again: written, not discarded. */
		{ 1u << 1, 1u << 12, 1u << 4, lower },
	};
	size_t			 k;
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
	for (k = 0; k < sizeof steps / sizeof steps[0]; k++)
		cycle(&tr, &mem, buf, down[1], up[0], &steps[k]);
	discard_free(&mem);
	track_softdirty.detach(&tr);
	proc_close(&t);
	close(down[1]);
	waitpid(pid, NULL, 0);
	printf("present ok\n");
	return (0);
}
