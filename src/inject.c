/*
 * inject.c - run system calls in the context of another process (x86_64).
 *
 * One thread of the target is seized (PTRACE_SEIZE) and stopped with
 * PTRACE_INTERRUPT, and its general registers and signal mask are saved.
 * For each call, all signals are blocked (they stay queued with all their
 * data: nothing is delivered while the registers point at borrowed code),
 * rip is set to a `syscall` instruction (0f 05) found in the target (the
 * two bytes before rip when the thread stopped on its way out of a system
 * call, else one in [vdso]), orig_rax is set to -1 so the kernel's restart
 * logic leaves the injected call alone, the thread is single-stepped, rax
 * is the result, and its own registers and mask go back at once. At
 * detach an interrupted call (rax = -ERESTART*, orig_rax = its number) is
 * restarted by the kernel as if nothing happened, and a signal the attach
 * took out of the queue is given back with its siginfo.
 *
 * If this process dies between a call and its detach, the target resumes
 * with the single-step flag set and dies of it: only sdtop's injector
 * process calls these functions (injector-serve.c), and that window is
 * measured in docs/reliability.md.
 *
 * Nothing runs in the target that its seccomp filters would not allow:
 * before each call the stopped thread's filters are fetched and run on the
 * call's exact seccomp_data (inject-permit.c), and a call they would
 * answer with anything but "allow" is refused, never attempted.
 *
 * The target is reached through its proc_target (an open /proc/PID
 * directory), so a recycled PID is never read by mistake.
 *
 * Addresses are the target's virtual addresses in bytes.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cause.h"
#include "inject-permit.h"
#include "inject.h"
#include "kernel-compat.h"
#include "proc-maps.h"
#include "proc.h"

#if defined(__x86_64__)

#include <sys/user.h>

/* The code segment of a 64-bit task; a 32-bit one has other numbers. */
#define USER64_CS		0x33

/* Signals kept to give back at detach; more than this are re-sent. */
#define INJECT_MAXSIG		8

/* How long a thread may take to stop before the attach gives up, in ms. */
#define INJECT_STOP_MS		5000

struct inject {
	const struct proc_target *t;
	pid_t			 pid;		/* the process */
	pid_t			 tid;		/* the stopped thread */
	bool			 is_child;	/* pid is a child of ours */
	struct user_regs_struct	 saved;
	uint64_t		 saved_mask;	/* kernel sigset: 64 bits */
	uint64_t		 syscall_ip;	/* a 0f 05 in the target */
	bool			 in_sigstop;	/* now in a signal-delivery-stop */
	int			 nsig;
	siginfo_t		 sig[INJECT_MAXSIG];
};

/* Milliseconds on the monotonic clock. */
static int64_t
inject_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

/*
 * Wait for the next ptrace report of tid without ever blocking for good:
 * a report comes with SIGCHLD, which is taken here with sigtimedwait()
 * (blocked meanwhile) so the wait ends the moment the thread stops, never
 * later than 1 ms after (a SIGCHLD taken that was not ours costs nothing:
 * children are reaped by waitpid(), not by a handler). -1 with ETIMEDOUT
 * after limit_ms, or ESRCH when the thread is no longer ours to wait for.
 */
static int
inject_wait(pid_t tid, int *status, int limit_ms)
{
	int64_t			deadline = inject_ms() + limit_ms;
	struct timespec		slice = { 0, 1000000 };
	sigset_t		chld, old;
	pid_t			r;
	int			rc;

	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, &old);
	for (;;) {
		r = waitpid(tid, status, __WALL | WNOHANG);
		if (r == tid) {
			rc = 0;
			break;
		}
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			errno = ESRCH;
			rc = -1;
			break;
		}
		if (inject_ms() > deadline) {
			errno = ETIMEDOUT;
			rc = -1;
			break;
		}
		sigtimedwait(&chld, NULL, &slice);
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	return (rc);
}

/* Whether a wait status says the thread is gone. */
static bool
inject_status_gone(int status)
{
	return (WIFEXITED(status) || WIFSIGNALED(status));
}

/*
 * The thread died while traced: collect its last report (so its parent
 * can reap it at once) and fail with ESRCH.
 */
static int
inject_gone(struct inject *in)
{
	int	status;

	/* Our own child: its exit status is ours to collect later. */
	if (in->is_child) {
		errno = ESRCH;
		return (-1);
	}
	while (inject_wait(in->tid, &status, 200) == 0 &&
	    !inject_status_gone(status))
		;
	errno = ESRCH;
	return (-1);
}

/*
 * Wait for the next stop of the thread: 0 with *status when it stopped,
 * -1 with errno otherwise (ESRCH, its last report collected, when it died).
 */
static int
inject_next_stop(struct inject *in, int *status)
{
	for (;;) {
		if (inject_wait(in->tid, status, INJECT_STOP_MS) == -1)
			return (errno == ESRCH ? inject_gone(in) : -1);
		if (inject_status_gone(*status))
			return (inject_gone(in));
		if (WIFSTOPPED(*status))
			return (0);
	}
}

/* Read len bytes at addr of the target. */
static int
inject_read(struct inject *in, uint64_t addr, void *buf, size_t len)
{
	struct iovec	local = { buf, len };
	struct iovec	remote = { (void *)(uintptr_t)addr, len };
	size_t		i;
	long		word;

	if (process_vm_readv(in->pid, &local, 1, &remote, 1, 0) == (ssize_t)len)
		return (0);
	/* Without process_vm_readv (or across a page it refuses), peek. */
	for (i = 0; i < len; i += sizeof word) {
		errno = 0;
		word = ptrace(PTRACE_PEEKTEXT, in->tid,
		    (void *)(uintptr_t)(addr + i), NULL);
		if (word == -1 && errno != 0)
			return (-1);
		memcpy((char *)buf + i, &word,
		    len - i < sizeof word ? len - i : sizeof word);
	}
	return (0);
}

/* Find the [vdso] of the target in its maps: 0, or -1 with errno. */
static int
inject_find_vdso(const struct proc_target *t, uint64_t *start, uint64_t *end)
{
	struct vma_list	 vl = { 0 };
	char		*cause = NULL;
	size_t		 i;
	int		 found = -1;

	if (maps_read(t, &vl, &cause) == -1) {
		free(cause);
		return (-1);
	}
	for (i = 0; i < vl.n; i++) {
		if (vl.v[i].name != NULL && strcmp(vl.v[i].name, "[vdso]") == 0) {
			*start = vl.v[i].start;
			*end = vl.v[i].end;
			found = 0;
			break;
		}
	}
	vma_list_free(&vl);
	if (found != 0)
		errno = ENOENT;
	return (found);
}

/*
 * Find a syscall instruction in the target: just before rip if the thread
 * stopped right after one, else anywhere in [vdso] (the bytes 0f 05 run as
 * a syscall wherever they sit, even inside a longer instruction).
 */
static int
inject_find_syscall(struct inject *in)
{
	unsigned char	 two[2], *buf;
	uint64_t	 start, end, i;

	if ((int64_t)in->saved.orig_rax >= 0 && in->saved.rip >= 2 &&
	    inject_read(in, in->saved.rip - 2, two, 2) == 0 &&
	    two[0] == 0x0f && two[1] == 0x05) {
		in->syscall_ip = in->saved.rip - 2;
		return (0);
	}
	if (inject_find_vdso(in->t, &start, &end) != 0)
		return (-1);
	if (end - start > (1 << 20) || end <= start) {
		errno = ENOENT;
		return (-1);
	}
	if ((buf = malloc(end - start)) == NULL)
		return (-1);
	if (inject_read(in, start, buf, end - start) != 0) {
		free(buf);
		return (-1);
	}
	for (i = 0; i + 1 < end - start; i++) {
		if (buf[i] == 0x0f && buf[i + 1] == 0x05) {
			in->syscall_ip = start + i;
			free(buf);
			return (0);
		}
	}
	free(buf);
	errno = ENOENT;
	return (-1);
}

/* Keep the siginfo of the signal tid is stopped for, to give it back. */
static void
inject_keep_signal(struct inject *in, int signo)
{
	siginfo_t	si;

	memset(&si, 0, sizeof si);
	if (ptrace(PTRACE_GETSIGINFO, in->tid, NULL, &si) == -1) {
		si.si_signo = signo;
		si.si_code = SI_USER;
	}
	if (in->nsig < INJECT_MAXSIG)
		in->sig[in->nsig++] = si;
	else
		syscall(SYS_tgkill, in->pid, in->tid, signo);
}

/* Seize thread tid of in->pid and wait until it is stopped. */
static int
inject_stop(struct inject *in, pid_t tid)
{
	int	status, event, sig;

	if (ptrace(PTRACE_SEIZE, tid, NULL, NULL) == -1)
		return (-1);
	in->tid = tid;
	if (ptrace(PTRACE_INTERRUPT, tid, NULL, NULL) == -1)
		return (inject_gone(in));
	if (inject_next_stop(in, &status) == -1)
		return (-1);
	event = (unsigned int)status >> 16;
	sig = WSTOPSIG(status);
	if (event != 0) {
		/* The interrupt, or a group-stop (a stopped target). */
		in->in_sigstop = false;
		return (0);
	}
	/*
	 * A signal-delivery-stop: the signal is out of the queue and is kept
	 * to be given back. The thread is stopped, which is all that is
	 * needed.
	 */
	inject_keep_signal(in, sig);
	in->in_sigstop = true;
	return (0);
}

/* Whether the thread-group leader is a zombie (its threads live on). */
static bool
inject_leader_zombie(const struct proc_target *t)
{
	return (proc_task_state(t, 0) == 'Z');
}

/*
 * Stop the thread-group leader; if it is a zombie (it called pthread_exit),
 * stop another of the target's threads.
 */
static int
inject_stop_any(struct inject *in)
{
	pid_t	*tids;
	size_t	 i, n;
	int	 saved;

	if (inject_stop(in, in->pid) == 0)
		return (0);
	saved = errno;
	if (saved != EPERM || in->tid != -1 || !inject_leader_zombie(in->t))
		return (-1);
	if (proc_other_threads(in->t, &tids, &n) == -1) {
		errno = saved;
		return (-1);
	}
	for (i = 0; i < n; i++) {
		if (inject_stop(in, tids[i]) == 0) {
			free(tids);
			return (0);
		}
		saved = errno;
		if (in->tid != -1)
			break;
	}
	free(tids);
	errno = saved;
	return (-1);
}

struct inject *
inject_attach(const struct proc_target *t, char **cause)
{
	struct inject		*in;
	pid_t			 pid = t->pid;
	unsigned long long	 ppid;
	int			 saved;
	const char		*what;

	if ((in = calloc(1, sizeof *in)) == NULL) {
		if (cause != NULL)
			*cause = cause_errno(errno, "inject");
		return (NULL);
	}
	in->t = t;
	in->pid = pid;
	in->tid = -1;
	in->is_child = proc_stat_field(t, 4, &ppid) == 0 &&
	    ppid == (unsigned long long)getpid();
	if (inject_stop_any(in) != 0) {
		/*
		 * Seized but never stopped (ETIMEDOUT: in an uninterruptible
		 * wait): nothing was changed in it, and the kernel detaches it
		 * when this process exits.
		 */
		what = "cannot stop PID";
		goto fail;
	}
	what = "cannot read the registers of PID";
	if (ptrace(PTRACE_GETREGS, in->tid, NULL, &in->saved) == -1)
		goto fail_stopped;
	if (in->saved.cs != USER64_CS) {
		errno = ENOTSUP;
		what = "cannot run 64-bit system calls in PID";
		goto fail_stopped;
	}
	what = "cannot read the signal mask of PID";
	if (ptrace(PTRACE_GETSIGMASK, in->tid, (void *)sizeof in->saved_mask,
	    &in->saved_mask) == -1)
		goto fail_stopped;
	what = "no syscall instruction found in PID";
	if (inject_find_syscall(in) != 0)
		goto fail_stopped;
	return (in);

fail_stopped:
	saved = errno;
	if (inject_detach(in) == -1 && errno == ESRCH)
		saved = ESRCH;
	in = NULL;
	goto out;
fail:
	saved = errno;
	free(in);
	in = NULL;
out:
	if (cause != NULL) {
		if (saved == ESRCH)
			*cause = cause_fmt("PID %ld has exited", (long)pid);
		else if (saved == ETIMEDOUT)
			*cause = cause_fmt("PID %ld did not stop within %d s: "
			    "it is in an uninterruptible wait (a vfork() "
			    "waiting for its child, a disk, a frozen cgroup)",
			    (long)pid, INJECT_STOP_MS / 1000);
		else
			*cause = cause_errno(saved, "%s %ld", what,
			    (long)pid);
	}
	errno = saved;
	return (NULL);
}

/* Fill *cause for a call that could not be run; returns rc, errno kept. */
static int
inject_call_failed(struct inject *in, long nr, int rc, char **cause)
{
	char	nbuf[32];
	int	saved = errno;

	if (cause != NULL)
		*cause = saved == ESRCH ?
		    cause_fmt("PID %ld has exited", (long)in->pid) :
		    cause_errno(saved, "running %s in PID %ld",
		    inject_call_name(nr, nbuf, sizeof nbuf), (long)in->pid);
	errno = saved;
	return (rc);
}

int
inject_permitted(struct inject *in, long nr, const long *args, char **cause)
{
	return (inject_permit(in->t, in->tid, in->syscall_ip, nr, args,
	    cause));
}

/*
 * Put the thread's own registers and signal mask back after a call (the
 * single-step flag stays until detach). -1 with errno when it has gone.
 */
static int
inject_restore(struct inject *in)
{
	int	rc = 0;

	if (ptrace(PTRACE_SETREGS, in->tid, NULL, &in->saved) == -1)
		rc = -1;
	if (ptrace(PTRACE_SETSIGMASK, in->tid, (void *)sizeof in->saved_mask,
	    &in->saved_mask) == -1)
		rc = -1;
	return (rc);
}

/*
 * Single-step the call set up in the thread's registers until it has run;
 * 0 with *ret, or -1 with errno.
 */
static int
inject_step(struct inject *in, long *ret)
{
	struct user_regs_struct	regs;
	int			status, event, sig, tries;

	for (tries = 0; tries < 64; tries++) {
		if (ptrace(PTRACE_SINGLESTEP, in->tid, NULL, NULL) == -1)
			return (inject_gone(in));
		if (inject_next_stop(in, &status) == -1)
			return (-1);
		event = (unsigned int)status >> 16;
		sig = WSTOPSIG(status);
		in->in_sigstop = (event == 0);
		/* Only SIGSTOP gets here: every other signal is blocked. */
		if (event == 0 && sig != SIGTRAP)
			inject_keep_signal(in, sig);
		if (ptrace(PTRACE_GETREGS, in->tid, NULL, &regs) == -1)
			return (inject_gone(in));
		if (regs.rip == in->syscall_ip + 2) {
			*ret = (long)regs.rax;
			return (0);
		}
		/*
		 * Stopped before the step (a pending interrupt, a group-stop
		 * or a stop signal): step again from the same place.
		 */
		if (regs.rip != in->syscall_ip) {
			errno = EFAULT;
			return (-1);
		}
	}
	errno = EAGAIN;
	return (-1);
}

int
inject_syscall(struct inject *in, long nr, const long args[6], long *ret,
    char **cause)
{
	struct user_regs_struct	regs;
	uint64_t		all = ~UINT64_C(0);
	int			rc, saved;

	if (inject_permitted(in, nr, args, cause) == -1)
		return (-1);
	regs = in->saved;
	regs.rip = in->syscall_ip;
	regs.rax = nr;
	regs.orig_rax = (unsigned long long)-1;
	regs.rdi = args[0];
	regs.rsi = args[1];
	regs.rdx = args[2];
	regs.r10 = args[3];
	regs.r8 = args[4];
	regs.r9 = args[5];
	/*
	 * Signals stay queued, whole, while the registers are borrowed: a
	 * signal taken out of the queue here could not be given back with
	 * all its data. The mask and registers are the thread's own again
	 * as soon as the call has run.
	 */
	if (ptrace(PTRACE_SETSIGMASK, in->tid, (void *)sizeof all, &all) == -1 ||
	    ptrace(PTRACE_SETREGS, in->tid, NULL, &regs) == -1) {
		rc = inject_gone(in);
		inject_restore(in);
		return (inject_call_failed(in, nr, rc, cause));
	}
	rc = inject_step(in, ret);
	saved = errno;
	if (inject_restore(in) == -1 && rc == 0) {
		rc = -1;
		saved = ESRCH;
	}
	errno = saved;
	if (rc == -1)
		return (inject_call_failed(in, nr, -1, cause));
	return (0);
}

int
inject_detach(struct inject *in)
{
	int	signo = 0, i, rc = 0, saved = 0;

	if (in == NULL)
		return (0);
	if (ptrace(PTRACE_SETREGS, in->tid, NULL, &in->saved) == -1) {
		rc = -1;
		saved = errno;
	}
	/*
	 * The first kept signal rides on the detach when the thread sits in a
	 * signal-delivery-stop (the kernel then delivers it with the siginfo
	 * set here); any other is queued again.
	 */
	i = 0;
	if (in->nsig > 0 && in->in_sigstop &&
	    ptrace(PTRACE_SETSIGINFO, in->tid, NULL, &in->sig[0]) == 0) {
		signo = in->sig[0].si_signo;
		i = 1;
	}
	for (; i < in->nsig; i++)
		syscall(SYS_tgkill, in->pid, in->tid, in->sig[i].si_signo);
	if (ptrace(PTRACE_DETACH, in->tid, NULL, (void *)(long)signo) == -1 &&
	    rc == 0) {
		rc = -1;
		saved = errno;
	}
	if (rc == -1 && saved == ESRCH)
		inject_gone(in);
	free(in);
	if (rc == -1)
		errno = saved;
	return (rc);
}

#else /* !__x86_64__ */

struct inject {
	pid_t	pid;
};

struct inject *
inject_attach(const struct proc_target *t, char **cause)
{
	if (cause != NULL)
		*cause = cause_fmt("running system calls in another process "
		    "is only supported on x86_64");
	errno = ENOSYS;
	return (NULL);
}

int
inject_permitted(struct inject *in, long nr, const long *args, char **cause)
{
	*cause = cause_fmt("running system calls in another process is only "
	    "supported on x86_64");
	errno = ENOSYS;
	return (-1);
}

int
inject_syscall(struct inject *in, long nr, const long args[6], long *ret,
    char **cause)
{
	return (inject_permitted(in, nr, args, cause));
}

int
inject_detach(struct inject *in)
{
	errno = ENOSYS;
	return (-1);
}

#endif /* __x86_64__ */

int
inject_calls(const struct proc_target *t, struct inject_call *calls,
    size_t n, char **cause)
{
	struct inject	*in;
	char		*why = NULL;
	size_t		 i;
	int		 saved;

	if ((in = inject_attach(t, cause)) == NULL)
		return (-1);
	for (i = 0; i < n; i++) {
		if (inject_syscall(in, calls[i].nr, calls[i].args,
		    &calls[i].ret, &why) == -1) {
			saved = errno;
			inject_detach(in);
			if (cause != NULL)
				*cause = why;
			else
				free(why);
			errno = saved;
			return (-1);
		}
	}
	if (inject_detach(in) == -1) {
		saved = errno;
		if (cause != NULL)
			*cause = saved == ESRCH ?
			    cause_fmt("PID %ld has exited", (long)t->pid) :
			    cause_errno(saved, "releasing PID %ld",
			    (long)t->pid);
		errno = saved;
		return (-1);
	}
	return (0);
}
