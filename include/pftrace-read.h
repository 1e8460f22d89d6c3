/*
 * pftrace-read.h - reading a tracepgfault trace file: the header line,
 * then one record per line, each parsed (pftrace-format.h) and checked
 * against the records before it (pftrace-check.h), so that every reader
 * of traces (the report, the replay) gets records it can use as they are.
 */
#ifndef SDTOP_PFTRACE_READ_H
#define SDTOP_PFTRACE_READ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "pftrace-check.h"

struct pf_rec;

struct pftrace_reader {
	FILE		*f;
	unsigned long	 line;		/* number of the last line read */
	bool		 ended;		/* the end record was read */
	char		*buf;
	size_t		 bufsize;
	struct pfcheck	 check;	/* what the records so far said */
};

/*
 * Start reading f: checks the header line. -1 with a malloc'd *cause
 * "1: reason" (the line, then why).
 */
int	 pftrace_reader_open(struct pftrace_reader *rd, FILE *f, char **cause);
void	 pftrace_reader_close(struct pftrace_reader *rd);

/*
 * The next record into *r (free it with pftrace_rec_free), checked
 * against the records before it (pftrace-check.h): 1, or 0 after the
 * end record at end of file, or -1 with a malloc'd *cause naming the
 * line and the field ("12: addr: not a hex number"), including a file
 * cut short.
 */
int	 pftrace_read(struct pftrace_reader *rd, struct pf_rec *r,
	     char **cause);

#endif
