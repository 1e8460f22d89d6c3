/*
 * child.h - the program sdtop starts to watch (the demo, or the command
 * after "--"): started stopped at its first instruction, so that tracking
 * begins before it runs, and ended with sdtop.
 */
#ifndef SDTOP_CHILD_H
#define SDTOP_CHILD_H

#include <stdbool.h>
#include <sys/types.h>

/*
 * Start argv as a child and return its pid when it has just executed its
 * program, stopped (SIGSTOP) before its first instruction; SIGCONT runs
 * it. Its output must not land on the screen or in the batch output: with
 * a screen its stdout goes to /dev/null and its stderr to errfd (a
 * tail_file's, or /dev/null when it is -1), else its stdout joins stderr.
 * -1 with *cause (malloc'd, one line).
 */
pid_t	 child_start(char **argv, bool screen, int errfd, char **cause);

/* Reap the child pid if it has exited; returns whether it has. */
bool	 child_reap(pid_t pid);

/* End the child pid (0: none) if it still runs, and reap it. */
void	 child_stop(pid_t pid);

/* The path of a program installed beside this one, or its bare name. */
char	*child_sibling(const char *name);

#endif
