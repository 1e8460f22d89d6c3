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
#include <stdio.h>

struct replay_pftrace;
struct snapshot;

/*
 * The most windows a trace plays (28 hours in windows of 1 s): a record
 * timed far in the future would otherwise make millions of cycles.
 */
#define REPLAY_PFTRACE_MAX_WINDOWS	100000

/*
 * Start reading the trace f (at its first line) in windows of window
 * seconds; path names it in messages and must outlive the replay. NULL
 * with *cause ("FILE:1: header: not a tracepgfault trace ...").
 */
struct replay_pftrace *replay_pftrace_open(FILE *f, const char *path,
	     double window, char **cause);

/*
 * The snapshot of window want (from 1): 1 with *out, 0 after the last
 * one (the first process has exited), -1 with *cause "FILE:LINE:
 * reason". Asking for an earlier window than the next one re-reads the
 * trace from its start (f must then be seekable).
 */
int	 replay_pftrace_next(struct replay_pftrace *p, unsigned long want,
	     struct snapshot **out, char **cause);

void	 replay_pftrace_close(struct replay_pftrace *p);

#endif
