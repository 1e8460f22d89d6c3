/*
 * session.c - watching one live process: open, choose and attach a
 * method, and run clear/collect cycles that each yield a snapshot.
 *
 * Times: interval and clear_time in seconds, *_ms in milliseconds.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cause.h"
#include "cost.h"
#include "discard.h"
#include "faultcost.h"
#include "now.h"
#include "session.h"
#include "snapshot.h"

volatile sig_atomic_t session_stop;

/*
 * A fault's cost under each method, measured once (by the first session
 * that uses it): it is the machine's, the same for every process.
 */
static double	 uffd_ns = -1, softdirty_ns = -1;

/*
 * Measure what one write-protect fault costs, once for each method that
 * makes the target take them; unknown (-1) when it cannot be measured,
 * which never fails the run.
 */
static void
session_fault_cost(struct session *s)
{
	const struct track_method	*m = s->tracker.method;
	char				*why = NULL;

	if (m == s->cost_method)
		return;
	s->cost_method = m;
	s->fault_ns = -1;
	if (m == &track_uffd) {
		if (uffd_ns <= 0)
			faultcost_uffd_wp(&uffd_ns, &why);
		s->fault_ns = uffd_ns;
	} else if (m == &track_softdirty) {
		if (softdirty_ns <= 0)
			faultcost_softdirty(&softdirty_ns, &why);
		s->fault_ns = softdirty_ns;
	}
	free(why);
}

/*
 * Open the process of o->pid: given the id of a thread, its process (the
 * thread group), read through a live thread when its main one has exited;
 * one line in *cause when there is none.
 */
static int
session_open_process(struct session *s, const struct session_options *o,
    char **cause)
{
	const char	*root = o->proc_root != NULL ? o->proc_root : "/proc";
	long		 tgid;

	if (proc_open(&s->target, root, o->pid, cause) == -1)
		return (-1);
	if (proc_status_long(&s->target, 0, "Tgid", &tgid) == 0 &&
	    tgid > 0 && tgid != (long)o->pid) {
		proc_close(&s->target);
		if (proc_open(&s->target, root, (pid_t)tgid, cause) == -1)
			return (-1);
	}
	/* Its main thread gone, it is read through another. */
	proc_use_live_thread(&s->target);
	return (0);
}

/* Why a process shows no memory map, in one line for the user. */
static char *
session_no_memory(struct session *s)
{
	unsigned long long	flags;

	if (proc_stat_field(&s->target, 9, &flags) == 0 &&
	    (flags & PROC_PF_KTHREAD))
		return (cause_fmt("PID %ld (%s) is a kernel thread: it has no "
		    "user memory to watch", (long)s->target.pid, s->comm));
	return (cause_fmt("process %ld (%s) has exited", (long)s->target.pid,
	    s->comm));
}

/*
 * Whether the process ran a new program while it was being opened: it
 * still runs, is not exiting, is no kernel thread, and the address space
 * whose pagemap was opened has gone (its maps may then have read as none,
 * or its pagemap as holding nothing).
 */
static bool
session_execed(struct session *s)
{
	unsigned long long	flags;

	if (proc_running(&s->target) != 1 || proc_exiting(&s->target) == 1 ||
	    (proc_stat_field(&s->target, 9, &flags) == 0 &&
	    (flags & PROC_PF_KTHREAD)))
		return (false);
	return (proc_mm_alive(&s->target) == 0);
}

/*
 * Undo a failed open, keeping errno; whether the process ran a new
 * program meanwhile.
 */
static bool
session_open_failed(struct session *s, char **why_method)
{
	bool	execed;
	int	err = errno;

	execed = session_execed(s);
	vma_list_free(&s->at_clear);
	if (why_method != NULL) {
		free(*why_method);
		*why_method = NULL;
	}
	history_free(&s->history);
	proc_close(&s->target);
	errno = err;
	return (execed);
}

/* Open the process, read its maps and attach the method; -1 with *cause. */
static int
session_open_once(struct session *s, const struct session_options *o,
    char **why_method, bool *execed, char **cause)
{
	const struct track_method	*m;
	char				*why = NULL;

	memset(s, 0, sizeof *s);
	s->all_vmas = o->all_vmas;
	s->interval = s->user_interval = o->interval;
	s->max_cost = o->max_cost;
	s->fault_ns = -1;
	s->bandwidth_bps = o->bandwidth_bps;
	history_init(&s->history, o->window, o->tolerance);
	if (why_method != NULL)
		*why_method = NULL;

	if (session_open_process(s, o, cause) == -1)
		return (-1);
	if (proc_comm(&s->target, s->comm, sizeof s->comm) == -1) {
		*cause = proc_gone(errno) ?
		    cause_fmt("no such process: %ld", (long)o->pid) :
		    cause_errno(errno, "cannot read the name of process %ld",
		    (long)o->pid);
		goto fail;
	}

	/*
	 * Hold the address space the method will be attached to: its pagemap
	 * reads nothing once the process runs another program.
	 */
	if (proc_pagemap_fd(&s->target) == -1 && !proc_gone(errno) &&
	    errno != EACCES && errno != EPERM) {
		*cause = cause_errno(errno, "cannot open the pagemap of "
		    "process %ld", (long)o->pid);
		goto fail;
	}

	/* Reading maps needs the same right as every method: say so first. */
	if (maps_read(&s->target, &s->at_clear, cause) == -1) {
		if (errno == EACCES || errno == EPERM) {
			free(*cause);
			*cause = cause_fmt("no permission to watch process %ld "
			    "(%s): run sdtop as its owner or as root",
			    (long)s->target.pid, s->comm);
		}
		goto fail;
	}
	if (s->at_clear.n == 0) {
		*cause = session_no_memory(s);
		goto fail;
	}

	s->tracker.target = &s->target;
	if (o->method == NULL || strcmp(o->method, "auto") == 0) {
		s->auto_method = true;
		if (track_attach_auto(&s->tracker, &s->target, &why,
		    cause) == -1)
			goto fail;
		if (why_method != NULL)
			*why_method = why;
		else
			free(why);
	} else {
		if ((m = track_find(o->method)) == NULL) {
			*cause = cause_fmt("unknown method: %s", o->method);
			goto fail;
		}
		if (m->probe(&s->target, &why) == -1) {
			*cause = why != NULL ? why :
			    cause_fmt("%s is not available here", m->name);
			goto fail;
		}
		free(why);
		why = NULL;
		/* Chosen by name: it is used, and what it leaves out is said. */
		if (m->lasting_cost != NULL &&
		    m->lasting_cost(&s->target, &why) == 1 &&
		    why_method != NULL)
			*why_method = cause_fmt("%s; those regions are left "
			    "untracked (-m hash would track them)", why);
		free(why);
		s->tracker.method = m;
		if (m->attach(&s->tracker, cause) == -1)
			goto fail;
	}
	s->attached = true;
	session_fault_cost(s);
	return (0);

fail:
	*execed = session_open_failed(s, why_method);
	return (-1);
}

/*
 * Whether a step that failed with errno err failed because the process
 * has gone or is exiting (an exiting process cannot be stopped: EPERM).
 */
static bool
session_is_gone(struct session *s, int err)
{
	bool	 gone;

	gone = proc_gone(err) || proc_exiting(&s->target) == 1;
	errno = err;
	return (gone);
}

/*
 * A process that runs execve() while sdtop opens it is opened again, on
 * its new program, for up to 200 ms.
 */
int
session_open(struct session *s, const struct session_options *o,
    char **why_method, char **cause)
{
	struct timespec	 ts = { 0, 10000000 };
	bool		 execed;
	int		 tries;

	for (tries = 0;; tries++) {
		execed = false;
		if (session_open_once(s, o, why_method, &execed, cause) == 0)
			return (0);
		if (!execed || tries == 20)
			return (-1);
		free(*cause);
		*cause = NULL;
		nanosleep(&ts, NULL);
	}
}

/*
 * Clear; fresh: the method keeps nothing of the cycles before. When it
 * kept its last collect's reading, the cycle began at that collect.
 */
static int
session_clear_how(struct session *s, bool fresh, char **cause)
{
	const struct track_method	*m = s->tracker.method;
	double				 t0, cpu0 = now_cpu();

	/* A new image: the next collect says so and attaches to it. */
	s->clear_real = now_real();
	if (s->mm_gone || proc_mm_alive(&s->target) == 0) {
		s->mm_gone = true;
		s->clear_time = now_mono();
		return (0);
	}
	if (maps_read(&s->target, &s->at_clear, cause) == -1)
		return (-1);
	t0 = now_mono();
	/*
	 * A cycle runs on from the last collect, however long printing or
	 * drawing it took: no write is lost. session_restart() starts
	 * afresh ("clear now", a new interval, the end of a pause).
	 */
	s->tracker.fresh = fresh || s->read_end == 0;
	s->tracker.kept = false;
	if (m->start_cycle(&s->tracker, &s->at_clear, cause) == -1) {
		/* Exiting: the next collect says so. */
		if (!session_is_gone(s, errno))
			return (-1);
		free(*cause);
		*cause = NULL;
		s->mm_gone = true;
	}
	s->clear_time = now_mono();
	s->clear_ms = (s->clear_time - t0) * 1e3;
	if (s->tracker.kept) {
		s->clear_time = s->read_end;
		s->clear_real = s->read_real;
	}
	s->cpu_clear = now_cpu() - cpu0;
	return (0);
}

int
session_clear(struct session *s, char **cause)
{
	return (session_clear_how(s, false, cause));
}

/* Fill the fields every snapshot of the session has. */
static void
session_stamp(struct session *s, struct snapshot *snap)
{
	snap->cycle = ++s->cycle;
	snap->pid = s->target.pid;
	snprintf(snap->comm, sizeof snap->comm, "%s", s->comm);
	snprintf(snap->method, sizeof snap->method, "%s",
	    s->tracker.method != NULL ? s->tracker.method->name : "none");
	snap->interval = s->interval;
	snap->time = now_real();
	if (s->max_cost > 0) {
		snap->max_cost = s->max_cost;
		snap->user_interval = s->user_interval;
		snap->lengthened = s->interval > s->user_interval;
	}
}

/* A snapshot that only says the target has gone. */
static struct snapshot *
session_exited(struct session *s)
{
	struct snapshot	*snap;

	if ((snap = snapshot_new(0)) == NULL)
		return (NULL);
	session_stamp(s, snap);
	snap->exited = true;
	return (snap);
}

/*
 * The process runs a new program: attach the method to the new image (or,
 * under "auto", the best method for it) and make the cycle's snapshot,
 * which shows the new regions, all new, and restarts the history.
 */
static int
session_exec(struct session *s, struct snapshot **out, char **cause)
{
	const struct track_method	*m = s->tracker.method;
	struct vma_list			 now = { 0 };
	struct snapshot			*snap;
	char				*why = NULL;
	size_t				 i;
	int				 r;

	if (s->attached)
		m->detach(&s->tracker);
	s->attached = false;
	s->mm_gone = false;
	/* The old image is gone, and with it anything left in it. */
	free(s->tracker.left);
	s->tracker.left = NULL;
	proc_mm_reset(&s->target);
	if (proc_comm(&s->target, s->comm, sizeof s->comm) == -1 ||
	    maps_read(&s->target, &now, cause) == -1) {
		if (proc_gone(errno)) {
			free(*cause);
			*cause = NULL;
			vma_list_free(&now);
			return (1);
		}
		return (-1);
	}
	history_reset(&s->history);
	discard_free(&s->discard);
	proc_pagemap_fd(&s->target);
	if (s->auto_method)
		r = track_attach_auto(&s->tracker, &s->target, &why, cause);
	else
		r = m->attach(&s->tracker, cause);
	free(why);
	if (r == -1) {
		vma_list_free(&now);
		if (!session_is_gone(s, errno))
			return (-1);
		free(*cause);
		*cause = NULL;
		return (1);
	}
	s->attached = true;
	session_fault_cost(s);
	if ((snap = snapshot_new(now.n)) == NULL)
		goto nomem;
	for (i = 0; i < now.n; i++) {
		if (snapshot_set_vma(snap, i, &now.v[i], false, true) == -1) {
			snapshot_free(snap);
			goto nomem;
		}
	}
	vma_list_free(&now);
	snapshot_count(snap);
	session_stamp(s, snap);
	snap->exec = true;
	*out = snap;
	return (0);

nomem:
	vma_list_free(&now);
	*cause = cause_fmt("out of memory");
	errno = ENOMEM;
	return (-1);
}

/*
 * The address space the method watched is gone, or a read failed as if
 * the process had: it exited, or ran a new program (it still runs, with
 * another one). While a thread that is not the main one runs execve(),
 * the process looks gone for a moment (the main thread exits, the other
 * takes its place): what it is is asked again, for up to 200 ms, before
 * it is taken for gone; a process whose threads all exit is gone at once.
 * Fills *out with the snapshot that says which; -1 with *cause on failure.
 */
static int
session_ended(struct session *s, struct snapshot **out, char **cause)
{
	struct timespec	 ts = { 0, 10000000 };
	bool		 execed = false;
	int		 tries;

	for (tries = 0; proc_running(&s->target) == 1; tries++) {
		/*
		 * Its address space goes at the start of an exit, and freeing
		 * it may take seconds before the process is a zombie: one
		 * that exits has exited, it runs no other program.
		 */
		if (proc_exiting(&s->target) == 1)
			break;
		/* Once seen, an exec is followed to its end. */
		if (execed || proc_mm_alive(&s->target) == 0) {
			execed = true;
			switch (session_exec(s, out, cause)) {
			case 0:
				return (0);
			case -1:
				return (-1);
			}
		}
		if (tries == 20)
			break;
		nanosleep(&ts, NULL);
	}
	if ((*out = session_exited(s)) == NULL) {
		*cause = cause_fmt("out of memory");
		errno = ENOMEM;
		return (-1);
	}
	return (0);
}

/*
 * Read the maps into a new snapshot and have the method fill it. 0 with
 * *out; 1 when the process (or its address space) has gone; -1 with
 * *cause.
 */
static int
session_scan(struct session *s, struct snapshot **out, char **cause)
{
	struct vma_list		 now = { 0 };
	struct snapshot		*snap;
	const struct vma	*v;
	double			 t0, real0, cpu0 = now_cpu();
	bool			 is_new;
	size_t			 i;

	if (maps_read(&s->target, &now, cause) == -1) {
		if (!proc_gone(errno))
			return (-1);
		free(*cause);
		*cause = NULL;
		return (1);
	}
	/* A zombie has no memory map left: it has exited, only unreaped. */
	if (now.n == 0)
		return (1);
	if ((snap = snapshot_new(now.n)) == NULL)
		goto nomem;
	for (i = 0; i < now.n; i++) {
		v = &now.v[i];
		is_new = vma_list_find(&s->at_clear, v->start, v->end) == NULL;
		if (snapshot_set_vma(snap, i, v, (s->all_vmas ||
		    vma_trackable(v)) && !is_new, is_new) == -1)
			goto nomem;
	}
	vma_list_free(&now);

	real0 = now_real();
	t0 = now_mono();
	if (s->tracker.method->collect(&s->tracker, snap, cause) == -1) {
		snapshot_free(snap);
		if (!session_is_gone(s, errno))
			return (-1);
		free(*cause);
		*cause = NULL;
		return (1);
	}
	snap->scan_ms = (now_mono() - t0) * 1e3;
	if (!s->tracker.peek) {
		s->read_end = t0 + snap->scan_ms / 1e3;
		s->read_real = real0;
	}
	if (discard_judge(&s->discard, snap, s->tracker.peek) == -1) {
		snapshot_free(snap);
		*cause = cause_fmt("out of memory");
		errno = ENOMEM;
		return (-1);
	}
	snapshot_count(snap);
	s->cpu_scan = now_cpu() - cpu0;
	*out = snap;
	return (0);

nomem:
	vma_list_free(&now);
	snapshot_free(snap);
	*cause = cause_fmt("out of memory");
	errno = ENOMEM;
	return (-1);
}

/*
 * What watching cost in the cycle of snap: the target's faults, or for
 * hash sdtop's own CPU time, over the time the cycle lasted (from its
 * clear, or the collect it ran on from, to the end of its scan: longer
 * than the interval when printing or scanning takes long). After a whole
 * cycle, --max-cost sets the interval of the next one by it.
 */
static void
session_cost(struct session *s, struct snapshot *snap, bool whole)
{
	const struct track_method	*m = s->tracker.method;
	double				 pct = -1, span;

	span = snap->time - snap->clear_time;
	if (snap->clear_time <= 0 || !(span > 0))
		span = snap->interval;
	if (m == &track_hash) {
		pct = cost_cpu_percent(s->cpu_clear + s->cpu_scan, span);
		snap->cost_kind = SNAP_COST_SDTOP_CPU;
	} else if (m == s->cost_method && s->fault_ns > 0) {
		pct = cost_faults_percent(snap->dirty_pages, s->fault_ns,
		    span);
		snap->cost_kind = SNAP_COST_FAULTS;
		snap->fault_ns = s->fault_ns;
	}
	if (pct < 0)
		snap->cost_kind = SNAP_COST_UNKNOWN;
	else
		snap->cost_percent = pct;
	if (whole && s->max_cost > 0)
		s->interval = cost_next_interval(s->interval, s->user_interval,
		    pct, s->max_cost);
}

/*
 * End the cycle (whole) or only look at it: the snapshot of what was
 * written since the clear. As session_collect().
 */
static int
session_collect_cycle(struct session *s, struct snapshot **out, bool whole,
    char **cause)
{
	struct snapshot	*snap = NULL;
	double		 elapsed, rate;

	*out = NULL;
	if (s->mm_gone || proc_mm_alive(&s->target) == 0)
		return (session_ended(s, out, cause));
	switch (session_scan(s, &snap, cause)) {
	case 1:
		return (session_ended(s, out, cause));
	case -1:
		return (-1);
	}
	elapsed = now_mono() - snap->scan_ms / 1e3 - s->clear_time;
	session_stamp(s, snap);
	snap->clear_ms = s->clear_ms;
	snap->clear_time = s->clear_real;
	/*
	 * A cycle that tracked nothing (every region failed, or none is
	 * writable) says nothing about convergence: it is not counted.
	 */
	if (snap->tracked_pages > 0) {
		if (history_push(&s->history, snap->dirty_pages) == -1) {
			snapshot_free(snap);
			*cause = cause_fmt("out of memory");
			errno = ENOMEM;
			return (-1);
		}
		snap->converged = history_converged(&s->history);
	}
	if (s->bandwidth_bps > 0) {
		rate = elapsed > 0 ? (double)snap->dirty_pages *
		    (double)snap->page_size / elapsed : 0;
		precopy_estimate(&snap->precopy, s->bandwidth_bps, rate,
		    snap->resident_pages * snap->page_size);
		snap->has_precopy = true;
	}
	session_cost(s, snap, whole);
	*out = snap;
	return (0);
}

int
session_collect(struct session *s, struct snapshot **out, char **cause)
{
	return (session_collect_cycle(s, out, true, cause));
}

int
session_restart(struct session *s, char **cause)
{
	history_reset(&s->history);
	/* What was present before the clear is not this cycle's to judge. */
	discard_free(&s->discard);
	return (session_clear_how(s, true, cause));
}

int
session_rescan(struct session *s, struct snapshot **out, char **cause)
{
	size_t	 n = s->history.n;
	int	 rc;

	/* The cycle goes on: the method keeps its start. */
	s->tracker.peek = true;
	rc = session_collect_cycle(s, out, false, cause);
	s->tracker.peek = false;
	/* Pushed by the collect (an exec may have reset it instead). */
	if (s->history.n > n)
		history_pop(&s->history);
	return (rc);
}

void
session_set_interval(struct session *s, double seconds)
{
	s->interval = s->user_interval = seconds;
}

char *
session_close(struct session *s)
{
	char	*left;

	if (s->attached) {
		s->tracker.method->detach(&s->tracker);
		s->attached = false;
	}
	left = s->tracker.left;
	s->tracker.left = NULL;
	vma_list_free(&s->at_clear);
	history_free(&s->history);
	discard_free(&s->discard);
	proc_close(&s->target);
	return (left);
}
