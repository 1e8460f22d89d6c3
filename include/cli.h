/*
 * cli.h - sdtop's command line: the options it takes and their parser.
 * The parser never prints and never exits, so that main (and a fuzzing
 * harness) decides what a usage error does.
 */
#ifndef SDTOP_CLI_H
#define SDTOP_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "session.h"

struct options {
	bool		 batch;
	bool		 json;
	bool		 list;
	bool		 probe;
	bool		 until_converged;
	unsigned long	 cycles;		/* 0: no limit */
	uint64_t	 width;			/* text cells per row; 0 */
	const char	*record;
	const char	*replay;
	char	       **command;		/* after "--", or NULL */
	bool		 tree;			/* -T: with descendants */
	const char	*cgroup;		/* --cgroup PATH, or NULL */
	pid_t		*pids;			/* every PID given (malloc'd) */
	size_t		 npids;			/* s.pid is the first */
	struct session_options s;
};

/* What the command line asks for, when it is well formed. */
enum cli_result {
	CLI_RUN,		/* watch, replay, list or probe: see o */
	CLI_HELP,		/* print cli_usage() and exit 0 */
	CLI_VERSION,		/* print the version and exit 0 */
};

/*
 * Parse argv into *o (which points into argv). Returns a cli_result, or
 * -1 with *cause (malloc'd, one line, without the "sdtop: " prefix) for a
 * usage error. It can be called again: it restarts getopt each time.
 */
int	 cli_parse(int argc, char **argv, struct options *o, char **cause);

/* Whether o asks for a set of processes rather than one. */
bool	 cli_is_set(const struct options *o);

/* Free what cli_parse() allocated in o. */
void	 cli_free(struct options *o);

/* The --help text. */
void	 cli_usage(FILE *f);

#endif
