/*
 * track.c - the list of tracking methods, the automatic choice, and the
 * one way a method marks a VMA it failed to track.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cause.h"
#include "proc.h"
#include "snapshot.h"
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

/* Append reason (or the method's name) to the list *all; frees reason. */
static void
track_pass_over(char **all, const struct track_method *m, char *reason)
{
	char	*joined;

	joined = cause_fmt("%s%s%s", *all != NULL ? *all : "",
	    *all != NULL ? "; " : "", reason != NULL ? reason : m->name);
	free(*all);
	free(reason);
	*all = joined;
}

/* Whether m can watch t and leaves it nothing; else why not, in *all. */
static bool
track_usable(const struct track_method *m, struct proc_target *t,
    char **all)
{
	char	*reason = NULL;

	if (m->probe(t, &reason) == -1) {
		track_pass_over(all, m, reason);
		return (false);
	}
	free(reason);
	reason = NULL;
	if (t != NULL && m->lasting_cost != NULL &&
	    m->lasting_cost(t, &reason) == 1) {
		track_pass_over(all, m, reason);
		return (false);
	}
	free(reason);
	return (true);
}

const struct track_method *
track_choose(struct proc_target *t, char **why)
{
	const struct track_method	*m;
	char				*all = NULL;
	size_t				 i;

	for (i = 0; (m = track_methods[i]) != NULL; i++) {
		if (track_usable(m, t, &all)) {
			*why = all;
			return (m);
		}
	}
	*why = all;
	return (NULL);
}

int
track_attach_auto(struct tracker *tr, struct proc_target *t, char **why,
    char **cause)
{
	const struct track_method	*m;
	char				*all = NULL, *reason;
	size_t				 i;

	*why = NULL;
	tr->target = t;
	for (i = 0; (m = track_methods[i]) != NULL; i++) {
		if (!track_usable(m, t, &all))
			continue;
		tr->method = m;
		reason = NULL;
		if (m->attach(tr, &reason) == 0) {
			*why = all;
			return (0);
		}
		if (proc_gone(errno)) {
			free(all);
			*cause = reason;
			errno = ESRCH;
			return (-1);
		}
		track_pass_over(&all, m, cause_fmt("%s: %s", m->name,
		    reason != NULL ? reason : "cannot attach"));
		free(reason);
	}
	tr->method = NULL;
	*cause = cause_fmt("no tracking method works here: %s",
	    all != NULL ? all : "?");
	free(all);
	errno = ENOTSUP;
	return (-1);
}

void
track_vma_failed(struct snap_vma *sv, int err)
{
	sv->error = err;
	sv->tracked = false;
	pageset_free(sv->written);
	sv->written = NULL;
	pageset_free(sv->present);
	sv->present = NULL;
}
