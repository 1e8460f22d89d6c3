/*
 * injector.c - sdtop's side of its injector process (see injector.h):
 * start it on first use, send it requests, and end it.
 *
 * The injector is forked, not executed: it is this program, from the
 * moment of the fork, running inj_serve() (injector-serve.c), which makes
 * it a process of its own (its own session, no terminal, only its socket)
 * before it does anything else.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <signal.h>
#include <time.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cause.h"
#include "injector.h"
#include "injector-proto.h"
#include "injector-serve.h"
#include "proc.h"

/* The client's side: the running injector, if any. */
static pid_t	inj_pid;
static int	inj_sock = -1;

/* When set, waiting for the injector stops (sdtop is asked to end). */
static const volatile sig_atomic_t *inj_give_up;

/*
 * How long sdtop waits for an injector that is stopped, and for one at
 * work once sdtop is asked to end, in ms (a request takes a millisecond or
 * so; removing a userfaultfd from a large process, tens).
 */
#define INJ_STOPPED_MS	3000
#define INJ_GRACE_MS	1000

void
injector_give_up_on(const volatile sig_atomic_t *flag)
{
	inj_give_up = flag;
}

/* Whether the injector is stopped (SIGSTOP): it would answer nothing. */
static bool
injector_stopped(void)
{
	siginfo_t	si;

	memset(&si, 0, sizeof si);
	return (waitid(P_PID, (id_t)inj_pid, &si, WSTOPPED | WNOHANG |
	    WNOWAIT) == 0 && si.si_pid == inj_pid &&
	    si.si_code == CLD_STOPPED);
}

/* Start the injector if it is not running. */
static int
injector_start(char **cause)
{
	int	sv[2];
	pid_t	pid;

	if (inj_pid > 0)
		return (0);
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == -1) {
		*cause = cause_errno(errno, "cannot start the injector: "
		    "socketpair");
		return (-1);
	}
	if ((pid = fork()) == -1) {
		*cause = cause_errno(errno, "cannot start the injector: fork");
		close(sv[0]);
		close(sv[1]);
		return (-1);
	}
	if (pid == 0) {
		close(sv[0]);
		inj_serve(sv[1]);
	}
	close(sv[1]);
	inj_pid = pid;
	inj_sock = sv[0];
	return (0);
}

/*
 * Let the injector go: close our end (its signal to undo all it made and
 * exit) and wait for it to end, but no longer than it makes progress: not
 * while it is stopped (more than INJ_STOPPED_MS), nor once sdtop is asked
 * to end. -1 with *cause (when not NULL) when it was left running.
 */
int
injector_stop(char **cause)
{
	struct timespec	 ts = { 0, 10000000 };
	int		 status, stopped_ms = 0, ms;
	pid_t		 pid = inj_pid;

	if (inj_sock != -1)
		close(inj_sock);
	inj_sock = -1;
	if (pid <= 0)
		return (0);
	for (ms = 0;; ms += 10) {
		if (waitpid(pid, &status, WNOHANG) != 0) {
			inj_pid = 0;
			return (0);
		}
		stopped_ms = injector_stopped() ? stopped_ms + 10 : 0;
		if (stopped_ms > INJ_STOPPED_MS || (inj_give_up != NULL &&
		    *inj_give_up && ms > INJ_GRACE_MS))
			break;
		nanosleep(&ts, NULL);
	}
	inj_pid = 0;
	if (cause != NULL && stopped_ms > 0)
		*cause = cause_fmt("the injector process (PID %ld) is stopped: "
		    "`kill -CONT %ld` lets it undo its work", (long)pid,
		    (long)pid);
	else if (cause != NULL)
		*cause = cause_fmt("the injector process (PID %ld) was left to "
		    "undo its work alone", (long)pid);
	return (-1);
}

/*
 * Wait for the reply to a request, giving up when sdtop is asked to end
 * or the injector stays stopped. 0; 1 when the injector has gone; -1
 * with errno (EINTR: gave up).
 */
static int
injector_reply(struct inj_rep *p, int *fds)
{
	struct pollfd	pfd;
	int		stopped_ms = 0, ms, r;

	for (ms = 0;; ms += 100) {
		pfd.fd = inj_sock;
		pfd.events = POLLIN;
		pfd.revents = 0;
		r = poll(&pfd, 1, 100);
		if (r > 0)
			return (inj_recv(inj_sock, p, sizeof *p, fds, 1));
		if (r == -1 && errno != EINTR)
			return (-1);
		stopped_ms = injector_stopped() ? stopped_ms + 100 : 0;
		if (stopped_ms > INJ_STOPPED_MS || (inj_give_up != NULL &&
		    *inj_give_up && ms > INJ_GRACE_MS)) {
			errno = EINTR;
			return (-1);
		}
	}
}

/* One request and its reply; *copy (when not NULL) gets a passed fd. */
static int
injector_call(const struct inj_req *q, const struct proc_target *t,
    struct inj_rep *p, int *copy, char **cause)
{
	pid_t	pid;
	int	fds[1], r;

	if (injector_start(cause) == -1)
		return (-1);
	pid = inj_pid;
	if (inj_send(inj_sock, q, sizeof *q, t->dirfd, t->pidfd) == -1)
		r = 1;
	else
		r = injector_reply(p, fds);
	if (r != 0) {
		/* It finishes the request on its own, then undoes it all. */
		if (r == -1 && errno == EINTR && injector_stopped())
			*cause = cause_fmt("the injector process (PID %ld) is "
			    "stopped while it works on PID %ld: `kill -CONT "
			    "%ld` lets it finish and undo its work", (long)pid,
			    (long)t->pid, (long)pid);
		else if (r == -1 && errno == EINTR)
			*cause = cause_fmt("the injector process (PID %ld) was "
			    "left to finish its work on PID %ld alone",
			    (long)pid, (long)t->pid);
		else
			*cause = cause_fmt("the injector process (PID %ld) has "
			    "died", (long)pid);
		injector_stop(NULL);
		errno = EPIPE;
		return (-1);
	}
	if (copy != NULL)
		*copy = fds[0];
	else if (fds[0] != -1)
		close(fds[0]);
	if (p->err != 0) {
		if (copy != NULL && *copy != -1) {
			close(*copy);
			*copy = -1;
		}
		*cause = cause_fmt("%s", p->cause[0] != '\0' ? p->cause :
		    strerror(p->err));
		errno = p->err;
		return (-1);
	}
	return (0);
}

int
injector_uffd_create(const struct proc_target *t, int flags,
    uint64_t features, int *fd, int *target_fd, char **cause)
{
	struct inj_req	q;
	struct inj_rep	p;

	memset(&q, 0, sizeof q);
	q.op = INJ_CREATE;
	q.pid = t->pid;
	q.flags = flags;
	q.features = features;
	if (injector_call(&q, t, &p, fd, cause) == -1)
		return (-1);
	if (*fd == -1) {
		*cause = cause_fmt("the injector sent no userfaultfd");
		errno = EPROTO;
		return (-1);
	}
	*target_fd = p.target_fd;
	return (0);
}

int
injector_uffd_remove(const struct proc_target *t, int target_fd,
    char **cause)
{
	struct inj_req	q;
	struct inj_rep	p;

	memset(&q, 0, sizeof q);
	q.op = INJ_REMOVE;
	q.pid = t->pid;
	q.target_fd = target_fd;
	return (injector_call(&q, t, &p, NULL, cause));
}

pid_t
injector_pid(void)
{
	return (inj_pid);
}
