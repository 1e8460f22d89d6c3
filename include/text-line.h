/*
 * text-line.h - reading a text file line by line with a bound on the
 * length of a line, so that a file of one endless line (/dev/zero, a
 * crafted recording) costs an error, not all the memory there is.
 */
#ifndef SDTOP_TEXT_LINE_H
#define SDTOP_TEXT_LINE_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

/*
 * Read the next line of f into *buf (grown as needed, *cap its size),
 * NUL-terminated, without its newline; *newline says whether it had one
 * (the last line of a file may not). Returns its length in bytes; -1 at
 * the end of the file (errno 0) or on an error (errno set, EFBIG when the
 * line is longer than max bytes: the rest of the file is then not read).
 */
ssize_t	 text_line_read(FILE *f, char **buf, size_t *cap, size_t max,
	     bool *newline);

#endif
