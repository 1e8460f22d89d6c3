/*
 * proc.c - a target process seen through procfs: open once as a directory
 * fd, read and write its files through that fd. Every reader of a
 * target's /proc files is here: status (through proc_status_field()
 * alone), stat, comm, task, fd, smaps and smaps_rollup; maps is parsed
 * in proc-maps.c and pagemap decoded in proc-pagemap.c.
 */
#include "config.h"

#include <sys/syscall.h>

#include <dirent.h>
#include <limits.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "array.h"
#include "cause.h"
#include "kernel-compat.h"
#include "num.h"
#include "proc.h"

/* Whether errno value err means the target has exited. */
bool
proc_gone(int err)
{
	return (err == ESRCH || err == ENOENT);
}

int
proc_open(struct proc_target *t, const char *root, pid_t pid, char **cause)
{
	char	 path[4096];
	int	 err;

	memset(t, 0, sizeof *t);
	t->dirfd = t->pagemap_fd = t->pidfd = -1;
	t->pid = t->tid = pid;
	if (pid <= 0) {
		*cause = cause_fmt("invalid process id: %ld", (long)pid);
		errno = EINVAL;
		return (-1);
	}
	/*
	 * The pidfd first: the directory opened after it is of the same
	 * process, or of one that replaced it after it exited, which its
	 * pidfd then says. Only for the real /proc: a fixture tree's PIDs
	 * are not processes.
	 */
	if (strcmp(root, "/proc") == 0)
		t->pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	snprintf(path, sizeof path, "%s/%ld", root, (long)pid);
	t->dirfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (t->dirfd == -1) {
		err = errno;
		if (err == ENOENT) {
			*cause = cause_fmt("no such process: %ld", (long)pid);
			err = ESRCH;
		} else
			*cause = cause_errno(err, "cannot open %s", path);
		if (t->pidfd != -1)
			close(t->pidfd);
		t->pidfd = -1;
		errno = err;
		return (-1);
	}
	t->root = strdup(root);
	return (0);
}

void
proc_close(struct proc_target *t)
{
	if (t->pagemap_fd != -1)
		close(t->pagemap_fd);
	if (t->dirfd != -1)
		close(t->dirfd);
	if (t->pidfd != -1)
		close(t->pidfd);
	free(t->root);
	t->root = NULL;
	t->dirfd = t->pagemap_fd = t->pidfd = -1;
}

int
proc_use_live_thread(struct proc_target *t)
{
	char	 name[64];
	pid_t	*tids;
	size_t	 i, n;
	int	 tfd, state;

	if ((state = proc_task_state(t, 0)) == -1)
		return (-1);
	if (state != 'Z' || proc_running(t) != 1)
		return (0);
	if (proc_other_threads(t, &tids, &n) == -1)
		return (-1);
	for (i = 0; i < n; i++) {
		state = proc_task_state(t, tids[i]);
		if (state == -1 || state == 'Z' || state == 'X')
			continue;
		snprintf(name, sizeof name, "task/%ld", (long)tids[i]);
		if ((tfd = openat(t->dirfd, name, O_RDONLY | O_DIRECTORY |
		    O_CLOEXEC)) == -1)
			continue;
		close(t->dirfd);
		proc_mm_reset(t);
		t->dirfd = tfd;
		t->tid = tids[i];
		free(tids);
		return (1);
	}
	free(tids);
	errno = ESRCH;
	return (-1);
}

int
proc_pagemap_fd(struct proc_target *t)
{
	if (t->pagemap_fd == -1) {
		t->pagemap_fd = openat(t->dirfd, "pagemap", O_RDONLY | O_CLOEXEC);
		if (t->pagemap_fd == -1 && errno == ENOENT)
			errno = ESRCH;
	}
	return (t->pagemap_fd);
}

int
proc_mm_alive(struct proc_target *t)
{
	uint64_t	 entry;
	ssize_t		 r;
	int		 fd;

	if ((fd = proc_pagemap_fd(t)) == -1)
		return (proc_gone(errno) ? 0 : -1);
	/* Virtual page 0: there is an entry for it in every address space. */
	do
		r = pread(fd, &entry, sizeof entry, 0);
	while (r == -1 && errno == EINTR);
	if (r == -1)
		return (proc_gone(errno) ? 0 : -1);
	return (r == (ssize_t)sizeof entry);
}

void
proc_mm_reset(struct proc_target *t)
{
	if (t->pagemap_fd != -1)
		close(t->pagemap_fd);
	t->pagemap_fd = -1;
}

int
proc_running(const struct proc_target *t)
{
	struct pollfd	 pfd;
	int		 state;

	if (t->pidfd != -1) {
		pfd.fd = t->pidfd;
		pfd.events = POLLIN;
		pfd.revents = 0;
		if (poll(&pfd, 1, 0) != -1)
			return (pfd.revents == 0);
	}
	if ((state = proc_task_state(t, 0)) == -1)
		return (proc_gone(errno) ? 0 : -1);
	return (state != 'Z' && state != 'X');
}

/*
 * Read a whole file through the target's directory fd. procfs files report
 * a size of 0, so read until EOF into a growing buffer.
 */
int
proc_read_file(const struct proc_target *t, const char *name, char **buf,
    size_t *len)
{
	char	*b = NULL, *nb;
	size_t	 cap = 0, n = 0, want;
	ssize_t	 r;
	int	 fd, err;

	fd = openat(t->dirfd, name, O_RDONLY | O_CLOEXEC);
	if (fd == -1) {
		if (errno == ENOENT)
			errno = ESRCH;
		return (-1);
	}
	for (;;) {
		/* Room for 4 KiB and the NUL; 16 KiB at first. */
		want = n + 4096 + 1 < 16384 ? 16384 : n + 4096 + 1;
		if ((nb = array_reserve(b, want, &cap, 1)) == NULL)
			goto fail;
		b = nb;
		r = read(fd, b + n, cap - n - 1);
		if (r == -1) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	b[n] = '\0';
	*buf = b;
	if (len != NULL)
		*len = n;
	return (0);

fail:
	err = errno;
	close(fd);
	free(b);
	errno = err == ENOENT ? ESRCH : err;
	return (-1);
}

int
proc_write_file(const struct proc_target *t, const char *name,
    const char *data)
{
	size_t	 len = strlen(data);
	ssize_t	 r;
	int	 fd, err;

	fd = openat(t->dirfd, name, O_WRONLY | O_CLOEXEC);
	if (fd == -1) {
		if (errno == ENOENT)
			errno = ESRCH;
		return (-1);
	}
	do
		r = write(fd, data, len);
	while (r == -1 && errno == EINTR);
	err = errno;
	close(fd);
	if (r != (ssize_t)len) {
		errno = r == -1 ? err : EIO;
		return (-1);
	}
	return (0);
}

int
proc_status_field(const struct proc_target *t, pid_t tid, const char *key,
    char *val, size_t size)
{
	char	 name[64], *buf, *line, *end;
	size_t	 klen = strlen(key), n;

	if (tid == 0)
		snprintf(name, sizeof name, "status");
	else
		snprintf(name, sizeof name, "task/%ld/status", (long)tid);
	if (proc_read_file(t, name, &buf, NULL) == -1)
		return (-1);
	for (line = buf; line != NULL && *line != '\0'; line = end) {
		if ((end = strchr(line, '\n')) != NULL)
			*end++ = '\0';
		if (strncmp(line, key, klen) != 0 || line[klen] != ':')
			continue;
		line += klen + 1;
		line += strspn(line, " \t");
		n = strlen(line);
		if (n >= size)
			n = size - 1;
		memcpy(val, line, n);
		val[n] = '\0';
		free(buf);
		return (0);
	}
	free(buf);
	errno = ENODATA;
	return (-1);
}

int
proc_status_long(const struct proc_target *t, pid_t tid, const char *key,
    long *val)
{
	char	 buf[64], *end;

	if (proc_status_field(t, tid, key, buf, sizeof buf) == -1)
		return (-1);
	errno = 0;
	*val = strtol(buf, &end, 10);
	if (errno != 0 || end == buf) {
		errno = EINVAL;
		return (-1);
	}
	return (0);
}

/* Field n of the stat file name ("stat", "task/TID/stat"); as below. */
static int
proc_stat_field_of(const struct proc_target *t, const char *name,
    unsigned int n, unsigned long long *val)
{
	char		*buf, *p, *end;
	unsigned int	 i;

	if (n < 3) {
		errno = EINVAL;
		return (-1);
	}
	if (proc_read_file(t, name, &buf, NULL) == -1)
		return (-1);
	if ((p = strrchr(buf, ')')) == NULL) {
		free(buf);
		errno = ENODATA;
		return (-1);
	}
	/* Field 3 (the state) follows the name after one blank. */
	p++;
	for (i = 3; i < n && p != NULL; i++)
		p = strchr(p + 1, ' ');
	if (p == NULL || p[1] < '0' || p[1] > '9') {
		free(buf);
		errno = ENODATA;
		return (-1);
	}
	errno = 0;
	*val = strtoull(p + 1, &end, 10);
	if (end == p + 1 || errno != 0) {
		free(buf);
		errno = ENODATA;
		return (-1);
	}
	free(buf);
	return (0);
}

int
proc_stat_field(const struct proc_target *t, unsigned int n,
    unsigned long long *val)
{
	return (proc_stat_field_of(t, "stat", n, val));
}

/* Whether the stat file name shows a thread that has begun to exit. */
static int
proc_thread_exiting(const struct proc_target *t, const char *name)
{
	unsigned long long	 flags;

	if (proc_stat_field_of(t, name, 9, &flags) == -1)
		return (proc_gone(errno) ? 1 : -1);
	return ((flags & PROC_PF_EXITING) != 0);
}

/* The target's directory name ("task", "fd"), open for readdir(3). */
static DIR *
proc_opendir(const struct proc_target *t, const char *name)
{
	DIR	*d;
	int	 fd;

	if ((fd = openat(t->dirfd, name, O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) == -1)
		return (NULL);
	if ((d = fdopendir(fd)) == NULL)
		close(fd);
	return (d);
}

int
proc_other_threads(const struct proc_target *t, pid_t **tids, size_t *n)
{
	struct dirent	*de;
	DIR		*d;
	pid_t		*v = NULL, *nv;
	size_t		 cap = 0;
	uint64_t	 tid;

	*tids = NULL;
	*n = 0;
	if ((d = proc_opendir(t, "task")) == NULL)
		return (-1);
	while ((de = readdir(d)) != NULL) {
		if (num_u64(de->d_name, 10, 1, INT_MAX, &tid) == -1 ||
		    tid == (uint64_t)t->pid)
			continue;
		if ((nv = array_reserve(v, *n + 1, &cap, sizeof *v)) == NULL) {
			free(v);
			closedir(d);
			*n = 0;
			return (-1);
		}
		v = nv;
		v[(*n)++] = (pid_t)tid;
	}
	closedir(d);
	*tids = v;
	return (0);
}

int
proc_exiting(const struct proc_target *t)
{
	struct dirent	*de;
	DIR		*d;
	const char	*dir;
	char		 name[64];
	uint64_t	 tid;
	int		 r;

	if ((r = proc_thread_exiting(t, "stat")) != 1)
		return (r);
	/* Every thread, listed in task/ (or in .. when read through one). */
	dir = t->tid != t->pid ? ".." : "task";
	if ((d = proc_opendir(t, dir)) == NULL)
		return (proc_gone(errno) ? 1 : -1);
	while (r == 1 && (de = readdir(d)) != NULL) {
		if (num_u64(de->d_name, 10, 1, INT_MAX, &tid) == -1)
			continue;
		snprintf(name, sizeof name, "%s/%llu/stat", dir,
		    (unsigned long long)tid);
		r = proc_thread_exiting(t, name);
	}
	closedir(d);
	return (r);
}

int
proc_comm(const struct proc_target *t, char *buf, size_t size)
{
	char	*b;
	size_t	 n;

	if (proc_read_file(t, "comm", &b, &n) == -1)
		return (-1);
	if (n > 0 && b[n - 1] == '\n')
		b[--n] = '\0';
	snprintf(buf, size, "%s", b);
	free(b);
	return (0);
}

int
proc_task_state(const struct proc_target *t, pid_t tid)
{
	char	 state[32];

	if (proc_status_field(t, tid, "State", state, sizeof state) == -1)
		return (-1);
	return ((unsigned char)state[0]);
}

void
proc_adopt(struct proc_target *t, pid_t pid, int dirfd, int pidfd)
{
	memset(t, 0, sizeof *t);
	t->pid = t->tid = pid;
	t->dirfd = dirfd;
	t->pagemap_fd = -1;
	t->pidfd = pidfd;
}

int
proc_writable(const struct proc_target *t, const char *name)
{
	return (faccessat(t->dirfd, name, W_OK, AT_EACCESS));
}

int
proc_smaps_sum(const struct proc_target *t, const char *const *fields,
    size_t nfields, unsigned long *kb)
{
	char	*buf, *line, *end;
	size_t	 i, len;

	*kb = 0;
	if (proc_read_file(t, "smaps_rollup", &buf, NULL) == -1)
		return (-1);
	for (line = buf; line != NULL && *line != '\0'; line = end) {
		if ((end = strchr(line, '\n')) != NULL)
			*end++ = '\0';
		for (i = 0; i < nfields; i++) {
			len = strlen(fields[i]);
			if (strncmp(line, fields[i], len) == 0 &&
			    line[len] == ':') {
				*kb += strtoul(line + len + 1, NULL, 10);
				break;
			}
		}
	}
	free(buf);
	return (0);
}

/* Append [start, end) to *v (*n of them, room for *cap); -1 with errno. */
static int
proc_range_push(struct proc_range **v, size_t *n, size_t *cap,
    uint64_t start, uint64_t end)
{
	struct proc_range	*nv;

	if ((nv = array_reserve(*v, *n + 1, cap, sizeof *nv)) == NULL)
		return (-1);
	*v = nv;
	nv[*n].start = start;
	nv[*n].end = end;
	(*n)++;
	return (0);
}

int
proc_smaps_flagged(const struct proc_target *t, const char *flag,
    struct proc_range **v, size_t *n)
{
	char		*buf, *line, *next, needle[8];
	unsigned long	 start = 0, end = 0, s, e;
	size_t		 cap = 0;

	*v = NULL;
	*n = 0;
	snprintf(needle, sizeof needle, " %s", flag);
	if (proc_read_file(t, "smaps", &buf, NULL) == -1)
		return (-1);
	for (line = buf; line != NULL && *line != '\0'; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if (strncmp(line, "VmFlags:", 8) != 0) {
			/* A VMA's first line starts with its address range. */
			if (strchr("0123456789abcdef", line[0]) != NULL &&
			    sscanf(line, "%lx-%lx ", &s, &e) == 2) {
				start = s;
				end = e;
			}
			continue;
		}
		if (strstr(line, needle) == NULL || end <= start)
			continue;
		if (proc_range_push(v, n, &cap, start, end) == -1) {
			free(buf);
			free(*v);
			*v = NULL;
			*n = 0;
			return (-1);
		}
	}
	free(buf);
	return (0);
}

int
proc_fds_linked(const struct proc_target *t, const char *link, int *fds,
    size_t max, size_t *n)
{
	struct dirent	*de;
	DIR		*d;
	char		 buf[256];
	uint64_t	 fd;
	ssize_t		 ll;

	*n = 0;
	if ((d = proc_opendir(t, "fd")) == NULL)
		return (-1);
	while (*n < max && (de = readdir(d)) != NULL) {
		if (num_u64(de->d_name, 10, 0, INT_MAX, &fd) == -1)
			continue;
		ll = readlinkat(dirfd(d), de->d_name, buf, sizeof buf - 1);
		if (ll <= 0)
			continue;
		buf[ll] = '\0';
		if (strcmp(buf, link) == 0)
			fds[(*n)++] = (int)fd;
	}
	closedir(d);
	return (0);
}
