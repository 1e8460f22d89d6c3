/*
 * pftrace-read.c - reading a trace file line by line: the header, then
 * each record parsed and checked. Errors name the line and the field
 * ("12: addr: not a hex number"); a line longer than PFTRACE_LINE_MAX is
 * refused before it is all read.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cause.h"
#include "pftrace-check.h"
#include "pftrace-format.h"
#include "pftrace-read.h"
#include "text-line.h"

/*
 * The longest record of a trace, in bytes: a region's name is at most a
 * path (4096 bytes), escaped.
 */
#define PFTRACE_LINE_MAX	(64 << 10)

/* Read and check the header line. */
static int
reader_header(struct pftrace_reader *rd, FILE *f, char **cause)
{
	ssize_t	 len;
	char	 magic[32];
	int	 version;
	char	 junk;
	bool	 nl;

	memset(rd, 0, sizeof *rd);
	rd->f = f;
	len = text_line_read(f, &rd->buf, &rd->bufsize, PFTRACE_LINE_MAX, &nl);
	rd->line = 1;
	if (len < 0) {
		if (errno == EFBIG) {
			*cause = cause_fmt("1: header: a line longer than %d "
			    "bytes, not a tracepgfault trace",
			    PFTRACE_LINE_MAX);
			return (-1);
		}
		if (errno != 0) {
			*cause = cause_errno(errno, "1");
			return (-1);
		}
		*cause = cause_fmt("1: header: empty file, not a tracepgfault "
		    "trace");
		return (-1);
	}
	if (sscanf(rd->buf, "%31s %d%c", magic, &version, &junk) != 2 ||
	    strcmp(magic, PFTRACE_MAGIC) != 0) {
		*cause = cause_fmt("1: header: not a tracepgfault trace (want "
		    "\"%s %d\")", PFTRACE_MAGIC, PFTRACE_VERSION);
		return (-1);
	}
	if (version != PFTRACE_VERSION) {
		*cause = cause_fmt("1: version: trace format %d; this "
		    "tracepgfault reads version %d", version, PFTRACE_VERSION);
		return (-1);
	}
	return (0);
}

int
pftrace_reader_open(struct pftrace_reader *rd, FILE *f, char **cause)
{
	if (reader_header(rd, f, cause) != 0) {
		pftrace_reader_close(rd);
		return (-1);
	}
	pfcheck_init(&rd->check);
	return (0);
}

void
pftrace_reader_close(struct pftrace_reader *rd)
{
	free(rd->buf);
	rd->buf = NULL;
	rd->bufsize = 0;
	pfcheck_free(&rd->check);
}

int
pftrace_read(struct pftrace_reader *rd, struct pf_rec *r, char **cause)
{
	ssize_t		 len;
	const char	*why;
	char		 whybuf[160];
	bool		 nl;

	memset(r, 0, sizeof *r);
	for (;;) {
		len = text_line_read(rd->f, &rd->buf, &rd->bufsize,
		    PFTRACE_LINE_MAX, &nl);
		if (len < 0) {
			if (errno == EFBIG) {
				*cause = cause_fmt("%lu: record: longer than "
				    "%d bytes", rd->line + 1,
				    PFTRACE_LINE_MAX);
				return (-1);
			}
			if (errno != 0) {
				*cause = cause_errno(errno, "%lu",
				    rd->line + 1);
				return (-1);
			}
			if (!rd->ended) {
				*cause = cause_fmt("%lu: end: no end record "
				    "(the trace was cut short?)", rd->line);
				return (-1);
			}
			return (0);
		}
		rd->line++;
		if (!nl) {
			*cause = cause_fmt("%lu: record: cut short (no "
			    "newline)", rd->line);
			return (-1);
		}
		if (len > 0 && rd->buf[len - 1] == '\r')
			rd->buf[--len] = '\0';
		if (rd->buf[0] == '#')
			continue;
		if (rd->ended) {
			*cause = cause_fmt("%lu: record: after the end record",
			    rd->line);
			return (-1);
		}
		if (strlen(rd->buf) != (size_t)len) {
			*cause = cause_fmt("%lu: record: holds a NUL byte",
			    rd->line);
			return (-1);
		}
		if (pftrace_parse_line(rd->buf, r, &why) != 0) {
			pftrace_rec_free(r);
			*cause = cause_fmt("%lu: %s", rd->line, why);
			return (-1);
		}
		if (pfcheck_record(&rd->check, r, whybuf, sizeof whybuf) != 0) {
			pftrace_rec_free(r);
			*cause = cause_fmt("%lu: %s", rd->line, whybuf);
			return (-1);
		}
		if (r->type == PFR_END)
			rd->ended = true;
		return (1);
	}
}
