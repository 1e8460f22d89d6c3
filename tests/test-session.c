/*
 * test-session.c - watching a process: session_open()'s errors against
 * fixture proc trees, and real cycles (with the "hash" method) against a
 * child process that writes pages this test chooses, then exits.
 *
 * Units: pages of page_size() bytes, counted from the start of the
 * child's buffer.
 */
#include "config.h"

#include <sys/mman.h>
#include <sys/wait.h>

#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "fixture.h"

#include "pageset.h"
#include "page.h"
#include "proc.h"
#include "session.h"
#include "snapshot.h"

#define BUF_PAGES	16

/*
 * A child forked from a test built with AddressSanitizer keeps its shadow
 * mappings: about 14 TiB of rw-p reserved memory, whose page bitmaps
 * (one bit per page of every tracked VMA) would take gigabytes here.
 */
#if defined(__SANITIZE_ADDRESS__)
#define CHILD_HAS_SHADOW	1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CHILD_HAS_SHADOW	1
#endif
#endif

/* Options for pid under root with the given method. */
static struct session_options
options(const char *root, pid_t pid, const char *method)
{
	struct session_options	 o;

	memset(&o, 0, sizeof o);
	o.proc_root = root;
	o.pid = pid;
	o.method = method;
	o.interval = 0.1;
	o.window = 3;
	o.tolerance = 0.10;
	return (o);
}

/* Open must fail with exactly want as the cause. */
static void
open_fails(const struct session_options *o, const char *want)
{
	struct session	 s;
	char		*cause = NULL, *why = (char *)1;

	assert_int_equal(session_open(&s, o, &why, &cause), -1);
	assert_null(why);
	assert_non_null(cause);
	assert_string_equal(cause, want);
	free(cause);
}

static void
session_open__missing_pid__no_such_process(void **state)
{
	struct session_options	 o = options(fixture_path("proc", NULL), 999999, "hash");

	(void)state;
	open_fails(&o, "no such process: 999999");
	o.method = NULL;
	open_fails(&o, "no such process: 999999");
}

static void
session_open__pid_without_comm__no_such_process(void **state)
{
	struct session_options	 o = options(fixture_path("proc", NULL), 4245, "hash");

	(void)state;
	/* The directory is there but the process has gone from under it. */
	open_fails(&o, "no such process: 4245");
}

static void
session_open__bad_pid__invalid(void **state)
{
	struct session_options	 o = options(fixture_path("proc", NULL), 0, "hash");

	(void)state;
	open_fails(&o, "invalid process id: 0");
}

static void
session_open__unknown_method__named_in_cause(void **state)
{
	struct session_options	 o = options(fixture_path("proc", NULL), 4242, "magic");

	(void)state;
	open_fails(&o, "unknown method: magic");
}

/* A child that writes the pages of its buffer it is told to. */
struct child {
	pid_t		 pid;
	int		 cmd;		/* write: commands to the child */
	int		 ack;		/* read: its answers */
	uint8_t		*buf;		/* BUF_PAGES pages, same address in both */
};

/*
 * The child's loop. Commands are one byte: a page index writes a new
 * value into that page; 'm' maps a new read-only region and answers its
 * address; 'd' discards the upper half of the buffer (MADV_DONTNEED: its
 * pages are no longer present); 'n' does nothing. Every command is
 * answered; EOF ends it.
 */
static void
child_loop(int cmd, int ack, uint8_t *buf)
{
	uint8_t		 c, value = 0x40;
	uint64_t	 addr;
	void		*p;

	while (read(cmd, &c, 1) == 1) {
		if (c < BUF_PAGES) {
			/* A new value, so that the page's content changes. */
			buf[c * page_size() + 100] = ++value;
			if (write(ack, "a", 1) != 1)
				_exit(1);
		} else if (c == 'm') {
			p = mmap(NULL, 4 * page_size(), PROT_READ,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			addr = p == MAP_FAILED ? 0 : (uint64_t)(uintptr_t)p;
			if (write(ack, &addr, sizeof addr) != sizeof addr)
				_exit(1);
		} else {
			if (c == 'd' && madvise(buf + BUF_PAGES / 2 *
			    page_size(), BUF_PAGES / 2 * page_size(),
			    MADV_DONTNEED) == -1)
				_exit(1);
			if (write(ack, "a", 1) != 1)
				_exit(1);
		}
	}
	_exit(0);
}

static void
child_start(struct child *ch)
{
	int	 c[2], a[2];
	size_t	 i;

	ch->buf = mmap(NULL, BUF_PAGES * page_size(), PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(ch->buf != MAP_FAILED);
	(void)madvise(ch->buf, BUF_PAGES * page_size(), MADV_NOHUGEPAGE);
	/* Every page present, with content, before the first clear. */
	for (i = 0; i < BUF_PAGES; i++)
		memset(ch->buf + i * page_size(), (int)i + 1, page_size());
	assert_int_equal(pipe(c), 0);
	assert_int_equal(pipe(a), 0);
	ch->pid = fork();
	assert_true(ch->pid != -1);
	if (ch->pid == 0) {
		close(c[1]);
		close(a[0]);
		child_loop(c[0], a[1], ch->buf);
	}
	close(c[0]);
	close(a[1]);
	ch->cmd = c[1];
	ch->ack = a[0];
}

/* Send one command and wait for its answer. */
static void
child_do(struct child *ch, uint8_t c, void *answer, size_t size)
{
	char	 a;

	assert_int_equal(write(ch->cmd, &c, 1), 1);
	if (answer == NULL) {
		answer = &a;
		size = 1;
	}
	assert_int_equal(read(ch->ack, answer, size), (ssize_t)size);
}

/* End the child and reap it. */
static void
child_end(struct child *ch)
{
	int	 status;

	if (ch->cmd != -1)
		close(ch->cmd);
	close(ch->ack);
	ch->cmd = -1;
	assert_int_equal(waitpid(ch->pid, &status, 0), ch->pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	munmap(ch->buf, BUF_PAGES * page_size());
}

/* The VMA of s that holds addr, or fail. */
static const struct snap_vma *
vma_holding(const struct snapshot *s, uint64_t addr)
{
	size_t	 i;

	for (i = 0; i < s->nvma; i++) {
		if (s->vmas[i].vma.start <= addr && addr < s->vmas[i].vma.end)
			return (&s->vmas[i]);
	}
	fail_msg("no VMA holds %#llx", (unsigned long long)addr);
	return (NULL);
}

/* The written (or present) bits of the child's buffer pages, as a mask. */
static uint32_t
buffer_bits(const struct snapshot *s, const struct child *ch, bool present)
{
	const struct snap_vma	*sv;
	const struct pageset	*bits;
	uint64_t		 first;
	uint32_t		 mask = 0;
	size_t			 i;

	sv = vma_holding(s, (uint64_t)(uintptr_t)ch->buf);
	assert_true(sv->tracked);
	assert_false(sv->is_new);
	bits = present ? sv->present : sv->written;
	assert_non_null(bits);
	first = ((uint64_t)(uintptr_t)ch->buf - sv->vma.start) / page_size();
	for (i = 0; i < BUF_PAGES; i++) {
		if (pageset_has(bits, first + i))
			mask |= UINT32_C(1) << i;
	}
	return (mask);
}

static uint32_t
buffer_written(const struct snapshot *s, const struct child *ch)
{
	return (buffer_bits(s, ch, false));
}

/* Skip a test whose child would carry the sanitizer's shadow memory. */
static void
skip_under_asan(void)
{
#ifdef CHILD_HAS_SHADOW
	print_message("skipped: a child of an AddressSanitizer build maps "
	    "terabytes of shadow memory\n");
	skip();
#endif
}

/* Open a session on the child with method, or skip saying why not. */
static void
open_or_skip(struct session *s, struct child *ch, const char *method)
{
	struct session_options	 o = options("/proc", ch->pid, method);
	char			*cause = NULL;

	if (session_open(s, &o, NULL, &cause) == -1) {
		print_message("skipped: method %s does not work here: %s\n",
		    method, cause != NULL ? cause : "?");
		free(cause);
		child_end(ch);
		skip();
	}
}

/* Two cycles on a real child with a method, then its exit. */
static void
cycles_on_a_child(const char *method)
{
	struct session	 s;
	struct child	 ch = { 0 };
	struct snapshot	*snap;
	const struct snap_vma *sv;
	char		*cause = NULL;
	uint64_t	 addr;

	skip_under_asan();
	child_start(&ch);
	open_or_skip(&s, &ch, method);
	assert_string_equal(s.tracker.method->name, method);

	/* Cycle 1: pages 2, 5, 6 and 15 are written. */
	if (session_clear(&s, &cause) == -1)
		fail_msg("clear: %s", cause);
	child_do(&ch, 2, NULL, 0);
	child_do(&ch, 5, NULL, 0);
	child_do(&ch, 6, NULL, 0);
	child_do(&ch, 15, NULL, 0);
	if (session_collect(&s, &snap, &cause) == -1)
		fail_msg("collect: %s", cause);
	assert_int_equal(snap->cycle, 1);
	assert_int_equal(snap->pid, ch.pid);
	assert_string_equal(snap->method, method);
	assert_false(snap->exited);
	assert_int_equal(buffer_written(snap, &ch),
	    1u << 2 | 1u << 5 | 1u << 6 | 1u << 15);
	assert_true(snap->dirty_pages >= 4);
	assert_true(snap->tracked_pages >= BUF_PAGES);
	assert_true(snap->interval == 0.1);
	snapshot_free(snap);

	/* Cycle 2: nothing written in the buffer; a region mapped. */
	if (session_clear(&s, &cause) == -1)
		fail_msg("clear: %s", cause);
	child_do(&ch, 'm', &addr, sizeof addr);
	assert_true(addr != 0);
	if (session_collect(&s, &snap, &cause) == -1)
		fail_msg("collect: %s", cause);
	assert_int_equal(snap->cycle, 2);
	assert_int_equal(buffer_written(snap, &ch), 0);
	sv = vma_holding(snap, addr);
	assert_true(sv->is_new);
	assert_false(sv->tracked);
	assert_int_equal(sv->dirty, 0);
	snapshot_free(snap);

	/* The child exits: the next collect says so, with no VMAs. */
	if (session_clear(&s, &cause) == -1)
		fail_msg("clear: %s", cause);
	child_end(&ch);
	if (session_collect(&s, &snap, &cause) == -1)
		fail_msg("collect after exit: %s", cause);
	assert_true(snap->exited);
	assert_int_equal(snap->nvma, 0);
	assert_int_equal(snap->cycle, 3);
	assert_int_equal(snap->pid, ch.pid);
	snapshot_free(snap);
	free(session_close(&s));
}

static void
session_cycle__hash__child_writes_known_pages(void **state)
{
	(void)state;
	cycles_on_a_child("hash");
}

static void
session_cycle__uffd_wp__child_writes_known_pages(void **state)
{
	(void)state;
	cycles_on_a_child("uffd-wp");
}

/*
 * The present pages of the child's buffer over two cycles with a method:
 * the lower half present, the upper half discarded, then two pages of the
 * upper half written (so present again) in the second cycle.
 */
static void
present_on_a_child(const char *method)
{
	struct session	 s;
	struct child	 ch = { 0 };
	struct snapshot	*snap;
	char		*cause = NULL;
	uint32_t	 lower = (UINT32_C(1) << BUF_PAGES / 2) - 1;
	uint32_t	 now_in = 1u << 9 | 1u << 12;

	skip_under_asan();
	child_start(&ch);
	child_do(&ch, 'd', NULL, 0);
	open_or_skip(&s, &ch, method);

	if (session_clear(&s, &cause) == -1)
		fail_msg("clear: %s", cause);
	child_do(&ch, 3, NULL, 0);
	if (session_collect(&s, &snap, &cause) == -1)
		fail_msg("collect: %s", cause);
	assert_int_equal(buffer_written(snap, &ch), 1u << 3);
	assert_int_equal(buffer_bits(snap, &ch, true), lower);
	snapshot_free(snap);

	if (session_clear(&s, &cause) == -1)
		fail_msg("clear: %s", cause);
	child_do(&ch, 9, NULL, 0);
	child_do(&ch, 12, NULL, 0);
	if (session_collect(&s, &snap, &cause) == -1)
		fail_msg("collect: %s", cause);
	assert_int_equal(buffer_written(snap, &ch), now_in);
	assert_int_equal(buffer_bits(snap, &ch, true), lower | now_in);
	snapshot_free(snap);
	free(session_close(&s));
	child_end(&ch);
}

static void
session_collect__hash__present_pages_known(void **state)
{
	(void)state;
	present_on_a_child("hash");
}

static void
session_collect__uffd_wp__present_pages_known(void **state)
{
	(void)state;
	present_on_a_child("uffd-wp");
}

static void
session_clear__child_gone__collect_says_exited(void **state)
{
	struct session	 s;
	struct snapshot	*snap = NULL;
	struct child	 ch = { 0 };
	char		*cause = NULL;

	(void)state;
	skip_under_asan();
	child_start(&ch);
	open_or_skip(&s, &ch, "hash");
	child_end(&ch);
	/* Its address space is gone: the clear leaves it to the collect. */
	assert_int_equal(session_clear(&s, &cause), 0);
	assert_int_equal(session_collect(&s, &snap, &cause), 0);
	assert_non_null(snap);
	assert_true(snap->exited);
	assert_false(snap->exec);
	assert_int_equal(snap->nvma, 0);
	snapshot_free(snap);
	free(session_close(&s));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(session_open__missing_pid__no_such_process),
		cmocka_unit_test(
		    session_open__pid_without_comm__no_such_process),
		cmocka_unit_test(session_open__bad_pid__invalid),
		cmocka_unit_test(session_open__unknown_method__named_in_cause),
		cmocka_unit_test(
		    session_cycle__hash__child_writes_known_pages),
		cmocka_unit_test(
		    session_cycle__uffd_wp__child_writes_known_pages),
		cmocka_unit_test(session_collect__hash__present_pages_known),
		cmocka_unit_test(session_collect__uffd_wp__present_pages_known),
		cmocka_unit_test(session_clear__child_gone__collect_says_exited),
	};

	/* A write to a dead child's pipe must fail, not kill the test. */
	signal(SIGPIPE, SIG_IGN);
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
