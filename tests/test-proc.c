/*
 * test-proc.c - a target seen through procfs: fixture trees under
 * tests/fixtures/proc (the procfs root is a parameter), a temporary tree
 * that is renamed under an open target, and a real child process that
 * exits while its directory fd is held.
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "fixture.h"

#include "cause.h"
#include "page.h"
#include "proc-maps.h"
#include "proc.h"

/* Read a file the ordinary way, for comparison. */
static char *
slurp(const char *path, size_t *len)
{
	char	*buf;
	FILE	*f;
	long	 n;

	f = fopen(path, "r");
	if (f == NULL)
		fail_msg("cannot open %s: %s", path, strerror(errno));
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return (buf);
}

/* Write a whole file below dir. */
static void
put(const char *dir, const char *name, const char *text)
{
	char	 path[4096];
	FILE	*f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	f = fopen(path, "w");
	if (f == NULL)
		fail_msg("cannot create %s: %s", path, strerror(errno));
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

/* Remove a temporary tree made by the tests (two levels deep at most). */
static void
rm_tree(const char *dir)
{
	char	 cmd[4200];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

static void
proc_open__fixture_pid__reads_through_the_dir(void **state)
{
	struct proc_target	 t;
	char			*cause = NULL, *buf, *want, path[8192];
	size_t			 len, wlen;

	(void)state;
	assert_int_equal(proc_open(&t, fixture_path("proc", NULL), 4242, &cause), 0);
	assert_null(cause);
	assert_int_equal(t.pid, 4242);
	assert_true(t.dirfd >= 0);
	assert_int_equal(t.pagemap_fd, -1);
	assert_string_equal(t.root, fixture_path("proc", NULL));

	snprintf(path, sizeof path, "%s/4242/maps", fixture_path("proc", NULL));
	want = slurp(path, &wlen);
	assert_int_equal(proc_read_file(&t, "maps", &buf, &len), 0);
	assert_int_equal(len, wlen);
	assert_string_equal(buf, want);
	assert_int_equal(buf[len], '\0');
	free(buf);
	free(want);

	proc_close(&t);
	assert_int_equal(t.dirfd, -1);
	assert_null(t.root);
}

static void
proc_comm__newline_stripped__spaces_kept(void **state)
{
	struct proc_target	 t;
	char			*cause = NULL, comm[32];

	(void)state;
	assert_int_equal(proc_open(&t, fixture_path("proc", NULL), 4242, &cause), 0);
	assert_int_equal(proc_comm(&t, comm, sizeof comm), 0);
	assert_string_equal(comm, "demo prog");
	/* A short buffer truncates, NUL-terminated. */
	assert_int_equal(proc_comm(&t, comm, 5), 0);
	assert_string_equal(comm, "demo");
	proc_close(&t);

	/* A comm file without its newline reads the same way. */
	assert_int_equal(proc_open(&t, fixture_path("proc", NULL), 4244, &cause), 0);
	assert_int_equal(proc_comm(&t, comm, sizeof comm), 0);
	assert_string_equal(comm, "nomaps");
	proc_close(&t);
}

static void
proc_open__missing_pid__esrch_no_such_process(void **state)
{
	struct proc_target	 t;
	char			*cause = NULL;

	(void)state;
	errno = 0;
	assert_int_equal(proc_open(&t, fixture_path("proc", NULL), 999999, &cause), -1);
	assert_int_equal(errno, ESRCH);
	assert_non_null(cause);
	assert_string_equal(cause, "no such process: 999999");
	assert_int_equal(t.dirfd, -1);
	free(cause);
	/* Closing a target that failed to open is harmless. */
	proc_close(&t);
}

static void
proc_open__bad_pid__einval(void **state)
{
	struct proc_target	 t;
	char			*cause = NULL;

	(void)state;
	errno = 0;
	assert_int_equal(proc_open(&t, fixture_path("proc", NULL), 0, &cause), -1);
	assert_int_equal(errno, EINVAL);
	assert_string_equal(cause, "invalid process id: 0");
	free(cause);
	cause = NULL;
	assert_int_equal(proc_open(&t, fixture_path("proc", NULL), -5, &cause), -1);
	assert_int_equal(errno, EINVAL);
	assert_string_equal(cause, "invalid process id: -5");
	free(cause);
}

static void
proc_open__pid_is_a_file__error_names_the_path(void **state)
{
	struct proc_target	 t;
	char			 dir[] = "/tmp/sdtop-proc-XXXXXX", want[4200];
	char			*cause = NULL;

	(void)state;
	assert_non_null(mkdtemp(dir));
	put(dir, "77", "not a directory\n");
	errno = 0;
	assert_int_equal(proc_open(&t, dir, 77, &cause), -1);
	assert_int_equal(errno, ENOTDIR);
	snprintf(want, sizeof want, "cannot open %s/77: %s", dir,
	    strerror(ENOTDIR));
	assert_string_equal(cause, want);
	free(cause);
	rm_tree(dir);
}

static void
proc_read_file__missing_file__esrch(void **state)
{
	struct proc_target	 t;
	char			*cause = NULL, *buf = NULL, comm[16];
	struct vma_list		 l = { 0 };

	(void)state;
	assert_int_equal(proc_open(&t, fixture_path("proc", NULL), 4244, &cause), 0);
	errno = 0;
	assert_int_equal(proc_read_file(&t, "maps", &buf, NULL), -1);
	assert_int_equal(errno, ESRCH);
	assert_null(buf);
	errno = 0;
	assert_int_equal(maps_read(&t, &l, &cause), -1);
	assert_int_equal(errno, ESRCH);
	assert_string_equal(cause, "process 4244 has exited");
	free(cause);
	proc_close(&t);

	/* And a missing comm. */
	assert_int_equal(proc_open(&t, fixture_path("proc", NULL), 4245, &cause), 0);
	errno = 0;
	assert_int_equal(proc_comm(&t, comm, sizeof comm), -1);
	assert_int_equal(errno, ESRCH);
	proc_close(&t);
}

static void
maps_read__fixture__parsed(void **state)
{
	struct proc_target	 t;
	struct vma_list		 l = { 0 };
	char			*cause = NULL;

	(void)state;
	if (page_size() != 4096)
		skip();
	assert_int_equal(proc_open(&t, fixture_path("proc", NULL), 4242, &cause), 0);
	assert_int_equal(maps_read(&t, &l, &cause), 0);
	assert_int_equal(l.n, 12);
	assert_string_equal(l.v[2].name, "[heap]");
	assert_int_equal(l.v[2].start, 0x55d0c8c04000);
	assert_string_equal(l.v[11].name, "[vsyscall]");
	vma_list_free(&l);
	proc_close(&t);
}

static void
maps_read__malformed_fixture__einval_with_line(void **state)
{
	struct proc_target	 t;
	struct vma_list		 l = { 0 };
	char			*cause = NULL;

	(void)state;
	if (page_size() != 4096)
		skip();
	assert_int_equal(proc_open(&t, fixture_path("proc", NULL), 4243, &cause), 0);
	errno = 0;
	assert_int_equal(maps_read(&t, &l, &cause), -1);
	assert_int_equal(errno, EINVAL);
	assert_string_equal(cause, "line 2: bad permissions");
	free(cause);
	vma_list_free(&l);
	proc_close(&t);
}

static void
proc_gone__esrch_and_enoent_only(void **state)
{
	(void)state;
	assert_true(proc_gone(ESRCH));
	assert_true(proc_gone(ENOENT));
	assert_false(proc_gone(0));
	assert_false(proc_gone(EACCES));
	assert_false(proc_gone(EPERM));
	assert_false(proc_gone(EINVAL));
	assert_false(proc_gone(EIO));
}

/*
 * The directory fd pins what was opened: after the tree's PID directory is
 * renamed away and another one takes its name, reads still see the first.
 */
static void
proc_open__pid_dir_replaced__fd_still_reads_the_first(void **state)
{
	struct proc_target	 t;
	char			 dir[] = "/tmp/sdtop-proc-XXXXXX";
	char			 a[4200], b[4200], *cause = NULL, comm[32];
	char			*buf;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(a, sizeof a, "%s/321", dir);
	snprintf(b, sizeof b, "%s/old", dir);
	assert_int_equal(mkdir(a, 0700), 0);
	put(a, "comm", "first\n");
	assert_int_equal(proc_open(&t, dir, 321, &cause), 0);
	assert_int_equal(rename(a, b), 0);
	assert_int_equal(mkdir(a, 0700), 0);
	put(a, "comm", "second\n");
	assert_int_equal(proc_comm(&t, comm, sizeof comm), 0);
	assert_string_equal(comm, "first");
	assert_int_equal(proc_read_file(&t, "comm", &buf, NULL), 0);
	assert_string_equal(buf, "first\n");
	free(buf);
	proc_close(&t);
	rm_tree(dir);
}

static void
proc_write_file__writes_through_the_dir(void **state)
{
	struct proc_target	 t;
	char			 dir[] = "/tmp/sdtop-proc-XXXXXX";
	char			 a[4200], *cause = NULL, *buf;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(a, sizeof a, "%s/321", dir);
	assert_int_equal(mkdir(a, 0700), 0);
	put(a, "clear_refs", "");
	assert_int_equal(proc_open(&t, dir, 321, &cause), 0);
	assert_int_equal(proc_write_file(&t, "clear_refs", "4"), 0);
	assert_int_equal(proc_read_file(&t, "clear_refs", &buf, NULL), 0);
	assert_string_equal(buf, "4");
	free(buf);
	errno = 0;
	assert_int_equal(proc_write_file(&t, "missing", "4"), -1);
	assert_int_equal(errno, ESRCH);
	proc_close(&t);
	rm_tree(dir);
}

static void
proc_read_file__larger_than_the_first_buffer__read_whole(void **state)
{
	struct proc_target	 t;
	char			 dir[] = "/tmp/sdtop-proc-XXXXXX";
	char			 a[4200], *cause = NULL, *buf, *big;
	size_t			 n = 100000, i, len;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(a, sizeof a, "%s/321", dir);
	assert_int_equal(mkdir(a, 0700), 0);
	big = malloc(n + 1);
	assert_non_null(big);
	for (i = 0; i < n; i++)
		big[i] = (char)('0' + i % 10);
	big[n] = '\0';
	put(a, "maps", big);
	assert_int_equal(proc_open(&t, dir, 321, &cause), 0);
	assert_int_equal(proc_read_file(&t, "maps", &buf, &len), 0);
	assert_int_equal(len, n);
	assert_string_equal(buf, big);
	free(buf);
	free(big);
	proc_close(&t);
	rm_tree(dir);
}

static void
proc_pagemap_fd__opened_once__missing_is_esrch(void **state)
{
	struct proc_target	 t;
	char			 dir[] = "/tmp/sdtop-proc-XXXXXX";
	char			 a[4200], *cause = NULL;
	int			 fd;

	(void)state;
	assert_int_equal(proc_open(&t, fixture_path("proc", NULL), 4242, &cause), 0);
	errno = 0;
	assert_int_equal(proc_pagemap_fd(&t), -1);
	assert_int_equal(errno, ESRCH);
	proc_close(&t);

	assert_non_null(mkdtemp(dir));
	snprintf(a, sizeof a, "%s/321", dir);
	assert_int_equal(mkdir(a, 0700), 0);
	put(a, "pagemap", "");
	assert_int_equal(proc_open(&t, dir, 321, &cause), 0);
	fd = proc_pagemap_fd(&t);
	assert_true(fd >= 0);
	assert_int_equal(proc_pagemap_fd(&t), fd);
	assert_int_equal(t.pagemap_fd, fd);
	proc_close(&t);
	assert_int_equal(t.pagemap_fd, -1);
	/* The fd was closed. */
	assert_int_equal(fcntl(fd, F_GETFD), -1);
	rm_tree(dir);
}

/* Start a child that waits until its pipe closes, then exits. */
static pid_t
child_start(int *wfd)
{
	int	 p[2];
	pid_t	 pid;
	char	 c;

	assert_int_equal(pipe(p), 0);
	pid = fork();
	assert_true(pid != -1);
	if (pid == 0) {
		close(p[1]);
		while (read(p[0], &c, 1) > 0)
			;
		_exit(0);
	}
	close(p[0]);
	*wfd = p[1];
	return (pid);
}

static void
proc_read_file__real_child_exits__esrch_with_dirfd_held(void **state)
{
	struct proc_target	 t;
	struct vma_list		 l = { 0 };
	siginfo_t		 si;
	char			*cause = NULL, *buf, comm[32];
	size_t			 len;
	pid_t			 pid;
	int			 wfd, status;

	(void)state;
	pid = child_start(&wfd);
	assert_int_equal(proc_open(&t, "/proc", pid, &cause), 0);
	assert_int_equal(maps_read(&t, &l, &cause), 0);
	assert_true(l.n > 0);
	assert_int_equal(proc_comm(&t, comm, sizeof comm), 0);
	assert_true(strlen(comm) > 0);
	assert_true(proc_pagemap_fd(&t) >= 0);

	/* Let it exit, but do not reap it: a zombie has no memory map. */
	close(wfd);
	memset(&si, 0, sizeof si);
	assert_int_equal(waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT), 0);
	assert_int_equal(si.si_pid, pid);
	assert_int_equal(proc_read_file(&t, "maps", &buf, &len), 0);
	assert_int_equal(len, 0);
	free(buf);

	/* Reaped: every read through the held fd says the process is gone. */
	assert_int_equal(waitpid(pid, &status, 0), pid);
	errno = 0;
	assert_int_equal(proc_read_file(&t, "maps", &buf, &len), -1);
	assert_int_equal(errno, ESRCH);
	assert_true(proc_gone(errno));
	errno = 0;
	assert_int_equal(proc_comm(&t, comm, sizeof comm), -1);
	assert_int_equal(errno, ESRCH);
	errno = 0;
	assert_int_equal(maps_read(&t, &l, &cause), -1);
	assert_int_equal(errno, ESRCH);
	assert_non_null(cause);
	assert_true(strstr(cause, "has exited") != NULL);
	free(cause);
	vma_list_free(&l);
	proc_close(&t);
}

static void
cause_errno__what_then_strerror(void **state)
{
	char	*s, want[256];

	(void)state;
	s = cause_errno(EACCES, "cannot open %s/%d", "/proc", 12);
	snprintf(want, sizeof want, "cannot open /proc/12: %s",
	    strerror(EACCES));
	assert_string_equal(s, want);
	free(s);
	s = cause_fmt("line %zu: %s", (size_t)7, "bad inode");
	assert_string_equal(s, "line 7: bad inode");
	free(s);
}

static void
proc_stat_field__name_with_parens__counted_after_it(void **state)
{
	struct proc_target	 t;
	char			 dir[] = "/tmp/test-proc.XXXXXX", a[4200];
	char			*cause = NULL;
	unsigned long long	 v = 99;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(a, sizeof a, "%s/555", dir);
	assert_int_equal(mkdir(a, 0700), 0);
	/* The name holds ") 9 (", the last ')' ends it. */
	put(a, "stat", "555 (x) 9 (y z) S 41 555 555 0 -1 4202752 7 0 0\n");
	assert_int_equal(proc_open(&t, dir, 555, &cause), 0);
	assert_int_equal(proc_stat_field(&t, 4, &v), 0);
	assert_int_equal(v, 41);
	assert_int_equal(proc_stat_field(&t, 9, &v), 0);
	assert_int_equal(v, 4202752);
	assert_int_equal(proc_stat_field(&t, 12, &v), 0);
	assert_int_equal(v, 0);
	/* The state and -1 are not whole numbers; past the end, no field. */
	errno = 0;
	assert_int_equal(proc_stat_field(&t, 3, &v), -1);
	assert_int_equal(errno, ENODATA);
	errno = 0;
	assert_int_equal(proc_stat_field(&t, 8, &v), -1);
	assert_int_equal(errno, ENODATA);
	errno = 0;
	assert_int_equal(proc_stat_field(&t, 13, &v), -1);
	assert_int_equal(errno, ENODATA);
	proc_close(&t);
	rm_tree(dir);

	/* A real process: this one's parent and its start time. */
	assert_int_equal(proc_open(&t, "/proc", getpid(), &cause), 0);
	assert_int_equal(proc_stat_field(&t, 4, &v), 0);
	assert_int_equal(v, (unsigned long long)getppid());
	assert_int_equal(proc_stat_field(&t, 22, &v), 0);
	assert_true(v > 0);
	proc_close(&t);
}

static void
proc_other_threads__task_dir__all_but_the_main_one(void **state)
{
	struct proc_target	 t;
	char			 dir[] = "/tmp/test-proc.XXXXXX", a[4200];
	char			*cause = NULL;
	pid_t			*tids;
	size_t			 n, i;
	int			 seen = 0;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(a, sizeof a, "%s/600", dir);
	assert_int_equal(mkdir(a, 0700), 0);
	snprintf(a, sizeof a, "%s/600/task", dir);
	assert_int_equal(mkdir(a, 0700), 0);
	snprintf(a, sizeof a, "%s/600/task/600", dir);
	assert_int_equal(mkdir(a, 0700), 0);
	snprintf(a, sizeof a, "%s/600/task/601", dir);
	assert_int_equal(mkdir(a, 0700), 0);
	snprintf(a, sizeof a, "%s/600/task/7000", dir);
	assert_int_equal(mkdir(a, 0700), 0);
	assert_int_equal(proc_open(&t, dir, 600, &cause), 0);
	assert_int_equal(proc_other_threads(&t, &tids, &n), 0);
	assert_int_equal(n, 2);
	for (i = 0; i < n; i++)
		seen |= tids[i] == 601 ? 1 : tids[i] == 7000 ? 2 : 4;
	assert_int_equal(seen, 3);
	free(tids);
	proc_close(&t);

	/* No task directory: an error, nothing returned. */
	assert_int_equal(proc_open(&t, fixture_path("proc", NULL), 4242, &cause), 0);
	assert_int_equal(proc_other_threads(&t, &tids, &n), -1);
	assert_null(tids);
	assert_int_equal(n, 0);
	proc_close(&t);
	rm_tree(dir);
}

static void
page_size__matches_its_shift(void **state)
{
	(void)state;
	assert_int_equal(page_size(), (size_t)sysconf(_SC_PAGESIZE));
	assert_int_equal((size_t)1 << page_shift(), page_size());
}

/* A temporary procfs tree with directory 321 holding status and smaps. */
static void
make_tree(char *dir, char *pid, size_t size)
{
	assert_non_null(mkdtemp(dir));
	snprintf(pid, size, "%s/321", dir);
	assert_int_equal(mkdir(pid, 0700), 0);
	put(pid, "status", "Name:\tcat\nState:\tZ (zombie)\nTgid:\t300\n"
	    "Seccomp:\t2\nTracerPid:\t0\n");
	put(pid, "smaps_rollup", "00400000-7ffc0000 ---p 00000000 00:00 0 "
	    "[rollup]\nRss:                1000 kB\nAnonHugePages:      "
	    "2048 kB\nShmemPmdMapped:        0 kB\nFilePmdMapped:       "
	    "512 kB\n");
	put(pid, "smaps", "1000-3000 rw-p 00000000 00:00 0\nRss: 8 kB\n"
	    "VmFlags: rd wr mr mw me ac uw\n"
	    "5000-6000 rw-p 00000000 00:00 0 [heap]\n"
	    "VmFlags: rd wr mr mw me ac\n"
	    "7000-9000 r--s 00000000 08:01 12 /lib/a b\n"
	    "VmFlags: uw rd\n");
}

static void
proc_task_state__status_fixture__first_letter(void **state)
{
	struct proc_target	 t;
	char			 dir[] = "/tmp/sdtop-proc-XXXXXX", pid[4200];
	char			*cause = NULL;

	(void)state;
	make_tree(dir, pid, sizeof pid);
	assert_int_equal(proc_open(&t, dir, 321, &cause), 0);
	assert_int_equal(proc_task_state(&t, 0), 'Z');
	errno = 0;
	assert_int_equal(proc_task_state(&t, 4), -1);
	assert_int_equal(errno, ESRCH);
	proc_close(&t);
	rm_tree(dir);
}

static void
proc_smaps_sum__rollup__named_fields_only(void **state)
{
	static const char *const huge[] = {
		"AnonHugePages", "ShmemPmdMapped", "FilePmdMapped"
	};
	static const char *const rss[] = { "Rss" };
	struct proc_target	 t;
	char			 dir[] = "/tmp/sdtop-proc-XXXXXX", pid[4200];
	char			*cause = NULL;
	unsigned long		 kb;

	(void)state;
	make_tree(dir, pid, sizeof pid);
	assert_int_equal(proc_open(&t, dir, 321, &cause), 0);
	assert_int_equal(proc_smaps_sum(&t, huge, 3, &kb), 0);
	assert_int_equal(kb, 2560);
	assert_int_equal(proc_smaps_sum(&t, rss, 1, &kb), 0);
	assert_int_equal(kb, 1000);
	assert_int_equal(unlink(strcat(pid, "/smaps_rollup")), 0);
	errno = 0;
	assert_int_equal(proc_smaps_sum(&t, rss, 1, &kb), -1);
	assert_int_equal(errno, ESRCH);
	proc_close(&t);
	rm_tree(dir);
}

static void
proc_smaps_flagged__uw__those_vmas_in_order(void **state)
{
	struct proc_target	 t;
	struct proc_range	*v;
	char			 dir[] = "/tmp/sdtop-proc-XXXXXX", pid[4200];
	char			*cause = NULL;
	size_t			 n;

	(void)state;
	make_tree(dir, pid, sizeof pid);
	assert_int_equal(proc_open(&t, dir, 321, &cause), 0);
	assert_int_equal(proc_smaps_flagged(&t, "uw", &v, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(v[0].start, 0x1000);
	assert_int_equal(v[0].end, 0x3000);
	assert_int_equal(v[1].start, 0x7000);
	assert_int_equal(v[1].end, 0x9000);
	free(v);
	assert_int_equal(proc_smaps_flagged(&t, "sd", &v, &n), 0);
	assert_int_equal(n, 0);
	free(v);
	proc_close(&t);
	rm_tree(dir);
}

static void
proc_fds_linked__own_pipe__found_by_its_link(void **state)
{
	struct proc_target	 t;
	struct stat		 st;
	char			 link[64], *cause = NULL;
	int			 p[2], fds[8];
	size_t			 n, i;
	bool			 seen = false;

	(void)state;
	assert_int_equal(pipe(p), 0);
	assert_int_equal(fstat(p[0], &st), 0);
	snprintf(link, sizeof link, "pipe:[%lu]", (unsigned long)st.st_ino);
	assert_int_equal(proc_open(&t, "/proc", getpid(), &cause), 0);
	assert_int_equal(proc_fds_linked(&t, link, fds, 8, &n), 0);
	assert_int_equal(n, 2);
	for (i = 0; i < n; i++) {
		assert_true(fds[i] == p[0] || fds[i] == p[1]);
		seen = seen || fds[i] == p[0];
	}
	assert_true(seen);
	assert_int_equal(proc_fds_linked(&t, link, fds, 1, &n), 0);
	assert_int_equal(n, 1);
	proc_close(&t);
	close(p[0]);
	close(p[1]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(proc_open__fixture_pid__reads_through_the_dir),
		cmocka_unit_test(proc_comm__newline_stripped__spaces_kept),
		cmocka_unit_test(proc_open__missing_pid__esrch_no_such_process),
		cmocka_unit_test(proc_open__bad_pid__einval),
		cmocka_unit_test(proc_open__pid_is_a_file__error_names_the_path),
		cmocka_unit_test(proc_read_file__missing_file__esrch),
		cmocka_unit_test(maps_read__fixture__parsed),
		cmocka_unit_test(maps_read__malformed_fixture__einval_with_line),
		cmocka_unit_test(proc_gone__esrch_and_enoent_only),
		cmocka_unit_test(
		    proc_open__pid_dir_replaced__fd_still_reads_the_first),
		cmocka_unit_test(proc_write_file__writes_through_the_dir),
		cmocka_unit_test(
		    proc_read_file__larger_than_the_first_buffer__read_whole),
		cmocka_unit_test(
		    proc_pagemap_fd__opened_once__missing_is_esrch),
		cmocka_unit_test(
		    proc_read_file__real_child_exits__esrch_with_dirfd_held),
		cmocka_unit_test(cause_errno__what_then_strerror),
		cmocka_unit_test(
		    proc_stat_field__name_with_parens__counted_after_it),
		cmocka_unit_test(
		    proc_other_threads__task_dir__all_but_the_main_one),
		cmocka_unit_test(page_size__matches_its_shift),
		cmocka_unit_test(proc_task_state__status_fixture__first_letter),
		cmocka_unit_test(proc_smaps_sum__rollup__named_fields_only),
		cmocka_unit_test(proc_smaps_flagged__uw__those_vmas_in_order),
		cmocka_unit_test(proc_fds_linked__own_pipe__found_by_its_link),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
