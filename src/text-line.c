/*
 * text-line.c - bounded line reading (see text-line.h). Lengths are in
 * bytes; a line may hold NUL bytes, which its readers then refuse.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>

#include "text-line.h"

ssize_t
text_line_read(FILE *f, char **buf, size_t *cap, size_t max, bool *newline)
{
	size_t	 n = 0, ncap;
	char	*nb;
	int	 c;

	*newline = false;
	errno = 0;
	flockfile(f);
	while ((c = getc_unlocked(f)) != EOF) {
		if (c == '\n') {
			*newline = true;
			break;
		}
		if (n >= max) {
			funlockfile(f);
			errno = EFBIG;
			return (-1);
		}
		if (n + 1 >= *cap) {
			ncap = *cap < 256 ? 256 : *cap * 2;
			if (ncap > max + 1)
				ncap = max + 1;
			if ((nb = realloc(*buf, ncap)) == NULL) {
				funlockfile(f);
				return (-1);
			}
			*buf = nb;
			*cap = ncap;
		}
		(*buf)[n++] = (char)c;
	}
	funlockfile(f);
	if (c == EOF && (ferror(f) || n == 0)) {
		if (!ferror(f))
			errno = 0;
		else if (errno == 0)
			errno = EIO;
		return (-1);
	}
	if (*buf == NULL && (*buf = malloc(1)) == NULL)
		return (-1);
	if (*cap == 0)
		*cap = 1;
	(*buf)[n] = '\0';
	return ((ssize_t)n);
}
