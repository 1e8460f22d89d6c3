/*
 * test-output.c - the batch writers. out_json() of a snapshot built here
 * is parsed back with jansson and checked field by field; out_text() rows
 * are compared with rows built from the pages this test wrote.
 *
 * Units: pages of page_size() bytes; the text tests assume 4 KiB pages
 * (for the byte counts in the header) and skip otherwise.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <jansson.h>

#include "pageset.h"
#include "out-json.h"
#include "out-text.h"
#include "page.h"
#include "snapshot.h"

#define HEAP_START	UINT64_C(0x55d0c8c04000)
#define HEAP_PAGES	70
#define ANON_START	UINT64_C(0x7f2c1a000000)
#define ANON_PAGES	18

/* A name that needs every kind of escaping. */
static const char odd_name[] = "/tmp/a \"quoted\" \\back\\ \n\t\x01\x1f\x7f "
    "caf\xc3\xa9 end";

/* The written pages of the heap VMA: runs across a word boundary. */
static const size_t heap_written[] = {
	0, 1, 2, 5, 28, 29, 30, 31, 32, 33, 34, 40, 63, 64, 65, 69,
};
#define HEAP_WRITTEN	(sizeof heap_written / sizeof heap_written[0])

/* The heap pages that are neither resident nor swapped. */
#define ABSENT_FROM	14
#define ABSENT_TO	21
/* Of them, those given back this cycle. */
#define DISCARD_FROM	16
#define DISCARD_TO	19

/* Set VMA i of s. */
static void
put_vma(struct snapshot *s, size_t i, uint64_t start, uint64_t npages,
    const char *perms, const char *name, bool deleted, bool tracked,
    bool is_new)
{
	struct vma	 v = { 0 };

	v.start = start;
	v.end = start + npages * page_size();
	memcpy(v.perms, perms, 5);
	v.prot = (perms[0] == 'r' ? VMA_READ : 0) |
	    (perms[1] == 'w' ? VMA_WRITE : 0) |
	    (perms[2] == 'x' ? VMA_EXEC : 0) |
	    (perms[3] == 's' ? VMA_SHARED : 0);
	v.name = (char *)name;
	v.deleted = deleted;
	assert_int_equal(snapshot_set_vma(s, i, &v, tracked, is_new), 0);
	assert_int_equal(s->vmas[i].npages, npages);
}

/*
 * Five VMAs: a tracked heap with written and absent pages, a tracked
 * anonymous VMA with nothing written, a new one with an odd deleted name,
 * an untracked text VMA, and one whose collection failed.
 */
static struct snapshot *
snap_build(void)
{
	struct snapshot	*s;
	struct snap_vma	*sv;
	size_t		 i;

	s = snapshot_new(5);
	assert_non_null(s);
	s->cycle = 3;
	s->pid = 4242;
	snprintf(s->comm, sizeof s->comm, "demo");
	snprintf(s->method, sizeof s->method, "hash");
	s->interval = 0.5;
	s->time = 1700000000.25;
	s->clear_ms = 1.5;
	s->scan_ms = 2.25;

	put_vma(s, 0, HEAP_START, HEAP_PAGES, "rw-p", "[heap]", false, true,
	    false);
	sv = &s->vmas[0];
	for (i = 0; i < HEAP_WRITTEN; i++)
		pageset_add(sv->written, heap_written[i]);
	sv->present = pageset_new(HEAP_PAGES);
	assert_non_null(sv->present);
	pageset_add_range(sv->present, 0, ABSENT_FROM);
	pageset_add_range(sv->present, ABSENT_TO, HEAP_PAGES);
	sv->discarded = pageset_new(HEAP_PAGES);
	assert_non_null(sv->discarded);
	pageset_add_range(sv->discarded, DISCARD_FROM, DISCARD_TO);

	put_vma(s, 1, ANON_START, ANON_PAGES, "rw-p", "", false, true, false);
	put_vma(s, 2, ANON_START + 0x100000, 3, "rw-s", odd_name, true, false,
	    true);
	put_vma(s, 3, ANON_START + 0x200000, 5, "r-xp", "/usr/bin/demo", false,
	    false, false);
	put_vma(s, 4, ANON_START + 0x300000, 2, "rw-p", "/x", false, false,
	    false);
	s->vmas[4].error = EIO;
	snapshot_count(s);
	return (s);
}

/* Run a writer into a string. */
static char *
capture_json(const struct snapshot *s)
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

static char *
capture_text(const struct snapshot *s, uint64_t width)
{
	struct text_options	 o = { width };
	char			*buf = NULL;
	size_t			 len = 0;
	FILE			*f;

	f = open_memstream(&buf, &len);
	assert_non_null(f);
	assert_int_equal(out_text(f, s, &o), 0);
	assert_int_equal(fclose(f), 0);
	return (buf);
}

/* Parse one JSON Lines record: exactly one line, one object. */
static json_t *
parse_line(const char *text)
{
	json_error_t	 err;
	json_t		*o;
	size_t		 len = strlen(text);

	assert_true(len > 0);
	assert_int_equal(text[len - 1], '\n');
	assert_ptr_equal(strchr(text, '\n'), text + len - 1);
	o = json_loads(text, 0, &err);
	if (o == NULL)
		fail_msg("not JSON: %s at column %d", err.text, err.column);
	assert_true(json_is_object(o));
	return (o);
}

static void
want_hex(json_t *j, uint64_t v)
{
	char	 buf[32];

	snprintf(buf, sizeof buf, "0x%" PRIx64, v);
	assert_true(json_is_string(j));
	assert_string_equal(json_string_value(j), buf);
}

static void
want_int(json_t *o, const char *key, json_int_t v)
{
	json_t	*j = json_object_get(o, key);

	if (!json_is_integer(j))
		fail_msg("\"%s\" is not an integer", key);
	assert_int_equal(json_integer_value(j), v);
}

static void
want_bool(json_t *o, const char *key, bool v)
{
	json_t	*j = json_object_get(o, key);

	if (!json_is_boolean(j))
		fail_msg("\"%s\" is not a boolean", key);
	assert_int_equal(json_is_true(j), v);
}

static void
want_num(json_t *o, const char *key, double v, double eps)
{
	json_t	*j = json_object_get(o, key);

	if (!json_is_number(j))
		fail_msg("\"%s\" is not a number", key);
	if (json_number_value(j) < v - eps || json_number_value(j) > v + eps)
		fail_msg("\"%s\" is %f, not %f", key, json_number_value(j), v);
}

static void
want_str(json_t *o, const char *key, const char *v)
{
	json_t	*j = json_object_get(o, key);

	if (!json_is_string(j))
		fail_msg("\"%s\" is not a string", key);
	assert_string_equal(json_string_value(j), v);
}

/* Check the dirty ranges of the heap: merged runs of heap_written. */
static void
want_heap_ranges(json_t *dirty)
{
	uint64_t	 psz = page_size();
	size_t		 i, j, k = 0;
	json_t		*r;

	assert_true(json_is_array(dirty));
	for (i = 0; i < HEAP_WRITTEN; i = j) {
		for (j = i + 1; j < HEAP_WRITTEN &&
		    heap_written[j] == heap_written[j - 1] + 1; j++)
			;
		r = json_array_get(dirty, k++);
		assert_true(json_is_array(r));
		assert_int_equal(json_array_size(r), 2);
		want_hex(json_array_get(r, 0), HEAP_START +
		    heap_written[i] * psz);
		want_hex(json_array_get(r, 1), HEAP_START +
		    (heap_written[j - 1] + 1) * psz);
	}
	/* 0-2, 5, 28-34, 40, 63-65, 69. */
	assert_int_equal(k, 6);
	assert_int_equal(json_array_size(dirty), k);
}

static void
out_json__snapshot__every_field_parses_back(void **state)
{
	struct snapshot	*s = snap_build();
	uint64_t	 psz = page_size();
	json_t		*o, *vmas, *v, *r;
	char		*text;

	(void)state;
	text = capture_json(s);
	o = parse_line(text);
	want_int(o, "cycle", 3);
	want_num(o, "time", 1700000000.25, 1e-6);
	want_int(o, "pid", 4242);
	want_str(o, "comm", "demo");
	want_str(o, "method", "hash");
	want_num(o, "interval", 0.5, 0);
	want_int(o, "dirty_pages", HEAP_WRITTEN);
	want_int(o, "tracked_pages", HEAP_PAGES + ANON_PAGES);
	want_int(o, "discarded_pages", DISCARD_TO - DISCARD_FROM);
	/* The anonymous VMA's present pages are not known: all of it. */
	want_int(o, "resident_pages", HEAP_PAGES - (ABSENT_TO - ABSENT_FROM) +
	    ANON_PAGES);
	want_int(o, "page_size", (json_int_t)psz);
	want_num(o, "clear_ms", 1.5, 1e-9);
	want_num(o, "scan_ms", 2.25, 1e-9);
	want_bool(o, "converged", false);
	want_bool(o, "exited", false);
	assert_null(json_object_get(o, "precopy"));

	vmas = json_object_get(o, "vmas");
	assert_true(json_is_array(vmas));
	assert_int_equal(json_array_size(vmas), 5);

	v = json_array_get(vmas, 0);
	want_hex(json_object_get(v, "start"), HEAP_START);
	want_hex(json_object_get(v, "end"), HEAP_START + HEAP_PAGES * psz);
	want_str(v, "perms", "rw-p");
	want_str(v, "name", "[heap]");
	want_int(v, "pages", HEAP_PAGES);
	want_bool(v, "tracked", true);
	want_bool(v, "new", false);
	want_int(v, "dirty_pages", HEAP_WRITTEN);
	want_heap_ranges(json_object_get(v, "dirty"));
	want_int(v, "discarded_pages", DISCARD_TO - DISCARD_FROM);
	r = json_object_get(v, "discarded");
	assert_int_equal(json_array_size(r), 1);
	want_hex(json_array_get(json_array_get(r, 0), 0), HEAP_START +
	    DISCARD_FROM * psz);
	want_hex(json_array_get(json_array_get(r, 0), 1), HEAP_START +
	    DISCARD_TO * psz);
	want_int(v, "resident_pages", HEAP_PAGES - (ABSENT_TO - ABSENT_FROM));
	assert_null(json_object_get(v, "deleted"));
	assert_null(json_object_get(v, "error"));

	v = json_array_get(vmas, 1);
	want_hex(json_object_get(v, "start"), ANON_START);
	want_str(v, "name", "");
	want_int(v, "pages", ANON_PAGES);
	want_bool(v, "tracked", true);
	want_int(v, "dirty_pages", 0);
	assert_int_equal(json_array_size(json_object_get(v, "dirty")), 0);
	want_int(v, "discarded_pages", 0);
	assert_int_equal(json_array_size(json_object_get(v, "discarded")), 0);
	assert_null(json_object_get(v, "resident_pages"));

	v = json_array_get(vmas, 2);
	want_str(v, "perms", "rw-s");
	want_str(v, "name", odd_name);
	want_bool(v, "deleted", true);
	want_bool(v, "tracked", false);
	want_bool(v, "new", true);
	want_int(v, "dirty_pages", 0);
	assert_true(json_is_array(json_object_get(v, "dirty")));
	assert_int_equal(json_array_size(json_object_get(v, "dirty")), 0);

	v = json_array_get(vmas, 3);
	want_str(v, "perms", "r-xp");
	want_str(v, "name", "/usr/bin/demo");
	want_bool(v, "tracked", false);
	want_bool(v, "new", false);
	want_int(v, "pages", 5);

	v = json_array_get(vmas, 4);
	want_str(v, "error", strerror(EIO));

	json_decref(o);
	free(text);
	snapshot_free(s);
}

static void
out_json__raw_text__control_chars_escaped(void **state)
{
	struct snapshot	*s = snap_build();
	char		*text;
	const char	*p;

	(void)state;
	text = capture_json(s);
	/* No raw control character may appear inside the line. */
	for (p = text; *p != '\n'; p++)
		assert_false((unsigned char)*p < 0x20);
	assert_non_null(strstr(text, "\\\"quoted\\\""));
	assert_non_null(strstr(text, "\\\\back\\\\"));
	assert_non_null(strstr(text, "\\n"));
	free(text);
	snapshot_free(s);
}

static void
out_json__names_needing_escapes__round_trip(void **state)
{
	const char	*cases[] = {
		"", "plain", "\"", "\\", "a\"b\\c", "\n\r\t\b\f",
		"\x01\x02\x1e\x1f", "\x7f", "\xc3\xa9\xe2\x96\x88",
		"/dev/shm/x (deleted)", "[anon:  x ]",
	};
	struct snapshot	*s;
	json_t		*o, *vmas;
	char		*text;
	size_t		 n = sizeof cases / sizeof cases[0], i;

	(void)state;
	s = snapshot_new(n);
	assert_non_null(s);
	s->cycle = 1;
	s->pid = 9;
	snprintf(s->method, sizeof s->method, "hash");
	for (i = 0; i < n; i++)
		put_vma(s, i, ANON_START + i * 0x10000, 1, "rw-p", cases[i],
		    false, false, false);
	text = capture_json(s);
	o = parse_line(text);
	vmas = json_object_get(o, "vmas");
	assert_int_equal(json_array_size(vmas), n);
	for (i = 0; i < n; i++)
		want_str(json_array_get(vmas, i), "name", cases[i]);
	json_decref(o);
	free(text);
	snapshot_free(s);
}

static void
out_json__comm_with_quotes__escaped(void **state)
{
	struct snapshot	*s = snapshot_new(0);
	json_t		*o;
	char		*text;

	(void)state;
	assert_non_null(s);
	s->cycle = 1;
	s->pid = 9;
	snprintf(s->comm, sizeof s->comm, "a\"b\\c\td");
	snprintf(s->method, sizeof s->method, "uffd-wp");
	text = capture_json(s);
	o = parse_line(text);
	want_str(o, "comm", "a\"b\\c\td");
	want_str(o, "method", "uffd-wp");
	assert_int_equal(json_array_size(json_object_get(o, "vmas")), 0);
	json_decref(o);
	free(text);
	snapshot_free(s);
}

static void
out_json__name_not_utf8__still_valid_json(void **state)
{
	struct snapshot	*s = snapshot_new(1);
	json_t		*o, *name;
	char		*text;

	(void)state;
	assert_non_null(s);
	s->cycle = 1;
	s->pid = 9;
	snprintf(s->method, sizeof s->method, "hash");
	/* File names are bytes: Latin-1 "\xe9" is not UTF-8. */
	put_vma(s, 0, ANON_START, 1, "r--p", "/tmp/caf\xe9", false, false,
	    false);
	text = capture_json(s);
	o = parse_line(text);
	name = json_object_get(json_array_get(json_object_get(o, "vmas"), 0),
	    "name");
	assert_true(json_is_string(name));
	assert_memory_equal(json_string_value(name), "/tmp/caf", 8);
	json_decref(o);
	free(text);
	snapshot_free(s);
}

static void
out_json__precopy_not_converging__null_downtime(void **state)
{
	struct snapshot	*s = snap_build();
	json_t		*o, *p;
	char		*text;

	(void)state;
	s->has_precopy = true;
	s->precopy.bandwidth_bps = 1e6;
	s->precopy.dirty_rate_bps = 5e6;
	s->precopy.converges = false;
	s->precopy.downtime_ms = -1;
	s->precopy.total_ms = -1;
	s->precopy.rounds = 30;
	s->precopy.sent_bytes = 123456789;
	text = capture_json(s);
	o = parse_line(text);
	p = json_object_get(o, "precopy");
	assert_true(json_is_object(p));
	want_num(p, "bandwidth_bps", 1e6, 0.5);
	want_num(p, "dirty_rate_bps", 5e6, 0.5);
	want_bool(p, "converges", false);
	assert_true(json_is_null(json_object_get(p, "downtime_ms")));
	assert_true(json_is_null(json_object_get(p, "total_ms")));
	want_int(p, "rounds", 30);
	want_int(p, "sent_bytes", 123456789);
	json_decref(o);
	free(text);

	s->precopy.converges = true;
	s->precopy.downtime_ms = 12.5;
	s->precopy.total_ms = 4000.25;
	s->precopy.rounds = 3;
	text = capture_json(s);
	o = parse_line(text);
	p = json_object_get(o, "precopy");
	want_bool(p, "converges", true);
	want_num(p, "downtime_ms", 12.5, 1e-9);
	want_num(p, "total_ms", 4000.25, 1e-9);
	want_int(p, "rounds", 3);
	json_decref(o);
	free(text);
	snapshot_free(s);
}

static void
out_json__exited__flag_and_no_vmas(void **state)
{
	struct snapshot	*s = snapshot_new(0);
	json_t		*o;
	char		*text;

	(void)state;
	assert_non_null(s);
	s->cycle = 7;
	s->pid = 4242;
	snprintf(s->comm, sizeof s->comm, "demo");
	snprintf(s->method, sizeof s->method, "hash");
	s->exited = true;
	s->converged = true;
	text = capture_json(s);
	o = parse_line(text);
	want_int(o, "cycle", 7);
	want_bool(o, "exited", true);
	want_bool(o, "converged", true);
	want_int(o, "dirty_pages", 0);
	assert_true(json_is_array(json_object_get(o, "vmas")));
	assert_int_equal(json_array_size(json_object_get(o, "vmas")), 0);
	json_decref(o);
	free(text);
	snapshot_free(s);
}

/* The course cells of the heap: X written, . anything else. */
static void
heap_course_cells(char *buf)
{
	size_t	 i;

	memset(buf, '.', HEAP_PAGES);
	buf[HEAP_PAGES] = '\0';
	for (i = 0; i < HEAP_WRITTEN; i++)
		buf[heap_written[i]] = 'X';
}

/* The zoomed cells of the heap, from the rule in render.h. */
static void
heap_zoomed_cells(char *buf, size_t zoom)
{
	size_t	 cell, first, last, i, w, present, discarded, n;

	n = 0;
	for (cell = 0; cell * zoom < HEAP_PAGES; cell++) {
		first = cell * zoom;
		last = first + zoom > HEAP_PAGES ? HEAP_PAGES : first + zoom;
		w = present = discarded = 0;
		for (i = 0; i < HEAP_WRITTEN; i++)
			w += heap_written[i] >= first && heap_written[i] < last;
		for (i = first; i < last; i++) {
			present += i < ABSENT_FROM || i >= ABSENT_TO;
			discarded += i >= DISCARD_FROM && i < DISCARD_TO;
		}
		if (w == 0 && discarded > 0)
			buf[n++] = 'o';
		else if (w == 0)
			buf[n++] = present == 0 ? '-' : '.';
		else if (w == last - first)
			buf[n++] = 'X';
		else if (w * 3 <= last - first)
			buf[n++] = ':';
		else
			buf[n++] = 'x';
	}
	buf[n] = '\0';
}

/* The fixed part of a row, up to and including the first '|' or ": ". */
static void
region(char *buf, size_t size, uint64_t start, uint64_t npages)
{
	snprintf(buf, size, "Region: %016" PRIx64 " - %016" PRIx64
	    " (%4" PRIu64 " pages): ", start, start + npages * page_size(),
	    npages);
}

/* Line n (0-based) of text, without its newline, into buf. */
static void
line_of(const char *text, size_t n, char *buf, size_t size)
{
	const char	*nl;

	while (n-- > 0) {
		text = strchr(text, '\n');
		assert_non_null(text);
		text++;
	}
	nl = strchr(text, '\n');
	assert_non_null(nl);
	assert_true((size_t)(nl - text) < size);
	memcpy(buf, text, (size_t)(nl - text));
	buf[nl - text] = '\0';
}

/* The cycle's header ends with the cost and what --max-cost did. */
static void
out_text__cost__ends_the_cycle_header(void **state)
{
	struct snapshot	*s;
	char		*text, line[512];
	const char	*want;

	(void)state;
	s = snap_build();
	s->cost_kind = SNAP_COST_FAULTS;
	s->cost_percent = 3.2;
	s->fault_ns = 13125;
	s->max_cost = 1;
	s->user_interval = 0.05;
	s->lengthened = true;
	text = capture_text(s, 0);
	line_of(text, 0, line, sizeof line);
	want = "  cost 3.20% (13.1 us/fault)  max-cost 1%: interval lengthened";
	assert_true(strlen(line) > strlen(want));
	assert_string_equal(line + strlen(line) - strlen(want), want);
	free(text);
	s->cost_kind = SNAP_COST_SDTOP_CPU;
	s->cost_percent = 0.5;
	s->max_cost = 0;
	text = capture_text(s, 0);
	line_of(text, 0, line, sizeof line);
	want = "discarded 3 (12.0 KiB)  cost 0.50% (sdtop's CPU)";
	assert_string_equal(line + strlen(line) - strlen(want), want);
	free(text);
	snapshot_free(s);
}

static void
out_text__course_rows__from_the_written_pages(void **state)
{
	struct snapshot	*s;
	char		*text, line[512], want[512], cells[HEAP_PAGES + 1];
	char		*p;

	(void)state;
	if (page_size() != 4096)
		skip();
	s = snap_build();
	text = capture_text(s, 0);

	line_of(text, 0, line, sizeof line);
	snprintf(want, sizeof want, "cycle 3  pid 4242 (demo)  method hash  "
	    "interval 0.5s  dirty %zu/%d pages (64.0 KiB)  not converged"
	    "  discarded %d (12.0 KiB)", HEAP_WRITTEN, HEAP_PAGES + ANON_PAGES,
	    DISCARD_TO - DISCARD_FROM);
	assert_string_equal(line, want);

	line_of(text, 1, line, sizeof line);
	heap_course_cells(cells);
	region(want, sizeof want, HEAP_START, HEAP_PAGES);
	snprintf(want + strlen(want), sizeof want - strlen(want),
	    "|%s|  rw-p [heap]", cells);
	assert_string_equal(line, want);

	/* The anonymous row: nothing written; no name after the perms. */
	line_of(text, 2, line, sizeof line);
	region(want, sizeof want, ANON_START, ANON_PAGES);
	strcat(want, "|..................|  rw-p");
	assert_int_equal(strncmp(line, want, strlen(want)), 0);
	for (p = line + strlen(want); *p != '\0'; p++)
		assert_int_equal(*p, ' ');

	line_of(text, 3, line, sizeof line);
	region(want, sizeof want, ANON_START + 0x100000, 3);
	strcat(want, "new since the last clear  rw-s ");
	/* The controls of the odd name are escaped, the rest is as is. */
	strcat(want, "/tmp/a \"quoted\" \\back\\ \\x0a\\x09\\x01\\x1f"
	    "\\x7f caf\xc3\xa9 end (deleted)");
	assert_string_equal(line, want);

	free(text);
	snapshot_free(s);
}

static void
out_text__untracked_and_failed_rows__say_so(void **state)
{
	struct snapshot	*s;
	char		*text, want[512];

	(void)state;
	if (page_size() != 4096)
		skip();
	s = snap_build();
	text = capture_text(s, 0);
	region(want, sizeof want, ANON_START + 0x200000, 5);
	strcat(want, "not tracked  r-xp /usr/bin/demo\n");
	assert_non_null(strstr(text, want));
	region(want, sizeof want, ANON_START + 0x300000, 2);
	snprintf(want + strlen(want), sizeof want - strlen(want),
	    "not tracked  rw-p /x  [error: %s]\n", strerror(EIO));
	assert_non_null(strstr(text, want));
	free(text);
	snapshot_free(s);
}

static void
out_text__width__zoomed_rows(void **state)
{
	struct snapshot	*s;
	char		*text, line[512], want[512], cells[HEAP_PAGES + 1];

	(void)state;
	if (page_size() != 4096)
		skip();
	s = snap_build();
	/* 70 pages in 10 cells: 7 pages a cell. */
	text = capture_text(s, 10);
	line_of(text, 1, line, sizeof line);
	heap_zoomed_cells(cells, 7);
	assert_int_equal(strlen(cells), 10);
	region(want, sizeof want, HEAP_START, HEAP_PAGES);
	snprintf(want + strlen(want), sizeof want - strlen(want),
	    "|%s| (7 pages/cell)  rw-p [heap]", cells);
	assert_string_equal(line, want);
	/* 18 pages in at most 10 cells: 2 a cell, 9 cells. */
	line_of(text, 2, line, sizeof line);
	region(want, sizeof want, ANON_START, ANON_PAGES);
	strcat(want, "|.........| (2 pages/cell)  rw-p");
	assert_int_equal(strncmp(line, want, strlen(want)), 0);
	free(text);

	/* 70 pages in at most 8 cells: 9 a cell, the last one 7 pages. */
	text = capture_text(s, 8);
	line_of(text, 1, line, sizeof line);
	heap_zoomed_cells(cells, 9);
	assert_int_equal(strlen(cells), 8);
	region(want, sizeof want, HEAP_START, HEAP_PAGES);
	snprintf(want + strlen(want), sizeof want - strlen(want),
	    "|%s| (9 pages/cell)  rw-p [heap]", cells);
	assert_string_equal(line, want);
	free(text);

	/* A width the VMA fits in: the course format, one cell a page. */
	text = capture_text(s, HEAP_PAGES);
	line_of(text, 1, line, sizeof line);
	heap_course_cells(cells);
	region(want, sizeof want, HEAP_START, HEAP_PAGES);
	snprintf(want + strlen(want), sizeof want - strlen(want),
	    "|%s|  rw-p [heap]", cells);
	assert_string_equal(line, want);
	free(text);
	snapshot_free(s);
}

static void
out_text__precopy__one_line_after_the_header(void **state)
{
	struct snapshot	*s;
	char		*text, line[512];

	(void)state;
	if (page_size() != 4096)
		skip();
	s = snap_build();
	s->converged = true;
	s->has_precopy = true;
	s->precopy.memory_bytes = 3 * 1048576;
	s->precopy.bandwidth_bps = 131072000;
	s->precopy.dirty_rate_bps = 1048576;
	s->precopy.converges = true;
	s->precopy.rounds = 3;
	s->precopy.downtime_ms = 12.5;
	text = capture_text(s, 0);
	line_of(text, 0, line, sizeof line);
	assert_non_null(strstr(line, "  converged"));
	assert_null(strstr(line, "not converged"));
	line_of(text, 1, line, sizeof line);
	assert_string_equal(line, "pre-copy of 3.0 MiB resident at 125.0 MiB/s: "
	    "dirty rate "
	    "1.0 MiB/s, converges: 3 rounds, downtime 12.5 ms");
	free(text);
	s->precopy.rounds = 1;
	text = capture_text(s, 0);
	line_of(text, 1, line, sizeof line);
	assert_string_equal(line, "pre-copy of 3.0 MiB resident at "
	    "125.0 MiB/s: dirty rate "
	    "1.0 MiB/s, converges: 1 round, downtime 12.5 ms");
	free(text);

	s->precopy.converges = false;
	text = capture_text(s, 0);
	line_of(text, 1, line, sizeof line);
	assert_string_equal(line, "pre-copy of 3.0 MiB resident at 125.0 MiB/s: "
	    "dirty rate "
	    "1.0 MiB/s, does not converge");
	line_of(text, 2, line, sizeof line);
	assert_int_equal(strncmp(line, "Region: ", 8), 0);
	free(text);
	snapshot_free(s);
}

static void
out_text__exited__one_line(void **state)
{
	struct snapshot	*s = snapshot_new(0);
	char		*text;

	(void)state;
	assert_non_null(s);
	s->cycle = 7;
	s->pid = 4242;
	snprintf(s->comm, sizeof s->comm, "demo");
	s->exited = true;
	text = capture_text(s, 0);
	assert_string_equal(text, "cycle 7  pid 4242 (demo): process exited\n");
	free(text);
	snapshot_free(s);
}

static void
out_writers__write_error__minus_one(void **state)
{
	struct snapshot		*s = snap_build();
	struct text_options	 o = { 0 };
	FILE			*f;

	(void)state;
	/* A stream open for reading only: every write fails. */
	f = fopen("/dev/null", "r");
	assert_non_null(f);
	assert_int_equal(out_json(f, s), -1);
	assert_int_equal(out_text(f, s, &o), -1);
	fclose(f);
	snapshot_free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(out_json__snapshot__every_field_parses_back),
		cmocka_unit_test(out_json__raw_text__control_chars_escaped),
		cmocka_unit_test(
		    out_json__names_needing_escapes__round_trip),
		cmocka_unit_test(out_json__comm_with_quotes__escaped),
		cmocka_unit_test(out_json__name_not_utf8__still_valid_json),
		cmocka_unit_test(
		    out_json__precopy_not_converging__null_downtime),
		cmocka_unit_test(out_json__exited__flag_and_no_vmas),
		cmocka_unit_test(out_text__course_rows__from_the_written_pages),
		cmocka_unit_test(out_text__cost__ends_the_cycle_header),
		cmocka_unit_test(out_text__untracked_and_failed_rows__say_so),
		cmocka_unit_test(out_text__width__zoomed_rows),
		cmocka_unit_test(out_text__precopy__one_line_after_the_header),
		cmocka_unit_test(out_text__exited__one_line),
		cmocka_unit_test(out_writers__write_error__minus_one),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
