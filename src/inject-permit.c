/*
 * inject-permit.c - whether a system call may be run in a stopped thread
 * of the target: its seccomp mode, and its filters (fetched with
 * PTRACE_SECCOMP_GET_FILTER) run on the call's exact seccomp_data by
 * seccomp-eval.c. A call they would answer with anything but "allow" is
 * refused, never attempted.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cause.h"
#include "inject-permit.h"
#include "kernel-compat.h"
#include "proc.h"
#include "seccomp-eval.h"

/*
 * Filters looked at, at most: a thread's filters hold 32768 instructions
 * in all, each counting 4 more (kernel/seccomp.c, MAX_INSNS_PER_PATH).
 */
#define INJECT_MAXFILTERS	8192

/* A name for the system calls this program injects, for messages. */
const char *
inject_call_name(long nr, char *buf, size_t size)
{
	switch (nr) {
	case SYS_userfaultfd:
		return ("userfaultfd()");
	case SYS_close:
		return ("close()");
	case SYS_getpid:
		return ("getpid()");
	}
	snprintf(buf, size, "system call %ld", nr);
	return (buf);
}

/*
 * Run every seccomp filter of the stopped thread on data d and fold the
 * verdicts. -1 with errno (EACCES: only root may read filters) when they
 * cannot be fetched.
 */
static int
inject_filters(pid_t tid, const struct seccomp_data *d,
    struct seccomp_verdict *v)
{
	struct sock_filter	*prog;
	struct seccomp_verdict	 one;
	long			 i, n;

	*v = seccomp_verdict_allow();
	for (i = 0; i < INJECT_MAXFILTERS; i++) {
		n = ptrace(PTRACE_SECCOMP_GET_FILTER, tid, (void *)i, NULL);
		if (n == -1 && errno == ENOENT && i > 0)
			return (0);
		if (n <= 0 || n > BPF_MAXINSNS) {
			if (n != -1)
				errno = EINVAL;
			return (-1);
		}
		if ((prog = calloc((size_t)n, sizeof *prog)) == NULL)
			return (-1);
		if (ptrace(PTRACE_SECCOMP_GET_FILTER, tid, (void *)i,
		    prog) != n) {
			free(prog);
			errno = EINVAL;
			return (-1);
		}
		seccomp_eval(prog, (size_t)n, d, &one);
		seccomp_verdict_merge(v, &one);
		free(prog);
	}
	/* More filters than we look at: refuse rather than guess. */
	errno = E2BIG;
	return (-1);
}

int
inject_permit(const struct proc_target *t, pid_t tid, uint64_t syscall_ip,
    long nr, const long *args, char **cause)
{
	struct seccomp_data	 d;
	struct seccomp_verdict	 v;
	char			 nbuf[32], abuf[48];
	const char		*name = inject_call_name(nr, nbuf, sizeof nbuf);
	long			 mode;
	int			 i;

	if (proc_status_long(t, tid, "Seccomp", &mode) == -1) {
		/* Before Linux 3.8 the field is absent, and so is seccomp. */
		if (errno == ENODATA)
			return (0);
		*cause = cause_errno(errno, "reading the seccomp mode of PID "
		    "%ld", (long)t->pid);
		return (-1);
	}
	if (mode == 0)
		return (0);
	if (mode == 1) {
		*cause = cause_fmt("PID %ld runs in seccomp strict mode: %s "
		    "would kill it", (long)t->pid, name);
		errno = EPERM;
		return (-1);
	}
	memset(&d, 0, sizeof d);
	d.nr = (int)nr;
	d.arch = AUDIT_ARCH_X86_64;
	/* The kernel reports the address after the syscall instruction. */
	d.instruction_pointer = syscall_ip + 2;
	for (i = 0; args != NULL && i < 6; i++)
		d.args[i] = (uint64_t)args[i];
	if (inject_filters(tid, &d, &v) == -1) {
		if (errno == EACCES || errno == EPERM)
			*cause = cause_fmt("PID %ld has a seccomp filter, which "
			    "only root can read: sdtop does not run %s in a "
			    "process whose filter it cannot check",
			    (long)t->pid, name);
		else if (errno == E2BIG)
			*cause = cause_fmt("PID %ld has more than %d seccomp "
			    "filters", (long)t->pid, INJECT_MAXFILTERS);
		else
			*cause = cause_errno(errno, "reading the seccomp "
			    "filters of PID %ld", (long)t->pid);
		errno = EPERM;
		return (-1);
	}
	if (v.invalid) {
		*cause = cause_fmt("the seccomp filter of PID %ld cannot be "
		    "evaluated: sdtop does not run %s in it", (long)t->pid,
		    name);
		errno = EPERM;
		return (-1);
	}
	if (!seccomp_action_allows(v.action)) {
		*cause = cause_fmt("the seccomp filter of PID %ld would %s on "
		    "%s", (long)t->pid, seccomp_action_name(v.action, abuf,
		    sizeof abuf), name);
		errno = EPERM;
		return (-1);
	}
	if (args == NULL && v.read_args) {
		*cause = cause_fmt("the seccomp filter of PID %ld judges %s by "
		    "its arguments, which are not known yet", (long)t->pid,
		    name);
		errno = EPERM;
		return (-1);
	}
	return (0);
}
