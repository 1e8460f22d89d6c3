/*
 * view-procs.c - the list of processes of a set, as htop's tree view
 * would have it: one row per process in the order of the set (parents
 * before their children), each indented under its parent, with its PID,
 * its pages written this cycle (of which in shared mappings) and
 * resident, a sparkline of its last cycles (one scale for all), its
 * method, its name and what happened to it this cycle (joined, exited,
 * not watched and why).
 *
 * The selection follows its process from cycle to cycle by PID; when the
 * process opened (whose regions the screen shows) exits or is not in a
 * cycle, the list shows again. Each process's sparkline is a ring of its
 * last VIEW_PROC_RING counts kept here, by PID, fed by each new cycle
 * and emptied when the history starts again. Nothing here draws.
 *
 * Units: pages; list rows counted from the first process of the set;
 * screen columns. Names, methods and reasons come from the target or a
 * recording and are escaped before they are written into a row.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "render.h"
#include "snapshot.h"
#include "str-escape.h"
#include "view-procs.h"

/* A PID and where its process is in the set, to find parents by PID. */
struct view_proc_key {
	pid_t	 pid;
	size_t	 i;
};

static int
view_proc_key_cmp(const void *a, const void *b)
{
	const struct view_proc_key	*ka = a, *kb = b;

	if (ka->pid != kb->pid)
		return (ka->pid < kb->pid ? -1 : 1);
	return (ka->i < kb->i ? -1 : ka->i > kb->i);
}

/* The first key of PID pid in keys[0..n), sorted, or NULL. */
static const struct view_proc_key *
view_proc_key_find(const struct view_proc_key *keys, size_t n, pid_t pid)
{
	size_t	lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (keys[mid].pid < pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (lo < n && keys[lo].pid == pid ? &keys[lo] : NULL);
}

static int
view_proc_ring_cmp(const void *a, const void *b)
{
	const struct view_proc_ring	*ra = a, *rb = b;

	return (ra->pid < rb->pid ? -1 : ra->pid > rb->pid);
}

/*
 * The tree of the set s: each process's parent is the process of its
 * ppid listed before it (so that a crafted order makes no loop), and
 * which one is the last of its parent's children. -1 on ENOMEM.
 */
static int
view_procs_tree(struct view_procs *p, const struct snapshot *s)
{
	struct view_proc_key		*keys;
	const struct view_proc_key	*k;
	struct view_proc_node		*node;
	bool				*later;
	size_t				 i, n = s->nproc, cap = p->node_cap;

	if (n == 0)
		return (0);
	node = array_reserve(p->node, n, &cap, sizeof *node);
	if (node == NULL)
		return (-1);
	p->node = node;
	p->node_cap = cap;
	keys = calloc(n, sizeof *keys);
	later = calloc(n, sizeof *later);
	if (keys == NULL || later == NULL) {
		free(keys);
		free(later);
		return (-1);
	}
	for (i = 0; i < n; i++) {
		keys[i].pid = s->procs[i]->pid;
		keys[i].i = i;
	}
	qsort(keys, n, sizeof *keys, view_proc_key_cmp);
	for (i = 0; i < n; i++) {
		node[i].parent = SIZE_MAX;
		k = view_proc_key_find(keys, n, s->procs[i]->ppid);
		/* The first process of that PID, if it comes before. */
		if (s->procs[i]->ppid > 0 && k != NULL && k->i < i)
			node[i].parent = k->i;
	}
	/* From the end: the first child of a parent seen is its last. */
	for (i = n; i > 0; i--) {
		node[i - 1].last = true;
		if (node[i - 1].parent == SIZE_MAX)
			continue;
		node[i - 1].last = !later[node[i - 1].parent];
		later[node[i - 1].parent] = true;
	}
	free(keys);
	free(later);
	return (0);
}

const struct view_proc_ring *
view_procs_ring(const struct view_procs *p, pid_t pid)
{
	struct view_proc_ring	key;

	if (p->nrings == 0)
		return (NULL);
	key.pid = pid;
	return (bsearch(&key, p->rings, p->nrings, sizeof *p->rings,
	    view_proc_ring_cmp));
}

/*
 * The sparklines after the cycle of s: each process of s keeps its ring
 * (a new one when it joined: its PID may be a reused one), without the
 * cycles from this one on, and this cycle's count is added unless it
 * exited or is not watched; the rings of processes gone are dropped.
 * -1 on ENOMEM, the rings as they were.
 */
static int
view_procs_feed(struct view_procs *p, const struct snapshot *s)
{
	const struct view_proc_ring	*old;
	const struct snapshot		*ps;
	struct view_proc_ring		*rings, *r;
	size_t				 i, n = 0;

	rings = s->nproc > 0 ? calloc(s->nproc, sizeof *rings) : NULL;
	if (s->nproc > 0 && rings == NULL)
		return (-1);
	for (i = 0; i < s->nproc; i++) {
		ps = s->procs[i];
		r = &rings[n++];
		if (!ps->joined && (old = view_procs_ring(p, ps->pid)) != NULL)
			*r = *old;
		r->pid = ps->pid;
		while (r->n > 0 && r->cycle[r->n - 1] >= s->cycle)
			r->n--;
		if (ps->exited || ps->error != NULL)
			continue;
		if (r->n == VIEW_PROC_RING) {
			memmove(r->cycle, r->cycle + 1, (r->n - 1) *
			    sizeof *r->cycle);
			memmove(r->dirty, r->dirty + 1, (r->n - 1) *
			    sizeof *r->dirty);
			r->n--;
		}
		r->cycle[r->n] = s->cycle;
		r->dirty[r->n++] = ps->dirty_pages;
	}
	qsort(rings, n, sizeof *rings, view_proc_ring_cmp);
	free(p->rings);
	p->rings = rings;
	p->nrings = p->rings_cap = n;
	return (0);
}

/* The index of the first process of PID pid in the set shown, or -1. */
static long
view_procs_find(const struct view_procs *p, pid_t pid)
{
	size_t	i;

	if (p->set == NULL || pid <= 0)
		return (-1);
	for (i = 0; i < p->set->nproc; i++) {
		if (p->set->procs[i]->pid == pid)
			return ((long)i);
	}
	return (-1);
}

/* Select row i of the set shown (clamped). */
static void
view_procs_select(struct view_procs *p, size_t i)
{
	if (p->set == NULL || p->set->nproc == 0) {
		p->sel = 0;
		p->sel_pid = 0;
		return;
	}
	if (i >= p->set->nproc)
		i = p->set->nproc - 1;
	p->sel = i;
	p->sel_pid = p->set->procs[i]->pid;
}

int
view_procs_take(struct view_procs *p, const struct snapshot *s,
    bool history, enum view_procs_took *took)
{
	const struct snapshot	*ps;
	long			 at;
	size_t			 i;
	int			 rc = 0;

	*took = VIEW_PROCS_KEPT;
	p->set = s;
	p->nlive = p->njoined = p->nexited = p->nleft = 0;
	if (s == NULL) {
		p->open = 0;
		p->opened = NULL;
		return (0);
	}
	for (i = 0; i < s->nproc; i++) {
		ps = s->procs[i];
		p->nlive += !ps->exited;
		p->njoined += ps->joined;
		p->nexited += ps->exited && ps->error == NULL;
		p->nleft += ps->exited && ps->error != NULL;
	}
	if (view_procs_tree(p, s) == -1) {
		free(p->node);
		p->node = NULL;
		p->node_cap = 0;
		rc = -1;
	}
	if (history && view_procs_feed(p, s) == -1)
		rc = -1;

	at = view_procs_find(p, p->sel_pid);
	view_procs_select(p, at >= 0 ? (size_t)at : p->sel);
	p->opened = NULL;
	if (p->open != 0) {
		at = view_procs_find(p, p->open);
		if (at < 0)
			*took = VIEW_PROCS_GONE;
		else if (s->procs[at]->exited || s->procs[at]->error != NULL) {
			*took = s->procs[at]->error != NULL ?
			    VIEW_PROCS_LOST : VIEW_PROCS_EXITED;
			view_procs_select(p, (size_t)at);
		} else
			p->opened = s->procs[at];
		if (p->opened == NULL)
			p->open = 0;
	}
	if (rc == -1)
		errno = ENOMEM;
	return (rc);
}

void
view_procs_reset(struct view_procs *p)
{
	p->nrings = 0;
}

void
view_procs_free(struct view_procs *p)
{
	free(p->node);
	free(p->rings);
	memset(p, 0, sizeof *p);
}

void
view_procs_move(struct view_procs *p, long n)
{
	long	i;

	if (p->set == NULL || p->set->nproc == 0)
		return;
	i = (long)p->sel;
	if (n < 0 && -n > i)
		i = 0;
	else if (n > 0 && n > (long)p->set->nproc - 1 - i)
		i = (long)p->set->nproc - 1;
	else
		i += n;
	view_procs_select(p, (size_t)i);
}

void
view_procs_layout(struct view_procs *p, int height)
{
	long	n, maxtop;

	p->height = height > 0 ? height : 0;
	n = p->set != NULL ? (long)p->set->nproc : 0;
	view_procs_select(p, p->sel);
	if (p->top > (long)p->sel)
		p->top = (long)p->sel;
	if (p->height > 0 && (long)p->sel >= p->top + p->height)
		p->top = (long)p->sel - p->height + 1;
	maxtop = n - p->height;
	if (p->top > maxtop)
		p->top = maxtop;
	if (p->top < 0)
		p->top = 0;
}

int
view_procs_open(struct view_procs *p, bool ascii, char *why, size_t size)
{
	const struct snapshot	*ps;
	char			 reason[256];

	if (p->set == NULL || p->set->nproc == 0) {
		snprintf(why, size, "no process to open");
		return (-1);
	}
	ps = p->set->procs[p->sel];
	if (ps->error != NULL) {
		str_escape(reason, sizeof reason, ps->error, ascii ?
		    STR_ESCAPE_ASCII : 0);
		snprintf(why, size, "process %ld is not watched: %s",
		    (long)ps->pid, reason);
		return (-1);
	}
	if (ps->exited) {
		snprintf(why, size, "process %ld has exited", (long)ps->pid);
		return (-1);
	}
	p->open = ps->pid;
	p->opened = ps;
	return (0);
}

void
view_procs_close(struct view_procs *p)
{
	long	at;

	at = view_procs_find(p, p->open);
	if (at >= 0)
		view_procs_select(p, (size_t)at);
	p->open = 0;
	p->opened = NULL;
}

/* The digits of n in base 10. */
static int
view_procs_digits(uint64_t n)
{
	int	d = 1;

	while (n >= 10) {
		n /= 10;
		d++;
	}
	return (d);
}

/* The larger of a column's heading and its widest value. */
static int
view_procs_col(const char *heading, uint64_t widest)
{
	int	w = view_procs_digits(widest);

	return ((int)strlen(heading) > w ? (int)strlen(heading) : w);
}

/* The largest of the last n counts of every sparkline. */
static uint64_t
view_procs_spark_max(const struct view_procs *p, size_t n)
{
	const struct view_proc_ring	*r;
	uint64_t			 max = 0;
	size_t				 i, k;

	for (i = 0; i < p->nrings; i++) {
		r = &p->rings[i];
		for (k = r->n > n ? r->n - n : 0; k < r->n; k++) {
			if (r->dirty[k] > max)
				max = r->dirty[k];
		}
	}
	return (max);
}

void
view_procs_fmt(struct view_procs_fmt *f, const struct view_procs *p,
    int cols, bool ascii)
{
	const struct snapshot	*ps;
	uint64_t		 pid = 0, dirty = 0, shared = 0, res = 0;
	char			 m[64];
	size_t			 i, w;

	memset(f, 0, sizeof *f);
	f->ascii = ascii;
	f->method_w = (int)strlen("METHOD");
	for (i = 0; p->set != NULL && i < p->set->nproc; i++) {
		ps = p->set->procs[i];
		if (ps->pid > 0 && (uint64_t)ps->pid > pid)
			pid = (uint64_t)ps->pid;
		if (ps->dirty_pages > dirty)
			dirty = ps->dirty_pages;
		if (ps->shared_dirty_pages > shared)
			shared = ps->shared_dirty_pages;
		if (ps->resident_pages > res)
			res = ps->resident_pages;
		str_escape(m, sizeof m, ps->method, ascii ? STR_ESCAPE_ASCII :
		    0);
		if ((w = str_width(m)) > (size_t)f->method_w)
			f->method_w = (int)w;
	}
	f->pid_w = view_procs_col("PID", pid);
	f->dirty_w = view_procs_col("DIRTY", dirty);
	f->shared_w = view_procs_col("SHARED", shared);
	f->resident_w = view_procs_col("RESIDENT", res);
	/* The sparkline gives way to the names on a narrow screen. */
	f->spark_w = cols >= 100 ? VIEW_PROC_RING : VIEW_PROC_RING / 2;
	f->spark_max = view_procs_spark_max(p, (size_t)f->spark_w);
}

void
view_procs_heading(const struct view_procs_fmt *f, char *buf, size_t size)
{
	snprintf(buf, size, " %*s %*s %*s %*s  %-*s  %-*s  PROCESS",
	    f->pid_w, "PID", f->dirty_w, "DIRTY", f->shared_w, "SHARED",
	    f->resident_w, "RESIDENT", f->spark_w, "HISTORY", f->method_w,
	    "METHOD");
}

/*
 * Where process i sits in the tree, into buf: for each of its ancestors
 * below a root, a bar when that one has later siblings, then the branch
 * to it, as htop draws it ("│  └─ "); nothing for a root.
 */
static void
view_procs_branch(const struct view_procs *p, size_t i, bool ascii,
    char *buf, size_t size)
{
	size_t	up[VIEW_PROC_DEPTH], d = 0, k, len = 0;

	*buf = '\0';
	if (p->node == NULL || p->set == NULL || i >= p->set->nproc)
		return;
	/* up[0] is i, up[d] its ancestors below the root, nearest first. */
	for (k = i; p->node[k].parent != SIZE_MAX && d < VIEW_PROC_DEPTH;
	    k = p->node[k].parent)
		up[d++] = k;
	while (d > 1 && len < size) {
		d--;
		len += (size_t)snprintf(buf + len, size - len, "%s",
		    p->node[up[d]].last ? "   " : ascii ? "|  " :
		    "\xe2\x94\x82  ");
	}
	if (d == 1 && len < size)
		snprintf(buf + len, size - len, "%s", p->node[i].last ?
		    (ascii ? "`- " : "\xe2\x94\x94\xe2\x94\x80 ") :
		    (ascii ? "|- " : "\xe2\x94\x9c\xe2\x94\x80 "));
}

/* The sparkline of a process, right-aligned in f->spark_w columns. */
static void
view_procs_spark(const struct view_procs *p, pid_t pid,
    const struct view_procs_fmt *f, char *buf, size_t size)
{
	const struct view_proc_ring	*r;
	size_t				 n = 0, pad, first;

	r = view_procs_ring(p, pid);
	if (r != NULL)
		n = r->n < (size_t)f->spark_w ? r->n : (size_t)f->spark_w;
	pad = (size_t)f->spark_w - n;
	snprintf(buf, size, "%*s", (int)pad, "");
	if (n == 0)
		return;
	first = r->n - n;
	/* A scale of 0 would be each one's own. */
	render_sparkline(r->dirty + first, n, f->spark_max > 0 ?
	    f->spark_max : 1, !f->ascii, buf + pad, size - pad);
}

/* Append to buf (of size, holding *len bytes) what happened to ps. */
static enum view_procs_kind
view_procs_marks(const struct snapshot *ps, int flags, char *buf,
    size_t size, size_t *len)
{
	enum view_procs_kind	 kind = VIEW_PROCS_WATCHED;
	char			 reason[256];

	if (ps->joined && *len < size) {
		*len += (size_t)snprintf(buf + *len, size - *len,
		    "  + joined");
		kind = VIEW_PROCS_JOINED;
	}
	if (ps->exec && *len < size)
		*len += (size_t)snprintf(buf + *len, size - *len,
		    "  ran a new program");
	if (ps->error != NULL)
		str_escape(reason, sizeof reason, ps->error, flags);
	/* Gone with a reason: it left the set (a cgroup) without exiting. */
	if (ps->exited && ps->error != NULL && *len < size) {
		*len += (size_t)snprintf(buf + *len, size - *len,
		    "  left: %s", reason);
		kind = VIEW_PROCS_LEFT;
	} else if (ps->exited && *len < size) {
		*len += (size_t)snprintf(buf + *len, size - *len, "  exited");
		kind = VIEW_PROCS_LEFT;
	} else if (ps->error != NULL && *len < size) {
		*len += (size_t)snprintf(buf + *len, size - *len,
		    "  not watched: %s", reason);
		kind = VIEW_PROCS_UNWATCHED;
	}
	return (kind);
}

/* A count of a row, or "-" when the process has none (known). */
static void
view_procs_count(bool known, uint64_t n, char *buf, size_t size)
{
	if (known)
		snprintf(buf, size, "%" PRIu64, n);
	else
		snprintf(buf, size, "-");
}

void
view_procs_row(const struct view_procs *p, size_t i,
    const struct view_procs_fmt *f, struct view_procs_row *r)
{
	const struct snapshot	*ps = p->set->procs[i];
	int			 flags = f->ascii ? STR_ESCAPE_ASCII : 0;
	char			 dirty[32], shared[32], res[32];
	char			 method[64], branch[VIEW_PROC_DEPTH * 8];
	char			 name[256];
	bool			 counts = !ps->exited && ps->error == NULL;
	size_t			 len;
	int			 pad;

	view_procs_count(counts, ps->dirty_pages, dirty, sizeof dirty);
	view_procs_count(counts, ps->shared_dirty_pages, shared,
	    sizeof shared);
	view_procs_count(counts, ps->resident_pages, res, sizeof res);
	snprintf(r->head, sizeof r->head, " %*ld %*s %*s %*s", f->pid_w,
	    (long)ps->pid, f->dirty_w, dirty, f->shared_w, shared,
	    f->resident_w, res);
	view_procs_spark(p, ps->pid, f, r->spark, sizeof r->spark);

	str_escape(method, sizeof method, ps->error == NULL &&
	    ps->method[0] != '\0' ? ps->method : "-", flags);
	view_procs_branch(p, i, f->ascii, branch, sizeof branch);
	str_escape(name, sizeof name, ps->comm, flags);
	pad = f->method_w - (int)str_width(method);
	len = (size_t)snprintf(r->tail, sizeof r->tail, "%s%*s  %s%s",
	    method, pad > 0 ? pad : 0, "", branch, name);
	if (len >= sizeof r->tail)
		len = sizeof r->tail - 1;
	r->kind = view_procs_marks(ps, flags, r->tail, sizeof r->tail, &len);
}

/* The parts of the title of a process opened. */
#define TITLE_PARTS	6

void
view_procs_title(const struct snapshot *ps, bool ascii, int cols,
    char *buf, size_t size)
{
	/* After who it is: its pages written, the way back, the rest. */
	static const int rank[TITLE_PARTS - 1] = { 1, 5, 2, 3, 4 };
	int		 flags = ascii ? STR_ESCAPE_ASCII : 0;
	char		 part[TITLE_PARTS][320], name[256], method[64], b[32];
	bool		 keep[TITLE_PARTS] = { true };
	size_t		 i, w, len;

	str_escape(name, sizeof name, ps->comm, flags);
	str_escape(method, sizeof method, ps->method, flags);
	snprintf(part[0], sizeof part[0], " process %ld %s", (long)ps->pid,
	    name);
	len = (size_t)snprintf(part[1], sizeof part[1], "  dirty %" PRIu64
	    " %s (%s)", ps->dirty_pages, ps->dirty_pages == 1 ? "page" :
	    "pages", render_bytes(ps->dirty_pages * ps->page_size, b,
	    sizeof b));
	if (ps->shared_dirty_pages > 0 && len < sizeof part[1])
		snprintf(part[1] + len, sizeof part[1] - len, ", %" PRIu64
		    " in shared mappings", ps->shared_dirty_pages);
	snprintf(part[2], sizeof part[2], "  resident %" PRIu64,
	    ps->resident_pages);
	snprintf(part[3], sizeof part[3], "  parent %ld", (long)ps->ppid);
	snprintf(part[4], sizeof part[4], "  method %s", method);
	snprintf(part[5], sizeof part[5], "   Esc: all processes");
	w = str_width(part[0]);
	for (i = 0; i < TITLE_PARTS - 1; i++) {
		if (w + str_width(part[rank[i]]) > (size_t)cols)
			break;
		keep[rank[i]] = true;
		w += str_width(part[rank[i]]);
	}
	*buf = '\0';
	for (i = 0, len = 0; i < TITLE_PARTS && size > 0; i++) {
		if (keep[i] && len < size)
			len += (size_t)snprintf(buf + len, size - len, "%s",
			    part[i]);
	}
}

void
view_procs_label(const struct snapshot *s, char *buf, size_t size)
{
	size_t	i, len;

	switch (s->set) {
	case SNAP_SET_CGROUP:
		snprintf(buf, size, "cgroup %s", s->cgroup != NULL ?
		    s->cgroup : "?");
		return;
	case SNAP_SET_TREE:
		if (s->nroots == 1) {
			if (s->comm[0] != '\0')
				snprintf(buf, size, "tree of %ld (%s)",
				    (long)s->roots[0], s->comm);
			else
				snprintf(buf, size, "tree of %ld",
				    (long)s->roots[0]);
			return;
		}
		len = (size_t)snprintf(buf, size, "trees of");
		break;
	default:
		len = (size_t)snprintf(buf, size, "pids");
		break;
	}
	for (i = 0; i < s->nroots && len < size; i++)
		len += (size_t)snprintf(buf + len, size - len, " %ld",
		    (long)s->roots[i]);
}
