/*
 * inject.h - running system calls inside another process with ptrace.
 *
 * The idea of CRIU's "remote syscall execution": stop one thread of the
 * target, point its registers at a syscall instruction already present in
 * its memory, single-step it, read the result, and put every register back.
 * Nothing is written to the target's memory, and no call runs that the
 * thread's seccomp filters would not allow. While attached, the target's
 * registers may point at borrowed code: a process that calls these must
 * not die before inject_detach(), which is why sdtop makes them only from
 * its injector process (injector.c), never from its own.
 *
 * x86_64 only; elsewhere every call fails with ENOSYS.
 */
#ifndef SDTOP_INJECT_H
#define SDTOP_INJECT_H

#include <stddef.h>
#include <sys/types.h>

struct inject;
struct proc_target;

/* One system call to run: its number, six arguments and, out, its result. */
struct inject_call {
	long	nr;
	long	args[6];
	long	ret;		/* raw: -errno on failure */
};

/*
 * Seize a thread of process t (the thread-group leader if it can) and
 * stop it. t must stay open until inject_detach(). Returns a handle, or
 * NULL with errno (ESRCH: gone; EPERM: not allowed; ETIMEDOUT: it did not
 * stop) and *cause when cause is not NULL.
 */
struct inject	*inject_attach(const struct proc_target *t, char **cause);

/*
 * Whether system call nr with arguments args (NULL: not known yet) may be
 * run in the stopped thread: its seccomp filters, run on the exact data of
 * that call, allow it (or it has none). 0, or -1 with errno EPERM and
 * *cause saying why not (strict mode; a filter that would kill, trap,
 * fail or notify; a filter only root can read; one that looks at the
 * arguments when they are not known).
 */
int		 inject_permitted(struct inject *in, long nr, const long *args,
		     char **cause);

/*
 * Run one system call in the stopped target, if inject_permitted() says
 * it may. Returns 0 with *ret set to the call's raw result (-errno when it
 * failed), or -1 with errno and *cause when it was not run (EPERM: not
 * permitted; ESRCH: the target has gone).
 */
int		 inject_syscall(struct inject *in, long nr, const long args[6],
		     long *ret, char **cause);

/*
 * Restore the registers saved at attach, give back any
 * signal that arrived meanwhile, let the target go and free in. Returns 0,
 * or -1 with errno (ESRCH: the target died meanwhile; in is freed anyway).
 */
int		 inject_detach(struct inject *in);

/*
 * Attach, run n calls in order (a failing call does not stop the others:
 * each has its own ret) and detach. -1 with errno and *cause when the
 * calls could not be run.
 */
int		 inject_calls(const struct proc_target *t,
		     struct inject_call *calls, size_t n, char **cause);

#endif
