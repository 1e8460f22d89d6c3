/* track-uffd.c - placeholder until the method is written. */
#include "config.h"

#include <stddef.h>

#include "proc.h"
#include "track.h"

static int
probe(struct proc_target *t, char **why)
{
	*why = cause_fmt("uffd-wp: not built yet");
	return -1;
}

const struct track_method track_uffd = {
	.name = "uffd-wp",
	.summary = "not built yet",
	.probe = probe,
};
