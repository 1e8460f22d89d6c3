/*
 * pftrace-tasks.c - the tables of traced tasks and processes, and the
 * reading of a process's procfs files through the proc layer.
 *
 * A process's procfs directory is opened on first use and kept until its
 * last thread has gone. The traced tasks are the tracer's own children
 * (or theirs), so their PIDs are not recycled while they are traced.
 */
#include "config.h"

#include <stdlib.h>

#include "array.h"
#include "proc-maps.h"
#include "pftrace-tasks.h"
#include "proc.h"

struct pftask *
pftasks_find(struct pftasks *ts, pid_t tid)
{
	size_t	i;

	for (i = 0; i < ts->nt; i++) {
		if (ts->t[i]->tid == tid)
			return (ts->t[i]);
	}
	return (NULL);
}

struct pftask *
pftasks_add(struct pftasks *ts, pid_t tid, struct pfproc *p)
{
	struct pftask	**nt, *t;

	nt = array_reserve(ts->t, ts->nt + 1, &ts->capt, sizeof *ts->t);
	if (nt == NULL)
		return (NULL);
	ts->t = nt;
	if ((t = calloc(1, sizeof *t)) == NULL)
		return (NULL);
	t->tid = tid;
	t->p = p;
	pfperf_thread_init(&t->ev);
	ts->t[ts->nt++] = t;
	if (p != NULL)
		p->nthreads++;
	return (t);
}

struct pfproc *
pftasks_add_proc(struct pftasks *ts, pid_t pid, bool record)
{
	struct pfproc	**np, *p;

	np = array_reserve(ts->p, ts->np + 1, &ts->capp, sizeof *ts->p);
	if (np == NULL)
		return (NULL);
	ts->p = np;
	if ((p = calloc(1, sizeof *p)) == NULL)
		return (NULL);
	p->pid = pid;
	p->record = record;
	ts->p[ts->np++] = p;
	return (p);
}

/* Close the procfs directory of p, if it is open. */
static void
proc_target_drop(struct pfproc *p)
{
	if (p->opened)
		proc_close(&p->target);
	p->opened = false;
}

void
pftasks_remove(struct pftasks *ts, struct pftask *t)
{
	size_t	i;

	if (t->p != NULL && --t->p->nthreads == 0)
		proc_target_drop(t->p);
	for (i = 0; i < ts->nt; i++) {
		if (ts->t[i] == t) {
			ts->t[i] = ts->t[--ts->nt];
			break;
		}
	}
	free(t);
}

void
pftasks_free(struct pftasks *ts, struct pfperf *pf)
{
	size_t	i;

	for (i = 0; i < ts->nt; i++) {
		pfperf_close(pf, &ts->t[i]->ev);
		free(ts->t[i]);
	}
	free(ts->t);
	pfperf_free(pf);
	for (i = 0; i < ts->np; i++) {
		pflayout_free(&ts->p[i]->layout);
		proc_target_drop(ts->p[i]);
		free(ts->p[i]);
	}
	free(ts->p);
	ts->t = NULL;
	ts->p = NULL;
	ts->nt = ts->np = ts->capt = ts->capp = 0;
}

/*
 * The procfs directory of p, opened on first use; NULL when it cannot be
 * (then the next use tries again).
 */
static struct proc_target *
proc_target_of(struct pfproc *p)
{
	char	*cause = NULL;

	if (!p->opened) {
		if (proc_open(&p->target, "/proc", p->pid, &cause) != 0) {
			free(cause);
			return (NULL);
		}
		p->opened = true;
	}
	return (&p->target);
}

int
pfproc_maps(struct pfproc *p, struct vma_list *out)
{
	struct proc_target	*pt;
	char			*cause = NULL;

	if ((pt = proc_target_of(p)) == NULL)
		return (-1);
	if (maps_read(pt, out, &cause) != 0) {
		free(cause);
		return (-1);
	}
	return (0);
}

/*
 * The thread's Tgid, read in the process's own directory (task/TID/status,
 * which a task of another process does not have).
 */
bool
pfproc_has_thread(struct pfproc *p, pid_t tid)
{
	struct proc_target	*pt;
	long			 tgid;

	if ((pt = proc_target_of(p)) == NULL ||
	    proc_status_long(pt, tid, "Tgid", &tgid) != 0)
		return (false);
	return (tgid == (long)p->pid);
}
