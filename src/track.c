/*
 * track.c - the list of tracking methods and the automatic choice.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "proc.h"
#include "track.h"

/* Best first: exact and cheap, exact, then content-based. */
const struct track_method *const track_methods[] = {
	&track_softdirty,
	&track_uffd,
	&track_hash,
	NULL
};

const struct track_method *
track_find(const char *name)
{
	size_t	 i;

	for (i = 0; track_methods[i] != NULL; i++) {
		if (strcmp(track_methods[i]->name, name) == 0)
			return (track_methods[i]);
	}
	return (NULL);
}

const struct track_method *
track_choose(struct proc_target *t, char **why)
{
	const struct track_method	*m;
	char				*reason, *all = NULL, *joined;
	size_t				 i;

	*why = NULL;
	for (i = 0; (m = track_methods[i]) != NULL; i++) {
		reason = NULL;
		if (m->probe(t, &reason) == 0) {
			free(reason);
			*why = all;
			return (m);
		}
		joined = cause_fmt("%s%s%s", all != NULL ? all : "",
		    all != NULL ? "; " : "",
		    reason != NULL ? reason : m->name);
		free(all);
		free(reason);
		all = joined;
	}
	*why = all;
	return (NULL);
}
