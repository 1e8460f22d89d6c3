/*
 * source-live.c - a live process as a source of cycles: the table of
 * source.h over a session (session.h), which owns the tracking and the
 * history. The cycle after an exit is none: the process has gone.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "session.h"
#include "snapshot.h"
#include "source.h"
#include "source-live.h"

static int
live_clear(struct source *src, char **cause)
{
	return (session_clear(src->data, cause));
}

static int
live_restart(struct source *src, char **cause)
{
	return (session_restart(src->data, cause));
}

/* Count a snapshot given; 1. */
static int
live_given(struct source *src, struct snapshot *snap)
{
	src->at++;
	if (snap->exited)
		src->exited = true;
	else
		src->ncycles++;
	return (1);
}

static int
live_next(struct source *src, struct snapshot **out, char **cause)
{
	if (src->exited)
		return (0);
	if (session_collect(src->data, out, cause) == -1)
		return (-1);
	/* --max-cost may have set another interval for the next cycle. */
	src->interval = ((struct session *)src->data)->interval;
	return (live_given(src, *out));
}

static int
live_rescan(struct source *src, struct snapshot **out, char **cause)
{
	if (src->exited)
		return (0);
	if (session_rescan(src->data, out, cause) == -1)
		return (-1);
	return (live_given(src, *out));
}

static void
live_set_interval(struct source *src, double seconds)
{
	session_set_interval(src->data, seconds);
}

static void
live_history(const struct source *src, struct source_history *h)
{
	const struct session	*s = src->data;

	h->counts = s->history.counts;
	h->n = s->history.n;
	h->converged_at = s->history.converged_at;
	h->window = s->history.window;
}

static char *
live_close(struct source *src)
{
	return (session_close(src->data));
}

static const struct source_ops live_ops = {
	.name = "live",
	.clear = live_clear,
	.restart = live_restart,
	.next = live_next,
	.prev = NULL,
	.rescan = live_rescan,
	.set_interval = live_set_interval,
	.history = live_history,
	.close = live_close,
};

void
source_live(struct source *src, struct session *s)
{
	memset(src, 0, sizeof *src);
	src->ops = &live_ops;
	src->data = s;
	src->pid = s->target.pid;
	snprintf(src->comm, sizeof src->comm, "%s", s->comm);
	snprintf(src->method, sizeof src->method, "%s",
	    s->tracker.method != NULL ? s->tracker.method->name : "?");
	src->all_vmas = s->all_vmas;
	src->interval = s->interval;
}
