/*
 * child.c - start the program sdtop watches: fork, trace it across its
 * exec so that it stops at its first instruction, and say why when it
 * cannot run; end it with sdtop.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cause.h"
#include "child.h"

char *
child_sibling(const char *name)
{
	char	 self[PATH_MAX], *slash, *path;
	ssize_t	 n;

	n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n > 0) {
		self[n] = '\0';
		if ((slash = strrchr(self, '/')) != NULL) {
			*slash = '\0';
			path = cause_fmt("%s/%s", self, name);
			if (path != NULL && access(path, X_OK) == 0)
				return (path);
			free(path);
		}
	}
	return (strdup(name));
}

/*
 * fd, or a close-on-exec copy of it above the standard descriptors when
 * it is one of them: sdtop may have been started with one of those
 * closed, and a pipe made then takes its place, which the dup2()s of
 * child_exec() would close.
 */
static int
child_above_stdio(int fd)
{
	int	 n;

	if (fd == -1 || fd > STDERR_FILENO)
		return (fd);
	if ((n = fcntl(fd, F_DUPFD_CLOEXEC, STDERR_FILENO + 1)) == -1)
		return (fd);
	return (n);
}

/*
 * In the child: wait on go until the parent traces it, then run argv; on
 * failure, say its errno on ep. Under the screen its stderr goes to errfd
 * (or /dev/null when it is -1). Never returns.
 */
static void __attribute__((noreturn))
child_exec(char **argv, bool screen, int errfd, int go, int ep)
{
	int	 fd, err;
	char	 c;

	go = child_above_stdio(go);
	ep = child_above_stdio(ep);
	errfd = child_above_stdio(errfd);
	if (screen) {
		if ((fd = open("/dev/null", O_RDWR)) != -1) {
			dup2(fd, STDIN_FILENO);
			dup2(fd, STDOUT_FILENO);
			dup2(errfd != -1 ? errfd : fd, STDERR_FILENO);
			if (fd > STDERR_FILENO)
				close(fd);
		}
	} else
		dup2(STDERR_FILENO, STDOUT_FILENO);
	/* It ends with us, even if we are killed or crash. */
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (read(go, &c, 1) != 1)
		_exit(127);
	execvp(argv[0], argv);
	err = errno;
	if (write(ep, &err, sizeof err) != sizeof err)
		_exit(126);
	_exit(127);
}

/*
 * Follow the traced child pid until its exec; ep says why it could not
 * run. 0, or -1 with *cause when it has exited (and is reaped).
 */
static int
child_wait_exec(pid_t pid, const char *name, int ep, char **cause)
{
	int	 status, err;

	for (;;) {
		if (waitpid(pid, &status, 0) == -1) {
			*cause = cause_errno(errno, "waitpid");
			return (-1);
		}
		if (WIFEXITED(status) || WIFSIGNALED(status)) {
			if (read(ep, &err, sizeof err) == sizeof err)
				*cause = cause_errno(err, "cannot run %s",
				    name);
			else
				*cause = cause_fmt("%s exited at once (status "
				    "%d)", name, WIFEXITED(status) ?
				    WEXITSTATUS(status) : 128 +
				    WTERMSIG(status));
			return (-1);
		}
		if (WIFSTOPPED(status) &&
		    status >> 8 == (SIGTRAP | (PTRACE_EVENT_EXEC << 8)))
			return (0);
		/* Pass any other signal on. */
		ptrace(PTRACE_CONT, pid, NULL,
		    (void *)(long)(WIFSTOPPED(status) &&
		    WSTOPSIG(status) != SIGTRAP ? WSTOPSIG(status) : 0));
	}
}

/*
 * Leave the child pid, in its exec event stop, stopped at its first
 * instruction and no longer traced. A signal given with PTRACE_DETACH is
 * dropped in an exec event stop, so SIGSTOP is queued first: it is taken
 * on the way back to user mode, before the program's first instruction.
 * -1 with *cause when it has exited instead.
 */
static int
child_park(pid_t pid, const char *name, char **cause)
{
	int	 status;

	kill(pid, SIGSTOP);
	ptrace(PTRACE_DETACH, pid, NULL, NULL);
	while (waitpid(pid, &status, WUNTRACED) == -1 && errno == EINTR)
		;
	if (WIFEXITED(status) || WIFSIGNALED(status)) {
		*cause = cause_fmt("%s exited at once", name);
		return (-1);
	}
	return (0);
}

/* Let the child go (one byte on go); -1 with *cause. */
static int
child_go(int go, const char *name, char **cause)
{
	char	 c = 0;

	if (write(go, &c, 1) != 1) {
		*cause = cause_errno(errno, "cannot start %s", name);
		close(go);
		return (-1);
	}
	close(go);
	return (0);
}

pid_t
child_start(char **argv, bool screen, int errfd, char **cause)
{
	int	 go[2], ep[2], rc;
	pid_t	 pid;

	/* go: the child waits for it; ep: it says why its exec failed. */
	if (pipe2(go, O_CLOEXEC) == -1) {
		*cause = cause_errno(errno, "pipe");
		return (-1);
	}
	if (pipe2(ep, O_CLOEXEC) == -1) {
		*cause = cause_errno(errno, "pipe");
		close(go[0]);
		close(go[1]);
		return (-1);
	}
	if ((pid = fork()) == -1) {
		*cause = cause_errno(errno, "cannot fork");
		close(go[0]);
		close(go[1]);
		close(ep[0]);
		close(ep[1]);
		return (-1);
	}
	if (pid == 0) {
		close(go[1]);
		close(ep[0]);
		child_exec(argv, screen, errfd, go[0], ep[1]);
	}
	close(go[0]);
	close(ep[1]);
	if (ptrace(PTRACE_SEIZE, pid, NULL,
	    (void *)(long)(PTRACE_O_TRACEEXEC | PTRACE_O_EXITKILL)) == -1) {
		/* Not allowed to trace: start it untraced, a little late. */
		close(ep[0]);
		return (child_go(go[1], argv[0], cause) == -1 ? -1 : pid);
	}
	if (child_go(go[1], argv[0], cause) == -1) {
		close(ep[0]);
		return (-1);
	}
	rc = child_wait_exec(pid, argv[0], ep[0], cause);
	close(ep[0]);
	if (rc == -1 || child_park(pid, argv[0], cause) == -1)
		return (-1);
	return (pid);
}

bool
child_reap(pid_t pid)
{
	int	 status;

	if (pid <= 0)
		return (false);
	return (waitpid(pid, &status, WNOHANG) == pid);
}

void
child_stop(pid_t pid)
{
	int	 status;

	if (pid <= 0 || child_reap(pid))
		return;
	kill(pid, SIGTERM);
	kill(pid, SIGCONT);
	waitpid(pid, &status, 0);
}
