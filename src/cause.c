/*
 * cause.c - formatting the cause strings of the lower layers.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cause.h"

char *
cause_fmt(const char *fmt, ...)
{
	va_list	 ap;
	char	*s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) == -1)
		s = NULL;
	va_end(ap);
	return (s);
}

char *
cause_errno(int err, const char *fmt, ...)
{
	va_list	 ap;
	char	*what, *s;

	va_start(ap, fmt);
	if (vasprintf(&what, fmt, ap) == -1)
		what = NULL;
	va_end(ap);
	if (what == NULL)
		return (NULL);
	s = cause_fmt("%s: %s", what, strerror(err));
	free(what);
	return (s);
}
