/*
 * pftrace-tracee.c - the command under ptrace (see pftrace-tracee.h).
 *
 * A seccomp filter returns SECCOMP_RET_TRACE for the memory system calls
 * only, so the tracer sees a stop at each of them and none at the rest;
 * where the filter cannot be installed every system call stops twice
 * (PTRACE_SYSCALL). The child reports through a close-on-exec pipe: one
 * byte before its exec ('s' filtered, 'n' not, 'E' and an errno when
 * PTRACE_TRACEME failed), and 'x' and an errno when the exec failed.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "cause.h"
#include "kernel-compat.h"
#include "pftrace-tracee.h"

/* Our own copy of the stable ptrace_syscall_info layout (Linux 5.3). */
struct sc_info {
	uint8_t		 op;
	uint8_t		 pad[3];
	uint32_t	 arch;
	uint64_t	 ip;
	uint64_t	 sp;
	union {
		struct {
			uint64_t nr;
			uint64_t args[6];
		} entry;
		struct {
			int64_t	 rval;
			uint8_t	 is_error;
		} exit;
		struct {
			uint64_t nr;
			uint64_t args[6];
			uint32_t ret_data;
		} seccomp;
	};
};

/* The system calls that can change what /proc/PID/maps shows. */
static const struct {
	long		 nr;
	const char	*name;
} mem_syscalls[] = {
	{ SYS_mmap, "mmap" },
	{ SYS_munmap, "munmap" },
	{ SYS_mremap, "mremap" },
	{ SYS_mprotect, "mprotect" },
	{ SYS_pkey_mprotect, "pkey_mprotect" },
	{ SYS_brk, "brk" },
	{ SYS_execve, "execve" },
	{ SYS_execveat, "execveat" },
	{ SYS_shmat, "shmat" },
	{ SYS_shmdt, "shmdt" },
	{ SYS_madvise, "madvise" },
	{ SYS_mlock, "mlock" },
	{ SYS_mlock2, "mlock2" },
	{ SYS_munlock, "munlock" },
	{ SYS_mlockall, "mlockall" },
	{ SYS_munlockall, "munlockall" },
	{ SYS_mbind, "mbind" },
	{ SYS_io_setup, "io_setup" },
	{ SYS_io_destroy, "io_destroy" },
	{ SYS_prctl, "prctl" },
};
#define N_MEM_SYSCALLS	(sizeof mem_syscalls / sizeof mem_syscalls[0])

/* The seccomp filter: trace the memory system calls, allow the rest. */
static int
seccomp_install(void)
{
	struct sock_filter	 f[N_MEM_SYSCALLS + 5];
	struct sock_fprog	 prog;
	size_t			 i, n = 0;

	f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
	    offsetof(struct seccomp_data, arch));
	f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
	    AUDIT_ARCH_X86_64, 0, (uint8_t)(N_MEM_SYSCALLS + 1));
	f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
	    offsetof(struct seccomp_data, nr));
	for (i = 0; i < N_MEM_SYSCALLS; i++) {
		f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ |
		    BPF_K, (uint32_t)mem_syscalls[i].nr,
		    (uint8_t)(N_MEM_SYSCALLS - i), 0);
	}
	f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
	    SECCOMP_RET_ALLOW);
	f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
	    SECCOMP_RET_TRACE);
	prog.len = (unsigned short)n;
	prog.filter = f;
	if (geteuid() != 0 && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return (-1);
	return (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0));
}

static const char *
memcall_name(uint64_t nr)
{
	size_t	i;

	for (i = 0; i < N_MEM_SYSCALLS; i++) {
		if ((uint64_t)mem_syscalls[i].nr == nr)
			return (mem_syscalls[i].name);
	}
	return (NULL);
}

/* The child: be traced, filter, stop, then become the command. */
static void __attribute__((noreturn))
child_run(char *const argv[], int wfd, bool use_seccomp,
    const sigset_t *mask)
{
	char	 c;
	int	 err;

	sigprocmask(SIG_SETMASK, mask, NULL);
	if (ptrace(PTRACE_TRACEME, 0, 0, 0) != 0) {
		err = errno;
		c = 'E';
		(void)!write(wfd, &c, 1);
		(void)!write(wfd, &err, sizeof err);
		_exit(127);
	}
	c = use_seccomp && seccomp_install() == 0 ? 's' : 'n';
	(void)!write(wfd, &c, 1);
	raise(SIGSTOP);
	execvp(argv[0], argv);
	err = errno;
	c = 'x';
	(void)!write(wfd, &c, 1);
	(void)!write(wfd, &err, sizeof err);
	_exit(127);
}

int
pftracee_spawn(struct pftracee *c, char *const argv[], bool seccomp,
    const sigset_t *mask, char **cause)
{
	pid_t	 pid;
	int	 pfds[2], status, err;
	char	 b;

	c->pid = -1;
	c->rfd = -1;
	c->seccomp = false;
	if (pipe2(pfds, O_CLOEXEC) != 0) {
		*cause = cause_errno(errno, "signalfd or pipe");
		return (-1);
	}
	if ((pid = fork()) < 0) {
		*cause = cause_errno(errno, "fork");
		close(pfds[0]);
		close(pfds[1]);
		return (-1);
	}
	if (pid == 0)
		child_run(argv, pfds[1], seccomp, mask);
	close(pfds[1]);
	c->pid = pid;
	if (read(pfds[0], &b, 1) != 1 || b == 'E') {
		err = b == 'E' && read(pfds[0], &err, sizeof err) ==
		    sizeof err ? err : EPERM;
		*cause = cause_errno(err, "ptrace(PTRACE_TRACEME): tracing "
		    "is not allowed here (a container without CAP_SYS_PTRACE,"
		    " or a security module)");
		waitpid(pid, &status, 0);
		close(pfds[0]);
		return (-1);
	}
	c->seccomp = b == 's';
	if (waitpid(pid, &status, __WALL) != pid || !WIFSTOPPED(status)) {
		*cause = cause_fmt("the command did not stop before exec");
		close(pfds[0]);
		return (-1);
	}
	c->rfd = pfds[0];
	return (0);
}

void
pftracee_set_options(const struct pftracee *c)
{
	ptrace(PTRACE_SETOPTIONS, c->pid, 0,
	    (void *)(long)(PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEEXEC |
	    PTRACE_O_TRACECLONE | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK |
	    PTRACE_O_EXITKILL | (c->seccomp ? PTRACE_O_TRACESECCOMP : 0)));
}

int
pftracee_finish(struct pftracee *c, const char *name, char **cause)
{
	int	 err, ret = 0;
	char	 b;

	if (read(c->rfd, &b, 1) == 1 && b == 'x' &&
	    read(c->rfd, &err, sizeof err) == sizeof err) {
		*cause = cause_errno(err, "cannot run %s", name);
		ret = -1;
	}
	pftracee_close(c);
	return (ret);
}

void
pftracee_close(struct pftracee *c)
{
	if (c->rfd >= 0)
		close(c->rfd);
	c->rfd = -1;
}

int
pftracee_syscall(pid_t tid, bool *exit, const char **memcall)
{
	struct sc_info	 si;

	memset(&si, 0, sizeof si);
	if (ptrace(PTRACE_GET_SYSCALL_INFO, tid, sizeof si, &si) <= 0)
		return (-1);
	*exit = si.op == PTRACE_SYSCALL_INFO_EXIT;
	*memcall = *exit ? NULL : memcall_name(si.op ==
	    PTRACE_SYSCALL_INFO_ENTRY ? si.entry.nr : si.seccomp.nr);
	return (0);
}
