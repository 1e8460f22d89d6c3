/*
 * replay.h - a recorded session (the JSON Lines of --json or --record) read
 * back as a stream of snapshots: another source, like a live target.
 */
#ifndef SDTOP_REPLAY_H
#define SDTOP_REPLAY_H

#include <stdio.h>

struct snapshot;

struct replay {
	FILE		*f;
	char		*path;
	unsigned long	 line;		/* lines read so far */
};

/* Open a recording; -1 with *cause ("cannot open FILE: reason"). */
int	 replay_open(struct replay *r, const char *path, char **cause);

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
