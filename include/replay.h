/*
 * replay.h - a recorded session (the JSON Lines of --json or --record) read
 * back as a stream of snapshots: another source, like a live target. A
 * tracepgfault trace is read too, a snapshot per window of trace time
 * (replay-pftrace.h).
 */
#ifndef SDTOP_REPLAY_H
#define SDTOP_REPLAY_H

#include <stdio.h>

struct replay_pftrace;
struct snapshot;

struct replay {
	FILE		*f;
	char		*path;
	unsigned long	 line;		/* lines read so far; of a trace,
					   snapshots returned so far */
	double		 window;	/* a trace's seconds per snapshot */
	struct replay_pftrace *pft;	/* a trace's state, or NULL */
};

/* Open a recording; -1 with *cause ("cannot open FILE: reason"). */
int	 replay_open(struct replay *r, const char *path, char **cause);

/* The same, reading a page-fault trace in windows of window seconds. */
int	 replay_open_window(struct replay *r, const char *path,
	     double window, char **cause);

/*
 * The next snapshot: 1 with *out set, 0 at the end of the file, -1 with
 * *cause naming the file and line ("FILE:12: expected an object").
 */
int	 replay_next(struct replay *r, struct snapshot **out, char **cause);

void	 replay_close(struct replay *r);

/* Parse one JSON Lines record into a snapshot (*cause: static reason). */
int	 replay_parse_line(const char *line, struct snapshot **out,
	     char **cause);

#endif
