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
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "injector.h"
#include "injector-proto.h"
#include "proc.h"

/* The client's side: the running injector, if any. */
static pid_t	inj_pid;
static int	inj_sock = -1;

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

/* The injector has died or misbehaved: reap it; the next use restarts it. */
static void
injector_lost(void)
{
	int	status;

	if (inj_sock != -1)
		close(inj_sock);
	inj_sock = -1;
	if (inj_pid > 0)
		waitpid(inj_pid, &status, 0);
	inj_pid = 0;
}

/* One request and its reply; *copy (when not NULL) gets a passed fd. */
static int
injector_call(const struct inj_req *q, const struct proc_target *t,
    int pidfd, struct inj_rep *p, int *copy, char **cause)
{
	int	fds[1];

	if (injector_start(cause) == -1)
		return (-1);
	if (inj_send(inj_sock, q, sizeof *q, t->dirfd, pidfd) == -1 ||
	    inj_recv(inj_sock, p, sizeof *p, fds, 1) != 0) {
		*cause = cause_fmt("the injector process (PID %ld) has died",
		    (long)inj_pid);
		injector_lost();
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
injector_uffd_create(const struct proc_target *t, int pidfd, int flags,
    uint64_t features, int *fd, int *target_fd, char **cause)
{
	struct inj_req	q;
	struct inj_rep	p;

	memset(&q, 0, sizeof q);
	q.op = INJ_CREATE;
	q.pid = t->pid;
	q.flags = flags;
	q.features = features;
	if (injector_call(&q, t, pidfd, &p, fd, cause) == -1)
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
injector_uffd_remove(const struct proc_target *t, int pidfd, int target_fd,
    char **cause)
{
	struct inj_req	q;
	struct inj_rep	p;

	memset(&q, 0, sizeof q);
	q.op = INJ_REMOVE;
	q.pid = t->pid;
	q.target_fd = target_fd;
	return (injector_call(&q, t, pidfd, &p, NULL, cause));
}

void
injector_stop(void)
{
	if (inj_pid <= 0)
		return;
	/* Our end closing is the injector's signal to clean up and exit. */
	injector_lost();
}

pid_t
injector_pid(void)
{
	return (inj_pid);
}
