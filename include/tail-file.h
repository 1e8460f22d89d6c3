/*
 * tail-file.h - the last line another process writes to a file: the
 * standard error of the program sdtop starts under the screen, which
 * would otherwise go nowhere. The file is unlinked from the start and
 * appended to; it is read as it grows and emptied when it gets big, so
 * that the writer never waits on it (as it would on a full pipe) and
 * never gets SIGPIPE once sdtop is gone.
 *
 * Units: bytes.
 */
#ifndef SDTOP_TAIL_FILE_H
#define SDTOP_TAIL_FILE_H

#include <stddef.h>
#include <sys/types.h>

/* A file past this is emptied once read. */
#define TAIL_FILE_MAX	65536

struct tail_file {
	int	 fd;		/* -1: none */
	off_t	 off;		/* what has been read of it */
	int	 skip;		/* in a line whose start was not read */
	char	 last[256];	/* the last whole line, "" if none */
	char	 part[256];	/* the line being written */
	size_t	 plen;
};

/*
 * Make an unlinked file in dir for appending (O_APPEND): the descriptor
 * to give the writer (close-on-exec, so dup it), or -1 with errno.
 */
int		 tail_file_open(struct tail_file *t, const char *dir);

/* Read what was written since the last call; empty a big file. */
void		 tail_file_poll(struct tail_file *t);

/*
 * The last line written (one not ended by a newline yet counts), without
 * its newline, as written (escape it before showing it); NULL if none.
 */
const char	*tail_file_last(const struct tail_file *t);

void		 tail_file_close(struct tail_file *t);

#endif
