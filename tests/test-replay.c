/*
 * test-replay.c - reading recordings back: a snapshot written by out_json()
 * and parsed again equals the original; every malformed record fails with
 * its reason; replay_next() names the file and line; a recording written
 * by hand (tests/fixtures/replay) reads as the README describes.
 *
 * Records carry their own page_size (4096 here), so these tests do not
 * depend on the machine's page size.
 */
#include "config.h"

#include <errno.h>
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

#include "pageset.h"
#include "out-json.h"
#include "page.h"
#include "replay.h"
#include "snapshot.h"

#define PSZ	UINT64_C(4096)

/* Set VMA i of s; npages of 4 KiB from start. */
static void
put_vma(struct snapshot *s, size_t i, uint64_t start, uint64_t npages,
    const char *perms, const char *name, bool deleted, bool tracked,
    bool is_new)
{
	struct vma	 v = { 0 };
	struct snap_vma	*sv = &s->vmas[i];

	v.start = start;
	v.end = start + npages * PSZ;
	memcpy(v.perms, perms, 5);
	v.prot = (perms[0] == 'r' ? VMA_READ : 0) |
	    (perms[1] == 'w' ? VMA_WRITE : 0) |
	    (perms[2] == 'x' ? VMA_EXEC : 0) |
	    (perms[3] == 's' ? VMA_SHARED : 0);
	v.name = (char *)name;
	v.deleted = deleted;
	assert_int_equal(snapshot_set_vma(s, i, &v, tracked, is_new), 0);
	/* snapshot_set_vma() counts in this machine's pages: use the record's. */
	if (page_size() != PSZ) {
		pageset_free(sv->written);
		sv->written = NULL;
		sv->npages = npages;
		if (tracked) {
			sv->written = pageset_new(npages);
			assert_non_null(sv->written);
		}
	}
}

/* A snapshot with tracked, new, untracked, deleted and odd-named VMAs. */
static struct snapshot *
snap_build(bool precopy, bool converges)
{
	struct snapshot	*s;
	size_t		 i;

	s = snapshot_new(4);
	assert_non_null(s);
	s->cycle = 12;
	s->pid = 31337;
	snprintf(s->comm, sizeof s->comm, "we\"ird\\ comm");
	snprintf(s->method, sizeof s->method, "soft-dirty");
	s->interval = 0.05;
	s->time = 1700000000.25;
	s->clear_ms = 1.5;
	s->scan_ms = 0.125;
	s->page_size = PSZ;
	s->converged = true;
	put_vma(s, 0, UINT64_C(0x55d0c8c04000), 300, "rw-p", "[heap]", false,
	    true, false);
	for (i = 0; i < 300; i += 7)
		pageset_add(s->vmas[0].written, i);
	pageset_add_range(s->vmas[0].written, 60, 130);
	pageset_add(s->vmas[0].written, 299);
	put_vma(s, 1, UINT64_C(0x7f2c1a000000), 64, "rw-s",
	    "/dev/shm/a \"b\"\t\\c", true, true, false);
	pageset_add_range(s->vmas[1].written, 0, 64);
	put_vma(s, 2, UINT64_C(0x7f2c1a100000), 2, "rw-p", "", false, false,
	    true);
	put_vma(s, 3, UINT64_C(0x7f2c1a200000), 9, "r-xp", "/usr/lib/x.so",
	    false, false, false);
	/*
	 * Of the heap's pages not written, 131-139 were given back and
	 * 250-259 are not there: neither is resident.
	 */
	s->vmas[0].present = pageset_new(300);
	s->vmas[0].discarded = pageset_new(300);
	assert_non_null(s->vmas[0].present);
	assert_non_null(s->vmas[0].discarded);
	for (i = 0; i < 300; i++) {
		if (pageset_has(s->vmas[0].written, i) ||
		    ((i < 131 || i >= 140) && (i < 250 || i >= 260)))
			pageset_add(s->vmas[0].present, i);
		else if (i < 140)
			pageset_add(s->vmas[0].discarded, i);
	}
	if (precopy) {
		s->has_precopy = true;
		s->precopy.bandwidth_bps = 125000000;
		s->precopy.dirty_rate_bps = 4096000;
		s->precopy.converges = converges;
		s->precopy.downtime_ms = converges ? 12.5 : -1;
		s->precopy.total_ms = converges ? 300.25 : -1;
		s->precopy.rounds = converges ? 4 : 30;
		s->precopy.sent_bytes = 987654321;
	}
	snapshot_count(s);
	s->precopy.memory_bytes = s->resident_pages * s->page_size;
	/* What a replay knows of the present pages: their count. */
	pageset_free(s->vmas[0].present);
	s->vmas[0].present = NULL;
	return (s);
}

/* out_json() of s, as a string. */
static char *
to_json(const struct snapshot *s)
{
	char	*buf = NULL;
	size_t	 len = 0;
	FILE	*f;

	f = open_memstream(&buf, &len);
	assert_non_null(f);
	assert_int_equal(out_json(f, s), 0);
	assert_int_equal(fclose(f), 0);
	return (buf);
}

/* Every field a recording keeps must come back equal. */
static void
snap_check_equal(const struct snapshot *a, const struct snapshot *b)
{
	const struct snap_vma	*x, *y;
	size_t			 i, p;

	assert_int_equal(a->cycle, b->cycle);
	assert_int_equal(a->pid, b->pid);
	assert_string_equal(a->comm, b->comm);
	assert_string_equal(a->method, b->method);
	assert_true(a->interval == b->interval);
	assert_true(a->time == b->time);
	assert_true(a->clear_ms == b->clear_ms);
	assert_true(a->scan_ms == b->scan_ms);
	assert_int_equal(a->dirty_pages, b->dirty_pages);
	assert_int_equal(a->tracked_pages, b->tracked_pages);
	assert_int_equal(a->page_size, b->page_size);
	assert_int_equal(a->converged, b->converged);
	assert_int_equal(a->exited, b->exited);
	assert_int_equal(a->has_precopy, b->has_precopy);
	if (a->has_precopy) {
		assert_true(a->precopy.bandwidth_bps == b->precopy.bandwidth_bps);
		assert_true(a->precopy.dirty_rate_bps ==
		    b->precopy.dirty_rate_bps);
		assert_int_equal(a->precopy.converges, b->precopy.converges);
		assert_true(a->precopy.downtime_ms == b->precopy.downtime_ms);
		assert_true(a->precopy.total_ms == b->precopy.total_ms);
		assert_int_equal(a->precopy.rounds, b->precopy.rounds);
		assert_int_equal(a->precopy.sent_bytes, b->precopy.sent_bytes);
		assert_int_equal(a->precopy.memory_bytes,
		    b->precopy.memory_bytes);
	}
	assert_int_equal(a->discarded_pages, b->discarded_pages);
	assert_int_equal(a->resident_pages, b->resident_pages);
	assert_int_equal(a->cost_kind, b->cost_kind);
	if (a->cost_kind != SNAP_COST_UNKNOWN)
		assert_true(a->cost_percent == b->cost_percent);
	if (a->cost_kind == SNAP_COST_FAULTS)
		assert_true(a->fault_ns == b->fault_ns);
	assert_true(a->max_cost == b->max_cost);
	assert_true(a->user_interval == b->user_interval);
	assert_int_equal(a->lengthened, b->lengthened);
	assert_int_equal(a->nvma, b->nvma);
	for (i = 0; i < a->nvma; i++) {
		x = &a->vmas[i];
		y = &b->vmas[i];
		assert_int_equal(x->vma.start, y->vma.start);
		assert_int_equal(x->vma.end, y->vma.end);
		assert_string_equal(x->vma.perms, y->vma.perms);
		assert_int_equal(x->vma.prot, y->vma.prot);
		assert_string_equal(x->vma.name, y->vma.name);
		assert_int_equal(x->vma.deleted, y->vma.deleted);
		assert_int_equal(x->npages, y->npages);
		assert_int_equal(x->tracked, y->tracked);
		assert_int_equal(x->is_new, y->is_new);
		assert_int_equal(x->dirty, y->dirty);
		assert_int_equal(x->ndiscarded, y->ndiscarded);
		assert_int_equal(x->resident, y->resident);
		assert_int_equal(x->has_resident, y->has_resident);
		for (p = 0; x->discarded != NULL && p < x->npages; p++)
			if (pageset_has(x->discarded, p) !=
			    pageset_has(y->discarded, p))
				fail_msg("VMA %zu page %zu: discarded differs",
				    i, p);
		assert_int_equal(x->written == NULL, y->written == NULL);
		for (p = 0; x->written != NULL && p < x->npages; p++) {
			if (pageset_has(x->written, p) !=
			    pageset_has(y->written, p))
				fail_msg("VMA %zu page %zu differs", i, p);
		}
	}
}

/* Write s, parse it back, compare. */
static void
round_trip(struct snapshot *s)
{
	struct snapshot	*back = NULL;
	char		*line, *cause = NULL;

	line = to_json(s);
	if (replay_parse_line(line, &back, &cause) == -1)
		fail_msg("own record rejected: %s", cause);
	assert_non_null(back);
	snap_check_equal(s, back);
	snapshot_free(back);
	free(line);
	snapshot_free(s);
}

static void
replay_parse_line__out_json_record__equals_original(void **state)
{
	(void)state;
	round_trip(snap_build(false, false));
}

static void
replay_parse_line__precopy__round_trip_both_ways(void **state)
{
	(void)state;
	round_trip(snap_build(true, true));
	/* Not converging: the downtime is null in JSON, -1 in the model. */
	round_trip(snap_build(true, false));
}

static void
replay_parse_line__target_cost__round_trip_each_kind(void **state)
{
	struct snapshot	*s;

	(void)state;
	s = snap_build(false, false);
	s->cost_kind = SNAP_COST_FAULTS;
	s->cost_percent = 3.25;
	s->fault_ns = 13125.5;
	s->max_cost = 1.5;
	s->user_interval = 0.05;
	s->interval = 0.2;
	s->lengthened = true;
	round_trip(s);
	s = snap_build(true, true);
	s->cost_kind = SNAP_COST_SDTOP_CPU;
	s->cost_percent = 0.5;
	round_trip(s);
}

static void
replay_parse_line__exited__round_trip(void **state)
{
	struct snapshot	*s = snapshot_new(0);

	(void)state;
	assert_non_null(s);
	s->cycle = 9;
	s->pid = 77;
	s->page_size = PSZ;
	s->interval = 0.5;
	s->exited = true;
	snprintf(s->comm, sizeof s->comm, "gone");
	snprintf(s->method, sizeof s->method, "hash");
	round_trip(s);
}

/* A minimal good record, and the one change each bad case makes to it. */
static const char good[] = "{\"cycle\":1,\"time\":1.5,\"pid\":42,"
    "\"comm\":\"x\",\"method\":\"hash\",\"interval\":1,\"page_size\":4096,"
    "\"converged\":false,\"exited\":false,\"vmas\":[{\"start\":\"0x1000\","
    "\"end\":\"0x5000\",\"perms\":\"rw-p\",\"name\":\"a\",\"pages\":4,"
    "\"tracked\":true,\"new\":false,\"dirty\":[[\"0x2000\",\"0x3000\"]]}]}";

struct bad {
	const char	*from;		/* replace the first occurrence of */
	const char	*to;		/* with this */
	const char	*cause;		/* and expect this reason */
};

static const struct bad bad_records[] = {
	{ "\"cycle\":1,", "", "cycle: missing" },
	{ "\"cycle\":1,", "\"cycle\":0,", "cycle: 0 is out of range "
	  "(1..9007199254740991)" },
	{ "\"cycle\":1,", "\"cycle\":-3,", "cycle: -3 is out of range "
	  "(1..9007199254740991)" },
	{ "\"cycle\":1,", "\"cycle\":\"1\",", "cycle: not a whole number" },
	{ "\"cycle\":1,", "\"cycle\":1.5,", "cycle: not a whole number" },
	{ "\"pid\":42,", "", "pid: missing" },
	{ "\"pid\":42,", "\"pid\":0,", "pid: 0 is out of range (1..2147483647)" },
	{ "\"pid\":42,", "\"pid\":4294967338,",
	  "pid: 4294967338 is out of range (1..2147483647)" },
	{ "\"pid\":42,", "\"pid\":\"42\",", "pid: not a whole number" },
	{ "\"time\":1.5,", "", "time: missing" },
	{ "\"time\":1.5,", "\"time\":-1,", "time: -1 is out of range (0..1e+18)" },
	{ "\"time\":1.5,", "\"time\":1.5,\"clear_time\":2,",
	  "clear_time: 2.000000 is after the cycle's time 1.500000" },
	{ "\"interval\":1,", "\"interval\":\"1s\",", "interval: not a number" },
	{ "\"interval\":1,", "\"interval\":0,",
	  "interval: 0 is out of range (0.05..3600)" },
	{ "\"interval\":1,", "\"interval\":1e300,",
	  "interval: 1e+300 is out of range (0.05..3600)" },
	{ "\"method\":\"hash\",", "", "method: not a method name" },
	{ "\"method\":\"hash\",", "\"method\":3,", "method: not a method name" },
	{ "\"method\":\"hash\",", "\"method\":\"h\\u001b[2J\",",
	  "method: not a method name" },
	{ "\"comm\":\"x\",", "\"comm\":\"0123456789012345678901234567890123"
	  "456789012345678901234567890123\",", "comm: longer than 63 bytes" },
	{ "\"page_size\":4096", "\"page_size\":3000",
	  "page_size: 3000 is not a power of two" },
	{ "\"page_size\":4096", "\"page_size\":0",
	  "page_size: 0 is out of range (4096..1048576)" },
	{ "\"page_size\":4096", "\"page_size\":512",
	  "page_size: 512 is out of range (4096..1048576)" },
	{ "\"page_size\":4096", "\"page_size\":4294967296",
	  "page_size: 4294967296 is out of range (4096..1048576)" },
	{ "\"page_size\":4096", "\"page_size\":-4096",
	  "page_size: -4096 is out of range (4096..1048576)" },
	{ "\"converged\":false", "\"converged\":\"no\"",
	  "converged: not true or false" },
	{ "\"exited\":false", "\"exited\":0", "exited: not true or false" },
	{ "\"exited\":false", "\"exited\":true",
	  "vmas: a cycle whose process exited has no regions" },
	{ "\"exited\":false", "\"exited\":false,\"precopy\":\"fast\"",
	  "precopy: not an object" },
	{ "\"exited\":false", "\"exited\":false,\"precopy\":{}",
	  "precopy.bandwidth_bps: missing" },
	{ "\"exited\":false", "\"exited\":false,\"precopy\":{\"bandwidth_bps\""
	  ":1,\"dirty_rate_bps\":-1,\"converges\":true}",
	  "precopy.dirty_rate_bps: -1 is out of range (0..1e+18)" },
	{ "\"exited\":false", "\"exited\":false,\"precopy\":{\"memory_bytes\""
	  ":8192,\"bandwidth_bps\":1,\"dirty_rate_bps\":0,\"converges\":true,"
	  "\"downtime_ms\":1,\"total_ms\":1,\"rounds\":1,\"sent_bytes\":1}",
	  "precopy.memory_bytes: 8192, but the regions hold 4 resident pages "
	  "of 4096 bytes" },
	{ "\"vmas\":[{", "\"vmas\":\"no\",\"x\":[{", "vmas: not an array" },
	{ "\"vmas\":[{", "\"vmas\":[5,{", "vmas[0]: not an object" },
	{ "\"0x1000\"", "\"1000\"", "vmas[0].start: not a \"0x..\" address" },
	{ "\"0x1000\"", "\"0xzz\"", "vmas[0].start: not a \"0x..\" address" },
	{ "\"0x1000\"", "\"0x\"", "vmas[0].start: not a \"0x..\" address" },
	{ "\"0x1000\"", "\"0x1000 \"", "vmas[0].start: not a \"0x..\" address" },
	{ "\"0x1000\"", "\"0x-1000\"", "vmas[0].start: not a \"0x..\" address" },
	{ "\"0x1000\"", "4096", "vmas[0].start: not a \"0x..\" address" },
	{ "\"0x1000\"", "\"0x100000000000000000\"",
	  "vmas[0].start: not a \"0x..\" address" },
	{ "\"end\":\"0x5000\",", "", "vmas[0].end: not a \"0x..\" address" },
	{ "\"end\":\"0x5000\"", "\"end\":\"0x1000\"",
	  "vmas[0].end: 0x1000 is not above start 0x1000" },
	{ "\"end\":\"0x5000\"", "\"end\":\"0x800\"",
	  "vmas[0].end: 0x800 is not a multiple of page_size 4096" },
	{ "\"0x1000\"", "\"0x1800\"",
	  "vmas[0].start: 0x1800 is not a multiple of page_size 4096" },
	/* The page size of the file rules, not the machine's. */
	{ "\"page_size\":4096", "\"page_size\":8192",
	  "vmas[0].start: 0x1000 is not a multiple of page_size 8192" },
	{ "\"rw-p\"", "\"rw\"", "vmas[0].perms: not four of r-, w-, x-, ps" },
	{ "\"rw-p\"", "7", "vmas[0].perms: not four of r-, w-, x-, ps" },
	{ "\"rw-p\"", "\"\\u001b[2J\"",
	  "vmas[0].perms: not four of r-, w-, x-, ps" },
	{ "\"name\":\"a\",", "", "vmas[0].name: not a string" },
	{ "\"name\":\"a\",", "\"name\":null,", "vmas[0].name: not a string" },
	{ "\"pages\":4", "\"pages\":5",
	  "vmas[0].pages: want 4 for its range and page_size" },
	{ "\"pages\":4,", "", "vmas[0].pages: want 4 for its range and "
	  "page_size" },
	{ "\"pages\":4", "\"pages\":\"4\"",
	  "vmas[0].pages: want 4 for its range and page_size" },
	{ "\"tracked\":true", "\"tracked\":\"yes\"",
	  "vmas[0].tracked: not true or false" },
	{ "\"new\":false", "\"new\":0", "vmas[0].new: not true or false" },
	{ "\"new\":false", "\"new\":true", "vmas[0].new: a new region is not "
	  "tracked" },
	{ "\"new\":false", "\"new\":false,\"deleted\":\"no\"",
	  "vmas[0].deleted: not true or false" },
	/* A region of 2^40 pages claimed in a few bytes. */
	{ "\"end\":\"0x5000\"", "\"end\":\"0x10000001000\"",
	  "vmas[0].pages: want 268435456 for its range and page_size" },
	/* A region of 2^32 pages is tracked, but 2^30 + 1 written is refused (more than 2^27). */
	{ "\"end\":\"0x5000\",\"perms\":\"rw-p\",\"name\":\"a\",\"pages\":4,"
	  "\"tracked\":true,\"new\":false,\"dirty\":[[\"0x2000\",\"0x3000\"]]",
	  "\"end\":\"0x100000001000\",\"perms\":\"rw-p\",\"name\":\"a\","
	  "\"pages\":4294967296,\"tracked\":true,\"new\":false,"
	  "\"dirty\":[[\"0x1000\",\"0x40000002000\"]]",
	  "vmas[0].dirty[0]: the written and discarded pages of this cycle "
	  "pass 134217728" },
	/* Discarded and resident pages. */
	{ "\"new\":false,", "\"new\":false,\"discarded\":[[\"0x2000\","
	  "\"0x4000\"]],", "vmas[0].discarded[0]: 0x2000-0x4000 holds written "
	  "pages" },
	{ "\"new\":false,", "\"new\":false,\"discarded\":[[\"0x3000\","
	  "\"0x4000\"]],\"discarded_pages\":2,", "vmas[0].discarded_pages: 2, "
	  "but its discarded ranges hold 1 pages" },
	{ "\"new\":false,", "\"new\":false,\"discarded\":[[\"0x3000\","
	  "\"0x6000\"]],", "vmas[0].discarded[0]: 0x3000-0x6000 is empty, out "
	  "of order or outside 0x1000-0x5000" },
	{ "\"new\":false,", "\"new\":false,\"discarded\":\"0x3000\",",
	  "vmas[0].discarded: not an array" },
	{ "\"new\":false,", "\"new\":false,\"resident_pages\":5,",
	  "vmas[0].resident_pages: 5 is out of range (0..4)" },
	{ "\"new\":false,", "\"new\":false,\"resident_pages\":0,",
	  "vmas[0].resident_pages: 0, but 1 pages are written and 0 of 4 "
	  "discarded" },
	{ "\"new\":false,", "\"new\":false,\"resident_pages\":4,"
	  "\"discarded\":[[\"0x4000\",\"0x5000\"]],",
	  "vmas[0].resident_pages: 4, but 1 pages are written and 1 of 4 "
	  "discarded" },
	{ "\"converged\"", "\"discarded_pages\":1,\"converged\"",
	  "discarded_pages: 1, but the regions hold 0" },
	{ "\"converged\"", "\"resident_pages\":1,\"converged\"",
	  "resident_pages: 1, but the regions hold 4" },
	{ "\"dirty\":[[\"0x2000\",\"0x3000\"]]", "\"dirty\":\"0x2000\"",
	  "vmas[0].dirty: not an array" },
	{ "[\"0x2000\",\"0x3000\"]", "[\"0x2000\"]",
	  "vmas[0].dirty[0]: not [\"0x..\",\"0x..\"]" },
	{ "[\"0x2000\",\"0x3000\"]", "[\"0x2000\",\"0x3000\",\"0x4000\"]",
	  "vmas[0].dirty[0]: not [\"0x..\",\"0x..\"]" },
	{ "[\"0x2000\",\"0x3000\"]", "[8192,12288]",
	  "vmas[0].dirty[0]: not [\"0x..\",\"0x..\"]" },
	{ "[[\"0x2000\",\"0x3000\"]]", "[\"0x2000\"]",
	  "vmas[0].dirty[0]: not [\"0x..\",\"0x..\"]" },
	{ "[\"0x2000\",\"0x3000\"]", "[\"0x0\",\"0x2000\"]",
	  "vmas[0].dirty[0]: 0x0-0x2000 is empty, out of order or outside "
	  "0x1000-0x5000" },
	{ "[\"0x2000\",\"0x3000\"]", "[\"0x4000\",\"0x6000\"]",
	  "vmas[0].dirty[0]: 0x4000-0x6000 is empty, out of order or outside "
	  "0x1000-0x5000" },
	{ "[\"0x2000\",\"0x3000\"]", "[\"0x3000\",\"0x2000\"]",
	  "vmas[0].dirty[0]: 0x3000-0x2000 is empty, out of order or outside "
	  "0x1000-0x5000" },
	{ "[\"0x2000\",\"0x3000\"]", "[\"0x2000\",\"0x2000\"]",
	  "vmas[0].dirty[0]: 0x2000-0x2000 is empty, out of order or outside "
	  "0x1000-0x5000" },
	{ "[\"0x2000\",\"0x3000\"]", "[\"0x2000\",\"0x4000\"],"
	  "[\"0x3000\",\"0x5000\"]",
	  "vmas[0].dirty[1]: 0x3000-0x5000 is empty, out of order or outside "
	  "0x4000-0x5000" },
	{ "[\"0x2000\",\"0x3000\"]", "[\"0x2001\",\"0x3000\"]",
	  "vmas[0].dirty[0]: 0x2001-0x3000 is not page-aligned (page_size "
	  "4096)" },
	{ "[\"0x2000\",\"0x3000\"]", "[\"0x2000\",\"0x2800\"]",
	  "vmas[0].dirty[0]: 0x2000-0x2800 is not page-aligned (page_size "
	  "4096)" },
	{ "\"tracked\":true", "\"tracked\":false",
	  "vmas[0].dirty: an untracked region has dirty pages" },
	{ "\"dirty\":[[", "\"dirty_pages\":2,\"dirty\":[[",
	  "vmas[0].dirty_pages: 2, but its dirty ranges hold 1 pages" },
	{ "\"vmas\":[", "\"dirty_pages\":7,\"vmas\":[",
	  "dirty_pages: 7, but the regions hold 1" },
	{ "\"vmas\":[", "\"tracked_pages\":7,\"vmas\":[",
	  "tracked_pages: 7, but the regions hold 4" },
	{ "}]}", "},{\"start\":\"0x4000\",\"end\":\"0x6000\",\"perms\":"
	  "\"rw-p\",\"name\":\"b\",\"pages\":2}]}",
	  "vmas[1].start: 0x4000 is below the end of vmas[0]" },
	{ "\"vmas\":[", "\"target_cost\":3,\"vmas\":[",
	  "target_cost: not an object or null" },
	{ "\"vmas\":[", "\"target_cost\":{\"kind\":\"x\",\"percent\":1},"
	  "\"vmas\":[", "target_cost.kind: not \"faults\" or \"sdtop_cpu\"" },
	{ "\"vmas\":[", "\"target_cost\":{\"kind\":\"faults\","
	  "\"fault_ns\":10},\"vmas\":[", "target_cost.percent: missing" },
	{ "\"vmas\":[", "\"target_cost\":{\"kind\":\"faults\","
	  "\"percent\":-1,\"fault_ns\":10},\"vmas\":[",
	  "target_cost.percent: -1 is out of range (0..1e+09)" },
	{ "\"vmas\":[", "\"target_cost\":{\"kind\":\"faults\","
	  "\"percent\":1},\"vmas\":[", "target_cost.fault_ns: missing" },
	{ "\"vmas\":[", "\"target_cost\":{\"kind\":\"faults\","
	  "\"percent\":1,\"fault_ns\":\"13\"},\"vmas\":[",
	  "target_cost.fault_ns: not a number" },
	{ "\"vmas\":[", "\"max_cost\":[],\"vmas\":[",
	  "max_cost: not an object" },
	{ "\"vmas\":[", "\"max_cost\":{\"percent\":101,\"user_interval\""
	  ":1},\"vmas\":[", "max_cost.percent: 101 is out of range "
	  "(1e-06..100)" },
	{ "\"vmas\":[", "\"max_cost\":{\"percent\":1},\"vmas\":[",
	  "max_cost.user_interval: missing" },
	{ "\"vmas\":[", "\"max_cost\":{\"percent\":1,\"user_interval\":1,"
	  "\"lengthened\":1},\"vmas\":[",
	  "max_cost.lengthened: not true or false" },
	{ "\"vmas\":[", "\"max_cost\":{\"percent\":1,\"user_interval\":1,"
	  "\"lengthened\":true},\"vmas\":[",
	  "max_cost: interval 1, lengthened, from user_interval 1" },
	{ "\"vmas\":[", "\"max_cost\":{\"percent\":1,\"user_interval\":"
	  "0.05,\"lengthened\":true},\"vmas\":[",
	  "max_cost: interval 1, lengthened, from user_interval 0.05" },
	{ "\"vmas\":[", "\"max_cost\":{\"percent\":1,\"user_interval\":2,"
	  "\"lengthened\":false},\"vmas\":[",
	  "max_cost: interval 1, not lengthened, from user_interval 2" },
};

/* good with the first occurrence of from replaced by to (malloc'd). */
static char *
variant(const char *from, const char *to)
{
	const char	*at = strstr(good, from);
	char		*s;

	if (at == NULL)
		fail_msg("\"%s\" is not in the good record", from);
	s = malloc(strlen(good) + strlen(to) + 1);
	assert_non_null(s);
	memcpy(s, good, (size_t)(at - good));
	strcpy(s + (at - good), to);
	strcat(s, at + strlen(from));
	return (s);
}

static void
replay_parse_line__good_record__parsed(void **state)
{
	struct snapshot	*s = NULL;
	char		*cause = NULL, *line;

	(void)state;
	assert_int_equal(replay_parse_line(good, &s, &cause), 0);
	assert_int_equal(s->cycle, 1);
	assert_int_equal(s->pid, 42);
	assert_int_equal(s->page_size, 4096);
	assert_int_equal(s->nvma, 1);
	assert_int_equal(s->vmas[0].npages, 4);
	assert_int_equal(pageset_word(s->vmas[0].written, 0), UINT64_C(0x2));
	assert_int_equal(s->dirty_pages, 1);
	assert_int_equal(s->tracked_pages, 4);
	/* Recorded before discards were counted: none, all resident. */
	assert_int_equal(s->discarded_pages, 0);
	assert_int_equal(s->resident_pages, 4);
	assert_false(s->vmas[0].has_resident);
	/* Recorded before the cost was measured: unknown, no --max-cost. */
	assert_int_equal(s->cost_kind, SNAP_COST_UNKNOWN);
	assert_true(s->max_cost == 0);
	snapshot_free(s);
	/* Pre-copy recorded before round 0 was said: the tracked pages. */
	line = variant("\"exited\":false", "\"exited\":false,\"precopy\":"
	    "{\"bandwidth_bps\":1,\"dirty_rate_bps\":0,\"converges\":true,"
	    "\"downtime_ms\":1,\"total_ms\":1,\"rounds\":1,"
	    "\"sent_bytes\":1}");
	assert_int_equal(replay_parse_line(line, &s, &cause), 0);
	assert_int_equal(s->precopy.memory_bytes, 4 * 4096);
	snapshot_free(s);
	free(line);
	/* Discarded and resident pages, as sdtop writes them. */
	line = variant("\"new\":false,", "\"new\":false,\"discarded\":"
	    "[[\"0x3000\",\"0x5000\"]],\"discarded_pages\":2,"
	    "\"resident_pages\":2,");
	assert_int_equal(replay_parse_line(line, &s, &cause), 0);
	assert_int_equal(pageset_word(s->vmas[0].discarded, 0), UINT64_C(0xc));
	assert_int_equal(s->vmas[0].ndiscarded, 2);
	assert_int_equal(s->discarded_pages, 2);
	assert_int_equal(s->resident_pages, 2);
	assert_true(s->vmas[0].has_resident);
	snapshot_free(s);
	free(line);
	/* A null cost is unknown too. */
	line = variant("\"vmas\":[", "\"target_cost\":null,\"vmas\":[");
	assert_int_equal(replay_parse_line(line, &s, &cause), 0);
	assert_int_equal(s->cost_kind, SNAP_COST_UNKNOWN);
	snapshot_free(s);
	free(line);
}

static void
replay_parse_line__malformed__each_fails_with_its_cause(void **state)
{
	struct snapshot	*s;
	char		*line, *cause;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof bad_records / sizeof bad_records[0]; i++) {
		line = variant(bad_records[i].from, bad_records[i].to);
		s = (struct snapshot *)1;
		cause = NULL;
		if (replay_parse_line(line, &s, &cause) != -1)
			fail_msg("accepted: %s", line);
		assert_null(s);
		if (cause == NULL || strcmp(cause, bad_records[i].cause) != 0)
			fail_msg("%s: cause \"%s\", expected \"%s\"", line,
			    cause != NULL ? cause : "(null)",
			    bad_records[i].cause);
		free(cause);
		free(line);
	}
}

static void
replay_parse_line__not_json__column_in_cause(void **state)
{
	const char	*lines[] = {
		"not json", "{\"cycle\":1", "", "42",
		"{\"cycle\":1,\"cycle\":2}",
	};
	struct snapshot	*s;
	char		*cause;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof lines / sizeof lines[0]; i++) {
		cause = NULL;
		assert_int_equal(replay_parse_line(lines[i], &s, &cause), -1);
		assert_null(s);
		assert_non_null(cause);
		assert_int_equal(strncmp(cause, "column ", 7), 0);
		free(cause);
	}
	cause = NULL;
	assert_int_equal(replay_parse_line("[1,2]", &s, &cause), -1);
	assert_string_equal(cause, "expected a JSON object");
	free(cause);
}

/* Write text to a new temporary file; its path into path. */
static void
temp_file(char *path, size_t size, const char *text)
{
	int	 fd;

	snprintf(path, size, "/tmp/sdtop-replay-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

static void
replay_next__cycle_out_of_order__refused(void **state)
{
	struct replay	 r;
	struct snapshot	*s;
	char		 path[64], want[256], *text, *cause = NULL;
	char		*two, *one;

	(void)state;
	two = variant("\"cycle\":1", "\"cycle\":2");
	one = variant("\"cycle\":1", "\"cycle\":1");
	text = malloc(strlen(one) + strlen(two) + 8);
	assert_non_null(text);
	sprintf(text, "%s\n%s\n", two, one);
	temp_file(path, sizeof path, text);
	assert_int_equal(replay_open(&r, path, &cause), 0);
	assert_int_equal(replay_next(&r, &s, &cause), 1);
	snapshot_free(s);
	assert_int_equal(replay_next(&r, &s, &cause), -1);
	assert_null(s);
	snprintf(want, sizeof want, "%s:2: cycle: 1 does not follow cycle 2",
	    path);
	assert_string_equal(cause, want);
	free(cause);
	replay_close(&r);
	unlink(path);
	free(text);
	free(one);
	free(two);
}

static void
replay_next__bad_line__file_and_line_in_cause(void **state)
{
	struct replay	 r;
	struct snapshot	*s;
	char		 path[64], want[256], *text, *cause = NULL;
	char		*one, *two;

	(void)state;
	/* Lines: good, blank, good (CRLF), blank (CRLF), bad. */
	one = variant("\"cycle\":1", "\"cycle\":1");
	two = variant("\"cycle\":1", "\"cycle\":2");
	text = malloc(2 * strlen(one) + strlen(two) + 64);
	assert_non_null(text);
	sprintf(text, "%s\n\n%s\r\n\r\n{\"cycle\":3}\n%s\n", one, two, one);
	temp_file(path, sizeof path, text);

	assert_int_equal(replay_open(&r, path, &cause), 0);
	assert_int_equal(replay_next(&r, &s, &cause), 1);
	assert_int_equal(s->cycle, 1);
	assert_int_equal(r.line, 1);
	snapshot_free(s);
	assert_int_equal(replay_next(&r, &s, &cause), 1);
	assert_int_equal(s->cycle, 2);
	assert_int_equal(r.line, 3);
	snapshot_free(s);
	assert_int_equal(replay_next(&r, &s, &cause), -1);
	assert_null(s);
	snprintf(want, sizeof want, "%s:5: pid: missing", path);
	assert_string_equal(cause, want);
	free(cause);
	replay_close(&r);

	unlink(path);
	free(text);
	free(one);
	free(two);
}

static void
replay_next__end_of_file__zero_after_trailing_blanks(void **state)
{
	struct replay	 r;
	struct snapshot	*s;
	char		 path[64], *text, *cause = NULL;

	(void)state;
	text = malloc(strlen(good) + 8);
	assert_non_null(text);
	/* The last line has no newline; blank lines follow none. */
	sprintf(text, "\n%s", good);
	temp_file(path, sizeof path, text);
	assert_int_equal(replay_open(&r, path, &cause), 0);
	assert_int_equal(replay_next(&r, &s, &cause), 1);
	assert_int_equal(r.line, 2);
	snapshot_free(s);
	assert_int_equal(replay_next(&r, &s, &cause), 0);
	assert_null(s);
	assert_int_equal(replay_next(&r, &s, &cause), 0);
	replay_close(&r);
	unlink(path);
	free(text);

	/* An empty file, and one of blank lines only: no snapshot at all. */
	temp_file(path, sizeof path, "\n\n\r\n");
	assert_int_equal(replay_open(&r, path, &cause), 0);
	assert_int_equal(replay_next(&r, &s, &cause), 0);
	replay_close(&r);
	unlink(path);
}

static void
replay_open__missing_file__path_in_cause(void **state)
{
	struct replay	 r;
	char		*cause = NULL, want[256];
	const char	*path = "/nonexistent-sdtop/rec.jsonl";

	(void)state;
	assert_int_equal(replay_open(&r, path, &cause), -1);
	snprintf(want, sizeof want, "cannot open %s: %s", path,
	    strerror(ENOENT));
	assert_string_equal(cause, want);
	free(cause);
}

static void
replay_next__hand_written_fixture__every_value(void **state)
{
	struct replay	 r;
	struct snapshot	*s;
	char		*cause = NULL;

	(void)state;
	if (replay_open(&r, fixture_path("replay", "three-cycles.jsonl"),
	    &cause) == -1)
		fail_msg("%s", cause);

	assert_int_equal(replay_next(&r, &s, &cause), 1);
	assert_int_equal(s->cycle, 1);
	assert_true(s->time == 1700000001.5);
	assert_int_equal(s->pid, 4242);
	assert_string_equal(s->comm, "demo prog");
	assert_string_equal(s->method, "uffd-wp");
	assert_true(s->interval == 0.25);
	assert_true(s->clear_ms == 0.125);
	assert_true(s->scan_ms == 0.5);
	assert_false(s->converged);
	assert_false(s->exited);
	assert_false(s->has_precopy);
	assert_int_equal(s->nvma, 3);
	/* Pages 1-2 and 15 of the heap. */
	assert_int_equal(s->vmas[0].vma.start, UINT64_C(0x7f0000000000));
	assert_int_equal(s->vmas[0].npages, 16);
	assert_int_equal(pageset_word(s->vmas[0].written, 0), UINT64_C(0x8006));
	assert_int_equal(s->vmas[0].dirty, 3);
	assert_string_equal(s->vmas[1].vma.name, "/dev/shm/seg");
	assert_true(s->vmas[1].vma.deleted);
	assert_int_equal(s->vmas[1].vma.prot,
	    VMA_READ | VMA_WRITE | VMA_SHARED);
	assert_int_equal(pageset_word(s->vmas[1].written, 0), 0);
	assert_false(s->vmas[2].tracked);
	assert_null(s->vmas[2].written);
	assert_int_equal(s->vmas[2].vma.prot, VMA_READ | VMA_EXEC);
	assert_int_equal(s->dirty_pages, 3);
	assert_int_equal(s->tracked_pages, 20);
	snapshot_free(s);

	assert_int_equal(replay_next(&r, &s, &cause), 1);
	assert_int_equal(r.line, 3);
	assert_int_equal(s->cycle, 2);
	assert_true(s->converged);
	assert_true(s->has_precopy);
	assert_true(s->precopy.bandwidth_bps == 125000000);
	assert_true(s->precopy.converges);
	assert_true(s->precopy.downtime_ms == 0.5);
	assert_int_equal(s->precopy.rounds, 2);
	assert_int_equal(s->precopy.sent_bytes, 139264);
	assert_int_equal(s->dirty_pages, 16);
	assert_int_equal(s->tracked_pages, 16);
	assert_true(s->vmas[1].is_new);
	assert_false(s->vmas[1].tracked);
	snapshot_free(s);

	assert_int_equal(replay_next(&r, &s, &cause), 1);
	assert_int_equal(s->cycle, 3);
	assert_true(s->exited);
	assert_int_equal(s->nvma, 0);
	snapshot_free(s);

	assert_int_equal(replay_next(&r, &s, &cause), 0);
	replay_close(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    replay_parse_line__out_json_record__equals_original),
		cmocka_unit_test(
		    replay_parse_line__precopy__round_trip_both_ways),
		cmocka_unit_test(
		    replay_parse_line__target_cost__round_trip_each_kind),
		cmocka_unit_test(replay_parse_line__exited__round_trip),
		cmocka_unit_test(replay_parse_line__good_record__parsed),
		cmocka_unit_test(
		    replay_parse_line__malformed__each_fails_with_its_cause),
		cmocka_unit_test(replay_parse_line__not_json__column_in_cause),
		cmocka_unit_test(
		    replay_next__bad_line__file_and_line_in_cause),
		cmocka_unit_test(replay_next__cycle_out_of_order__refused),
		cmocka_unit_test(
		    replay_next__end_of_file__zero_after_trailing_blanks),
		cmocka_unit_test(replay_open__missing_file__path_in_cause),
		cmocka_unit_test(
		    replay_next__hand_written_fixture__every_value),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
