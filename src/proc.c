/*
 * proc.c - a target process seen through procfs: open once as a directory
 * fd, read and write its files through that fd.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "proc.h"

/* Format a malloc'd cause string. */
char *
cause_fmt(const char *fmt, ...)
{
	va_list	 ap;
	char	*s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) == -1)
		s = NULL;
	va_end(ap);
	return (s);
}

/* Format "what: strerror(err)" into a malloc'd cause string. */
char *
cause_errno(int err, const char *fmt, ...)
{
	va_list	 ap;
	char	*what, *s;

	va_start(ap, fmt);
	if (vasprintf(&what, fmt, ap) == -1)
		what = NULL;
	va_end(ap);
	if (what == NULL)
		return (NULL);
	s = cause_fmt("%s: %s", what, strerror(err));
	free(what);
	return (s);
}

bool
proc_gone(int err)
{
	return (err == ESRCH || err == ENOENT);
}

size_t
page_size(void)
{
	static size_t	 size;

	if (size == 0)
		size = (size_t)sysconf(_SC_PAGESIZE);
	return (size);
}

unsigned
page_shift(void)
{
	static unsigned	 shift;

	if (shift == 0) {
		while (((size_t)1 << shift) < page_size())
			shift++;
	}
	return (shift);
}

bool
page_size_sane(uint64_t ps)
{
	return (ps >= PAGE_SIZE_MIN && ps <= PAGE_SIZE_MAX &&
	    (ps & (ps - 1)) == 0);
}

int
proc_open(struct proc_target *t, const char *root, pid_t pid, char **cause)
{
	char	 path[4096];
	int	 err;

	memset(t, 0, sizeof *t);
	t->dirfd = t->pagemap_fd = -1;
	t->pid = pid;
	if (pid <= 0) {
		*cause = cause_fmt("invalid process id: %ld", (long)pid);
		errno = EINVAL;
		return (-1);
	}
	snprintf(path, sizeof path, "%s/%ld", root, (long)pid);
	t->dirfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (t->dirfd == -1) {
		err = errno;
		if (err == ENOENT) {
			*cause = cause_fmt("no such process: %ld", (long)pid);
			err = ESRCH;
		} else
			*cause = cause_errno(err, "cannot open %s", path);
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
	free(t->root);
	t->root = NULL;
	t->dirfd = t->pagemap_fd = -1;
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

/*
 * Read a whole file through the target's directory fd. procfs files report
 * a size of 0, so read until EOF into a growing buffer.
 */
int
proc_read_file(const struct proc_target *t, const char *name, char **buf,
    size_t *len)
{
	char	*b = NULL, *nb;
	size_t	 cap = 0, n = 0;
	ssize_t	 r;
	int	 fd, err;

	fd = openat(t->dirfd, name, O_RDONLY | O_CLOEXEC);
	if (fd == -1) {
		if (errno == ENOENT)
			errno = ESRCH;
		return (-1);
	}
	for (;;) {
		if (cap - n < 4096) {
			cap = cap == 0 ? 16384 : cap * 2;
			if ((nb = realloc(b, cap + 1)) == NULL)
				goto fail;
			b = nb;
		}
		r = read(fd, b + n, cap - n);
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
