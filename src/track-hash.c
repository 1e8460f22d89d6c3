/* track-hash.c - placeholder until the method is written. */
#include "config.h"

#include <stddef.h>

#include "proc.h"
#include "track.h"

static int
probe(struct proc_target *t, char **why)
{
	*why = cause_fmt("hash: not built yet");
	return -1;
}

const struct track_method track_hash = {
	.name = "hash",
	.summary = "not built yet",
	.probe = probe,
};
