/*
 * pftrace-check.h - the rules that hold between the records of a trace,
 * checked by the reader (pftrace_read()) on every record it returns, so
 * that every reader of the format (the report, the replay) gets records
 * it can use as they are: the page size is sane and said before any
 * region; addresses are aligned to it; region ids come in increasing
 * order (below 2^53, as JSON carries them) and name regions of the right
 * process that are still there; every record names a process that has
 * started; the end record counts the faults and the lost records. What
 * the checker keeps grows with the records read, never with a number a
 * record claims.
 */
#ifndef SDTOP_PFTRACE_CHECK_H
#define SDTOP_PFTRACE_CHECK_H

#include <stddef.h>

struct pf_rec;
struct pftrace_reader;

/*
 * Check r, just parsed from line rd->line, against the records before it
 * and take it in. 0, or -1 with "FIELD: reason" in why (size bytes).
 */
int	 pfcheck_record(struct pftrace_reader *rd, const struct pf_rec *r,
	     char *why, size_t size);

/* Free what the checker of rd keeps. */
void	 pfcheck_free(struct pftrace_reader *rd);

#endif
