/*
 * source-replay.h - a recording (JSON Lines) or a tracepgfault trace as a
 * source of cycles, read through replay.h. Where each cycle starts is
 * kept, so that stepping back reads it again instead of keeping every
 * snapshot in memory.
 */
#ifndef SDTOP_SOURCE_REPLAY_H
#define SDTOP_SOURCE_REPLAY_H

#include <stdbool.h>

struct source;

/*
 * A source of the recording or trace at path (a trace in windows of
 * window seconds); -1 with *cause ("cannot open FILE: reason"), which the
 * caller frees. The snapshot of an exit ends the replay, unless whole:
 * then it reads on to the end of the file, so that every line after it is
 * given and checked too (the batch output: a trace cut short after its
 * process exited is still refused).
 */
int	 source_replay_open(struct source *src, const char *path,
	     double window, bool whole, char **cause);

#endif
