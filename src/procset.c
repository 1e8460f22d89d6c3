/*
 * procset.c - who is in a set of processes, and each member's session
 * (see procset.h). The set's snapshot is made in procset-collect.c.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cause.h"
#include "injector.h"
#include "now.h"
#include "proc.h"
#include "proc-list.h"
#include "procset.h"

/* The member of PID pid, or NULL. */
static struct procset_member *
procset_find(const struct procset *set, pid_t pid)
{
	size_t	 i;

	for (i = 0; i < set->n; i++)
		if (set->m[i]->pid == pid)
			return (set->m[i]);
	return (NULL);
}

/*
 * Whether pid shares its address space with an open member (a vfork()
 * child before its exec, a CLONE_VM process): it is watched through it.
 */
static bool
procset_shares_mm(const struct procset *set, pid_t pid)
{
	size_t	 i;

	for (i = 0; i < set->n; i++)
		if (set->m[i]->open && proc_same_mm(pid, set->m[i]->pid) == 1)
			return (true);
	return (false);
}

/*
 * Open a member for pid: watched, or listed with why not. 0 when it was
 * added (or shares a member's address space and is not), 1 when it has
 * gone, -1 on allocation failure.
 */
static int
procset_add(struct procset *set, pid_t pid, const struct proc_entry *e,
    bool joined)
{
	struct procset_member	**m, *nm;
	struct session_options	  o = set->opts;
	char			 *cause = NULL, *why = NULL;
	size_t			  cap;

	/* sdtop and its injector may be in the tree or cgroup: not watched. */
	if (pid == getpid() || pid == injector_pid())
		return (0);
	if (set->n >= SNAPSHOT_MAX_PROCS || procset_shares_mm(set, pid))
		return (0);
	if (set->n == set->cap) {
		cap = set->cap == 0 ? 16 : set->cap * 2;
		if ((m = reallocarray(set->m, cap, sizeof *m)) == NULL)
			return (-1);
		set->m = m;
		set->cap = cap;
	}
	if ((nm = calloc(1, sizeof *nm)) == NULL)
		return (-1);
	nm->pid = o.pid = pid;
	nm->joined = joined;
	if (e != NULL) {
		nm->ppid = e->ppid;
		snprintf(nm->comm, sizeof nm->comm, "%s", e->comm);
	}
	/* The set's cost rule is the set's: no member lengthens alone. */
	o.max_cost = 0;
	o.bandwidth_bps = 0;
	o.interval = set->interval;
	if (session_open(&nm->s, &o, &why, &cause) == 0) {
		nm->open = true;
		snprintf(nm->comm, sizeof nm->comm, "%s", nm->s.comm);
		if (set->why_method == NULL)
			set->why_method = why;
		else
			free(why);
	} else if (errno == ESRCH || !proc_list_alive(set->opts.proc_root,
	    pid)) {
		/* It exited before it could be opened: it never joined. */
		free(cause);
		free(nm);
		return (1);
	} else
		nm->error = cause;
	set->m[set->n++] = nm;
	return (0);
}

/* Close m's session, keeping what it could not undo. */
static void
procset_close_member(struct procset *set, struct procset_member *m)
{
	char	*left = NULL, *both;

	if (m->open)
		left = session_close(&m->s);
	m->open = false;
	if (left != NULL && set->left != NULL) {
		both = cause_fmt("%s; %s", set->left, left);
		free(left);
		free(set->left);
		set->left = both;
	} else if (left != NULL)
		set->left = left;
}

void
procset_unwatch(struct procset *set, struct procset_member *m, char *why)
{
	procset_close_member(set, m);
	free(m->error);
	m->error = why;
}

/* Close and free member i, keeping what it could not undo. */
static void
procset_drop(struct procset *set, size_t i)
{
	struct procset_member	*m = set->m[i];

	procset_close_member(set, m);
	free(m->error);
	free(m);
	memmove(&set->m[i], &set->m[i + 1], (set->n - i - 1) * sizeof *set->m);
	set->n--;
}

/* Whether pid is a member or descends from one, as far as all says. */
static bool
procset_in_tree(const struct procset *set, const struct proc_entries *all,
    pid_t pid)
{
	const struct proc_entry	*e;
	unsigned		 depth;

	for (depth = 0; depth < 4096 && pid > 1; depth++) {
		if (procset_find(set, pid) != NULL)
			return (true);
		if ((e = proc_list_find(all, pid)) == NULL)
			return (false);
		pid = e->ppid;
	}
	return (false);
}

/*
 * The candidates of this clear into set->all: for a cgroup, its
 * processes (with their parents); otherwise every process.
 */
static int
procset_candidates(struct procset *set, struct proc_entries *cg,
    char **cause)
{
	const struct proc_entry	*e;
	size_t			 i, j;

	if (proc_list_all(set->opts.proc_root, &set->all, cause) == -1)
		return (-1);
	if (set->kind != SNAP_SET_CGROUP)
		return (0);
	if (proc_list_cgroup(set->cgroup, cg, cause) == -1) {
		/* Removed while watched: its processes have all left it. */
		if (errno != ENOENT || !set->started)
			return (-1);
		free(*cause);
		*cause = NULL;
		set->cgroup_gone = true;
	}
	/* Its parent and name; one that has exited is none. */
	for (i = j = 0; i < cg->n; i++)
		if ((e = proc_list_find(&set->all, cg->e[i].pid)) != NULL)
			cg->e[j++] = *e;
	cg->n = j;
	return (0);
}

/* Members that exited or left: reported gone; those not watched, gone. */
static void
procset_leave(struct procset *set, const struct proc_entries *cg)
{
	const struct proc_entry	*e;
	struct procset_member	*m;
	size_t			 i = 0;

	while (i < set->n) {
		m = set->m[i];
		e = proc_list_find(&set->all, m->pid);
		if (m->gone || (!m->open && e == NULL)) {
			procset_drop(set, i);
			continue;
		}
		if (e != NULL)
			m->ppid = e->ppid;
		if (cg != NULL && proc_list_find(cg, m->pid) == NULL &&
		    e != NULL && !m->left) {
			procset_unwatch(set, m, cause_fmt(set->cgroup_gone ?
			    "the cgroup was removed" : "moved out of the "
			    "cgroup"));
			m->left = true;
		}
		i++;
	}
}

/* Add the processes that now belong to the set. -1 with *cause. */
static int
procset_join(struct procset *set, const struct proc_entries *cand,
    bool joined, char **cause)
{
	const struct proc_entry	*e;
	size_t			 i;

	for (i = 0; i < cand->n; i++) {
		e = &cand->e[i];
		if (procset_find(set, e->pid) != NULL)
			continue;
		if (set->kind == SNAP_SET_TREE && !procset_in_tree(set,
		    &set->all, e->ppid))
			continue;
		if (procset_add(set, e->pid, e, joined) == -1) {
			*cause = cause_fmt("out of memory");
			errno = ENOMEM;
			return (-1);
		}
	}
	return (0);
}

/*
 * Who is in the set now: members that exited or left go, and under a
 * tree, every process one of whose ancestors is a member joins (its
 * parent may be joining with it); under a cgroup, every process of it.
 */
static int
procset_refresh(struct procset *set, bool joined, char **cause)
{
	struct proc_entries	 cg = { 0 };
	int			 rc = -1;

	if (procset_candidates(set, &cg, cause) == -1)
		goto out;
	procset_leave(set, set->kind == SNAP_SET_CGROUP ? &cg : NULL);
	if (set->kind == SNAP_SET_PIDS)
		rc = 0;
	else
		rc = procset_join(set, set->kind == SNAP_SET_CGROUP ? &cg :
		    &set->all, joined, cause);
out:
	proc_list_free(&cg);
	return (rc);
}

/* "tree of 1234 (postgres)", "pids 1 2 3", "cgroup /sys/fs/...". */
static void
procset_label(struct procset *set)
{
	size_t	 i, len;

	if (set->kind == SNAP_SET_CGROUP) {
		snprintf(set->label, sizeof set->label, "cgroup %s",
		    set->cgroup);
		return;
	}
	if (set->kind == SNAP_SET_TREE && set->nroots == 1) {
		snprintf(set->label, sizeof set->label, "tree of %ld (%s)",
		    (long)set->roots[0], set->n > 0 ? set->m[0]->comm : "?");
		return;
	}
	snprintf(set->label, sizeof set->label, "%s",
	    set->kind == SNAP_SET_TREE ? "trees of" : "pids");
	for (i = 0; i < set->nroots; i++) {
		len = strlen(set->label);
		snprintf(set->label + len, sizeof set->label - len, " %ld",
		    (long)set->roots[i]);
	}
}

/* The roots as processes: a thread is its process. -1 with *cause. */
static int
procset_roots(struct procset *set, const pid_t *roots, size_t nroots,
    char **cause)
{
	size_t	 i, j;
	pid_t	 pid;

	if ((set->roots = calloc(nroots, sizeof *set->roots)) == NULL) {
		*cause = cause_fmt("out of memory");
		return (-1);
	}
	for (i = 0; i < nroots; i++) {
		if ((pid = proc_tgid(set->opts.proc_root, roots[i])) == -1) {
			*cause = cause_fmt("no such process: %ld",
			    (long)roots[i]);
			errno = ESRCH;
			return (-1);
		}
		for (j = 0; j < set->nroots; j++)
			if (set->roots[j] == pid)
				break;
		if (j == set->nroots)
			set->roots[set->nroots++] = pid;
	}
	return (0);
}

/* The members first found: the roots, then the rest of the set. */
static int
procset_first(struct procset *set, char **cause)
{
	const struct proc_entry	*e;
	size_t			 i;

	if (proc_list_all(set->opts.proc_root, &set->all, cause) == -1)
		return (-1);
	for (i = 0; i < set->nroots; i++) {
		e = proc_list_find(&set->all, set->roots[i]);
		if (procset_add(set, set->roots[i], e, false) == -1) {
			*cause = cause_fmt("out of memory");
			return (-1);
		}
	}
	if (set->kind == SNAP_SET_PIDS)
		return (0);
	return (procset_refresh(set, false, cause));
}

int
procset_open(struct procset *set, const struct session_options *o,
    enum snap_set kind, const pid_t *roots, size_t nroots,
    const char *cgroup, char **cause)
{
	size_t	 i;

	memset(set, 0, sizeof *set);
	set->kind = kind;
	set->opts = *o;
	set->interval = set->user_interval = o->interval;
	history_init(&set->history, o->window, o->tolerance);
	if ((cgroup != NULL && (set->cgroup = strdup(cgroup)) == NULL) ||
	    procset_roots(set, roots, nroots, cause) == -1 ||
	    procset_first(set, cause) == -1)
		goto fail;
	for (i = 0; i < set->n; i++)
		if (set->m[i]->open)
			break;
	if (i == set->n && kind != SNAP_SET_CGROUP) {
		*cause = set->n > 0 && set->m[0]->error != NULL ?
		    strdup(set->m[0]->error) : cause_fmt("no process of "
		    "the set can be watched");
		goto fail;
	}
	procset_label(set);
	set->started = true;
	return (0);

fail:
	if (*cause == NULL)
		*cause = cause_fmt("out of memory");
	free(procset_close(set));
	return (-1);
}

/* Clear every open member; one that fails is no longer watched. */
static int
procset_clear_how(struct procset *set, bool restart, char **cause)
{
	struct procset_member	*m;
	double			 t0;
	char			*why = NULL;
	size_t			 i;
	int			 rc;

	if (procset_refresh(set, true, cause) == -1)
		return (-1);
	set->clear_real = now_real();
	t0 = now_mono();
	for (i = 0; i < set->n; i++) {
		m = set->m[i];
		if (!m->open)
			continue;
		m->s.interval = set->interval;
		rc = restart ? session_restart(&m->s, &why) :
		    session_clear(&m->s, &why);
		if (rc == -1) {
			procset_unwatch(set, m, why);
			why = NULL;
		}
	}
	set->clear_time = now_mono();
	set->clear_ms = (set->clear_time - t0) * 1e3;
	return (0);
}

int
procset_clear(struct procset *set, char **cause)
{
	return (procset_clear_how(set, false, cause));
}

int
procset_restart(struct procset *set, char **cause)
{
	history_reset(&set->history);
	return (procset_clear_how(set, true, cause));
}

void
procset_set_interval(struct procset *set, double seconds)
{
	set->interval = set->user_interval = seconds;
}

char *
procset_close(struct procset *set)
{
	char	*left;

	while (set->n > 0)
		procset_drop(set, set->n - 1);
	free(set->m);
	free(set->roots);
	free(set->cgroup);
	free(set->why_method);
	proc_list_free(&set->all);
	history_free(&set->history);
	left = set->left;
	memset(set, 0, sizeof *set);
	return (left);
}
