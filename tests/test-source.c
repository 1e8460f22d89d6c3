/*
 * test-source.c - a recording as a source of cycles (source-replay.h) and
 * the batch loop (batch.h) fed by it: the hand-written recording of
 * tests/fixtures/replay gives its cycles with their values, steps back
 * to them, and prints as many lines as the limits say.
 *
 * Records carry their own page_size (4096), so these tests do not depend
 * on the machine's page size.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "fixture.h"

#include "batch.h"
#include "pageset.h"
#include "snapshot.h"
#include "source.h"
#include "source-replay.h"

/* Open the fixture as a source, or fail saying why. */
static void
open_fixture(struct source *src)
{
	char	*cause = NULL;

	if (source_replay_open(src, fixture_path("replay",
	    "three-cycles.jsonl"), 1, false, &cause) == -1)
		fail_msg("%s", cause);
}

/* The next cycle of src, which must be there. */
static struct snapshot *
next_cycle(struct source *src)
{
	struct snapshot	*s = NULL;
	char		*cause = NULL;

	if (source_next(src, &s, &cause) != 1)
		fail_msg("%s", cause != NULL ? cause : "no cycle");
	return (s);
}

static void
source_replay__fixture__gives_each_cycle_then_none(void **state)
{
	struct source	 src;
	struct snapshot	*s;
	char		*cause = NULL;

	(void)state;
	open_fixture(&src);
	assert_false(source_can_clear(&src));
	assert_true(source_can_step_back(&src));
	assert_int_equal(src.at, 0);

	s = next_cycle(&src);
	assert_int_equal(s->cycle, 1);
	assert_int_equal(s->pid, 4242);
	assert_string_equal(s->comm, "demo prog");
	assert_int_equal(s->dirty_pages, 3);
	assert_int_equal(s->tracked_pages, 20);
	assert_int_equal(s->nvma, 3);
	assert_int_equal(pageset_word(s->vmas[0].written, 0), UINT64_C(0x8006));
	assert_false(s->converged);
	assert_int_equal(src.at, 1);
	snapshot_free(s);

	s = next_cycle(&src);
	assert_int_equal(s->cycle, 2);
	assert_int_equal(s->dirty_pages, 16);
	assert_true(s->converged);
	assert_true(s->has_precopy);
	assert_int_equal(s->precopy.sent_bytes, 139264);
	assert_int_equal(src.at, 2);
	snapshot_free(s);

	/* The exit is given, not kept as a cycle to step to. */
	s = next_cycle(&src);
	assert_int_equal(s->cycle, 3);
	assert_true(s->exited);
	assert_int_equal(s->nvma, 0);
	assert_true(src.exited);
	assert_int_equal(src.at, 2);
	assert_int_equal(src.ncycles, 2);
	snapshot_free(s);

	assert_int_equal(source_next(&src, &s, &cause), 0);
	assert_null(s);
	assert_null(source_close(&src));
}

static void
source_replay__step_back__reads_the_cycle_again(void **state)
{
	struct source		 src;
	struct source_history	 h;
	struct snapshot		*s = NULL;
	char			*cause = NULL;

	(void)state;
	open_fixture(&src);
	snapshot_free(next_cycle(&src));
	snapshot_free(next_cycle(&src));
	source_history(&src, &h);
	assert_int_equal(h.n, 2);
	assert_int_equal(h.counts[0], 3);
	assert_int_equal(h.counts[1], 16);
	assert_int_equal(h.converged_at, 1);

	assert_int_equal(source_prev(&src, &s, &cause), 1);
	assert_int_equal(s->cycle, 1);
	assert_int_equal(s->dirty_pages, 3);
	assert_string_equal(s->vmas[1].vma.name, "/dev/shm/seg");
	snapshot_free(s);
	assert_int_equal(src.at, 1);
	source_history(&src, &h);
	assert_int_equal(h.n, 1);
	assert_int_equal(h.converged_at, -1);

	/* Nothing before the first cycle. */
	assert_int_equal(source_prev(&src, &s, &cause), 0);
	assert_int_equal(src.at, 1);

	s = next_cycle(&src);
	assert_int_equal(s->cycle, 2);
	assert_int_equal(s->dirty_pages, 16);
	snapshot_free(s);
	free(source_close(&src));
}

static void
source_replay__rescan__refused_with_cause(void **state)
{
	struct source	 src;
	struct snapshot	*s = NULL;
	char		*cause = NULL;

	(void)state;
	open_fixture(&src);
	assert_int_equal(source_clear(&src, &cause), 0);
	assert_int_equal(source_rescan(&src, &s, &cause), -1);
	assert_non_null(cause);
	assert_non_null(strstr(cause, "cannot rescan"));
	free(cause);
	free(source_close(&src));
}

/*
 * A recording of a set is named before its first cycle, as a live set
 * is; its cycles are the set's, with their processes, stepping back too.
 */
static void
source_replay__set__named_then_each_cycle(void **state)
{
	struct source		 src;
	struct source_history	 h;
	struct snapshot		*s = NULL;
	char			*cause = NULL;

	(void)state;
	if (source_replay_open(&src, fixture_path("replay", "set-tree.jsonl"),
	    1, false, &cause) == -1)
		fail_msg("%s", cause);
	assert_int_equal(src.pid, 100);
	assert_string_equal(src.comm, "tree of 100 (app)");

	s = next_cycle(&src);
	assert_int_equal(s->cycle, 1);
	assert_int_equal(s->set, SNAP_SET_TREE);
	assert_int_equal(s->nroots, 1);
	assert_int_equal(s->roots[0], 100);
	assert_int_equal(s->nproc, 3);
	assert_int_equal(s->nvma, 0);
	/* The memfd's pages 0-1 and 1-2 are three pages, not four. */
	assert_int_equal(s->dirty_pages, 6);
	assert_int_equal(s->shared_dirty_pages, 3);
	assert_int_equal(s->tracked_pages, 28);
	assert_int_equal(s->resident_pages, 22);
	assert_int_equal(s->cost_kind, SNAP_COST_MIXED);
	assert_int_equal(s->procs[1]->pid, 101);
	assert_int_equal(s->procs[1]->ppid, 100);
	assert_int_equal(s->procs[1]->shared_dirty_pages, 2);
	assert_int_equal(s->procs[1]->vmas[1].vma.offset, 0x1000);
	assert_int_equal(s->procs[1]->vmas[1].vma.inode, 4321);
	assert_int_equal(s->procs[1]->vmas[1].vma.dev_minor, 1);
	assert_string_equal(s->procs[2]->error, "Operation not permitted");
	assert_int_equal(s->procs[2]->nvma, 0);
	snapshot_free(s);

	s = next_cycle(&src);
	assert_int_equal(s->cycle, 2);
	assert_int_equal(s->nproc, 4);
	assert_true(s->procs[1]->exited);
	assert_true(s->procs[3]->joined);
	assert_int_equal(s->precopy.memory_bytes, 20 * 4096);
	snapshot_free(s);
	source_history(&src, &h);
	assert_int_equal(h.n, 2);
	assert_int_equal(h.counts[0], 6);
	assert_int_equal(h.counts[1], 3);
	assert_int_equal(h.converged_at, 1);

	assert_int_equal(source_prev(&src, &s, &cause), 1);
	assert_int_equal(s->cycle, 1);
	assert_int_equal(s->nproc, 3);
	assert_string_equal(s->procs[0]->comm, "app");
	snapshot_free(s);

	s = next_cycle(&src);
	assert_int_equal(s->cycle, 2);
	snapshot_free(s);
	s = next_cycle(&src);
	assert_int_equal(s->cycle, 3);
	assert_true(s->exited);
	assert_true(src.exited);
	snapshot_free(s);
	assert_null(source_close(&src));

	/* A cgroup has no root; one process, no name before a cycle. */
	if (source_replay_open(&src, fixture_path("replay",
	    "set-cgroup.jsonl"), 1, false, &cause) == -1)
		fail_msg("%s", cause);
	assert_int_equal(src.pid, -1);
	assert_string_equal(src.comm, "cgroup /sys/fs/cgroup/app.slice");
	assert_null(source_close(&src));
	open_fixture(&src);
	assert_int_equal(src.pid, -1);
	assert_string_equal(src.comm, "");
	s = next_cycle(&src);
	assert_int_equal(s->cycle, 1);
	snapshot_free(s);
	assert_null(source_close(&src));
}

/* Run the batch loop on the fixture; returns its lines in buf. */
static int
run_batch(struct batch_options *o, char *buf, size_t size, size_t *lines)
{
	struct source	 src;
	char		*cause = NULL;
	size_t		 n, i;
	int		 rc;

	open_fixture(&src);
	o->out = tmpfile();
	assert_non_null(o->out);
	rc = batch_run(&src, o, &cause);
	if (rc == -1)
		fail_msg("%s", cause != NULL ? cause : "error");
	free(source_close(&src));
	rewind(o->out);
	n = fread(buf, 1, size - 1, o->out);
	buf[n] = '\0';
	fclose(o->out);
	for (*lines = 0, i = 0; i < n; i++)
		*lines += buf[i] == '\n';
	return (rc);
}

static void
batch_run__replay_json__one_line_per_cycle(void **state)
{
	struct batch_options	 o = { .json = true };
	static char		 buf[1 << 16];
	size_t			 lines;

	(void)state;
	assert_int_equal(run_batch(&o, buf, sizeof buf, &lines), BATCH_DONE);
	assert_int_equal(lines, 3);
	assert_ptr_equal(strstr(buf, "{\"format\":2,\"cycle\":1,\"time\":"
	    "1700000001.500000,"), buf);
	assert_non_null(strstr(buf, "\"dirty\":[[\"0x7f0000001000\","
	    "\"0x7f0000003000\"],[\"0x7f000000f000\",\"0x7f0000010000\"]]"));
	assert_non_null(strstr(buf, "\n{\"format\":2,\"cycle\":2,"));
	assert_non_null(strstr(buf, "\"sent_bytes\":139264}"));
	assert_non_null(strstr(buf, "\n{\"format\":2,\"cycle\":3,"));
	assert_non_null(strstr(buf, "\"exited\":true"));
}

static void
batch_run__cycles_limit__stops_at_that_cycle(void **state)
{
	struct batch_options	 o = { .json = true, .cycles = 1 };
	static char		 buf[1 << 16];
	size_t			 lines;

	(void)state;
	assert_int_equal(run_batch(&o, buf, sizeof buf, &lines), BATCH_DONE);
	assert_int_equal(lines, 1);
	assert_null(strstr(buf, "\"cycle\":2"));
}

static void
batch_run__until_converged__stops_at_convergence(void **state)
{
	struct batch_options	 o = { .json = true, .until_converged = true };
	static char		 buf[1 << 16];
	size_t			 lines;

	(void)state;
	assert_int_equal(run_batch(&o, buf, sizeof buf, &lines), BATCH_DONE);
	assert_int_equal(lines, 2);
	assert_non_null(strstr(buf, "\"converged\":true"));
	assert_null(strstr(buf, "\"cycle\":3"));
}

static void
batch_run__cycles_before_convergence__not_converged(void **state)
{
	struct batch_options	 o = { .json = true, .until_converged = true,
				     .cycles = 1 };
	static char		 buf[1 << 16];
	size_t			 lines;

	(void)state;
	assert_int_equal(run_batch(&o, buf, sizeof buf, &lines),
	    BATCH_NOT_CONVERGED);
	assert_int_equal(lines, 1);
}

static void
batch_run__bad_line__fails_naming_file_and_line(void **state)
{
	struct batch_options	 o = { 0 };
	struct source		 src;
	char			 path[] = "/tmp/test-source-XXXXXX";
	char			*cause = NULL;
	FILE			*f;
	int			 fd;

	(void)state;
	assert_true((fd = mkstemp(path)) != -1);
	assert_non_null(f = fdopen(fd, "w"));
	fputs("{\"cycle\":1,\"time\":1,\"pid\":7,\"method\":\"hash\","
	    "\"interval\":1,\"vmas\":[]}\n{\"cycle\":1}\n", f);
	fclose(f);
	if (source_replay_open(&src, path, 1, true, &cause) == -1)
		fail_msg("%s", cause);
	o.out = tmpfile();
	assert_int_equal(batch_run(&src, &o, &cause), -1);
	assert_non_null(cause);
	assert_non_null(strstr(cause, path));
	assert_non_null(strstr(cause, ":2: "));
	free(cause);
	/* The first cycle was printed, as text. */
	assert_true(ftell(o.out) > 0);
	fclose(o.out);
	free(source_close(&src));
	unlink(path);
}

/*
 * A trace whose first process exits before the file is cut short (no end
 * record): the batch output reads on past the exit and refuses it, as
 * tracepgfault --report does.
 */
static void
batch_run__trace_cut_short_after_exit__refused(void **state)
{
	struct batch_options	 o = { .json = true };
	struct source		 src;
	char			 path[] = "/tmp/test-source-XXXXXX";
	char			*cause = NULL, line[4096], last[4096] = "";
	FILE			*in, *f;
	int			 fd;

	(void)state;
	assert_non_null(in = fopen(fixture_path("pftrace", "good.trace"),
	    "r"));
	assert_true((fd = mkstemp(path)) != -1);
	assert_non_null(f = fdopen(fd, "w"));
	/* Every line but the last, the end record. */
	while (fgets(line, sizeof line, in) != NULL) {
		fputs(last, f);
		snprintf(last, sizeof last, "%s", line);
	}
	assert_int_equal(strncmp(last, "end ", 4), 0);
	fclose(in);
	fclose(f);

	if (source_replay_open(&src, path, 1, true, &cause) == -1)
		fail_msg("%s", cause);
	o.out = tmpfile();
	assert_int_equal(batch_run(&src, &o, &cause), -1);
	assert_non_null(cause);
	assert_non_null(strstr(cause, "no end record"));
	free(cause);
	/* The cycles up to the exit were printed first. */
	assert_true(ftell(o.out) > 0);
	fclose(o.out);
	assert_true(src.exited);
	free(source_close(&src));
	unlink(path);
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(
		    source_replay__fixture__gives_each_cycle_then_none),
		cmocka_unit_test(
		    source_replay__step_back__reads_the_cycle_again),
		cmocka_unit_test(source_replay__rescan__refused_with_cause),
		cmocka_unit_test(source_replay__set__named_then_each_cycle),
		cmocka_unit_test(
		    batch_run__trace_cut_short_after_exit__refused),
		cmocka_unit_test(batch_run__replay_json__one_line_per_cycle),
		cmocka_unit_test(batch_run__cycles_limit__stops_at_that_cycle),
		cmocka_unit_test(
		    batch_run__until_converged__stops_at_convergence),
		cmocka_unit_test(
		    batch_run__cycles_before_convergence__not_converged),
		cmocka_unit_test(
		    batch_run__bad_line__fails_naming_file_and_line),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
