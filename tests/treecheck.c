/*
 * treecheck.c - judge one run of sdtop -T over the tree of
 * tests/tree-target (--drive) against the tree's own account of it.
 *
 * Usage: treecheck TRUTH RUN.jsonl [--method NAME]
 *
 * TRUTH is the driver's truth file (tree-drive.c), RUN.jsonl sdtop's
 * lines. Every cycle, exactly:
 *  - Who is listed: a process of the start from cycle 1, one forked in
 *    the hold after cycle K from cycle K+1 with "joined": true there only
 *    (a process joins at a clear, and its first cycle is whole); one that
 *    exited in the hold after cycle K once more in cycle K+1 with
 *    "exited": true and no regions, then never again (a zombie not yet
 *    reaped included); nothing else. Each with its parent as the kernel
 *    gave it in that hold (reparented ones too), no error, and after its
 *    parent when its parent is listed. The set is the tree of the root
 *    (kind, roots, pid), nproc the number listed.
 *  - What each wrote: of every region the process printed, the "dirty"
 *    ranges are exactly its pages. Of the shared regions (S, shared
 *    anonymous; M, a memfd, through views that start at different file
 *    pages), under uffd-wp and soft-dirty each process's own writes;
 *    under hash (which compares contents) the writes of every writer then
 *    in the set that fall in its view, its own or not. The shared
 *    regions carry their file offset, and the same device and inode in
 *    every process and cycle.
 *  - The counts: each process's dirty_pages, shared_dirty_pages and
 *    discarded_pages are those of its regions; the set's dirty_pages and
 *    tracked_pages are the processes' private pages plus each page of a
 *    shared mapping once (by device, inode and file page), its
 *    shared_dirty_pages that number of written shared pages, which must
 *    also be the union of what the writers in the set wrote.
 * And once: every hold is proven (L > X + C), sdtop exited 0, and every
 * process of the tree checked its memory and exited 0.
 *
 * Prints "ok: ..." and exits 0; prints each mismatch and exits 1; bad
 * input exits 2. Pages of the truth's page size.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "gt-lib.h"

#define MAX_NODES	16
#define MAX_REGIONS	4
#define MAX_PPIDS	64
#define MAX_HOLDS	64
#define MAX_PAGES	4096

/* A region a process printed. */
struct tregion {
	char		 obj;
	uint64_t	 start, end;
	size_t		 page0, n;
	bool		 wr[MAX_PAGES];
};

/* A process of the tree, as the truth tells it. */
struct tnode {
	char		 name[16];
	long		 pid;
	int		 join;		/* its first cycle */
	int		 exit;		/* the cycle it is listed exited, or 0 */
	struct tregion	 r[MAX_REGIONS];
	int		 nr;
	bool		 ok;		/* its memory was whole at its end */
	bool		 reaped;	/* with status 0 */
};

/* A parent from a cycle on. */
struct tppid {
	int	 from, node;
	long	 ppid;
};

/* A page of a shared mapping: its file and page. */
struct key {
	char		 dev[16];
	uint64_t	 inode, page;
};

struct keys {
	struct key	*k;
	size_t		 n, cap;
};

static struct tnode	 nodes[MAX_NODES];
static int		 nnodes;
static struct tppid	 ppids[MAX_PPIDS];
static int		 nppids;
static int		 holds[MAX_HOLDS], nholds, proven[MAX_HOLDS], nproven;
static uint64_t		 pagesz;
static long		 sdtop_status = -1;
static const char	*want_method;
static bool		 failed;
static char		 obj_dev[2][16];
static uint64_t		 obj_inode[2];

/* Print one mismatch; the run fails. */
static void __attribute__((format(printf, 1, 2)))
bad(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	failed = true;
}

/* The node called name, or NULL. */
static struct tnode *
node_named(const char *name)
{
	int	 i;

	for (i = 0; i < nnodes; i++)
		if (strcmp(nodes[i].name, name) == 0)
			return (&nodes[i]);
	return (NULL);
}

/* The node of PID pid, or NULL. */
static struct tnode *
node_of(long pid)
{
	int	 i;

	for (i = 0; i < nnodes; i++)
		if (nodes[i].pid == pid)
			return (&nodes[i]);
	return (NULL);
}

/* One "region" line of the truth; -1 if malformed. */
static int
truth_region(const char *line)
{
	char		 name[16], obj, a[32], b[32], pages[1024];
	struct tnode	*t;
	struct tregion	*r;
	size_t		 page0;

	if (sscanf(line, "region %15s %c %31s %31s %zu %1023s", name, &obj,
	    a, b, &page0, pages) != 6 || (t = node_named(name)) == NULL ||
	    t->nr == MAX_REGIONS)
		return (-1);
	r = &t->r[t->nr++];
	r->obj = obj;
	r->page0 = page0;
	if (gt_parse_hex(a, &r->start) || gt_parse_hex(b, &r->end) ||
	    r->end <= r->start || pagesz == 0 ||
	    (r->end - r->start) % pagesz != 0 ||
	    (r->n = (r->end - r->start) / pagesz) > MAX_PAGES ||
	    gt_pages_add(pages, r->wr, r->n) != 0)
		return (-1);
	return (0);
}

/* One "event" line; -1 if malformed. */
static int
truth_event(const char *line)
{
	char		 kind[16], name[16];
	struct tnode	*t;
	int		 k;

	if (sscanf(line, "event %d %15s %15s", &k, kind, name) != 3 ||
	    (t = node_named(name)) == NULL || nholds == MAX_HOLDS)
		return (-1);
	holds[nholds++] = k;
	if (strcmp(kind, "fork") == 0)
		t->join = k + 1;
	else if (strcmp(kind, "exit") == 0)
		t->exit = k + 1;
	return (0);
}

/* The status lines: a process's own end, and its reaper's word. */
static int
truth_end(const char *line)
{
	char		 word[16], name[16], what[32];
	struct tnode	*t;
	long		 pid, st;

	if (sscanf(line, "%15s %15s %ld %31s", word, name, &pid, what) != 4)
		return (-1);
	if ((t = node_of(pid)) == NULL)
		return (strcmp(word, "reaped") == 0 ? 0 : -1);
	if (strcmp(word, "exit") == 0 || strcmp(word, "final") == 0) {
		if (strcmp(what, "ok") != 0)
			bad("%s (%ld) found its memory changed: %s", t->name,
			    pid, line);
		else
			t->ok = true;
		return (0);
	}
	st = strtol(what, NULL, 10);
	if (st != 0)
		bad("%s (%ld) ended with wait status %ld", t->name, pid, st);
	else
		t->reaped = true;
	return (0);
}

/* Read the truth file; -1 (said) if it cannot be used. */
static int
truth_read(const char *path)
{
	char		 line[2048], name[16], word[16];
	struct tnode	*t;
	FILE		*f;
	long		 pid, x;
	int		 k, rc = 0, X, L, C;

	if ((f = fopen(path, "r")) == NULL) {
		fprintf(stderr, "treecheck: %s: %s\n", path, strerror(errno));
		return (-1);
	}
	while (rc == 0 && fgets(line, sizeof line, f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (sscanf(line, "%15s", word) != 1)
			continue;
		if (sscanf(line, "pagesize %" SCNu64, &pagesz) == 1)
			continue;
		if (strcmp(word, "node") == 0) {
			if (nnodes == MAX_NODES || sscanf(line,
			    "node %15s %ld", name, &pid) != 2)
				rc = -1;
			else {
				t = &nodes[nnodes++];
				snprintf(t->name, sizeof t->name, "%s", name);
				t->pid = pid;
				t->join = 1;
			}
		} else if (strcmp(word, "region") == 0)
			rc = truth_region(line);
		else if (strcmp(word, "event") == 0)
			rc = truth_event(line);
		else if (strcmp(word, "ppid") == 0) {
			if (nppids == MAX_PPIDS || sscanf(line,
			    "ppid %d %15s %ld", &k, name, &x) != 3 ||
			    (t = node_named(name)) == NULL)
				rc = -1;
			else {
				ppids[nppids].from = k + 1;
				ppids[nppids].node = (int)(t - nodes);
				ppids[nppids++].ppid = x;
			}
		} else if (strcmp(word, "hold") == 0) {
			if (sscanf(line, "hold %d %d %d %d", &k, &X, &L,
			    &C) != 4 || nproven == MAX_HOLDS)
				rc = -1;
			else if (L <= X + C)
				bad("the hold after cycle %d is not proven: a "
				    "line of %d bytes, %d read, a pipe of %d",
				    k, L, X, C);
			else
				proven[nproven++] = k;
		} else if (strcmp(word, "sdtop") == 0)
			sdtop_status = strtol(line + 6, NULL, 10);
		else if (strcmp(word, "exit") == 0 ||
		    strcmp(word, "final") == 0 ||
		    strcmp(word, "reaped") == 0 ||
		    strcmp(word, "status") == 0)
			rc = truth_end(line);
		else if (strcmp(word, "error") == 0 ||
		    strcmp(word, "corrupt") == 0)
			bad("%s", line);
	}
	fclose(f);
	if (rc != 0)
		fprintf(stderr, "treecheck: %s: bad line: %s\n", path, line);
	else if (nnodes == 0 || pagesz == 0) {
		fprintf(stderr, "treecheck: %s: no tree in it\n", path);
		rc = -1;
	}
	return (rc);
}

/* The once-only verdicts: holds proven, sdtop's status, every end. */
static void
truth_judge(void)
{
	int	 i, j;

	for (i = 0; i < nholds; i++) {
		for (j = 0; j < nproven && proven[j] != holds[i]; j++)
			;
		if (j == nproven)
			bad("no proof that sdtop was held after cycle %d",
			    holds[i]);
	}
	if (sdtop_status != 0)
		bad("sdtop ended with wait status %ld", sdtop_status);
	for (i = 0; i < nnodes; i++)
		if (!nodes[i].ok || !nodes[i].reaped)
			bad("%s (%ld) did not end whole: %s", nodes[i].name,
			    nodes[i].pid, !nodes[i].ok ? "no word of its "
			    "memory" : "no exit status 0");
}

/* The parent of node i in cycle c, as the kernel gave it. */
static long
ppid_at(int i, int c)
{
	long	 p = 0;
	int	 j;

	for (j = 0; j < nppids; j++)
		if (ppids[j].node == i && ppids[j].from <= c)
			p = ppids[j].ppid;
	return (p);
}

/* Whether node i is a member writing in cycle c (listed, not exited). */
static bool
writing(const struct tnode *t, int c)
{
	return (t->join <= c && (t->exit == 0 || c < t->exit));
}

/*
 * The pages region r of node t must show as written in cycle c: its own
 * writes, or (by_content, a shared region under hash) every writer's in
 * its view.
 */
static void
region_want(const struct tregion *r, int c, bool by_content, bool *want)
{
	const struct tregion	*q;
	size_t			 i, fp;
	int			 w, j;

	if ((r->obj != 'S' && r->obj != 'M') || !by_content) {
		memcpy(want, r->wr, r->n * sizeof *want);
		return;
	}
	memset(want, 0, r->n * sizeof *want);
	for (w = 0; w < nnodes; w++) {
		if (!writing(&nodes[w], c))
			continue;
		for (j = 0; j < nodes[w].nr; j++) {
			q = &nodes[w].r[j];
			for (i = 0; q->obj == r->obj && i < q->n; i++) {
				fp = q->page0 + i;
				if (q->wr[i] && fp >= r->page0 &&
				    fp < r->page0 + r->n)
					want[fp - r->page0] = true;
			}
		}
	}
}

/* The shared pages the writers in the set wrote in cycle c, each once. */
static uint64_t
shared_want(int c)
{
	bool		 seen[2][MAX_PAGES];
	const struct tregion *q;
	uint64_t	 n = 0;
	size_t		 i;
	int		 w, j, o;

	memset(seen, 0, sizeof seen);
	for (w = 0; w < nnodes; w++) {
		for (j = 0; writing(&nodes[w], c) && j < nodes[w].nr; j++) {
			q = &nodes[w].r[j];
			if (q->obj != 'S' && q->obj != 'M')
				continue;
			o = q->obj == 'M';
			for (i = 0; i < q->n; i++)
				if (q->wr[i] && q->page0 + i < MAX_PAGES &&
				    !seen[o][q->page0 + i]) {
					seen[o][q->page0 + i] = true;
					n++;
				}
		}
	}
	return (n);
}

/* An integer member of o (0 when absent). */
static int64_t
jint(json_t *o, const char *key)
{
	return ((int64_t)json_integer_value(json_object_get(o, key)));
}

/* The file and offset of a shared region: the same all run long. */
static void
region_file(json_t *v, const struct tregion *r, const char *who, int c)
{
	const char	*dev = json_string_value(json_object_get(v, "dev"));
	uint64_t	 off, inode;
	int		 o = r->obj == 'M';

	if (dev == NULL || gt_parse_hex(json_string_value(json_object_get(v,
	    "offset")), &off) != 0 || off != r->page0 * pagesz ||
	    gt_parse_inode(json_string_value(json_object_get(v, "inode")),
	    &inode) != 0) {
		bad("cycle %d: %s: region %c: no device or inode, or not at "
		    "file offset %zu pages", c, who, r->obj, r->page0);
		return;
	}
	if (obj_dev[o][0] == '\0') {
		snprintf(obj_dev[o], sizeof obj_dev[o], "%s", dev);
		obj_inode[o] = inode;
	} else if (strcmp(obj_dev[o], dev) != 0 || obj_inode[o] != inode)
		bad("cycle %d: %s: region %c is of %s inode %" PRIu64 ", "
		    "not of %s inode %" PRIu64, c, who, r->obj, dev, inode,
		    obj_dev[o], obj_inode[o]);
	if (obj_dev[0][0] != '\0' && obj_dev[1][0] != '\0' &&
	    strcmp(obj_dev[0], obj_dev[1]) == 0 && obj_inode[0] == obj_inode[1])
		bad("cycle %d: S and M have the same inode", c);
}

/* Region r of node t in its process object p of cycle c. */
static void
region_judge(json_t *p, const struct tnode *t, const struct tregion *r,
    int c, bool by_content)
{
	bool	 want[MAX_PAGES], have[MAX_PAGES], none[MAX_PAGES];
	json_t	*v = gt_find_vma(p, r->start, r->end);

	if (v == NULL) {
		bad("cycle %d: %s (%ld): region %c 0x%" PRIx64 "-0x%" PRIx64
		    " is missing", c, t->name, t->pid, r->obj, r->start,
		    r->end);
		return;
	}
	if (!json_is_true(json_object_get(v, "tracked")) ||
	    !json_is_false(json_object_get(v, "new"))) {
		bad("cycle %d: %s: region %c not tracked, or new", c, t->name,
		    r->obj);
		return;
	}
	if (r->obj == 'S' || r->obj == 'M')
		region_file(v, r, t->name, c);
	region_want(r, c, by_content, want);
	memset(none, 0, sizeof none);
	if (gt_ranges(json_object_get(v, "dirty"), r->start, r->end, pagesz,
	    have, r->n) != 0 || gt_ranges(json_object_get(v, "discarded"),
	    r->start, r->end, pagesz, none, r->n) != 0) {
		bad("cycle %d: %s: region %c: bad ranges", c, t->name, r->obj);
		return;
	}
	if (memcmp(want, have, r->n * sizeof *want) != 0) {
		printf("cycle %d: %s (%ld): region %c: missing ", c, t->name,
		    t->pid, r->obj);
		gt_print_diff(want, have, r->n, true);
		printf("; extra ");
		gt_print_diff(want, have, r->n, false);
		printf("\n");
		failed = true;
	}
	memset(want, 0, sizeof want);
	if (memcmp(none, want, r->n * sizeof *want) != 0)
		bad("cycle %d: %s: region %c: pages discarded", c, t->name,
		    r->obj);
}

/* Add a key; exits 2 when out of memory. */
static void
key_add(struct keys *ks, const char *dev, uint64_t inode, uint64_t page)
{
	struct key	*k;

	if (ks->n == ks->cap) {
		ks->cap = ks->cap * 2 + 256;
		if ((ks->k = realloc(ks->k, ks->cap * sizeof *ks->k)) == NULL) {
			fprintf(stderr, "treecheck: out of memory\n");
			exit(2);
		}
	}
	k = &ks->k[ks->n++];
	snprintf(k->dev, sizeof k->dev, "%s", dev);
	k->inode = inode;
	k->page = page;
}

/* Keys in the order of file, then page. */
static int
key_cmp(const void *a, const void *b)
{
	const struct key	*x = a, *y = b;
	int			 d = strcmp(x->dev, y->dev);

	if (d != 0)
		return (d);
	if (x->inode != y->inode)
		return (x->inode < y->inode ? -1 : 1);
	return (x->page < y->page ? -1 : x->page > y->page);
}

/* How many distinct keys ks holds. */
static uint64_t
key_count(struct keys *ks)
{
	uint64_t	 n = 0;
	size_t		 i;

	qsort(ks->k, ks->n, sizeof *ks->k, key_cmp);
	for (i = 0; i < ks->n; i++)
		if (i == 0 || key_cmp(&ks->k[i - 1], &ks->k[i]) != 0)
			n++;
	return (n);
}

/* The pages a ranges array covers, or -1 if it is malformed. */
static int64_t
ranges_pages(json_t *ranges, uint64_t start, uint64_t end, uint64_t *first,
    uint64_t *count, size_t max)
{
	json_t		*x;
	size_t		 i, n = 0;
	uint64_t	 a, b, p;

	json_array_foreach(ranges, i, x) {
		if (gt_parse_hex(json_string_value(json_array_get(x, 0)), &a) ||
		    gt_parse_hex(json_string_value(json_array_get(x, 1)), &b) ||
		    a >= b || a < start || b > end)
			return (-1);
		for (p = a; p < b; p += pagesz) {
			if (first != NULL && n < max)
				first[n] = (p - start) / pagesz;
			n++;
		}
	}
	*count = n;
	return ((int64_t)n);
}

/* The set's sums, gathered over its processes. */
struct sums {
	uint64_t	 own_dirty, own_tracked, discarded;
	struct keys	 dirty, tracked;
};

/*
 * The counts of process p against its regions, from the JSON alone, and
 * its share of the set's sums.
 */
static void
proc_counts(json_t *p, const char *who, int c, struct sums *s)
{
	uint64_t	 pg[MAX_PAGES], nd, nx, d = 0, sd = 0, x = 0, tr = 0;
	uint64_t	 start, end, off, inode, i;
	const char	*perms, *dev;
	json_t		*v;
	size_t		 j;
	bool		 shared;

	json_array_foreach(json_object_get(p, "vmas"), j, v) {
		perms = json_string_value(json_object_get(v, "perms"));
		dev = json_string_value(json_object_get(v, "dev"));
		if (perms == NULL || strlen(perms) < 4 || dev == NULL ||
		    gt_parse_inode(json_string_value(json_object_get(v,
		    "inode")), &inode) ||
		    gt_parse_hex(json_string_value(json_object_get(v,
		    "start")), &start) || gt_parse_hex(json_string_value(
		    json_object_get(v, "end")), &end) || gt_parse_hex(
		    json_string_value(json_object_get(v, "offset")), &off) ||
		    ranges_pages(json_object_get(v, "dirty"), start, end, pg,
		    &nd, MAX_PAGES) < 0 || ranges_pages(json_object_get(v,
		    "discarded"), start, end, NULL, &nx, 0) < 0) {
			bad("cycle %d: %s: a malformed region", c, who);
			continue;
		}
		if ((uint64_t)jint(v, "dirty_pages") != nd ||
		    (uint64_t)jint(v, "discarded_pages") != nx)
			bad("cycle %d: %s: region 0x%" PRIx64 ": its counts "
			    "are not its ranges", c, who, start);
		if (!json_is_true(json_object_get(v, "tracked")) ||
		    json_is_true(json_object_get(v, "new")))
			continue;
		shared = perms[3] == 's' && inode != 0;
		d += nd;
		x += nx;
		tr += (end - start) / pagesz;
		if (!shared) {
			s->own_dirty += nd;
			s->own_tracked += (end - start) / pagesz;
			continue;
		}
		sd += nd;
		for (i = 0; i < nd && i < MAX_PAGES; i++)
			key_add(&s->dirty, dev, inode, off / pagesz + pg[i]);
		for (i = 0; i < (end - start) / pagesz; i++)
			key_add(&s->tracked, dev, inode, off / pagesz + i);
	}
	s->discarded += x;
	if ((uint64_t)jint(p, "dirty_pages") != d ||
	    (uint64_t)jint(p, "shared_dirty_pages") != sd ||
	    (uint64_t)jint(p, "discarded_pages") != x ||
	    (uint64_t)jint(p, "tracked_pages") != tr)
		bad("cycle %d: %s: dirty %" PRId64 " shared %" PRId64
		    " discarded %" PRId64 " tracked %" PRId64 ", its regions "
		    "say %" PRIu64 ", %" PRIu64 ", %" PRIu64 ", %" PRIu64, c,
		    who, jint(p, "dirty_pages"), jint(p, "shared_dirty_pages"),
		    jint(p, "discarded_pages"), jint(p, "tracked_pages"), d,
		    sd, x, tr);
}

/* Process object p, node t's, in cycle c. */
static void
proc_judge(json_t *p, const struct tnode *t, int c)
{
	const char	*m = json_string_value(json_object_get(p, "method"));
	bool		 exited = c == t->exit;
	int		 j;

	if (json_is_true(json_object_get(p, "joined")) !=
	    (c == t->join && t->join > 1))
		bad("cycle %d: %s (%ld): \"joined\" is %s", c, t->name, t->pid,
		    c == t->join && t->join > 1 ? "not true" : "true");
	if (json_is_true(json_object_get(p, "exited")) != exited)
		bad("cycle %d: %s (%ld): \"exited\" is %s", c, t->name, t->pid,
		    exited ? "not true" : "true");
	if (!json_is_null(json_object_get(p, "error")))
		bad("cycle %d: %s (%ld): error \"%s\"", c, t->name, t->pid,
		    json_string_value(json_object_get(p, "error")));
	if (jint(p, "ppid") != ppid_at((int)(t - nodes), c))
		bad("cycle %d: %s (%ld): ppid %" PRId64 ", not %ld", c, t->name,
		    t->pid, jint(p, "ppid"), ppid_at((int)(t - nodes), c));
	if (exited) {
		if (json_array_size(json_object_get(p, "vmas")) != 0 ||
		    jint(p, "dirty_pages") != 0)
			bad("cycle %d: %s (%ld) exited, yet has regions or "
			    "pages", c, t->name, t->pid);
		return;
	}
	if (m == NULL || (want_method != NULL && strcmp(m, want_method) != 0))
		bad("cycle %d: %s (%ld): method %s", c, t->name, t->pid,
		    m != NULL ? m : "none");
	for (j = 0; j < t->nr; j++)
		region_judge(p, t, &t->r[j], c, m != NULL &&
		    strcmp(m, "hash") == 0);
}

/* The set itself in cycle o: which tree, and its totals. */
static void
set_judge(json_t *o, int c, struct sums *s, size_t nproc)
{
	json_t		*set = json_object_get(o, "set");
	json_t		*roots = json_object_get(set, "roots");
	uint64_t	 sd = key_count(&s->dirty), st = key_count(&s->tracked);
	uint64_t	 want = shared_want(c);

	if (jint(o, "format") != 2 || strcmp(json_string_value(
	    json_object_get(set, "kind")) ?: "", "tree") != 0 ||
	    json_array_size(roots) != 1 ||
	    json_integer_value(json_array_get(roots, 0)) != nodes[0].pid ||
	    jint(o, "pid") != nodes[0].pid)
		bad("cycle %d: not format 2 of the tree of %ld", c,
		    nodes[0].pid);
	if ((size_t)jint(o, "nproc") != nproc)
		bad("cycle %d: nproc %" PRId64 ", %zu listed", c,
		    jint(o, "nproc"), nproc);
	if ((uint64_t)jint(o, "dirty_pages") != s->own_dirty + sd ||
	    (uint64_t)jint(o, "shared_dirty_pages") != sd ||
	    (uint64_t)jint(o, "tracked_pages") != s->own_tracked + st ||
	    (uint64_t)jint(o, "discarded_pages") != s->discarded)
		bad("cycle %d: the set says dirty %" PRId64 " (shared %" PRId64
		    ") tracked %" PRId64 " discarded %" PRId64 "; its "
		    "processes say %" PRIu64 " (%" PRIu64 ") %" PRIu64
		    " %" PRIu64, c, jint(o, "dirty_pages"),
		    jint(o, "shared_dirty_pages"), jint(o, "tracked_pages"),
		    jint(o, "discarded_pages"), s->own_dirty + sd, sd,
		    s->own_tracked + st, s->discarded);
	if (sd != want)
		bad("cycle %d: %" PRIu64 " shared pages written, the writers "
		    "wrote %" PRIu64, c, sd, want);
}

/* One cycle object: who is listed, each process, the set. */
static void
cycle_judge(json_t *o, int c)
{
	struct sums	 s;
	json_t		*procs = json_object_get(o, "processes"), *p;
	struct tnode	*t;
	bool		 listed[MAX_NODES];
	size_t		 i, j;
	char		 who[48];
	int		 k;

	memset(&s, 0, sizeof s);
	memset(listed, 0, sizeof listed);
	json_array_foreach(procs, i, p) {
		if ((t = node_of((long)jint(p, "pid"))) == NULL) {
			bad("cycle %d: process %" PRId64 " is not of the tree",
			    c, jint(p, "pid"));
			continue;
		}
		if (listed[t - nodes])
			bad("cycle %d: %s (%ld) listed twice", c, t->name,
			    t->pid);
		listed[t - nodes] = true;
		if (t->join > c || (t->exit != 0 && c > t->exit)) {
			bad("cycle %d: %s (%ld) is listed (joined %s, exited "
			    "%s, error %s)", c, t->name, t->pid,
			    json_is_true(json_object_get(p, "joined")) ?
			    "true" : "false", json_is_true(json_object_get(p,
			    "exited")) ? "true" : "false",
			    json_string_value(json_object_get(p, "error")) ?:
			    "null");
			continue;
		}
		/* Its parent, when listed, comes before it. */
		for (j = i + 1; j < json_array_size(procs); j++)
			if (jint(json_array_get(procs, j), "pid") ==
			    jint(p, "ppid"))
				bad("cycle %d: %s listed before its parent",
				    c, t->name);
		proc_judge(p, t, c);
		snprintf(who, sizeof who, "%s (%ld)", t->name, t->pid);
		proc_counts(p, who, c, &s);
	}
	for (k = 0; k < nnodes; k++) {
		t = &nodes[k];
		if (!listed[k] && t->join <= c && (t->exit == 0 ||
		    c <= t->exit))
			bad("cycle %d: %s (%ld) is not listed", c, t->name,
			    t->pid);
	}
	set_judge(o, c, &s, json_array_size(procs));
	free(s.dirty.k);
	free(s.tracked.k);
}

int
main(int argc, char **argv)
{
	json_error_t	 jerr;
	json_t		*o;
	FILE		*f;
	char		*line = NULL;
	size_t		 cap = 0;
	int		 c = 0, last = 0, k;

	if (argc == 5 && strcmp(argv[3], "--method") == 0)
		want_method = argv[4];
	else if (argc != 3) {
		fprintf(stderr, "usage: treecheck TRUTH RUN.jsonl "
		    "[--method NAME]\n");
		return (2);
	}
	if (truth_read(argv[1]) != 0)
		return (2);
	if ((f = fopen(argv[2], "r")) == NULL) {
		fprintf(stderr, "treecheck: %s: %s\n", argv[2],
		    strerror(errno));
		return (2);
	}
	while (getline(&line, &cap, f) > 1) {
		if ((o = json_loads(line, 0, &jerr)) == NULL) {
			fprintf(stderr, "treecheck: %s: line %d: %s\n",
			    argv[2], c + 1, jerr.text);
			return (2);
		}
		if (jint(o, "cycle") != ++c)
			bad("line %d is cycle %" PRId64, c, jint(o, "cycle"));
		else
			cycle_judge(o, c);
		json_decref(o);
	}
	fclose(f);
	free(line);
	truth_judge();
	for (k = 0; k < nnodes; k++) {
		if (nodes[k].join > last)
			last = nodes[k].join;
		if (nodes[k].exit > last)
			last = nodes[k].exit;
	}
	if (c <= last)
		bad("%d cycles: the run ended before cycle %d, after the last "
		    "change", c, last + 1);
	if (failed)
		return (1);
	printf("ok: %d cycles, %d processes, each exact\n", c, nnodes);
	return (0);
}
