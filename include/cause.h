/*
 * cause.h - the "cause" strings of the lower layers: one malloc'd line
 * saying what failed and why, for main or the screen to show.
 */
#ifndef SDTOP_CAUSE_H
#define SDTOP_CAUSE_H

/* Format a malloc'd cause string; NULL when out of memory. */
char	*cause_fmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Format "what: strerror(err)" into a malloc'd cause string, or NULL. */
char	*cause_errno(int err, const char *fmt, ...)
	     __attribute__((format(printf, 2, 3)));

#endif
