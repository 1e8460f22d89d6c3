/*
 * injector-serve.c - the injector process: it creates and removes sdtop's
 * userfaultfds inside watched processes (see injector.h for why), and
 * undoes all it made when sdtop goes away.
 *
 * It keeps a record of every userfaultfd it created (and a copy of it);
 * it removes them when asked, and all of them when sdtop's end of the
 * socket closes or it gets SIGTERM. While it works on a request, the
 * signals that could end it are blocked: only SIGKILL of the injector
 * itself, aimed at it while it holds a target, can interrupt one (the
 * window is measured in docs/reliability.md).
 *
 * A userfaultfd of ours is marked, through our copy, with an owner (the
 * injector's PID, F_SETOWN) and a signal number (F_SETSIG): a userfaultfd
 * has no use for either, since it never sends SIGIO. A mark whose owner is
 * a live injector belongs to another sdtop, which is watching; any other
 * mark was left by an injector that was killed, and is removed.
 *
 * What write-protection a userfaultfd still holds is removed before it is
 * closed, because a child the target forked meanwhile holds the same file
 * and would otherwise keep the target's memory registered. UFFDIO_UNREGISTER
 * does not check which userfaultfd registered a range, so a range is only
 * unregistered after UFFDIO_REGISTER with ours succeeded on it (another
 * userfaultfd's range answers EBUSY).
 */
#include "config.h"

#include <sys/types.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/kcmp.h>
#include <linux/userfaultfd.h>

#include "array.h"
#include "cause.h"
#include "inject.h"
#include "injector-proto.h"
#include "injector-record.h"
#include "injector-serve.h"
#include "kernel-compat.h"
#include "proc.h"
#include "proc-list.h"

/* The signal number of the mark (any valid one a program would not pick). */
#define INJ_MARK_SIGNO		63

/* Userfaultfds looked at in one target, at most, when removing stale ones. */
#define INJ_MAXSCAN		64

/* What the injector created in one target. */
struct inj_rec {
	struct proc_target t;		/* with the pidfd sdtop sent */
	int		target_fd;
	int		copy;		/* the injector's own copy */
	unsigned long	ino;		/* its inode number, for the record */
};

static struct inj_rec	*inj_recs;
static size_t		 inj_nrecs;
static size_t		 inj_caprecs;
static volatile sig_atomic_t inj_term;

static int
inj_getfd(int pidfd, int fd)
{
	return ((int)syscall(SYS_pidfd_getfd, pidfd, fd, 0));
}

/* Put our mark on a userfaultfd, through a copy of it. */
static int
inj_mark(int fd)
{
	if (fcntl(fd, F_SETOWN, getpid()) == -1)
		return (-1);
	return (fcntl(fd, F_SETSIG, INJ_MARK_SIGNO));
}

/* Whether fd carries the mark of an injector, and which one (*owner). */
static bool
inj_marked(int fd, pid_t *owner)
{
	if (fcntl(fd, F_GETSIG) != INJ_MARK_SIGNO)
		return (false);
	*owner = (pid_t)fcntl(fd, F_GETOWN);
	return (true);
}

/* The inode number of a descriptor's file, or 0. */
static unsigned long
inj_ino(int fd)
{
	struct stat	st;

	return (fstat(fd, &st) == 0 ? (unsigned long)st.st_ino : 0);
}

/* Whether PID owner is a live injector (of another sdtop). */
static bool
inj_owner_alive(pid_t owner)
{
	struct proc_target	 o;
	char			 comm[32], *cause = NULL;
	bool			 alive;

	if (owner <= 0)
		return (false);
	if (proc_open(&o, "/proc", owner, &cause) == -1) {
		free(cause);
		return (false);
	}
	/* A zombie (killed, not yet reaped) is not alive. */
	alive = proc_running(&o) == 1 &&
	    proc_comm(&o, comm, sizeof comm) == 0 &&
	    strcmp(comm, INJECTOR_COMM) == 0;
	proc_close(&o);
	return (alive);
}

/*
 * Remove the write-protection that userfaultfd fd (a copy) holds on the
 * memory of t: every VMA that smaps shows as registered for
 * write-protection ("uw") and that fd can register too (so it is fd's, not
 * another userfaultfd's) is unregistered.
 */
static void
inj_unregister(int fd, const struct proc_target *t)
{
	struct uffdio_register	 reg;
	struct uffdio_range	 range;
	struct proc_range	*v;
	size_t			 i, n;

	if (proc_smaps_flagged(t, "uw", &v, &n) == -1)
		return;
	for (i = 0; i < n; i++) {
		memset(&reg, 0, sizeof reg);
		reg.range.start = v[i].start;
		reg.range.len = v[i].end - v[i].start;
		reg.mode = UFFDIO_REGISTER_MODE_WP;
		if (ioctl(fd, UFFDIO_REGISTER, &reg) == -1)
			continue;
		range.start = v[i].start;
		range.len = v[i].end - v[i].start;
		ioctl(fd, UFFDIO_UNREGISTER, &range);
	}
	free(v);
}

/*
 * Whether the userfaultfd of inode ino is one this injector made in
 * another process than t: t, forked from that one, holds a copy of it.
 */
static bool
inj_inherited(unsigned long ino, const struct proc_target *t)
{
	size_t	 i;

	for (i = 0; i < inj_nrecs; i++)
		if (inj_recs[i].ino == ino && inj_recs[i].t.pid != t->pid)
			return (true);
	return (false);
}

/* Close fd in the stopped target; -1 with *cause when t has exited. */
static int
inj_close_in(struct inject *in, const struct proc_target *t, int fd,
    char **cause)
{
	long	 args[6] = { 0 }, ret;
	char	*why = NULL;

	args[0] = fd;
	if (inject_syscall(in, SYS_close, args, &ret, &why) == -1 &&
	    errno == ESRCH) {
		free(why);
		*cause = cause_fmt("PID %ld has exited", (long)t->pid);
		return (-1);
	}
	free(why);
	return (0);
}

/*
 * Close, in the stopped target, the userfaultfds left by injectors that
 * were killed, and the copies of ours it inherited from a process it was
 * forked from (descriptors the program never opened). -1 with EBUSY and
 * *cause when a live injector (another sdtop) has one there.
 */
static int
inj_sweep(struct inject *in, const struct proc_target *t, char **cause)
{
	int		 fds[INJ_MAXSCAN], c;
	size_t		 i, n;
	unsigned long	 ino;
	pid_t		 owner;

	if (proc_fds_linked(t, "anon_inode:[userfaultfd]", fds, INJ_MAXSCAN,
	    &n) == -1)
		return (0);

	for (i = 0; i < n; i++) {
		if ((c = inj_getfd(t->pidfd, fds[i])) == -1)
			continue;
		if (!inj_marked(c, &owner) || (owner == getpid() &&
		    !inj_inherited(inj_ino(c), t))) {
			close(c);
			continue;
		}
		if (owner == getpid()) {
			/* Not to be unregistered: it is the parent's. */
			close(c);
			if (inj_close_in(in, t, fds[i], cause) == -1)
				return (-1);
			continue;
		}
		if (inj_owner_alive(owner)) {
			close(c);
			*cause = cause_fmt("PID %ld is already watched by "
			    "another sdtop (its injector is PID %ld)",
			    (long)t->pid, (long)owner);
			errno = EBUSY;
			return (-1);
		}
		/* Marked, but made by no injector: the program's own. */
		ino = inj_ino(c);
		if (!inj_record_has(ino, t, fds[i])) {
			close(c);
			continue;
		}
		inj_unregister(c, t);
		close(c);
		inj_record_del(ino);
		if (inj_close_in(in, t, fds[i], cause) == -1)
			return (-1);
	}
	return (0);
}

/* Create, mark and initialise a userfaultfd in r's target. */
static int
inj_create(struct inj_rec *r, int flags, uint64_t features, char **cause)
{
	struct inject		*in;
	struct uffdio_api	 api;
	long			 args[6] = { flags, 0, 0, 0, 0, 0 };
	long			 cargs[6] = { 0 }, ret, cret;
	char			*why = NULL;
	int			 copy = -1, saved;

	if ((in = inject_attach(&r->t, cause)) == NULL)
		return (-1);
	/* Still the process of the pidfd: its PID was not reused. */
	if (proc_running(&r->t) != 1) {
		*cause = cause_fmt("PID %ld has exited", (long)r->t.pid);
		errno = ESRCH;
		goto fail;
	}
	/* It must be allowed to create it, and to remove it again. */
	if (inject_permitted(in, SYS_userfaultfd, args, cause) == -1 ||
	    inject_permitted(in, SYS_close, NULL, cause) == -1)
		goto fail;
	if (inj_sweep(in, &r->t, cause) == -1)
		goto fail;
	if (inject_syscall(in, SYS_userfaultfd, args, &ret, cause) == -1)
		goto fail;
	if (ret < 0) {
		errno = (int)-ret;
		*cause = cause_errno(errno, "userfaultfd() in PID %ld",
		    (long)r->t.pid);
		goto fail;
	}
	if ((copy = inj_getfd(r->t.pidfd, (int)ret)) == -1 ||
	    inj_mark(copy) == -1) {
		saved = errno;
		*cause = cause_errno(saved, "taking the userfaultfd of PID "
		    "%ld", (long)r->t.pid);
		goto undo;
	}
	memset(&api, 0, sizeof api);
	api.api = UFFD_API;
	api.features = features;
	if (ioctl(copy, UFFDIO_API, &api) == -1) {
		saved = errno;
		*cause = cause_errno(saved, "UFFDIO_API on the userfaultfd of "
		    "PID %ld", (long)r->t.pid);
		goto undo;
	}
	if (inject_detach(in) == -1) {
		/* It died while stopped: nothing is left to undo. */
		saved = errno;
		close(copy);
		*cause = cause_errno(saved, "releasing PID %ld",
		    (long)r->t.pid);
		errno = saved;
		return (-1);
	}
	r->target_fd = (int)ret;
	r->copy = copy;
	r->ino = inj_ino(copy);
	/* Without a record, one left by a killed injector stays (idle). */
	inj_record_add(r->ino, &r->t, r->target_fd);
	return (0);

undo:
	cargs[0] = ret;
	if (inject_syscall(in, SYS_close, cargs, &cret, &why) == -1)
		free(why);
	errno = saved;
fail:
	saved = errno;
	inject_detach(in);
	if (copy != -1)
		close(copy);
	errno = saved;
	return (-1);
}

/* Whether r's target_fd, in the stopped target, is still our file. */
static bool
inj_same_file(const struct inj_rec *r)
{
	pid_t	owner;
	long	k;
	int	c;
	bool	same;

	k = syscall(SYS_kcmp, getpid(), r->t.pid, KCMP_FILE, r->copy,
	    r->target_fd);
	if (k >= 0 || errno != ENOSYS)
		return (k == 0);
	/* No CONFIG_KCMP: a descriptor with our own mark must be ours. */
	if ((c = inj_getfd(r->t.pidfd, r->target_fd)) == -1)
		return (false);
	same = inj_marked(c, &owner) && owner == getpid();
	close(c);
	return (same);
}

/* Unregister and close r's userfaultfd in its target, if it is there. */
static int
inj_remove_in(struct inj_rec *r, char **cause)
{
	struct inject	*in;
	long		 args[6] = { r->target_fd, 0, 0, 0, 0, 0 }, ret;
	char		*why = NULL;
	int		 rc = 0, saved;

	/* Exited (a zombie too): its descriptors went with it. */
	if (proc_running(&r->t) != 1)
		return (0);
	inj_unregister(r->copy, &r->t);
	if ((in = inject_attach(&r->t, &why)) == NULL) {
		if (errno == ESRCH || proc_running(&r->t) != 1) {
			free(why);
			return (0);
		}
		*cause = why;
		return (-1);
	}
	if (proc_running(&r->t) == 1 && inj_same_file(r) &&
	    inject_syscall(in, SYS_close, args, &ret, &why) == -1) {
		saved = errno;
		if (saved == ESRCH)
			free(why);
		else {
			*cause = cause_fmt("PID %ld keeps an unused userfaultfd "
			    "(fd %d): %s", (long)r->t.pid, r->target_fd, why);
			free(why);
			rc = -1;
		}
		errno = saved;
	}
	saved = errno;
	inject_detach(in);
	errno = saved;
	return (rc);
}

/* Whether pid descends from ancestor, as the list all says. */
static bool
inj_descends(const struct proc_entries *all, pid_t pid, pid_t ancestor)
{
	const struct proc_entry	*e;
	unsigned		 depth;

	for (depth = 0; depth < 4096 && pid > 1; depth++) {
		if ((e = proc_list_find(all, pid)) == NULL)
			return (false);
		if ((pid = e->ppid) == ancestor)
			return (true);
	}
	return (false);
}

/*
 * Close, in process pid, every descriptor of the file of inode ino: the
 * copies fork() made of ours. They are looked for again once pid is
 * stopped, so that only ours is closed. Best effort.
 */
static void
inj_close_copies(unsigned long ino, pid_t pid)
{
	struct proc_target	 t;
	struct inject		*in = NULL;
	int			 fds[INJ_MAXSCAN], c, pass;
	size_t			 i, n;
	char			*why = NULL;
	bool			 found;

	if (proc_open(&t, "/proc", pid, &why) == -1 || t.pidfd == -1)
		goto out;
	for (pass = 0; pass < 2; pass++) {
		if (proc_fds_linked(&t, "anon_inode:[userfaultfd]", fds,
		    INJ_MAXSCAN, &n) == -1)
			break;
		for (i = 0, found = false; i < n; i++) {
			if ((c = inj_getfd(t.pidfd, fds[i])) == -1)
				continue;
			if (inj_ino(c) == ino) {
				found = true;
				if (pass == 1)
					inj_close_in(in, &t, fds[i], &why);
			}
			close(c);
			free(why);
			why = NULL;
		}
		if (!found || pass == 1 ||
		    (in = inject_attach(&t, &why)) == NULL)
			break;
	}
	if (in != NULL)
		inject_detach(in);
out:
	free(why);
	if (t.dirfd != -1)
		proc_close(&t);
}

/*
 * Close the copies of r's userfaultfd that the processes forked from its
 * target hold: fork() copies every descriptor, and they never opened it.
 */
static void
inj_remove_copies(const struct inj_rec *r)
{
	struct proc_entries	 all = { 0 };
	char			*why = NULL;
	size_t			 i;

	if (proc_list_all("/proc", &all, &why) == 0)
		for (i = 0; i < all.n; i++)
			if (inj_descends(&all, all.e[i].pid, r->t.pid))
				inj_close_copies(r->ino, all.e[i].pid);
	free(why);
	proc_list_free(&all);
}

/*
 * Remove r's userfaultfd, the copies its target's children hold, and,
 * once it is gone, its record; a descriptor left in place (close()
 * forbidden) keeps its record: it is still ours.
 */
static int
inj_remove(struct inj_rec *r, char **cause)
{
	if (inj_remove_in(r, cause) == -1)
		return (-1);
	inj_remove_copies(r);
	inj_record_del(r->ino);
	return (0);
}

/* Forget record i, closing its descriptors. */
static void
inj_drop(size_t i)
{
	struct inj_rec	*r = &inj_recs[i];

	if (r->copy != -1)
		close(r->copy);
	proc_close(&r->t);
	inj_recs[i] = inj_recs[--inj_nrecs];
}

/* Handle one request; fills the reply, and *copy for a CREATE. */
static void
inj_handle(const struct inj_req *q, int dirfd, int pidfd,
    struct inj_rep *p, int *copy)
{
	struct inj_rec	 r, *nr;
	char		*cause = NULL;
	size_t		 i;

	memset(p, 0, sizeof *p);
	memset(&r, 0, sizeof r);
	proc_adopt(&r.t, q->pid, dirfd, pidfd);
	r.copy = -1;
	*copy = -1;

	if (q->op == INJ_CREATE) {
		nr = array_reserve(inj_recs, inj_nrecs + 1, &inj_caprecs,
		    sizeof *nr);
		if (nr == NULL) {
			p->err = ENOMEM;
			goto out;
		}
		inj_recs = nr;
		if (inj_create(&r, q->flags, q->features, &cause) == -1) {
			p->err = errno != 0 ? errno : EIO;
			goto out;
		}
		inj_recs[inj_nrecs++] = r;
		p->target_fd = r.target_fd;
		*copy = r.copy;
		return;
	}
	for (i = 0; i < inj_nrecs; i++) {
		if (inj_recs[i].t.pid == q->pid &&
		    inj_recs[i].target_fd == q->target_fd)
			break;
	}
	if (i < inj_nrecs) {
		if (inj_remove(&inj_recs[i], &cause) == -1)
			p->err = errno != 0 ? errno : EIO;
		inj_drop(i);
	}
out:
	if (cause != NULL)
		snprintf(p->cause, sizeof p->cause, "%s", cause);
	free(cause);
	close(pidfd);
	close(dirfd);
}

static void
inj_on_term(int sig)
{
	inj_term = 1;
}

/*
 * Become the injector: a session of its own, no terminal, no descriptor
 * but the socket (as fd 3), the signals that could end it ignored or
 * turned into "clean up and exit".
 */
static int
inj_become(int sock)
{
	struct sigaction	 sa;
	sigset_t		 set;
	int			 fd, sigs[] = { SIGINT, SIGHUP, SIGQUIT,
	    SIGTSTP, SIGTTIN, SIGTTOU, SIGPIPE, SIGUSR1, SIGUSR2, SIGWINCH,
	    SIGALRM };
	size_t			 i;

	setsid();
	prctl(PR_SET_NAME, INJECTOR_COMM, 0, 0, 0);
	if ((sock = fcntl(sock, F_DUPFD_CLOEXEC, 3)) == -1)
		return (-1);
	if ((fd = open("/dev/null", O_RDWR | O_CLOEXEC)) != -1) {
		dup2(fd, STDIN_FILENO);
		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
	}
	if (sock != 3) {
		if (dup3(sock, 3, O_CLOEXEC) == -1)
			return (-1);
		sock = 3;
	}
	if (syscall(SYS_close_range, 4U, ~0U, 0) == -1) {
		for (fd = 4; fd < 1024; fd++)
			close(fd);
	}

	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = SIG_IGN;
	for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		sigaction(sigs[i], &sa, NULL);
	sa.sa_handler = inj_on_term;
	sigaction(SIGTERM, &sa, NULL);
	sa.sa_handler = SIG_DFL;
	sigaction(SIGCHLD, &sa, NULL);
	/* SIGTERM only while waiting for a request: never mid-injection. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_SETMASK, &set, NULL);

	/* It is small and must outlive sdtop: spare it from the OOM killer. */
	if ((fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC)) !=
	    -1) {
		if (write(fd, "-1000", 5) == -1)
			(void)0;
		close(fd);
	}
	return (sock);
}

/* The injector's life: serve requests, then undo everything and exit. */
void
inj_serve(int sock)
{
	struct inj_req	 q;
	struct inj_rep	 p;
	struct pollfd	 pfd;
	sigset_t	 waitmask;
	char		*cause;
	int		 fds[2], copy, r;

	if ((sock = inj_become(sock)) == -1)
		_exit(1);
	inj_record_prune();
	sigemptyset(&waitmask);
	for (;;) {
		pfd.fd = sock;
		pfd.events = POLLIN;
		pfd.revents = 0;
		r = ppoll(&pfd, 1, NULL, &waitmask);
		if (inj_term)
			break;
		if (r == -1) {
			if (errno == EINTR)
				continue;
			break;
		}
		r = inj_recv(sock, &q, sizeof q, fds, 2);
		if (r == 1)
			break;
		if (r == -1) {
			if (errno == EPROTO)
				continue;
			break;
		}
		if (fds[0] == -1 || fds[1] == -1) {
			if (fds[0] != -1)
				close(fds[0]);
			if (fds[1] != -1)
				close(fds[1]);
			memset(&p, 0, sizeof p);
			p.err = EPROTO;
			inj_send(sock, &p, sizeof p, -1, -1);
			continue;
		}
		inj_handle(&q, fds[0], fds[1], &p, &copy);
		inj_send(sock, &p, sizeof p, copy, -1);
	}
	/* sdtop has gone, or asked us to stop: undo what is left. */
	while (inj_nrecs > 0) {
		cause = NULL;
		inj_remove(&inj_recs[inj_nrecs - 1], &cause);
		free(cause);
		inj_drop(inj_nrecs - 1);
	}
	_exit(0);
}

