/*
 * view.c - the state of the screen: its defaults, the arrays the layout
 * grows, and the status line, where an error stays a few seconds (or
 * until it is said again). Nothing here draws.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "now.h"
#include "view.h"

void
view_init(struct view *v)
{
	memset(v, 0, sizeof *v);
	v->zoom = 1;
	v->autozoom = true;
	v->writable_only = true;
	v->converged_at = -1;
	v->window = 5;
	v->pid = -1;
}

void
view_free(struct view *v)
{
	free(v->order);
	free(v->title_cols);
	v->order = NULL;
	v->title_cols = NULL;
	v->norder = v->order_cap = 0;
	view_procs_free(&v->procs);
}

const struct snapshot *
view_regions(const struct view *v)
{
	return (v->procs.opened != NULL ? v->procs.opened : v->snap);
}

bool
view_shows_procs(const struct view *v)
{
	return (v->set && v->snap != NULL && v->procs.opened == NULL);
}

void
view_status(struct view *v, bool error, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(v->status, sizeof v->status, fmt, ap);
	va_end(ap);
	v->status_error = error;
	v->status_until = error ? now_mono() + VIEW_ERROR_SECONDS : 0;
}

bool
view_status_expire(struct view *v, double now)
{
	if (v->status_until == 0 || now < v->status_until)
		return (false);
	v->status[0] = '\0';
	v->status_error = false;
	v->status_until = 0;
	return (true);
}
