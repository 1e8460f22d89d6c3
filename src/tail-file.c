/*
 * tail-file.c - the last line another process writes to a file (see
 * tail-file.h): O_TMPFILE where the file system has it, else a file
 * made with mkstemp(3) and unlinked at once.
 *
 * Units: bytes; offsets are into the file as it is now (it is emptied
 * from time to time, and the writer's O_APPEND then writes from 0).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tail-file.h"

/* Read no more than this of what was written between two calls. */
#define TAIL_WINDOW	4096

int
tail_file_open(struct tail_file *t, const char *dir)
{
	char	 path[4096];
	int	 fd, err;

	memset(t, 0, sizeof *t);
	t->fd = -1;
#ifdef O_TMPFILE
	fd = open(dir, O_TMPFILE | O_RDWR | O_APPEND | O_CLOEXEC, 0600);
	if (fd != -1) {
		t->fd = fd;
		return (fd);
	}
#endif
	if (snprintf(path, sizeof path, "%s/sdtop-err.XXXXXX", dir) >=
	    (int)sizeof path) {
		errno = ENAMETOOLONG;
		return (-1);
	}
	if ((fd = mkostemp(path, O_APPEND | O_CLOEXEC)) == -1)
		return (-1);
	if (unlink(path) == -1) {
		err = errno;
		close(fd);
		errno = err;
		return (-1);
	}
	t->fd = fd;
	return (fd);
}

/* Take n bytes read from the file: whole lines replace the last one. */
static void
tail_file_take(struct tail_file *t, const char *p, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (p[i] == '\n') {
			if (t->plen > 0 && !t->skip)
				memcpy(t->last, t->part, t->plen + 1);
			t->plen = 0;
			t->part[0] = '\0';
			t->skip = 0;
		} else if (!t->skip && t->plen < sizeof t->part - 1) {
			t->part[t->plen++] = p[i];
			t->part[t->plen] = '\0';
		}
	}
}

void
tail_file_poll(struct tail_file *t)
{
	char		 buf[TAIL_WINDOW];
	struct stat	 st;
	ssize_t		 n;

	if (t->fd == -1 || fstat(t->fd, &st) == -1)
		return;
	if (st.st_size < t->off)
		t->off = 0;
	if (st.st_size - t->off > TAIL_WINDOW) {
		/* Only the end matters; its first line is not whole. */
		t->off = st.st_size - TAIL_WINDOW;
		t->plen = 0;
		t->part[0] = '\0';
		t->skip = 1;
	}
	while (t->off < st.st_size) {
		n = pread(t->fd, buf, sizeof buf, t->off);
		if (n <= 0)
			break;
		tail_file_take(t, buf, (size_t)n);
		t->off += n;
	}
	if (t->off > TAIL_FILE_MAX && ftruncate(t->fd, 0) == 0)
		t->off = 0;
}

const char *
tail_file_last(const struct tail_file *t)
{
	if (t->plen > 0 && !t->skip)
		return (t->part);
	return (t->last[0] != '\0' ? t->last : NULL);
}

void
tail_file_close(struct tail_file *t)
{
	if (t->fd != -1)
		close(t->fd);
	t->fd = -1;
}
