/*
 * test-probe.c - the capability table: every row exists, and agrees with
 * a check this test does itself (its own PAGEMAP_SCAN ioctl, userfaultfd,
 * perf event, soft-dirty round trip, ptrace of its own child); probing a
 * process does not disturb it; the printed table has the documented form.
 */
#include "config.h"

#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
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
#include <linux/perf_event.h>
#ifdef HAVE_LINUX_USERFAULTFD_H
#include <linux/userfaultfd.h>
#endif

#include "page.h"
#include "proc-pagemap.h"
#include "probe.h"
#include "proc.h"
#include "track.h"

static const char *const category_names[] = {
	"PAGE_IS_WPALLOWED", "PAGE_IS_WRITTEN", "PAGE_IS_FILE",
	"PAGE_IS_PRESENT", "PAGE_IS_SWAPPED", "PAGE_IS_PFNZERO",
	"PAGE_IS_HUGE", "PAGE_IS_SOFT_DIRTY", "PAGE_IS_GUARD",
};

/* The row called name; fails the test when it is missing. */
static const struct probe_row *
row(const struct probe_table *pt, const char *name)
{
	const struct probe_row	*r;

	if ((r = probe_find(pt, name)) == NULL)
		fail_msg("no row %s", name);
	return (r);
}

/* A forked child that sleeps until killed. */
static pid_t
spawn_sleeper(void)
{
	pid_t	pid;

	pid = fork();
	assert_true(pid != -1);
	if (pid == 0) {
		for (;;)
			pause();
	}
	return (pid);
}

static void
reap(pid_t pid)
{
	int	status;

	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
}

/* The value of "Key:" in /proc/PID/status, as a string in buf. */
static void
status_field(pid_t pid, const char *key, char *buf, size_t size)
{
	char	 path[64], line[256];
	FILE	*f;
	size_t	 n = strlen(key);

	snprintf(path, sizeof path, "/proc/%ld/status", (long)pid);
	f = fopen(path, "r");
	assert_non_null(f);
	buf[0] = '\0';
	while (fgets(line, sizeof line, f) != NULL) {
		if (strncmp(line, key, n) == 0 && line[n] == ':') {
			snprintf(buf, size, "%s", line + n + 1 +
			    strspn(line + n + 1, " \t"));
			buf[strcspn(buf, "\n")] = '\0';
		}
	}
	fclose(f);
}

static void
probe_collect__no_pid__every_row_once(void **state)
{
	struct probe_table	 pt;
	const char		*names[] = { "soft-dirty", "PAGEMAP_SCAN",
	    "userfaultfd", "UFFD_FEATURE_WP_ASYNC",
	    "UFFD_FEATURE_WP_UNPOPULATED", "uffd-wp", "process_vm_readv",
	    "perf page faults", "auto" };
	size_t			 i, j, seen;

	probe_collect(&pt, NULL);
	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		row(&pt, names[i]);
	for (i = 0; i < sizeof category_names / sizeof category_names[0]; i++)
		row(&pt, category_names[i]);
	assert_null(probe_find(&pt, "ptrace"));
	assert_null(probe_find(&pt, "no such row"));
	assert_int_equal(pt.n, 9 + 9);
	for (i = 0; i < pt.n; i++) {
		seen = 0;
		for (j = 0; j < pt.n; j++)
			seen += strcmp(pt.rows[i].name, pt.rows[j].name) == 0;
		assert_int_equal(seen, 1);
		/* A "no" always says why. */
		if (!pt.rows[i].ok)
			assert_non_null(pt.rows[i].detail);
	}
	probe_table_free(&pt);
	assert_int_equal(pt.n, 0);
}

/* The test's own PAGEMAP_SCAN of one page, with one return category. */
static int
own_pmscan(int fd, char *page, uint64_t category)
{
	struct pmscan_arg	 a;
	struct pmscan_region	 r;

	memset(&a, 0, sizeof a);
	a.size = sizeof a;
	a.start = (uint64_t)(uintptr_t)page;
	a.end = a.start + page_size();
	a.vec = (uint64_t)(uintptr_t)&r;
	a.vec_len = 1;
	a.return_mask = category;
	return (ioctl(fd, PMSCAN_IOCTL, &a) == -1 ? -1 : 0);
}

static void
probe_collect__pagemap_scan__agrees_with_own_ioctl(void **state)
{
	struct probe_table	 pt;
	size_t			 i;
	char			*page;
	int			 fd, works;

	fd = open("/proc/self/pagemap", O_RDONLY);
	assert_true(fd != -1);
	page = mmap(NULL, page_size(), PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(page != MAP_FAILED);
	page[0] = 1;

	probe_collect(&pt, NULL);
	works = own_pmscan(fd, page, PAGE_IS_PRESENT) == 0;
	assert_int_equal(row(&pt, "PAGEMAP_SCAN")->ok, works);
	for (i = 0; i < sizeof category_names / sizeof category_names[0]; i++) {
		assert_int_equal(row(&pt, category_names[i])->ok,
		    works && own_pmscan(fd, page, UINT64_C(1) << i) == 0);
	}
	/* A bit no kernel defines is refused, so the check can say no. */
	if (works)
		assert_int_equal(own_pmscan(fd, page, UINT64_C(1) << 40), -1);
	probe_table_free(&pt);
	munmap(page, page_size());
	close(fd);
}

static void
probe_collect__userfaultfd__agrees_with_own_open(void **state)
{
#if defined(HAVE_LINUX_USERFAULTFD_H) && defined(SYS_userfaultfd)
	struct probe_table	 pt;
	struct uffdio_api	 api;
	int			 fd;
	bool			 ok = false;

	fd = (int)syscall(SYS_userfaultfd, O_CLOEXEC);
	if (fd == -1 && errno == EPERM)
		fd = (int)syscall(SYS_userfaultfd, O_CLOEXEC | 1);
	memset(&api, 0, sizeof api);
	api.api = UFFD_API;
	if (fd != -1) {
		ok = ioctl(fd, UFFDIO_API, &api) == 0;
		close(fd);
	}

	probe_collect(&pt, NULL);
	assert_int_equal(row(&pt, "userfaultfd")->ok, ok);
	assert_int_equal(row(&pt, "UFFD_FEATURE_WP_ASYNC")->ok,
	    ok && (api.features & (1u << 15)) != 0);
	assert_int_equal(row(&pt, "UFFD_FEATURE_WP_UNPOPULATED")->ok,
	    ok && (api.features & (1u << 13)) != 0);
	probe_table_free(&pt);
#else
	skip();
#endif
}

static void
probe_collect__perf__agrees_with_own_open(void **state)
{
	struct probe_table	 pt;
	struct perf_event_attr	 attr;
	char			 want[64], value[16] = "?";
	FILE			*f;
	int			 fd;

	memset(&attr, 0, sizeof attr);
	attr.size = sizeof attr;
	attr.type = PERF_TYPE_SOFTWARE;
	attr.config = PERF_COUNT_SW_PAGE_FAULTS;
	attr.disabled = 1;
	attr.exclude_kernel = 1;
	attr.exclude_hv = 1;
	fd = (int)syscall(SYS_perf_event_open, &attr, 0, -1, -1, 0);
	if (fd != -1)
		close(fd);
	if ((f = fopen("/proc/sys/kernel/perf_event_paranoid", "r")) != NULL) {
		if (fscanf(f, "%15s", value) != 1)
			strcpy(value, "?");
		fclose(f);
	}
	snprintf(want, sizeof want, "perf_event_paranoid=%s)", value);

	probe_collect(&pt, NULL);
	assert_int_equal(row(&pt, "perf page faults")->ok, fd != -1);
	assert_non_null(strstr(row(&pt, "perf page faults")->detail, want));
	probe_table_free(&pt);
}

/* Soft-dirty, checked the functional way: write, clear, write, read bit 55. */
static void
probe_collect__soft_dirty__agrees_with_round_trip(void **state)
{
	struct probe_table	 pt;
	volatile char		*page;
	uint64_t		 e = 0;
	int			 pm, cr;
	bool			 works;

	page = mmap(NULL, page_size(), PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(page != MAP_FAILED);
	page[0] = 1;
	cr = open("/proc/self/clear_refs", O_WRONLY);
	pm = open("/proc/self/pagemap", O_RDONLY);
	assert_true(cr != -1 && pm != -1);
	assert_int_equal(write(cr, "4", 1), 1);
	page[0] = 2;
	assert_int_equal(pread(pm, &e, sizeof e,
	    (off_t)((uintptr_t)page / page_size() * sizeof e)), sizeof e);
	works = (e & PM_SOFT_DIRTY) != 0;
	close(cr);
	close(pm);
	munmap((void *)page, page_size());

	probe_collect(&pt, NULL);
	assert_int_equal(row(&pt, "soft-dirty")->ok, works);
	probe_table_free(&pt);
}

static void
probe_collect__auto__names_the_chosen_method(void **state)
{
	struct probe_table		 pt;
	const struct track_method	*m;
	const struct probe_row		*r;
	char				*why = NULL;

	m = track_choose(NULL, &why);
	free(why);
	probe_collect(&pt, NULL);
	r = row(&pt, "auto");
	assert_int_equal(r->ok, m != NULL);
	if (m != NULL) {
		assert_int_equal(strncmp(r->detail, m->name, strlen(m->name)),
		    0);
		/* The chosen method's own row (when it has one) says yes. */
		if (probe_find(&pt, m->name) != NULL)
			assert_true(row(&pt, m->name)->ok);
	}
	probe_table_free(&pt);
}

/* A process of the same user: ptrace and process_vm_readv are allowed. */
static void
probe_collect__own_child__allowed_and_undisturbed(void **state)
{
	struct probe_table	 pt;
	struct proc_target	 t;
	char			*cause = NULL, buf[64];
	pid_t			 pid;
	int			 status;

	pid = spawn_sleeper();
	assert_int_equal(proc_open(&t, "/proc", pid, &cause), 0);
	probe_collect(&pt, &t);
	assert_true(row(&pt, "ptrace")->ok);
	assert_true(row(&pt, "process_vm_readv")->ok);
	probe_table_free(&pt);

	/* Still running, not traced, not stopped. */
	assert_int_equal(waitpid(pid, &status, WNOHANG), 0);
	status_field(pid, "TracerPid", buf, sizeof buf);
	assert_string_equal(buf, "0");
	status_field(pid, "State", buf, sizeof buf);
	assert_true(buf[0] != 't' && buf[0] != 'T');
	proc_close(&t);
	reap(pid);
}

/* A process traced already cannot be ptraced again: the row says no. */
static void
probe_collect__traced_child__ptrace_no(void **state)
{
	struct probe_table	 pt;
	struct proc_target	 t;
	char			*cause = NULL;
	pid_t			 pid;

	pid = spawn_sleeper();
	assert_int_equal(ptrace(PTRACE_SEIZE, pid, NULL, NULL), 0);
	assert_int_equal(proc_open(&t, "/proc", pid, &cause), 0);
	probe_collect(&pt, &t);
	assert_false(row(&pt, "ptrace")->ok);
	assert_non_null(strstr(row(&pt, "ptrace")->detail, strerror(EPERM)));
	assert_true(row(&pt, "process_vm_readv")->ok);
	probe_table_free(&pt);
	proc_close(&t);
	reap(pid);
}

static void
probe_collect__gone_child__readv_no(void **state)
{
	struct probe_table	 pt;
	struct proc_target	 t;
	char			*cause = NULL;
	pid_t			 pid;

	pid = spawn_sleeper();
	assert_int_equal(proc_open(&t, "/proc", pid, &cause), 0);
	reap(pid);
	probe_collect(&pt, &t);
	assert_false(row(&pt, "process_vm_readv")->ok);
	assert_false(row(&pt, "ptrace")->ok);
	probe_table_free(&pt);
	proc_close(&t);
}

static void
probe_write__rows__aligned_table(void **state)
{
	struct probe_table	 pt;
	char			*out = NULL;
	size_t			 len = 0;
	FILE			*f;

	memset(&pt, 0, sizeof pt);
	pt.rows[0].name = "a";
	pt.rows[0].ok = true;
	pt.rows[0].detail = (char *)"fine";
	pt.rows[1].name = "a-longer-name";
	pt.rows[1].ok = false;
	pt.rows[1].detail = NULL;
	pt.n = 2;
	f = open_memstream(&out, &len);
	assert_non_null(f);
	probe_write(f, &pt);
	fclose(f);
	/* Names padded to the longest (13), two spaces, yes/no in 3, two. */
	assert_string_equal(out,
	    "capability     ok   detail\n"
	    "a              yes  fine\n"
	    "a-longer-name  no   -\n");
	free(out);
}

static void
probe_run__no_such_process__cause_and_no_table(void **state)
{
	char	*out = NULL, *cause = NULL;
	size_t	 len = 0;
	FILE	*f;

	f = open_memstream(&out, &len);
	assert_non_null(f);
	assert_int_equal(probe_run(f, "/proc", 0x3ffffff0, &cause), -1);
	fclose(f);
	assert_int_equal(len, 0);
	assert_non_null(cause);
	assert_non_null(strstr(cause, "1073741808"));
	free(cause);
	free(out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(probe_collect__no_pid__every_row_once),
		cmocka_unit_test(
		    probe_collect__pagemap_scan__agrees_with_own_ioctl),
		cmocka_unit_test(
		    probe_collect__userfaultfd__agrees_with_own_open),
		cmocka_unit_test(probe_collect__perf__agrees_with_own_open),
		cmocka_unit_test(
		    probe_collect__soft_dirty__agrees_with_round_trip),
		cmocka_unit_test(probe_collect__auto__names_the_chosen_method),
		cmocka_unit_test(
		    probe_collect__own_child__allowed_and_undisturbed),
		cmocka_unit_test(probe_collect__traced_child__ptrace_no),
		cmocka_unit_test(probe_collect__gone_child__readv_no),
		cmocka_unit_test(probe_write__rows__aligned_table),
		cmocka_unit_test(
		    probe_run__no_such_process__cause_and_no_table),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
