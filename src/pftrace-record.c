/*
 * pftrace-record.c - record a command's page faults and address-space
 * changes with an unmodified kernel.
 *
 * The command and every task it starts run under ptrace. Their faults
 * come from perf events, one set per thread (pftrace-perf.c), drained
 * into the trace whenever the tasks are quiet and before each change of
 * their address space.
 *
 * Region changes come from ptrace: a seccomp filter returns
 * SECCOMP_RET_TRACE for the memory system calls only, the tracer resumes
 * such a call to its exit stop, and there diffs /proc/PID/maps against
 * the previous layout (pftrace-layout.c). Without seccomp every system
 * call stops twice (PTRACE_SYSCALL), which is slower but equivalent.
 * The records of a call take the time the kernel stamped on the first
 * region it changed (a perf mmap record of the calling thread, between
 * the call's entry and exit stops), so they fall exactly between the
 * faults of that thread before and after the change; a call the kernel
 * reports no change for (munmap, mremap) takes the time of its exit.
 *
 * Times are CLOCK_MONOTONIC nanoseconds (perf's use_clockid) minus the
 * moment the command was let go; sizes of ring buffers are pages.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/ptrace.h>
#include <sys/signalfd.h>
#include <sys/wait.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cause.h"
#include "page.h"
#include "proc-maps.h"
#include "pftrace-format.h"
#include "pftrace-layout.h"
#include "pftrace-perf.h"
#include "pftrace-record.h"
#include "pftrace-tasks.h"
#include "pftrace-tracee.h"

/* The number of ring buffers polled at once, and the signalfd. */
#define POLL_MAX	64

struct rec {
	const struct pfrec_options *o;
	struct pfrec_stats *st;
	FILE		*out;
	bool		 werr;		/* a write to out failed */
	int		 werrno;
	uint64_t	 t0;		/* CLOCK_MONOTONIC ns at the start */
	uint64_t	 next_id;
	size_t		 page;
	struct pftracee	 cmd;		/* the command */
	struct pftasks	 ts;		/* the traced tasks and processes */
	struct pfperf	 perf;
	struct pollfd	*pfd;
};

static uint64_t
now_ns(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec);
}

static uint64_t
rel_time(const struct rec *R, uint64_t t)
{
	return (t > R->t0 ? t - R->t0 : 0);
}

/* Write one record, remembering the first write error. */
static int
emit(void *arg, const struct pf_rec *r)
{
	struct rec	*R = arg;

	if (R->werr)
		return (0);
	if (pftrace_write(R->out, r) != 0) {
		R->werr = true;
		R->werrno = errno;
	}
	if (r->type == PFR_ADD || r->type == PFR_CHANGE ||
	    r->type == PFR_REMOVE)
		R->st->region_records++;
	return (0);
}

static void
emit_info(struct rec *R, const char *key, const char *value)
{
	struct pf_rec	r;

	memset(&r, 0, sizeof r);
	r.type = PFR_INFO;
	snprintf(r.key, sizeof r.key, "%s", key);
	r.value = (char *)value;
	emit(R, &r);
}

/* A record stamped now for task t with a cause. */
static void
stamp(struct rec *R, struct pf_rec *r, enum pf_rec_type type,
    const struct pftask *t, const char *cause)
{
	memset(r, 0, sizeof *r);
	r->type = type;
	r->time = rel_time(R, now_ns());
	r->pid = t->p->pid;
	r->tid = t->tid;
	if (cause != NULL)
		snprintf(r->cause, sizeof r->cause, "%s", cause);
}

/* Open the page-fault events of t, enabled now or at its next exec. */
static int
task_open(struct rec *R, struct pftask *t, bool on_exec, char **cause)
{
	int	ret;

	ret = pfperf_open(&R->perf, &t->ev, t->tid, on_exec, cause);
	R->st->ring_pages = R->perf.ring_got;
	return (ret);
}

/* Where the samples of a ring buffer go: the recorder and the thread. */
struct sample_to {
	struct rec	*R;
	struct pftask	*t;
};

/*
 * Write a sample of thread to->t: a fault, or a count of lost records;
 * a region change the kernel reported is the time of t's memory call.
 */
static void
on_sample(void *arg, const struct pfperf_sample *s)
{
	const struct sample_to	*to = arg;
	struct rec		*R = to->R;
	struct pf_rec		 r;

	if (s->region) {
		/* The first change the kernel made in t's memory call. */
		if (to->t->call_start != 0 && to->t->call_time == 0 &&
		    s->time >= to->t->call_start)
			to->t->call_time = s->time;
		return;
	}
	if (s->lost) {
		stamp(R, &r, PFR_LOST, to->t, NULL);
		r.count = s->count;
		emit(R, &r);
		R->st->lost += s->count;
		return;
	}
	memset(&r, 0, sizeof r);
	r.type = PFR_FAULT;
	r.time = rel_time(R, s->time);
	r.pid = to->t->p->pid;
	r.tid = to->t->tid;
	r.addr = s->addr;
	r.ip = s->ip;
	r.kind = s->kind;
	r.sev = s->sev;
	emit(R, &r);
	R->st->faults++;
}

/*
 * Whether t's samples may be written now. Not before its process's proc
 * record (the command's events start at its exec, whose proc record is
 * written at the exec event stop), nor while it runs execve(): the
 * kernel's own faults late in the call (the new stack, .bss) fall in the
 * new program, after the records of the exec. Until then they wait in
 * the ring.
 */
static bool
task_writable(const struct pftask *t)
{
	return (t->p != NULL && t->p->started && !t->in_exec);
}

/* Write everything t's ring buffer holds. */
static void
task_drain(struct rec *R, struct pftask *t)
{
	struct sample_to	to = { R, t };

	if (task_writable(t))
		pfperf_drain(&R->perf, &t->ev, on_sample, &to);
}

/* Write t's tracepoint sample that got no major/minor sample. */
static void
task_flush(struct rec *R, struct pftask *t)
{
	struct sample_to	to = { R, t };

	if (task_writable(t))
		pfperf_flush(&t->ev, on_sample, &to);
}

static void
drain_all(struct rec *R)
{
	size_t	i;

	for (i = 0; i < R->ts.nt; i++)
		task_drain(R, R->ts.t[i]);
}

/*
 * Diff p's maps against its layout, stamping records for t and cause at
 * time when (CLOCK_MONOTONIC ns; 0: now); layout_update() first writes
 * the faults that came before. Maps that cannot be read (the process
 * has gone) change nothing.
 */
static void
layout_read(struct rec *R, struct pftask *t, const char *cause,
    uint64_t when)
{
	struct vma_list	 now = { NULL, 0, 0 };
	struct pf_rec	 tmpl;

	if (pfproc_maps(t->p, &now) != 0) {
		vma_list_free(&now);
		return;
	}
	stamp(R, &tmpl, PFR_ADD, t, cause);
	if (when != 0)
		tmpl.time = rel_time(R, when);
	pflayout_update(&t->p->layout, &now, &R->next_id, &tmpl, emit, R);
	vma_list_free(&now);
}

static void
layout_update(struct rec *R, struct pftask *t, const char *cause)
{
	drain_all(R);
	layout_read(R, t, cause, 0);
}

/*
 * The exit of t's memory call: its records are stamped with the time
 * of the first region change the kernel reported in the call (a
 * PERF_RECORD_MMAP2 of mmap, mprotect, brk, ...: the moment the new
 * layout took effect), else with now (munmap reports none).
 */
static void
memcall_done(struct rec *R, struct pftask *t)
{
	drain_all(R);
	layout_read(R, t, t->memcall, t->call_time);
}

/*
 * Resume t, to the next memory call (or the exit of this one, or of an
 * execve() that fails).
 */
static void
task_resume(struct rec *R, struct pftask *t, int sig)
{
	int	req;

	if (t->in_memcall || t->in_exec || !R->cmd.seccomp)
		req = PTRACE_SYSCALL;
	else
		req = PTRACE_CONT;
	ptrace(req, t->tid, 0, (void *)(long)sig);
}

/* Fill the how and status of an exit record from a wait status. */
static void
exit_status(struct pf_rec *r, int status)
{
	if (WIFEXITED(status)) {
		strcpy(r->how, "exited");
		r->status = WEXITSTATUS(status);
	} else if (WIFSIGNALED(status)) {
		strcpy(r->how, "signal");
		r->status = WTERMSIG(status);
	} else
		strcpy(r->how, "gone");
}

/*
 * The thread is gone: drain it, write its exit (and, for the last thread
 * of a process, the removal of every region), forget it.
 */
static void
task_gone(struct rec *R, struct pftask *t, int status, bool quiet)
{
	struct pfproc	*p = t->p;
	struct pf_rec	 r;

	/* Killed in execve(): what it wrote is written before its end. */
	t->in_exec = false;
	task_drain(R, t);
	task_flush(R, t);
	if (p != NULL && p->record && p->started && !quiet) {
		if (p->nthreads == 1) {
			stamp(R, &r, PFR_REMOVE, t, "exit");
			pflayout_clear(&p->layout, &r, emit, R);
		}
		stamp(R, &r, PFR_EXIT, t, NULL);
		exit_status(&r, status);
		emit(R, &r);
	}
	if (t->tid == R->cmd.pid && !quiet)
		R->st->status = status;
	pfperf_close(&R->perf, &t->ev);
	pftasks_remove(&R->ts, t);
}

static int	task_announce(struct rec *, struct pftask *, struct pftask *,
		    bool, int, char **);

/* A new task reported by a fork, vfork or clone event of parent. */
static int
task_born(struct rec *R, struct pftask *parent, pid_t tid, int event,
    char **cause)
{
	struct pftask	*t;
	struct pfproc	*p;
	bool		 thread = pfproc_has_thread(parent->p, tid);
	bool		 record;

	if ((t = pftasks_find(&R->ts, tid)) == NULL) {
		if ((t = pftasks_add(&R->ts, tid, NULL)) == NULL)
			goto nomem;
		t->expect_stop = true;
	}
	if (t->p != NULL)
		return (0);
	if (thread)
		p = parent->p;
	else {
		record = R->o->follow && parent->p->record;
		if ((p = pftasks_add_proc(&R->ts, tid, record)) == NULL)
			goto nomem;
		p->started = parent->p->started;
	}
	t->p = p;
	p->nthreads++;
	if (p->record && p->started &&
	    task_announce(R, parent, t, thread, event, cause) != 0)
		return (-1);
	if (t->held) {
		t->held = false;
		task_resume(R, t, 0);
	}
	return (0);
nomem:
	*cause = cause_errno(ENOMEM, "recording a new task");
	return (-1);
}

/* Open the events of a new recorded task and write its records. */
static int
task_announce(struct rec *R, struct pftask *parent, struct pftask *t,
    bool thread, int event, char **cause)
{
	struct pf_rec	r;
	char		how[16];

	if (task_open(R, t, false, cause) != 0)
		return (-1);
	R->st->threads++;
	if (thread) {
		stamp(R, &r, PFR_THREAD, t, NULL);
		strcpy(r.how, "clone");
	} else {
		R->st->procs++;
		stamp(R, &r, PFR_PROC, t, NULL);
		r.ppid = parent->p->pid;
		snprintf(how, sizeof how, "%s", event == PTRACE_EVENT_VFORK ?
		    "vfork" : event == PTRACE_EVENT_FORK ? "fork" : "clone");
		memcpy(r.how, how, sizeof r.how);
		emit(R, &r);
		stamp(R, &r, PFR_THREAD, t, NULL);
		strcpy(r.how, "start");
	}
	emit(R, &r);
	if (!thread)
		layout_update(R, t, how);
	return (0);
}

/*
 * The exec event of t: a new address space (the first one: the start).
 * Returns the task that goes on under t's id.
 */
static struct pftask *
task_exec(struct rec *R, struct pftask *t)
{
	struct pf_rec	 r;
	unsigned long	 former = 0;
	struct pftask	*old;

	ptrace(PTRACE_GETEVENTMSG, t->tid, 0, &former);
	if (former != 0 && (pid_t)former != t->tid &&
	    (old = pftasks_find(&R->ts, (pid_t)former)) != NULL) {
		/* A non-leader thread exec'd: it takes the leader's id. */
		task_drain(R, old);
		old->tid = t->tid;
		task_gone(R, t, 0, true);
		t = old;
	}
	/* Its samples are written once the exec's records are. */
	t->in_exec = false;
	if (!t->p->record)
		return (t);
	if (!t->p->started) {
		/*
		 * The kernel's own faults late in execve (it writes the new
		 * stack and clears .bss) are in the new layout: write the
		 * layout first and drain them after.
		 */
		t->p->started = true;
		R->st->procs++;
		R->st->threads++;
		stamp(R, &r, PFR_PROC, t, NULL);
		strcpy(r.how, "start");
		emit(R, &r);
		stamp(R, &r, PFR_THREAD, t, NULL);
		strcpy(r.how, "start");
		emit(R, &r);
		layout_read(R, t, "exec", 0);
		drain_all(R);
		return (t);
	}
	/* The old space's faults were drained at the execve entry stop. */
	stamp(R, &r, PFR_EXEC, t, NULL);
	emit(R, &r);
	stamp(R, &r, PFR_REMOVE, t, "exec");
	pflayout_clear(&t->p->layout, &r, emit, R);
	layout_read(R, t, "exec", 0);
	drain_all(R);
	return (t);
}

/* A stop of a traced task. */
static int
task_stopped(struct rec *R, struct pftask *t, int status, char **cause)
{
	unsigned long	 msg;
	int		 sig = WSTOPSIG(status), event = status >> 16;
	const char	*name;
	bool		 exit;

	R->st->stops++;
	if (sig == (SIGTRAP | 0x80) || (sig == SIGTRAP &&
	    event == PTRACE_EVENT_SECCOMP)) {
		if (pftracee_syscall(t->tid, &exit, &name) != 0) {
			task_resume(R, t, 0);
			return (0);
		}
		if (exit) {
			/* An execve() that failed: the program goes on. */
			t->in_exec = false;
			if (t->in_memcall) {
				t->in_memcall = false;
				if (t->p->record && t->p->started)
					memcall_done(R, t);
				t->call_start = 0;
			}
		} else {
			/* Faults before an exec are in the old layout. */
			if (name != NULL && strncmp(name, "exec", 4) == 0) {
				drain_all(R);
				t->in_exec = true;
			}
			/* exec has its own event; nothing to diff at exit. */
			t->in_memcall = name != NULL &&
			    strncmp(name, "exec", 4) != 0;
			t->memcall = name;
			/* The kernel's changes from now on are the call's. */
			t->call_start = t->in_memcall ? now_ns() : 0;
			t->call_time = 0;
		}
		task_resume(R, t, 0);
		return (0);
	}
	if (sig == SIGTRAP && event != 0) {
		switch (event) {
		case PTRACE_EVENT_EXEC:
			t->in_memcall = false;
			t = task_exec(R, t);
			break;
		case PTRACE_EVENT_FORK:
		case PTRACE_EVENT_VFORK:
		case PTRACE_EVENT_CLONE:
			if (ptrace(PTRACE_GETEVENTMSG, t->tid, 0, &msg) == 0 &&
			    task_born(R, t, (pid_t)msg, event, cause) != 0)
				return (-1);
			break;
		default:
			break;
		}
		task_resume(R, t, 0);
		return (0);
	}
	if (t->expect_stop && sig == SIGSTOP) {
		t->expect_stop = false;
		task_resume(R, t, 0);
		return (0);
	}
	task_resume(R, t, sig);
	return (0);
}

/* Write the info records that say what this trace holds. */
static void
write_infos(struct rec *R, char *const argv[])
{
	char	 buf[4096];
	size_t	 len = 0, i;
	int	 n;

	snprintf(buf, sizeof buf, "%zu", R->page);
	emit_info(R, "page_size", buf);
	for (i = 0; argv[i] != NULL && len < sizeof buf - 1; i++) {
		n = snprintf(buf + len, sizeof buf - len, "%s%s",
		    i > 0 ? " " : "", argv[i]);
		if (n < 0)
			break;
		len += (size_t)n;
	}
	for (i = 0; buf[i] != '\0'; i++) {
		if (buf[i] == '\n' || buf[i] == '\r')
			buf[i] = ' ';
	}
	emit_info(R, "command", buf);
	emit_info(R, "clock", "CLOCK_MONOTONIC");
	emit_info(R, "kinds", R->perf.have_tp ? "tracepoint" : "none");
	emit_info(R, "severity", "perf");
	emit_info(R, "kernel_faults", R->perf.exclude_kernel ? "no" : "yes");
	snprintf(buf, sizeof buf, "%u", R->st->ring_pages);
	emit_info(R, "ring_pages", buf);
	emit_info(R, "stops", R->cmd.seccomp ? "seccomp" : "syscall");
	emit_info(R, "follow", R->o->follow ? "yes" : "no");
}

/* Pass the signal asked for on to the recorded processes, once. */
static void
pass_signal(struct rec *R, int *passed)
{
	size_t	i;

	if (*R->o->stop == *passed)
		return;
	/* The trace ends when they have exited. */
	*passed = *R->o->stop;
	for (i = 0; i < R->ts.np; i++) {
		if (R->ts.p[i]->record && R->ts.p[i]->nthreads > 0)
			kill(R->ts.p[i]->pid, *passed);
	}
}

/* Handle what waitpid() said of task pid. */
static int
task_waited(struct rec *R, pid_t pid, int status, char **cause)
{
	struct pftask	*t;

	if ((t = pftasks_find(&R->ts, pid)) == NULL) {
		/* A new task stopped before its creator's event. */
		if ((t = pftasks_add(&R->ts, pid, NULL)) == NULL) {
			*cause = cause_errno(ENOMEM, "task");
			return (-1);
		}
	}
	if (WIFEXITED(status) || WIFSIGNALED(status))
		task_gone(R, t, status, false);
	else if (WIFSTOPPED(status)) {
		if (t->p == NULL) {
			/* Resumed when its creator reports it. */
			t->held = true;
			return (0);
		}
		return (task_stopped(R, t, status, cause));
	}
	return (0);
}

/* Nothing to wait for: write the rings, then sleep until there is. */
static void
trace_idle(struct rec *R, int sfd)
{
	struct signalfd_siginfo	 ssi;
	size_t			 i, n;
	int			 fd;

	drain_all(R);
	if (fflush(R->out) != 0 && !R->werr) {
		R->werr = true;
		R->werrno = errno;
	}
	R->pfd[0].fd = sfd;
	R->pfd[0].events = POLLIN;
	for (i = 0, n = 1; i < R->ts.nt && n < POLL_MAX; i++) {
		if (!task_writable(R->ts.t[i]) ||
		    (fd = pfperf_poll_fd(&R->ts.t[i]->ev)) < 0)
			continue;
		R->pfd[n].fd = fd;
		R->pfd[n++].events = POLLIN;
	}
	if (poll(R->pfd, n, 200) > 0 && (R->pfd[0].revents & POLLIN))
		(void)!read(sfd, &ssi, sizeof ssi);
}

/* Wait for and handle every ptrace event until no task is left. */
static int
trace_loop(struct rec *R, int sfd, char **cause)
{
	pid_t	pid;
	int	status, passed = 0;

	for (;;) {
		pass_signal(R, &passed);
		pid = waitpid(-1, &status, __WALL | WNOHANG);
		if (pid < 0 && errno == ECHILD)
			break;
		if (pid < 0 && errno != EINTR) {
			*cause = cause_errno(errno, "waitpid");
			return (-1);
		}
		if (pid > 0) {
			if (task_waited(R, pid, status, cause) != 0)
				return (-1);
			continue;
		}
		trace_idle(R, sfd);
	}
	return (0);
}

/* Set up the recorder; -1 with *cause. */
static int
rec_init(struct rec *R, FILE *out, const struct pfrec_options *o,
    struct pfrec_stats *st, char **cause)
{
	memset(st, 0, sizeof *st);
	memset(R, 0, sizeof *R);
	R->o = o;
	R->st = st;
	R->out = out;
	R->next_id = 1;
	R->page = page_size();
	pfperf_init(&R->perf, R->page, o->ring_pages != 0 ? o->ring_pages : 64,
	    st->kind_why, sizeof st->kind_why);
	if (o->kinds)
		pfperf_find_tracepoints(&R->perf);
	else
		snprintf(st->kind_why, sizeof st->kind_why,
		    "not asked for (--no-kinds)");
	if ((R->pfd = calloc(POLL_MAX, sizeof *R->pfd)) == NULL) {
		*cause = cause_errno(errno, "poll set");
		return (-1);
	}
	return (0);
}

/*
 * Trace the stopped command, open its events, write the head of the
 * trace and let it go; on failure kill it, -1 with *cause.
 */
static int
rec_attach(struct rec *R, char *const argv[], char **cause)
{
	pid_t		 pid = R->cmd.pid;
	struct pfproc	*p;
	struct pftask	*t;
	int		 status;

	pftracee_set_options(&R->cmd);
	if ((p = pftasks_add_proc(&R->ts, pid, true)) == NULL ||
	    (t = pftasks_add(&R->ts, pid, p)) == NULL) {
		*cause = cause_errno(ENOMEM, "task");
		goto fail;
	}
	if (task_open(R, t, true, cause) != 0)
		goto fail;
	R->st->have_kind = R->perf.have_tp;
	R->st->kernel_faults = !R->perf.exclude_kernel;
	if (pftrace_write_header(R->out) != 0) {
		*cause = cause_errno(errno, "writing the trace");
		goto fail;
	}
	write_infos(R, argv);
	R->t0 = now_ns();
	task_resume(R, t, 0);
	return (0);

fail:
	kill(pid, SIGKILL);
	waitpid(pid, &status, __WALL);
	return (-1);
}

/*
 * After the last task: unless the exec failed (the command's pipe says
 * so), write the end record. -1 with *cause.
 */
static int
rec_finish(struct rec *R, char *const argv[], char **cause)
{
	struct pf_rec	 r;

	if (pftracee_finish(&R->cmd, argv[0], cause) != 0)
		return (-1);
	memset(&r, 0, sizeof r);
	r.type = PFR_END;
	r.time = rel_time(R, now_ns());
	r.count = R->st->faults;
	r.lost = R->st->lost;
	emit(R, &r);
	if (fflush(R->out) != 0 && !R->werr) {
		R->werr = true;
		R->werrno = errno;
	}
	if (R->werr) {
		*cause = cause_errno(R->werrno, "writing the trace");
		return (-1);
	}
	return (0);
}

int
pfrec_run(char *const argv[], FILE *out, const struct pfrec_options *o,
    struct pfrec_stats *st, char **cause)
{
	struct rec	 R;
	sigset_t	 chld, old;
	int		 sfd, ret = -1;

	if (rec_init(&R, out, o, st, cause) != 0)
		return (-1);
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, &old);
	if ((sfd = signalfd(-1, &chld, SFD_CLOEXEC | SFD_NONBLOCK)) < 0)
		*cause = cause_errno(errno, "signalfd or pipe");
	else if (pftracee_spawn(&R.cmd, argv, o->seccomp, &old, cause) == 0) {
		st->seccomp = R.cmd.seccomp;
		if (rec_attach(&R, argv, cause) == 0 &&
		    trace_loop(&R, sfd, cause) == 0 &&
		    rec_finish(&R, argv, cause) == 0)
			ret = 0;
		pftracee_close(&R.cmd);
	}
	pftasks_free(&R.ts, &R.perf);
	free(R.pfd);
	if (sfd >= 0)
		close(sfd);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return (ret);
}
