/*
 * pftrace-tracee.h - the command that tracepgfault records, under ptrace:
 * started stopped before its exec, with a seccomp filter that stops it
 * only at the system calls that can change its memory map; and what a
 * system-call stop of one of its tasks is.
 */
#ifndef SDTOP_PFTRACE_TRACEE_H
#define SDTOP_PFTRACE_TRACEE_H

#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

struct pftracee {
	pid_t		 pid;
	int		 rfd;		/* where a failed exec reports; -1 */
	bool		 seccomp;	/* the filter is in place */
};

/*
 * Fork argv (argv[0] searched in PATH) with the signal mask mask, traced
 * (PTRACE_TRACEME), filtered when seccomp is asked for and allowed, and
 * stopped before its exec. -1 with a malloc'd *cause.
 */
int	 pftracee_spawn(struct pftracee *c, char *const argv[], bool seccomp,
	     const sigset_t *mask, char **cause);

/*
 * Ask for the stops the recorder needs (exec, fork, vfork, clone, and
 * seccomp when the filter is in place), and for the command's death with
 * the tracer's.
 */
void	 pftracee_set_options(const struct pftracee *c);

/*
 * After the last task has gone: -1 with a malloc'd *cause when the exec
 * failed, else 0. Closes the pipe either way.
 */
int	 pftracee_finish(struct pftracee *c, const char *name, char **cause);

/* Close the pipe, if it is open. */
void	 pftracee_close(struct pftracee *c);

/*
 * What the system-call stop of task tid is: 0 with *exit set at the exit
 * of a call, else *memcall the name of the memory call entered, or NULL;
 * -1 when ptrace cannot say.
 */
int	 pftracee_syscall(pid_t tid, bool *exit, const char **memcall);

#endif
