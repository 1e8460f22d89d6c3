/*
 * replay-pftrace.h - a tracepgfault trace (docs/tracepgfault.md) read as
 * a recording: one snapshot per window of trace time, method "faults",
 * the pages that faulted in that window marked as written. replay.c
 * switches to it when the file starts with the trace's magic; callers
 * keep using replay.h.
 *
 * Windows are seconds of trace time (the --interval of sdtop); pages are
 * of the trace's page size (info page_size), whatever this machine's.
 */
#ifndef SDTOP_REPLAY_PFTRACE_H
#define SDTOP_REPLAY_PFTRACE_H

#include <stdint.h>

struct replay;
struct snapshot;

/* Regions larger than this many pages are shown but not tracked. */
#define REPLAY_PFTRACE_MAX_PAGES	(UINT64_C(1) << 22)

/*
 * The most windows a trace plays (28 hours in windows of 1 s): a record
 * timed far in the future would otherwise make millions of cycles.
 */
#define REPLAY_PFTRACE_MAX_WINDOWS	100000

/*
 * Start reading the trace r->f (at its first line) in windows of
 * r->window seconds. -1 with *cause ("FILE:1: header: not a tracepgfault
 * trace ...").
 */
int	 replay_pftrace_open(struct replay *r, char **cause);

/*
 * The snapshot of window r->line + 1: 1 with *out, 0 after the last one
 * (the first process has exited), -1 with *cause "FILE:LINE: reason".
 * Asking for an earlier window than the next one re-reads the trace from
 * its start (r->f must then be seekable).
 */
int	 replay_pftrace_next(struct replay *r, struct snapshot **out,
	     char **cause);

void	 replay_pftrace_close(struct replay *r);

#endif
