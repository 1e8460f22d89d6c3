/*
 * source-set.c - a set of live processes as a source of cycles: the
 * table of source.h over a procset (procset.h), which owns the members'
 * sessions and the set's history. The cycle after every member has gone
 * is none.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "procset.h"
#include "snapshot.h"
#include "source.h"
#include "source-set.h"

static int
set_clear(struct source *src, char **cause)
{
	return (procset_clear(src->data, cause));
}

static int
set_restart(struct source *src, char **cause)
{
	return (procset_restart(src->data, cause));
}

/* Count a snapshot given; 1. */
static int
set_given(struct source *src, struct snapshot *snap)
{
	src->at++;
	if (snap->exited)
		src->exited = true;
	else
		src->ncycles++;
	return (1);
}

static int
set_next(struct source *src, struct snapshot **out, char **cause)
{
	if (src->exited)
		return (0);
	if (procset_collect(src->data, out, cause) == -1)
		return (-1);
	src->interval = ((struct procset *)src->data)->interval;
	snprintf(src->method, sizeof src->method, "%s", (*out)->method);
	return (set_given(src, *out));
}

static int
set_rescan(struct source *src, struct snapshot **out, char **cause)
{
	if (src->exited)
		return (0);
	if (procset_rescan(src->data, out, cause) == -1)
		return (-1);
	return (set_given(src, *out));
}

static void
set_set_interval(struct source *src, double seconds)
{
	procset_set_interval(src->data, seconds);
}

static void
set_history(const struct source *src, struct source_history *h)
{
	const struct procset	*set = src->data;

	h->counts = set->history.counts;
	h->n = set->history.n;
	h->converged_at = set->history.converged_at;
	h->window = set->history.window;
}

static char *
set_close(struct source *src)
{
	return (procset_close(src->data));
}

static const struct source_ops set_ops = {
	.name = "live",
	.clear = set_clear,
	.restart = set_restart,
	.next = set_next,
	.prev = NULL,
	.rescan = set_rescan,
	.set_interval = set_set_interval,
	.history = set_history,
	.close = set_close,
};

void
source_set(struct source *src, struct procset *set)
{
	const struct procset_member	*m;
	size_t				 i;

	memset(src, 0, sizeof *src);
	src->ops = &set_ops;
	src->data = set;
	src->pid = set->nroots > 0 ? set->roots[0] : -1;
	snprintf(src->comm, sizeof src->comm, "%s", set->label);
	snprintf(src->method, sizeof src->method, "none");
	for (i = 0; i < set->n; i++) {
		m = set->m[i];
		if (!m->open)
			continue;
		if (strcmp(src->method, "none") == 0)
			snprintf(src->method, sizeof src->method, "%s",
			    m->s.tracker.method->name);
		else if (strcmp(src->method, m->s.tracker.method->name) != 0)
			snprintf(src->method, sizeof src->method, "mixed");
	}
	src->all_vmas = set->opts.all_vmas;
	src->set = true;
	src->interval = set->interval;
}
