/*
 * inject.h - running system calls inside another process with ptrace.
 *
 * The idea of CRIU's "remote syscall execution": stop one thread of the
 * target, point its registers at a syscall instruction already present in
 * its memory, single-step it, read the result, and put every register back.
 * Nothing is written to the target's memory. The target is traced only
 * between inject_attach() and inject_detach(), so if this program dies
 * between two injections the target is untouched.
 *
 * x86_64 only; elsewhere every call fails with ENOSYS.
 */
#ifndef SDTOP_INJECT_H
#define SDTOP_INJECT_H

#include <stddef.h>
#include <sys/types.h>

struct inject;

/* One system call to run: its number, six arguments and, out, its result. */
struct inject_call {
	long	nr;
	long	args[6];
	long	ret;		/* raw: -errno on failure */
};

/*
 * Seize a thread of process pid (the thread-group leader if it can) and
 * stop it. Returns a handle, or NULL with errno (ESRCH: gone; EPERM: not
 * allowed; ETIMEDOUT: it did not stop) and *cause when cause is not NULL.
 */
struct inject	*inject_attach(pid_t pid, char **cause);

/*
 * Run one system call in the stopped target. Returns 0 with *ret set to
 * the call's raw result (-errno when it failed), or -1 with errno when it
 * could not be run (ESRCH: the target has gone).
 */
int		 inject_syscall(struct inject *in, long nr, const long args[6],
		     long *ret);

/*
 * Restore the registers and signal mask saved at attach, give back any
 * signal that arrived meanwhile, let the target go and free in. Returns 0,
 * or -1 with errno (ESRCH: the target died meanwhile; in is freed anyway).
 */
int		 inject_detach(struct inject *in);

/*
 * Attach, run n calls in order (a failing call does not stop the others:
 * each has its own ret) and detach. -1 with errno and *cause when the
 * calls could not be run.
 */
int		 inject_calls(pid_t pid, struct inject_call *calls, size_t n,
		     char **cause);

#endif
