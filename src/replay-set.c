/*
 * replay-set.c - a recording's line of a set of processes (format 2, a
 * "set" object and a "processes" array) read back into a set's snapshot
 * (snapshot.h). Each process is read as a single-process line is, with
 * the same checks, and the bound on written pages holds over the whole
 * line. The set's totals must be those its processes make, a page of a
 * shared mapping counted once (snapshot_set_count()): a line that counts
 * one twice, or a process twice, is refused, naming the field.
 *
 * Pages are of the line's page_size; every process has it.
 */
#include "config.h"

#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "replay-rec.h"
#include "snapshot.h"
#include "str-escape.h"

/* The longest reason a process is not watched, in bytes. */
#define REPLAY_ERROR_MAX	255

/* The longest cgroup path, in bytes. */
#define REPLAY_CGROUP_MAX	(PATH_MAX - 1)

/* The roots of "set" j: PIDs, none for a cgroup. */
static int
replay_roots(struct rline *l, json_t *j)
{
	struct snapshot	*s = l->s;
	json_t		*r, *v;
	size_t		 i;

	r = json_object_get(j, "roots");
	if (!json_is_array(r))
		return (rec_bad(l, "set.roots: not an array"));
	if (json_array_size(r) > SNAPSHOT_MAX_PROCS)
		return (rec_bad(l, "set.roots: more than %d", SNAPSHOT_MAX_PROCS));
	if ((s->set == SNAP_SET_CGROUP) != (json_array_size(r) == 0))
		return (rec_bad(l, "set.roots: %s", s->set == SNAP_SET_CGROUP ?
		    "a cgroup has none" : "none given"));
	if (json_array_size(r) > 0 && (s->roots = calloc(json_array_size(r),
	    sizeof *s->roots)) == NULL)
		return (rec_bad(l, "set.roots: out of memory"));
	json_array_foreach(r, i, v) {
		if (!json_is_integer(v) || json_integer_value(v) < 1 ||
		    json_integer_value(v) > INT_MAX)
			return (rec_bad(l, "set.roots[%zu]: not a PID", i));
		s->roots[i] = (pid_t)json_integer_value(v);
		s->nroots = i + 1;
	}
	/* The cycle's pid is its first root's. */
	if (s->pid != (s->nroots > 0 ? s->roots[0] : 0))
		return (rec_bad(l, "pid: %ld, but the first root is %ld",
		    (long)s->pid, (long)(s->nroots > 0 ? s->roots[0] : 0)));
	return (0);
}

/* What the set is of: its "set" object. */
static int
replay_set_kind(struct rline *l, json_t *o)
{
	struct snapshot	*s = l->s;
	json_t		*j, *c;
	const char	*kind;

	if (!json_is_object(j = json_object_get(o, "set")))
		return (rec_bad(l, "set: not an object"));
	kind = json_string_value(json_object_get(j, "kind"));
	if (kind != NULL && strcmp(kind, "tree") == 0)
		s->set = SNAP_SET_TREE;
	else if (kind != NULL && strcmp(kind, "pids") == 0)
		s->set = SNAP_SET_PIDS;
	else if (kind != NULL && strcmp(kind, "cgroup") == 0)
		s->set = SNAP_SET_CGROUP;
	else
		return (rec_bad(l, "set.kind: not \"tree\", \"pids\" or "
		    "\"cgroup\""));
	c = json_object_get(j, "cgroup");
	if (s->set != SNAP_SET_CGROUP && c != NULL && !json_is_null(c))
		return (rec_bad(l, "set.cgroup: not null for a set of %s",
		    kind));
	if (s->set == SNAP_SET_CGROUP) {
		if (!json_is_string(c) || json_string_length(c) == 0 ||
		    json_string_length(c) > REPLAY_CGROUP_MAX ||
		    strlen(json_string_value(c)) != json_string_length(c))
			return (rec_bad(l, "set.cgroup: not a path"));
		if ((s->cgroup = strdup(json_string_value(c))) == NULL)
			return (rec_bad(l, "set.cgroup: out of memory"));
	}
	return (replay_roots(l, j));
}

/* Why the process of o is not watched ("error"), into p->error. */
static int
replay_proc_error(struct rline *l, json_t *o)
{
	json_t	*j = json_object_get(o, "error");

	if (j == NULL || json_is_null(j))
		return (0);
	if (!json_is_string(j) || json_string_length(j) == 0)
		return (rec_bad(l, "%serror: not a reason or null", l->pre));
	if (json_string_length(j) > REPLAY_ERROR_MAX ||
	    strlen(json_string_value(j)) != json_string_length(j))
		return (rec_bad(l, "%serror: longer than %d bytes or holds a "
		    "NUL", l->pre, REPLAY_ERROR_MAX));
	if ((l->s->error = strdup(json_string_value(j))) == NULL)
		return (rec_bad(l, "%serror: out of memory", l->pre));
	return (0);
}

/* The fields of the process of o, l->s, before its VMAs. */
static int
replay_proc_head(struct rline *l, json_t *o)
{
	struct snapshot	*p = l->s;
	const char	*str;
	uint64_t	 u = 0;
	int		 rc;

	if ((rc = rec_uint(l, o, "", "pid", 1, INT_MAX, &u)) != 0)
		return (rc == 1 ? rec_bad(l, "%spid: missing", l->pre) : -1);
	p->pid = (pid_t)u;
	u = 0;
	if (rec_uint(l, o, "", "ppid", 0, INT_MAX, &u) == -1)
		return (-1);
	p->ppid = (pid_t)u;
	if (rec_comm(l, o) == -1 || replay_proc_error(l, o) == -1)
		return (-1);
	/* A process that could not be watched may have no method. */
	str = json_string_value(json_object_get(o, "method"));
	if (p->error != NULL && str != NULL && *str == '\0')
		p->method[0] = '\0';
	else if (!rec_method_ok(str))
		return (rec_bad(l, "%smethod: not a method name", l->pre));
	else
		snprintf(p->method, sizeof p->method, "%s", str);
	if (rec_bool(l, o, "", "joined", &p->joined) == -1 ||
	    rec_bool(l, o, "", "exited", &p->exited) == -1 ||
	    rec_bool(l, o, "", "exec", &p->exec) == -1 ||
	    rec_num(l, o, "", "clear_ms", 0, 1e18, &p->clear_ms) == -1 ||
	    rec_num(l, o, "", "scan_ms", 0, 1e18, &p->scan_ms) == -1)
		return (-1);
	return (rec_cost(l, o, false));
}

/* Read process o of the set into p (l->s), its VMAs and their totals. */
static int
replay_proc_body(struct rline *l, json_t *o, json_t *vmas)
{
	struct snapshot	*p = l->s;
	size_t		 i;

	if (replay_proc_head(l, o) == -1)
		return (-1);
	if ((p->exited || p->error != NULL) && p->nvma != 0)
		return (rec_bad(l, "%svmas: a process that %s has no regions",
		    l->pre, p->exited ? "exited" : "is not watched"));
	for (i = 0; i < p->nvma; i++) {
		if (rec_vma(l, i, json_array_get(vmas, i)) == -1)
			return (-1);
	}
	snapshot_count(p);
	return (rec_totals(l, o));
}

/* Process i of the set l->s, from its object o. */
static int
replay_proc(struct rline *l, size_t i, json_t *o)
{
	struct snapshot	*s = l->s, *p;
	json_t		*vmas;
	int		 rc;

	if (!json_is_object(o))
		return (rec_bad(l, "processes[%zu]: not an object", i));
	vmas = json_object_get(o, "vmas");
	if (vmas != NULL && !json_is_array(vmas))
		return (rec_bad(l, "processes[%zu].vmas: not an array", i));
	if ((p = snapshot_new(json_array_size(vmas))) == NULL)
		return (rec_bad(l, "processes[%zu]: out of memory", i));
	s->procs[i] = p;
	p->cycle = s->cycle;
	p->time = s->time;
	p->clear_time = s->clear_time;
	p->interval = s->interval;
	p->page_size = s->page_size;
	snprintf(l->pre, sizeof l->pre, "processes[%zu].", i);
	l->s = p;
	rc = replay_proc_body(l, o, vmas);
	l->s = s;
	l->pre[0] = '\0';
	return (rc);
}

/* Order PIDs for the search of a process listed twice. */
static int
pid_cmp(const void *a, const void *b)
{
	pid_t	 x = *(const pid_t *)a, y = *(const pid_t *)b;

	return ((x > y) - (x < y));
}

/*
 * Each process is listed once (a process that shares its memory with
 * another is watched as one), and their pages stay below 2^53, as the
 * numbers of a JSON line do: 0, or -1 naming the field.
 */
static int
replay_procs_once(struct rline *l)
{
	struct snapshot	*s = l->s;
	pid_t		*pids;
	uint64_t	 tracked = 0;
	size_t		 i;

	for (i = 0; i < s->nproc; i++) {
		tracked += s->procs[i]->tracked_pages;
		if (tracked > STR_JSON_MAX_INT)
			return (rec_bad(l, "processes[%zu].tracked_pages: the "
			    "processes' tracked pages pass %" PRIu64, i,
			    (uint64_t)STR_JSON_MAX_INT));
	}
	if (s->nproc < 2)
		return (0);
	if ((pids = calloc(s->nproc, sizeof *pids)) == NULL)
		return (rec_bad(l, "processes: out of memory"));
	for (i = 0; i < s->nproc; i++)
		pids[i] = s->procs[i]->pid;
	qsort(pids, s->nproc, sizeof *pids, pid_cmp);
	for (i = 1; i < s->nproc && pids[i] != pids[i - 1]; i++)
		continue;
	if (i < s->nproc) {
		rec_bad(l, "processes: process %ld is listed twice",
		    (long)pids[i]);
		free(pids);
		return (-1);
	}
	free(pids);
	return (0);
}

/*
 * The set's resident pages: its processes' sum when no page is mapped
 * twice. A page mapped by several counts once, and which of a region's
 * pages are resident a line does not say (only how many): each page
 * counted once lowers the sum by one resident page at most, and written
 * pages are resident. The line's figure stands when it is within that.
 */
static int
replay_set_resident(struct rline *l, json_t *o, uint64_t sum_resident,
    uint64_t sum_tracked)
{
	struct snapshot	*s = l->s;
	uint64_t	 v, lo, twice;
	int		 rc;

	twice = sum_tracked - s->tracked_pages;
	s->resident_pages = sum_resident;
	if (twice == 0)
		return (rec_total(l, o, "resident_pages", sum_resident,
		    "the processes"));
	if ((rc = rec_uint(l, o, "", "resident_pages", 0, UINT64_MAX,
	    &v)) == -1)
		return (-1);
	lo = sum_resident > twice ? sum_resident - twice : 0;
	if (lo < s->dirty_pages)
		lo = s->dirty_pages;
	if (rc == 0 && (v < lo || v > sum_resident))
		return (rec_bad(l, "resident_pages: %" PRIu64 ", but the "
		    "processes hold %" PRIu64 "..%" PRIu64 " (%" PRIu64
		    " pages mapped more than once)", v, lo, sum_resident,
		    twice));
	s->resident_pages = rc == 0 ? v : lo;
	return (0);
}

/*
 * The set's totals and each process's shared written pages, counted by
 * snapshot_set_count(), against those the line gives.
 */
static int
replay_set_totals(struct rline *l, json_t *o, json_t *procs)
{
	struct snapshot	*s = l->s;
	uint64_t	 sum_resident = 0, sum_tracked = 0;
	size_t		 i;

	for (i = 0; i < s->nproc; i++) {
		sum_resident += s->procs[i]->resident_pages;
		sum_tracked += s->procs[i]->tracked_pages;
	}
	if (snapshot_set_count(s) == -1)
		return (rec_bad(l, "processes: out of memory"));
	for (i = 0; i < s->nproc; i++) {
		snprintf(l->pre, sizeof l->pre, "processes[%zu].", i);
		if (rec_total(l, json_array_get(procs, i),
		    "shared_dirty_pages", s->procs[i]->shared_dirty_pages,
		    "its shared regions") == -1)
			return (-1);
	}
	l->pre[0] = '\0';
	if (rec_total(l, o, "dirty_pages", s->dirty_pages, "the processes") ==
	    -1 || rec_total(l, o, "shared_dirty_pages", s->shared_dirty_pages,
	    "the processes") == -1 || rec_total(l, o, "tracked_pages",
	    s->tracked_pages, "the processes") == -1 || rec_total(l, o,
	    "discarded_pages", s->discarded_pages, "the processes") == -1)
		return (-1);
	return (replay_set_resident(l, o, sum_resident, sum_tracked));
}

int
replay_set_parse(struct rline *l, json_t *o)
{
	struct snapshot	*s = l->s;
	json_t		*procs, *p;
	uint64_t	 n = 0;
	size_t		 i;
	int		 rc;

	if (replay_set_kind(l, o) == -1)
		return (-1);
	if (s->exec)
		return (rec_bad(l, "exec: a set does not run a program"));
	if ((rc = rec_uint(l, o, "", "nproc", 0, SNAPSHOT_MAX_PROCS, &n)) != 0)
		return (rc == 1 ? rec_bad(l, "nproc: missing") : -1);
	if (!json_is_array(procs = json_object_get(o, "processes")))
		return (rec_bad(l, "processes: not an array"));
	if (json_array_size(procs) != n)
		return (rec_bad(l, "nproc: %" PRIu64 ", but processes holds "
		    "%zu", n, json_array_size(procs)));
	if (n > 0 && (s->procs = calloc(n, sizeof *s->procs)) == NULL)
		return (rec_bad(l, "processes: out of memory"));
	s->nproc = n;
	json_array_foreach(procs, i, p) {
		if (replay_proc(l, i, p) == -1)
			return (-1);
		/* Every member gone: none is left that has not exited. */
		if (s->exited && !s->procs[i]->exited)
			return (rec_bad(l, "processes[%zu].exited: false in a "
			    "set whose members have all exited", i));
	}
	if (replay_procs_once(l) == -1)
		return (-1);
	return (replay_set_totals(l, o, procs));
}
