/* track-softdirty.c - placeholder until the method is written. */
#include "config.h"

#include <stddef.h>

#include "proc.h"
#include "track.h"

static int
probe(struct proc_target *t, char **why)
{
	*why = cause_fmt("soft-dirty: not built yet");
	return -1;
}

const struct track_method track_softdirty = {
	.name = "soft-dirty",
	.summary = "not built yet",
	.probe = probe,
};
