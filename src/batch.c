/*
 * batch.c - the batch loop, for a live process and a recording alike:
 * clear, wait, take the cycle, print it, and again.
 *
 * Units: seconds for intervals (monotonic clock).
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <time.h>

#include "batch.h"
#include "cause.h"
#include "out-json.h"
#include "out-text.h"
#include "proc.h"
#include "now.h"
#include "session.h"
#include "snapshot.h"
#include "source.h"

/* Sleep for seconds, returning early when a stop was asked for. */
static void
batch_sleep(double seconds)
{
	double		 end = now_mono() + seconds, left;
	struct timespec	 ts;

	while (!session_stop && (left = end - now_mono()) > 0) {
		if (left > 0.1)
			left = 0.1;
		ts.tv_sec = (time_t)left;
		ts.tv_nsec = (long)((left - (double)ts.tv_sec) * 1e9);
		nanosleep(&ts, NULL);
	}
}

/* Start a cycle; a process gone is no failure: the next cycle says so. */
static int
batch_clear(struct source *src, char **cause)
{
	if (source_clear(src, cause) == 0)
		return (0);
	if (!proc_gone(errno))
		return (-1);
	free(*cause);
	*cause = NULL;
	return (0);
}

/* Print one snapshot in the format chosen; -1 with errno. */
static int
batch_print(const struct batch_options *o, const struct snapshot *s)
{
	struct text_options	 to = { .width = o->width };

	if (o->record != NULL && out_json_line(o->record, s) == -1)
		return (-1);
	if (o->json)
		return (out_json_line(o->out, s));
	if (out_text(o->out, s, &to) == -1 || fflush(o->out) == EOF)
		return (-1);
	return (0);
}

/*
 * Whether s ends the run: BATCH_DONE or BATCH_NOT_CONVERGED, else -1. A
 * recording is printed to its end: its exit is not the end of the file.
 */
static int
batch_end(const struct source *src, const struct batch_options *o,
    const struct snapshot *s)
{
	if (s->exited && source_can_clear(src))
		return (BATCH_DONE);
	if (o->until_converged && s->converged)
		return (BATCH_DONE);
	if (o->cycles != 0 && s->cycle >= o->cycles)
		return (o->until_converged ? BATCH_NOT_CONVERGED : BATCH_DONE);
	return (-1);
}

int
batch_run(struct source *src, const struct batch_options *o, char **cause)
{
	struct snapshot	*snap;
	int		 rc;

	*cause = NULL;
	if (batch_clear(src, cause) == -1)
		return (-1);
	for (;;) {
		/* A recording's cycles were waited for when they were made. */
		if (source_can_clear(src))
			batch_sleep(src->interval);
		if (session_stop)
			return (BATCH_DONE);
		if ((rc = source_next(src, &snap, cause)) != 1)
			return (rc == 0 ? BATCH_DONE : -1);
		if (batch_print(o, snap) == -1) {
			snapshot_free(snap);
			if (errno == EPIPE)
				return (BATCH_DONE);
			*cause = cause_errno(errno, "cannot write the output");
			return (-1);
		}
		rc = batch_end(src, o, snap);
		snapshot_free(snap);
		if (rc != -1)
			return (rc);
		if (batch_clear(src, cause) == -1)
			return (-1);
	}
}
