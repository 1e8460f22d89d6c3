/*
 * procset-collect.c - the end of a set's cycle: each member's snapshot,
 * gathered in tree order into the snapshot of the set, with the set's
 * totals, history, cost and pre-copy model (see procset.h).
 *
 * Units: seconds; pages; percent of one CPU.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cause.h"
#include "cost.h"
#include "now.h"
#include "precopy.h"
#include "procset.h"

/* The snapshot of a member that is not watched: who it is, and why. */
static struct snapshot *
member_unwatched(const struct procset_member *m)
{
	struct snapshot	*p;

	if ((p = snapshot_new(0)) == NULL)
		return (NULL);
	p->pid = m->pid;
	snprintf(p->comm, sizeof p->comm, "%s", m->comm);
	snprintf(p->method, sizeof p->method, "none");
	if (m->error != NULL && (p->error = strdup(m->error)) == NULL) {
		snapshot_free(p);
		return (NULL);
	}
	return (p);
}

/*
 * Member m's snapshot of this cycle (whole, or a rescan's). A member whose
 * collect fails is no longer watched, and says why. -1 on allocation
 * failure only.
 */
static int
member_collect(struct procset *set, struct procset_member *m, bool whole,
    struct snapshot **out)
{
	char	*why = NULL;
	int	 rc;

	*out = NULL;
	if (m->left) {
		if ((*out = member_unwatched(m)) == NULL)
			return (-1);
		(*out)->exited = true;
		if (whole)
			m->gone = true;
	} else if (m->open) {
		rc = whole ? session_collect(&m->s, out, &why) :
		    session_rescan(&m->s, out, &why);
		if (rc == -1) {
			if (errno == ENOMEM) {
				free(why);
				return (-1);
			}
			procset_unwatch(set, m, why);
		} else if ((*out)->exited && whole)
			m->gone = true;
		if (*out != NULL && m->open)
			snprintf(m->comm, sizeof m->comm, "%s", m->s.comm);
	}
	if (*out == NULL && (*out = member_unwatched(m)) == NULL)
		return (-1);
	(*out)->ppid = m->ppid;
	(*out)->joined = m->joined;
	if (whole)
		m->joined = false;
	return (0);
}

/* The index of the process pid among p[0..n) sorted by PID, or n. */
static size_t
proc_index(struct snapshot **p, size_t n, pid_t pid)
{
	size_t	 lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (p[mid]->pid == pid)
			return (mid);
		if (p[mid]->pid < pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (n);
}

static int
by_pid(const void *a, const void *b)
{
	const struct snapshot	*x = *(struct snapshot *const *)a;
	const struct snapshot	*y = *(struct snapshot *const *)b;

	return (x->pid < y->pid ? -1 : x->pid > y->pid);
}

/* The order of tree_kids: by parent, then by PID (indexes sort by PID). */
static const size_t *kid_parent;

static int
by_parent(const void *a, const void *b)
{
	size_t	 x = *(const size_t *)a, y = *(const size_t *)b;

	if (kid_parent[x] != kid_parent[y])
		return (kid_parent[x] < kid_parent[y] ? -1 : 1);
	return (x < y ? -1 : x > y);
}

/*
 * Put p[0..n) in tree order: each process after its parent, with the
 * parent's other descendants before the next sibling; siblings, and the
 * processes whose parent is not in the set, by PID. Processes no root
 * leads to (a loop of reused PIDs) come last. -1 on allocation failure.
 */
static int
tree_order(struct snapshot **p, size_t n)
{
	struct snapshot	**out;
	size_t		 *stack, *parent, *kids, *first, sp = 0, k = 0, i, j;
	bool		 *seen;
	int		  rc = -1;

	if (n < 2)
		return (0);
	qsort(p, n, sizeof *p, by_pid);
	out = calloc(n, sizeof *out);
	stack = calloc(n, sizeof *stack);
	parent = calloc(n, sizeof *parent);
	kids = calloc(n, sizeof *kids);
	first = calloc(n + 1, sizeof *first);
	seen = calloc(n, sizeof *seen);
	if (out == NULL || stack == NULL || parent == NULL || kids == NULL ||
	    first == NULL || seen == NULL)
		goto done;
	for (i = 0; i < n; i++) {
		parent[i] = proc_index(p, n, p[i]->ppid);
		if (parent[i] == i)
			parent[i] = n;
		kids[i] = i;
	}
	kid_parent = parent;
	qsort(kids, n, sizeof *kids, by_parent);
	/* first[i]: where i's children begin in kids; first[n], the roots. */
	for (i = n + 1, j = n; i-- > 0;) {
		while (j > 0 && parent[kids[j - 1]] >= i)
			j--;
		first[i] = j;
	}
	for (j = n; j-- > first[n];)
		stack[sp++] = kids[j];
	for (;;) {
		while (sp > 0) {
			i = stack[--sp];
			seen[i] = true;
			out[k++] = p[i];
			for (j = first[i + 1]; j-- > first[i];)
				if (!seen[kids[j]] && sp < n)
					stack[sp++] = kids[j];
		}
		for (i = 0; i < n && seen[i]; i++)
			continue;
		if (i == n)
			break;
		stack[sp++] = i;
	}
	memcpy(p, out, n * sizeof *p);
	rc = 0;
done:
	free(out);
	free(stack);
	free(parent);
	free(kids);
	free(first);
	free(seen);
	return (rc);
}

/*
 * The set's cost: the sum of its members' (each measured as for one
 * process); its kind theirs when they agree.
 */
static void
set_cost(struct snapshot *s)
{
	const struct snapshot	*p;
	size_t			 i;

	s->cost_kind = SNAP_COST_UNKNOWN;
	for (i = 0; i < s->nproc; i++) {
		p = s->procs[i];
		if (p->cost_kind == SNAP_COST_UNKNOWN)
			continue;
		if (s->cost_kind == SNAP_COST_UNKNOWN) {
			s->cost_kind = p->cost_kind;
			s->fault_ns = p->fault_ns;
		} else if (s->cost_kind != p->cost_kind)
			s->cost_kind = SNAP_COST_MIXED;
		s->cost_percent += p->cost_percent;
	}
	if (s->cost_kind != SNAP_COST_FAULTS)
		s->fault_ns = 0;
}

/* The set's method: its members' when they agree, else "mixed". */
static void
set_method(struct snapshot *s)
{
	const struct snapshot	*p;
	size_t			 i;

	snprintf(s->method, sizeof s->method, "none");
	for (i = 0; i < s->nproc; i++) {
		p = s->procs[i];
		if (p->error != NULL || p->exited)
			continue;
		if (strcmp(s->method, "none") == 0)
			snprintf(s->method, sizeof s->method, "%s", p->method);
		else if (strcmp(s->method, p->method) != 0)
			snprintf(s->method, sizeof s->method, "mixed");
	}
}

/* Who the set is: its kind, roots, cgroup and name. -1 on ENOMEM. */
static int
set_stamp(const struct procset *set, struct snapshot *s)
{
	s->set = set->kind;
	if (set->nroots > 0) {
		if ((s->roots = calloc(set->nroots, sizeof *s->roots)) == NULL)
			return (-1);
		memcpy(s->roots, set->roots, set->nroots * sizeof *s->roots);
		s->nroots = set->nroots;
		s->pid = set->roots[0];
	}
	if (set->cgroup != NULL && (s->cgroup = strdup(set->cgroup)) == NULL)
		return (-1);
	snprintf(s->comm, sizeof s->comm, "%s", set->label);
	s->interval = set->interval;
	s->clear_time = set->clear_real;
	s->clear_ms = set->clear_ms;
	if (set->opts.max_cost > 0) {
		s->max_cost = set->opts.max_cost;
		s->user_interval = set->user_interval;
		s->lengthened = set->interval > set->user_interval;
	}
	return (0);
}

/*
 * The counts of the whole cycle: into the set's history, its convergence,
 * pre-copy model and, under --max-cost, the next interval.
 */
static int
set_judge(struct procset *set, struct snapshot *s, bool whole)
{
	double	 span, rate;

	if (s->tracked_pages > 0) {
		if (history_push(&set->history, s->dirty_pages) == -1)
			return (-1);
		s->converged = history_converged(&set->history);
		if (!whole)
			history_pop(&set->history);
	}
	span = s->time - s->clear_time;
	if (!(span > 0))
		span = s->interval;
	if (set->opts.bandwidth_bps > 0) {
		rate = (double)s->dirty_pages * (double)s->page_size / span;
		precopy_estimate(&s->precopy, set->opts.bandwidth_bps, rate,
		    s->resident_pages * s->page_size);
		s->has_precopy = true;
	}
	if (whole && set->opts.max_cost > 0)
		set->interval = cost_next_interval(set->interval,
		    set->user_interval, s->cost_kind == SNAP_COST_UNKNOWN ?
		    -1 : s->cost_percent, set->opts.max_cost);
	return (0);
}

/* The snapshot of the set, from each member's. */
static int
procset_gather(struct procset *set, struct snapshot **out, bool whole,
    char **cause)
{
	struct snapshot	*s;
	double		 t0 = now_mono();
	size_t		 i, gone = 0;

	*out = NULL;
	if ((s = snapshot_new(0)) == NULL)
		goto nomem;
	if (set->n > 0 && (s->procs = calloc(set->n, sizeof *s->procs)) ==
	    NULL)
		goto nomem;
	for (i = 0; i < set->n; i++) {
		if (member_collect(set, set->m[i], whole, &s->procs[i]) == -1)
			goto nomem;
		s->nproc++;
		if (set->m[i]->gone || s->procs[i]->exited)
			gone++;
	}
	s->scan_ms = (now_mono() - t0) * 1e3;
	s->time = now_real();
	if (whole)
		s->cycle = ++set->cycle;
	else
		s->cycle = set->cycle + 1;
	if (set_stamp(set, s) == -1 || tree_order(s->procs, s->nproc) == -1 ||
	    snapshot_set_count(s) == -1)
		goto nomem;
	set_cost(s);
	set_method(s);
	s->exited = gone == set->n && (set->kind != SNAP_SET_CGROUP ||
	    set->cgroup_gone);
	if (set_judge(set, s, whole) == -1)
		goto nomem;
	*out = s;
	return (0);

nomem:
	snapshot_free(s);
	*cause = cause_fmt("out of memory");
	errno = ENOMEM;
	return (-1);
}

int
procset_collect(struct procset *set, struct snapshot **out, char **cause)
{
	return (procset_gather(set, out, true, cause));
}

int
procset_rescan(struct procset *set, struct snapshot **out, char **cause)
{
	return (procset_gather(set, out, false, cause));
}
