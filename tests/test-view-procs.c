/*
 * test-view-procs.c - the list of a set's processes, without a terminal:
 * the tree its rows draw (each process under its parent, as htop does),
 * what each row says (counts, method, escaped name, joined, exited, not
 * watched and why), the sparkline each process keeps from cycle to cycle
 * and loses when the history starts again, the selection that follows
 * its process, and the process opened, whose regions the map then lays
 * out, until it exits.
 *
 * The sets are made here in memory as a collect would make them: one
 * snapshot per process, in tree order, under a snapshot of the set.
 *
 * Units: pages of 4096 bytes; list rows; screen columns.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "proc-maps.h"
#include "snapshot.h"
#include "snap-make.h"
#include "view.h"
#include "view-layout.h"
#include "view-procs.h"

/* A process of a set: who it is and what it did this cycle. */
struct proc {
	pid_t		 pid;
	pid_t		 ppid;
	const char	*comm;
	uint64_t	 dirty;
	bool		 joined;
	bool		 exited;
	const char	*error;
};

/* The regions every watched process has here: 3 writable, 1 not. */
static const struct region regions[] = {
	{ 0x10000000, 16, "rw-p", "[heap]", true },
	{ 0x20000000, 64, "rw-p", "", true },
	{ 0x30000000, 4, "r--p", "/usr/lib/libc.so.6", false },
	{ 0x7ff000000000, 33, "rw-p", "[stack]", true },
};
#define NREGIONS	(sizeof regions / sizeof regions[0])

/* The snapshot of cycle `cycle` of a tree of the n processes p. */
static struct snapshot *
set_make(unsigned long cycle, const struct proc *p, size_t n)
{
	struct snapshot	*s, *ps;
	size_t		 i;

	s = snapshot_new(0);
	assert_non_null(s);
	s->cycle = cycle;
	s->page_size = 4096;
	s->set = SNAP_SET_TREE;
	s->pid = p[0].pid;
	snprintf(s->comm, sizeof s->comm, "%s", p[0].comm);
	s->roots = calloc(1, sizeof *s->roots);
	assert_non_null(s->roots);
	s->roots[0] = p[0].pid;
	s->nroots = 1;
	s->procs = calloc(n, sizeof *s->procs);
	assert_non_null(s->procs);
	for (i = 0; i < n; i++) {
		if (p[i].exited || p[i].error != NULL) {
			ps = snapshot_new(0);
			assert_non_null(ps);
			ps->page_size = 4096;
		} else
			ps = snap_make(regions, NREGIONS);
		ps->cycle = cycle;
		ps->pid = p[i].pid;
		ps->ppid = p[i].ppid;
		snprintf(ps->comm, sizeof ps->comm, "%s", p[i].comm);
		snprintf(ps->method, sizeof ps->method, "%s",
		    p[i].error != NULL ? "" : "uffd-wp");
		ps->joined = p[i].joined;
		ps->exited = p[i].exited;
		if (p[i].error != NULL) {
			ps->error = strdup(p[i].error);
			assert_non_null(ps->error);
		}
		if (!p[i].exited && p[i].error == NULL) {
			ps->dirty_pages = p[i].dirty;
			ps->resident_pages = 117;
		}
		s->procs[s->nproc++] = ps;
	}
	return (s);
}

/*
 * sh (100) started a and b; a started c; b started d, which cannot be
 * watched; e (105) was reparented to init but stays a member.
 */
static const struct proc tree[] = {
	{ 100, 1, "sh", 12, false, false, NULL },
	{ 101, 100, "a", 3, false, false, NULL },
	{ 103, 101, "c", 0, false, false, NULL },
	{ 102, 100, "b", 1500, false, false, NULL },
	{ 104, 102, "d", 0, false, false, "Permission denied" },
	{ 105, 1, "e", 7, false, false, NULL },
};
#define NTREE	(sizeof tree / sizeof tree[0])

/* Take s into p; what became of the process opened. */
static enum view_procs_took
take(struct view_procs *p, const struct snapshot *s, bool history)
{
	enum view_procs_took	took;

	assert_int_equal(view_procs_take(p, s, history, &took), 0);
	return (took);
}

/* Row i, whole, as it is drawn: head, two spaces, sparkline, two, tail. */
static const char *
row(const struct view_procs *p, size_t i, int cols, bool ascii,
    enum view_procs_kind *kind)
{
	static char		 line[2048];
	struct view_procs_fmt	 f;
	struct view_procs_row	 r;

	view_procs_fmt(&f, p, cols, ascii);
	view_procs_row(p, i, &f, &r);
	snprintf(line, sizeof line, "%s  %s  %s", r.head, r.spark, r.tail);
	if (kind != NULL)
		*kind = r.kind;
	return (line);
}

static void
view_procs_row__tree__children_under_their_parents(void **state)
{
	struct view_procs	 p;
	struct view_procs_fmt	 f;
	struct snapshot		*s;
	char			 heading[256];

	(void)state;
	memset(&p, 0, sizeof p);
	s = set_make(1, tree, NTREE);
	take(&p, s, true);
	view_procs_fmt(&f, &p, 80, true);
	view_procs_heading(&f, heading, sizeof heading);
	assert_string_equal(heading, " PID DIRTY SHARED RESIDENT  HISTORY "
	    "  METHOD   PROCESS");
	/*
	 * The sparklines have one cycle, on one scale: b's 1500 pages fill
	 * the column, a few pages take its lowest level, none is a blank.
	 */
	assert_string_equal(row(&p, 0, 80, true, NULL),
	    " 100    12      0      117         _  uffd-wp  sh");
	assert_string_equal(row(&p, 1, 80, true, NULL),
	    " 101     3      0      117         _  uffd-wp  |- a");
	assert_string_equal(row(&p, 2, 80, true, NULL),
	    " 103     0      0      117            uffd-wp  |  `- c");
	assert_string_equal(row(&p, 3, 80, true, NULL),
	    " 102  1500      0      117         #  uffd-wp  `- b");
	assert_string_equal(row(&p, 4, 80, true, NULL),
	    " 104     -      -        -            -           `- d  not"
	    " watched: Permission denied");
	/* Its parent is not in the set: a root of its own. */
	assert_string_equal(row(&p, 5, 80, true, NULL),
	    " 105     7      0      117         _  uffd-wp  e");
	/* In UTF-8, as htop draws its tree. */
	assert_non_null(strstr(row(&p, 1, 80, false, NULL),
	    "uffd-wp  \xe2\x94\x9c\xe2\x94\x80 a"));
	assert_non_null(strstr(row(&p, 2, 80, false, NULL),
	    "uffd-wp  \xe2\x94\x82  \xe2\x94\x94\xe2\x94\x80 c"));
	assert_non_null(strstr(row(&p, 3, 80, false, NULL),
	    "uffd-wp  \xe2\x94\x94\xe2\x94\x80 b"));
	assert_int_equal(p.nlive, NTREE);
	assert_int_equal(p.njoined, 0);
	assert_int_equal(p.nexited, 0);
	view_procs_free(&p);
	snapshot_free(s);
}

static void
view_procs_row__joined_exited_unwatched__said_and_kind(void **state)
{
	static const struct proc	 procs[] = {
		{ 200, 1, "init\x1b[2J", 1, false, false, NULL },
		{ 201, 200, "new", 2, true, false, NULL },
		{ 202, 200, "gone", 9, false, true, NULL },
		{ 203, 200, "kthread", 0, true, false, "a kernel thread" },
		{ 204, 200, "moved", 0, false, true, "moved out of the cgroup" },
	};
	struct view_procs		 p;
	struct snapshot			*s;
	enum view_procs_kind		 kind;
	const char			*r;

	(void)state;
	memset(&p, 0, sizeof p);
	s = set_make(4, procs, 5);
	take(&p, s, true);
	r = row(&p, 0, 80, true, &kind);
	/* A name from the target reaches no terminal as it is. */
	assert_null(strchr(r, '\x1b'));
	assert_non_null(strstr(r, "  init\\x1b[2J"));
	assert_int_equal(kind, VIEW_PROCS_WATCHED);
	r = row(&p, 1, 80, true, &kind);
	assert_non_null(strstr(r, "|- new  + joined"));
	assert_int_equal(kind, VIEW_PROCS_JOINED);
	/* An exited process has no counts left, and no new sparkline. */
	r = row(&p, 2, 80, true, &kind);
	assert_string_equal(r, " 202     -      -        -            "
	    "uffd-wp  |- gone  exited");
	assert_int_equal(kind, VIEW_PROCS_LEFT);
	r = row(&p, 3, 80, true, &kind);
	assert_non_null(strstr(r, "|- kthread  + joined  not watched: a"
	    " kernel thread"));
	assert_int_equal(kind, VIEW_PROCS_UNWATCHED);
	/* Gone from the set without exiting: it left, and why. */
	r = row(&p, 4, 80, true, &kind);
	assert_non_null(strstr(r, "`- moved  left: moved out of the cgroup"));
	assert_null(strstr(r, "exited"));
	assert_int_equal(kind, VIEW_PROCS_LEFT);
	assert_int_equal(p.nlive, 3);
	assert_int_equal(p.njoined, 2);
	assert_int_equal(p.nexited, 1);
	assert_int_equal(p.nleft, 1);
	view_procs_free(&p);
	snapshot_free(s);
}

/* The dirty counts of PID pid's sparkline, "1,2,4". */
static const char *
ring_of(const struct view_procs *p, pid_t pid)
{
	static char			 buf[1024];
	const struct view_proc_ring	*r;
	size_t				 i, len = 0;

	buf[0] = '\0';
	if ((r = view_procs_ring(p, pid)) == NULL)
		return ("none");
	for (i = 0; i < r->n; i++)
		len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%llu",
		    i > 0 ? "," : "", (unsigned long long)r->dirty[i]);
	return (buf);
}

static void
view_procs_take__sparklines__fed_stepped_back_and_reset(void **state)
{
	struct proc		 procs[2];
	struct view_procs	 p;
	struct snapshot		*s[5];
	unsigned long		 c;

	(void)state;
	memset(&p, 0, sizeof p);
	memcpy(procs, tree, sizeof procs);
	for (c = 1; c <= 4; c++) {
		procs[0].dirty = c * 10;
		procs[1].dirty = 1 << c;
		s[c] = set_make(c, procs, 2);
		take(&p, s[c], true);
	}
	assert_string_equal(ring_of(&p, 100), "10,20,30,40");
	assert_string_equal(ring_of(&p, 101), "2,4,8,16");
	/*
	 * Drawn right-aligned, the last cycle in the last column, on the
	 * scale of sh's 40 pages.
	 */
	assert_string_equal(row(&p, 1, 80, true, NULL),
	    " 101    16      0      117      __.-  uffd-wp  `- a");
	assert_string_equal(row(&p, 0, 80, true, NULL),
	    " 100    40      0      117      .=*#  uffd-wp  sh");
	/* A rescan is kept out of the history. */
	take(&p, s[4], false);
	assert_string_equal(ring_of(&p, 101), "2,4,8,16");
	/* Stepping back to cycle 2 forgets what came after it. */
	take(&p, s[2], true);
	assert_string_equal(ring_of(&p, 101), "2,4");
	take(&p, s[3], true);
	assert_string_equal(ring_of(&p, 101), "2,4,8");
	/* A new history: every sparkline starts again. */
	view_procs_reset(&p);
	assert_string_equal(ring_of(&p, 101), "none");
	take(&p, s[4], true);
	assert_string_equal(ring_of(&p, 101), "16");
	/* A process gone loses its sparkline; one that joins starts one. */
	take(&p, s[1], true);
	snapshot_free(s[1]);
	s[1] = set_make(5, procs, 1);
	take(&p, s[1], true);
	assert_string_equal(ring_of(&p, 101), "none");
	procs[1].joined = true;
	procs[1].dirty = 5;
	snapshot_free(s[2]);
	s[2] = set_make(6, procs, 2);
	take(&p, s[2], true);
	assert_string_equal(ring_of(&p, 101), "5");
	for (c = 1; c <= 4; c++)
		snapshot_free(s[c]);
	view_procs_free(&p);
}

static void
view_procs_take__sparkline__keeps_the_last_cycles(void **state)
{
	struct proc		 procs[1];
	struct view_procs	 p;
	struct snapshot		*s;
	const struct view_proc_ring *r;
	unsigned long		 c;

	(void)state;
	memset(&p, 0, sizeof p);
	procs[0] = tree[0];
	for (c = 1; c <= VIEW_PROC_RING + 8; c++) {
		procs[0].dirty = c;
		s = set_make(c, procs, 1);
		take(&p, s, true);
		snapshot_free(s);
	}
	r = view_procs_ring(&p, 100);
	assert_non_null(r);
	assert_int_equal(r->n, VIEW_PROC_RING);
	assert_int_equal(r->cycle[0], 9);
	assert_int_equal(r->dirty[VIEW_PROC_RING - 1], VIEW_PROC_RING + 8);
	view_procs_free(&p);
}

static void
view_procs_move__selection_follows_its_process(void **state)
{
	struct proc		 procs[NTREE];
	struct view_procs	 p;
	struct snapshot		*s1, *s2, *s3;

	(void)state;
	memset(&p, 0, sizeof p);
	memcpy(procs, tree, sizeof procs);
	s1 = set_make(1, procs, NTREE);
	take(&p, s1, true);
	assert_int_equal(p.sel, 0);
	view_procs_move(&p, 3);
	assert_int_equal(p.sel_pid, 102);
	view_procs_move(&p, -100);
	assert_int_equal(p.sel, 0);
	view_procs_move(&p, 100);
	assert_int_equal(p.sel, NTREE - 1);
	view_procs_move(&p, -1);
	assert_int_equal(p.sel_pid, 104);

	/* c (103) has left: d moves up a row, the selection with it. */
	memmove(&procs[2], &procs[3], (NTREE - 3) * sizeof procs[0]);
	s2 = set_make(2, procs, NTREE - 1);
	take(&p, s2, true);
	assert_int_equal(p.sel, 3);
	assert_int_equal(p.sel_pid, 104);
	/* Now d leaves: the row it had is selected. */
	memmove(&procs[3], &procs[4], (NTREE - 5) * sizeof procs[0]);
	s3 = set_make(3, procs, NTREE - 2);
	take(&p, s3, true);
	assert_int_equal(p.sel, 3);
	assert_int_equal(p.sel_pid, 105);

	/* Two rows on the screen: the selection stays on it. */
	view_procs_layout(&p, 2);
	assert_int_equal(p.top, 2);
	view_procs_move(&p, -3);
	view_procs_layout(&p, 2);
	assert_int_equal(p.top, 0);
	view_procs_layout(&p, 40);
	assert_int_equal(p.top, 0);
	view_procs_free(&p);
	snapshot_free(s1);
	snapshot_free(s2);
	snapshot_free(s3);
}

static void
view_procs_open__regions_of_the_process_until_it_exits(void **state)
{
	struct proc		 procs[NTREE];
	struct view		 v;
	struct snapshot		*s1, *s2, *s3;
	char			 why[256];

	(void)state;
	memcpy(procs, tree, sizeof procs);
	s1 = set_make(1, procs, NTREE);
	view_init(&v);
	v.snap = s1;
	v.set = true;
	v.autozoom = false;
	take(&v.procs, s1, true);
	assert_true(view_shows_procs(&v));

	/* Not watched: nothing to open, and why. */
	view_procs_move(&v.procs, 4);
	assert_int_equal(view_procs_open(&v.procs, true, why,
	    sizeof why), -1);
	assert_string_equal(why, "process 104 is not watched: Permission"
	    " denied");
	assert_true(view_shows_procs(&v));

	/*
	 * b's regions: the map is laid out from its snapshot, its three
	 * writable ones, the 64 pages below their title.
	 */
	view_procs_move(&v.procs, -1);
	assert_int_equal(view_procs_open(&v.procs, true, why,
	    sizeof why), 0);
	assert_false(view_shows_procs(&v));
	assert_ptr_equal(view_regions(&v), s1->procs[3]);
	view_layout(&v, 120, 30);
	assert_int_equal(v.norder, 3);
	assert_int_equal(v.map_rows, 1 + 2 + 1);
	view_procs_title(s1->procs[3], true, 120, why, sizeof why);
	assert_string_equal(why, " process 102 b  dirty 1500 pages (5.9 MiB)"
	    "  resident 117  parent 100  method uffd-wp   Esc: all"
	    " processes");
	/* Narrower: whole parts, the way back before the rest. */
	view_procs_title(s1->procs[3], true, 80, why, sizeof why);
	assert_string_equal(why, " process 102 b  dirty 1500 pages (5.9 MiB)"
	    "  resident 117   Esc: all processes");
	view_procs_title(s1->procs[3], true, 60, why, sizeof why);
	assert_string_equal(why, " process 102 b  dirty 1500 pages (5.9 MiB)");

	/* The next cycle: still there, opened in it. */
	s2 = set_make(2, procs, NTREE);
	v.snap = s2;
	assert_int_equal(take(&v.procs, s2, true), VIEW_PROCS_KEPT);
	assert_ptr_equal(view_regions(&v), s2->procs[3]);

	/* It exits: the list again, on its row. */
	view_procs_move(&v.procs, -3);
	procs[3].exited = true;
	s3 = set_make(3, procs, NTREE);
	v.snap = s3;
	assert_int_equal(take(&v.procs, s3, true), VIEW_PROCS_EXITED);
	assert_true(view_shows_procs(&v));
	assert_ptr_equal(view_regions(&v), s3);
	assert_int_equal(v.procs.sel_pid, 102);
	assert_int_equal(view_procs_open(&v.procs, true, why,
	    sizeof why), -1);
	assert_string_equal(why, "process 102 has exited");

	/* Opened, then it cannot be watched any more: the list again. */
	view_procs_move(&v.procs, 2);
	assert_int_equal(v.procs.sel_pid, 105);
	assert_int_equal(view_procs_open(&v.procs, true, why,
	    sizeof why), 0);
	procs[5].error = "Permission denied";
	snapshot_free(s2);
	s2 = set_make(4, procs, NTREE);
	v.snap = s2;
	assert_int_equal(take(&v.procs, s2, true), VIEW_PROCS_LOST);
	assert_true(view_shows_procs(&v));
	assert_int_equal(v.procs.sel_pid, 105);
	procs[5].error = NULL;

	/* Opened, then a cycle without it (a recording stepped back). */
	view_procs_move(&v.procs, -4);
	assert_int_equal(view_procs_open(&v.procs, true, why,
	    sizeof why), 0);
	assert_int_equal(v.procs.open, 101);
	v.snap = s1;
	assert_int_equal(take(&v.procs, s1, true), VIEW_PROCS_KEPT);
	view_procs_close(&v.procs);
	assert_true(view_shows_procs(&v));
	assert_int_equal(v.procs.sel_pid, 101);
	memmove(&procs[1], &procs[2], (NTREE - 2) * sizeof procs[0]);
	assert_int_equal(view_procs_open(&v.procs, true, why,
	    sizeof why), 0);
	snapshot_free(s2);
	s2 = set_make(4, procs, 3);
	v.snap = s2;
	assert_int_equal(take(&v.procs, s2, true), VIEW_PROCS_GONE);
	assert_true(view_shows_procs(&v));

	view_free(&v);
	snapshot_free(s1);
	snapshot_free(s2);
	snapshot_free(s3);
}

static void
view_procs_row__parent_listed_after__a_root(void **state)
{
	/* A crafted order: the parent after its child. */
	static const struct proc	 procs[] = {
		{ 300, 301, "child", 1, false, false, NULL },
		{ 301, 300, "parent", 1, false, false, NULL },
	};
	struct view_procs		 p;
	struct snapshot			*s;

	(void)state;
	memset(&p, 0, sizeof p);
	s = set_make(1, procs, 2);
	take(&p, s, true);
	assert_non_null(strstr(row(&p, 0, 80, true, NULL), "uffd-wp  child"));
	/* The first is the second's parent: no loop either way. */
	assert_non_null(strstr(row(&p, 1, 80, true, NULL),
	    "uffd-wp  `- parent"));
	view_procs_free(&p);
	snapshot_free(s);
}

static void
view_procs_label__each_kind_of_set(void **state)
{
	struct snapshot	*s;
	char		 buf[128];

	(void)state;
	s = set_make(1, tree, 1);
	view_procs_label(s, buf, sizeof buf);
	assert_string_equal(buf, "tree of 100 (sh)");
	s->set = SNAP_SET_PIDS;
	free(s->roots);
	s->roots = calloc(2, sizeof *s->roots);
	assert_non_null(s->roots);
	s->roots[0] = 100;
	s->roots[1] = 4242;
	s->nroots = 2;
	view_procs_label(s, buf, sizeof buf);
	assert_string_equal(buf, "pids 100 4242");
	s->set = SNAP_SET_TREE;
	view_procs_label(s, buf, sizeof buf);
	assert_string_equal(buf, "trees of 100 4242");
	s->set = SNAP_SET_CGROUP;
	s->cgroup = strdup("/sys/fs/cgroup/system.slice/pg.service");
	assert_non_null(s->cgroup);
	view_procs_label(s, buf, sizeof buf);
	assert_string_equal(buf, "cgroup /sys/fs/cgroup/system.slice/"
	    "pg.service");
	snapshot_free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    view_procs_row__tree__children_under_their_parents),
		cmocka_unit_test(
		    view_procs_row__joined_exited_unwatched__said_and_kind),
		cmocka_unit_test(
		    view_procs_take__sparklines__fed_stepped_back_and_reset),
		cmocka_unit_test(
		    view_procs_take__sparkline__keeps_the_last_cycles),
		cmocka_unit_test(
		    view_procs_move__selection_follows_its_process),
		cmocka_unit_test(
		    view_procs_open__regions_of_the_process_until_it_exits),
		cmocka_unit_test(view_procs_row__parent_listed_after__a_root),
		cmocka_unit_test(view_procs_label__each_kind_of_set),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
