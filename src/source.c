/*
 * source.c - the calls of a source of cycles (source.h), whatever its
 * kind: each goes to the kind's table, and an operation the kind cannot
 * do is refused here, in one place.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>

#include "cause.h"
#include "source.h"

/* Refuse an operation the kind of src cannot do. */
static int
source_cannot(const struct source *src, const char *what, char **cause)
{
	*cause = cause_fmt("a %s source cannot %s", src->ops->name, what);
	errno = ENOTSUP;
	return (-1);
}

bool
source_can_clear(const struct source *src)
{
	return (src->ops->clear != NULL);
}

bool
source_can_step_back(const struct source *src)
{
	return (src->ops->prev != NULL);
}

int
source_clear(struct source *src, char **cause)
{
	/* A recorded cycle was cleared when it was made. */
	if (src->ops->clear == NULL)
		return (0);
	return (src->ops->clear(src, cause));
}

int
source_restart(struct source *src, char **cause)
{
	if (src->ops->restart == NULL)
		return (source_cannot(src, "clear", cause));
	return (src->ops->restart(src, cause));
}

int
source_next(struct source *src, struct snapshot **out, char **cause)
{
	*out = NULL;
	return (src->ops->next(src, out, cause));
}

int
source_prev(struct source *src, struct snapshot **out, char **cause)
{
	*out = NULL;
	if (src->ops->prev == NULL)
		return (source_cannot(src, "step back", cause));
	return (src->ops->prev(src, out, cause));
}

int
source_rescan(struct source *src, struct snapshot **out, char **cause)
{
	*out = NULL;
	if (src->ops->rescan == NULL)
		return (source_cannot(src, "rescan", cause));
	return (src->ops->rescan(src, out, cause));
}

void
source_set_interval(struct source *src, double seconds)
{
	src->interval = seconds;
	if (src->ops->set_interval != NULL)
		src->ops->set_interval(src, seconds);
}

void
source_history(const struct source *src, struct source_history *h)
{
	src->ops->history(src, h);
}

char *
source_close(struct source *src)
{
	char	*left = NULL;

	if (src->ops != NULL && src->ops->close != NULL)
		left = src->ops->close(src);
	src->ops = NULL;
	src->data = NULL;
	return (left);
}
