/*
 * opt-error.c - the one line that names an option getopt_long() refused
 * (see opt-error.h), so that sdtop, sdtop-demo and tracepgfault word
 * their usage errors alike, and never with getopt's own message, which
 * starts with argv[0] as typed ("./sdtop: invalid option").
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cause.h"
#include "opt-error.h"
#include "str-escape.h"

/* The cause "BEFORE'ARG'AFTER", the argument escaped (it is echoed). */
static int
opt_error_arg(char **cause, const char *before, const char *arg,
    const char *after)
{
	char	*q;

	q = str_escape_dup(arg, 0);
	*cause = cause_fmt("%s'%s'%s", before, q != NULL ? q : "?", after);
	free(q);
	return (-1);
}

/*
 * How many long options the element arg ("--NAME" or "--NAME=VALUE")
 * may stand for, their names listed in names (comma-separated, cut
 * short if size is too small). A whole name stands for itself alone.
 */
static size_t
opt_long_matches(const char *arg, const struct option *longopts,
    char *names, size_t size)
{
	const struct option	*lo;
	size_t			 len, n = 0, used = 0;
	int			 w;

	len = strcspn(arg + 2, "=");
	*names = '\0';
	for (lo = longopts; lo->name != NULL && len != 0; lo++) {
		if (strncmp(lo->name, arg + 2, len) != 0)
			continue;
		if (strlen(lo->name) == len)
			return (1);
		w = snprintf(names + used, size - used, "%s--%s",
		    n == 0 ? "" : ", ", lo->name);
		if (w > 0 && (size_t)w < size - used)
			used += (size_t)w;
		n++;
	}
	return (n);
}

int
opt_error(int c, char *const *argv, int at, const struct option *longopts,
    char **cause)
{
	const char	*arg;
	char		 names[512], *name, *q;
	size_t		 n;

	/* When getopt_long() permutes, it passes over the operands first. */
	while (argv[at] != NULL && (argv[at][0] != '-' ||
	    argv[at][1] == '\0'))
		at++;
	arg = argv[at] != NULL ? argv[at] : "";

	/* A short option, alone or among others (-bx): getopt says which. */
	if (strncmp(arg, "--", 2) != 0) {
		if (optopt <= ' ' || optopt >= 0x7f)
			return (opt_error_arg(cause, "unknown option ", arg,
			    ""));
		if (c == ':')
			*cause = cause_fmt("option '-%c' needs an argument",
			    optopt);
		else
			*cause = cause_fmt("unknown option '-%c'", optopt);
		return (-1);
	}
	if (c == ':')
		return (opt_error_arg(cause, "option ", arg,
		    " needs an argument"));
	n = opt_long_matches(arg, longopts, names, sizeof names);
	if (n == 1 && strchr(arg, '=') != NULL)
		return (opt_error_arg(cause, "this option takes no argument: ",
		    arg, ""));
	if (n < 2)
		return (opt_error_arg(cause, "unknown option ", arg, ""));

	/* Ambiguous: the name as written, without what follows an '='. */
	name = strndup(arg, strcspn(arg, "="));
	q = name != NULL ? str_escape_dup(name, 0) : NULL;
	*cause = cause_fmt("option '%s' is ambiguous: %s", q != NULL ? q :
	    "?", names);
	free(q);
	free(name);
	return (-1);
}
