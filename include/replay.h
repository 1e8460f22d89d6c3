/*
 * replay.h - a recorded session (the JSON Lines of --json or --record) read
 * back as a stream of snapshots. A tracepgfault trace is read too, a
 * snapshot per window of trace time (replay-pftrace.h). source-replay.h
 * makes either a source of cycles, like a live target.
 *
 * Every function that fails returns -1 with *cause: one line, malloc'd,
 * which the caller owns and frees (the replay keeps no copy of it). A
 * replay that failed to open is closed already.
 */
#ifndef SDTOP_REPLAY_H
#define SDTOP_REPLAY_H

#include <stdint.h>
#include <stdio.h>

struct replay_pftrace;
struct snapshot;

struct replay {
	FILE		*f;
	char		*path;
	unsigned long	 line;		/* lines read so far; of a trace,
					   snapshots returned so far */
	double		 window;	/* a trace's seconds per snapshot */
	unsigned long	 last_cycle;	/* of the last cycle read, or 0 */
	struct replay_pftrace *pft;	/* a trace's state, or NULL */
};

/* Open a recording; -1 with *cause ("cannot open FILE: reason"). */
int	 replay_open(struct replay *r, const char *path, char **cause);

/* The same, reading a page-fault trace in windows of window seconds. */
int	 replay_open_window(struct replay *r, const char *path,
	     double window, char **cause);

/*
 * The same on a stream already open (a trace needs it seekable to step
 * back); name is what errors call it. The replay closes f.
 */
int	 replay_open_file(struct replay *r, FILE *f, const char *name,
	     double window, char **cause);

/*
 * The next snapshot: 1 with *out set, 0 at the end of the file, -1 with
 * *cause naming the file, the line and the field ("FILE:12: vmas[2].end:
 * 0x1800 is not a multiple of page_size 4096").
 */
int	 replay_next(struct replay *r, struct snapshot **out, char **cause);

void	 replay_close(struct replay *r);

/*
 * Parse one JSON Lines record into a snapshot; -1 with *cause (malloc'd,
 * "FIELD: reason").
 */
int	 replay_parse_line(const char *line, struct snapshot **out,
	     char **cause);

#endif
