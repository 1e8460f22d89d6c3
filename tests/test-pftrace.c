/*
 * test-pftrace.c - the trace format (writer and reader) and the report
 * built from it, on hand-written fixtures under tests/fixtures/pftrace:
 * what each region row shows, the filters, and one clear error naming
 * the line for every kind of bad file.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fixture.h"

#include "bitmap.h"
#include "pftrace-format.h"
#include "pftrace-perms.h"
#include "pftrace-read.h"
#include "pftrace-report.h"

/* Open the fixture trace name. */
static FILE *
fixture(const char *name)
{
	const char	*path = fixture_path("pftrace", name);
	FILE		*f;

	f = fopen(path, "r");
	if (f == NULL)
		fail_msg("cannot open fixture %s", path);
	return (f);
}

static void
default_options(struct pfreport_options *o)
{
	memset(o, 0, sizeof *o);
	o->to = UINT64_MAX;
}

/* Load a fixture; returns the load's result and its cause. */
static int
load(const char *name, const struct pfreport_options *o,
    struct pfreport *rep, char **cause)
{
	FILE	*f = fixture(name);
	int	 ret;

	*cause = NULL;
	ret = pfreport_load(rep, f, o, cause);
	fclose(f);
	return (ret);
}

/* The row string of region id in a loaded report, from its faults. */
static void
row_of(const struct pfreport *rep, uint64_t id, char *buf, size_t size)
{
	const struct pfrep_region	*r = &rep->r[id - 1];
	uint64_t			 n = (r->hi - r->lo) / rep->page, i, j;

	assert_true(n + 1 <= size);
	for (i = 0; i < n; i++) {
		buf[i] = '.';
		for (j = 0; j < r->nf; j++) {
			if (r->f[j].page == r->lo / rep->page + i)
				buf[i] = 'X';
		}
	}
	buf[n] = '\0';
}

static void
pftrace_write__every_record__reads_back_equal(void **state)
{
	struct pf_rec		 in[6], out;
	struct pftrace_reader	 rd;
	char			*buf = NULL, *cause = NULL;
	size_t			 len = 0, i;
	FILE			*f;

	(void)state;
	memset(in, 0, sizeof in);
	/* A process and the region the next one is split from. */
	in[4].type = PFR_PROC;
	in[4].pid = 7;
	strcpy(in[4].how, "start");
	in[5].type = PFR_ADD;
	in[5].pid = 7;
	in[5].tid = 7;
	strcpy(in[5].cause, "exec");
	in[5].id = 41;
	in[5].vma.start = 0x7f0000000000ULL;
	in[5].vma.end = 0x7f0000001000ULL;
	strcpy(in[5].vma.perms, "rw-p");
	in[0].type = PFR_ADD;
	in[0].time = 123456789012ULL;
	in[0].pid = 7;
	in[0].tid = 8;
	strcpy(in[0].cause, "mremap");
	in[0].id = 42;
	in[0].link = 41;
	in[0].vma.start = 0x7f0000001000ULL;
	in[0].vma.end = 0x7f0000003000ULL;
	in[0].vma.offset = 0x2000;
	strcpy(in[0].vma.perms, "r-xs");
	in[0].vma.dev_major = 0xfe;
	in[0].vma.dev_minor = 1;
	in[0].vma.inode = 99;
	in[0].vma.deleted = true;
	in[0].vma.name = (char *)"/tmp/a b";
	in[1].type = PFR_FAULT;
	in[1].time = 5;
	in[1].pid = 7;
	in[1].tid = 9;
	in[1].addr = 0xffffffffff600000ULL;
	in[1].ip = 0x400000;
	in[1].kind = PF_KIND_EXEC;
	in[1].sev = PF_SEV_MAJOR;
	in[2].type = PFR_REMOVE;
	in[2].time = 6;
	in[2].pid = 7;
	in[2].tid = 7;
	strcpy(in[2].cause, "exit");
	in[2].id = 42;
	in[3].type = PFR_END;
	in[3].time = 7;
	in[3].count = 1;
	in[3].lost = 0;

	f = open_memstream(&buf, &len);
	assert_non_null(f);
	assert_int_equal(pftrace_write_header(f), 0);
	assert_int_equal(pftrace_write(f, &in[4]), 0);
	assert_int_equal(pftrace_write(f, &in[5]), 0);
	for (i = 0; i < 4; i++)
		assert_int_equal(pftrace_write(f, &in[i]), 0);
	fclose(f);

	f = fmemopen(buf, len, "r");
	assert_int_equal(pftrace_reader_open(&rd, f, &cause), 0);
	assert_int_equal(pftrace_read(&rd, &out, &cause), 1);
	assert_int_equal(out.type, PFR_PROC);
	assert_int_equal(pftrace_read(&rd, &out, &cause), 1);
	assert_int_equal(out.type, PFR_ADD);
	assert_int_equal(out.id, 41);
	pftrace_rec_free(&out);
	assert_int_equal(pftrace_read(&rd, &out, &cause), 1);
	assert_int_equal(out.type, PFR_ADD);
	assert_int_equal(out.time, in[0].time);
	assert_int_equal(out.pid, 7);
	assert_int_equal(out.tid, 8);
	assert_string_equal(out.cause, "mremap");
	assert_int_equal(out.id, 42);
	assert_int_equal(out.link, 41);
	assert_int_equal(out.vma.start, in[0].vma.start);
	assert_int_equal(out.vma.end, in[0].vma.end);
	assert_int_equal(out.vma.offset, 0x2000);
	assert_string_equal(out.vma.perms, "r-xs");
	assert_int_equal(out.vma.prot, VMA_READ | VMA_EXEC | VMA_SHARED);
	assert_int_equal(out.vma.dev_major, 0xfe);
	assert_int_equal(out.vma.inode, 99);
	assert_true(out.vma.deleted);
	assert_string_equal(out.vma.name, "/tmp/a b");
	pftrace_rec_free(&out);
	assert_int_equal(pftrace_read(&rd, &out, &cause), 1);
	assert_int_equal(out.type, PFR_FAULT);
	assert_int_equal(out.addr, in[1].addr);
	assert_int_equal(out.ip, 0x400000);
	assert_int_equal(out.kind, PF_KIND_EXEC);
	assert_int_equal(out.sev, PF_SEV_MAJOR);
	assert_int_equal(pftrace_read(&rd, &out, &cause), 1);
	assert_int_equal(out.type, PFR_REMOVE);
	assert_int_equal(out.link, 0);
	assert_int_equal(pftrace_read(&rd, &out, &cause), 1);
	assert_int_equal(out.type, PFR_END);
	assert_int_equal(out.count, 1);
	assert_int_equal(pftrace_read(&rd, &out, &cause), 0);
	pftrace_reader_close(&rd);
	fclose(f);
	free(buf);
}

static void
pftrace_parse_line__extra_field__is_refused(void **state)
{
	char		 line[] = "fault 1 2 3 400000 400000 r m extra";
	char		 line2[] = "fault 1 2 3 400000 400000 r";
	char		 line3[] = "change 1 2 3 mmap 4 2000 1000 rw-p 0";
	struct pf_rec	 r;
	const char	*cause;

	(void)state;
	assert_int_equal(pftrace_parse_line(line, &r, &cause), -1);
	assert_string_equal(cause, "fields: too many");
	assert_int_equal(pftrace_parse_line(line2, &r, &cause), -1);
	assert_string_equal(cause, "fields: too few");
	assert_int_equal(pftrace_parse_line(line3, &r, &cause), -1);
	assert_string_equal(cause, "end: not above start");
}

static void
pfreport_load__good_fixture__rows_and_counts(void **state)
{
	struct pfreport_options	 o;
	struct pfreport		 rep;
	char			*cause, row[64];

	(void)state;
	default_options(&o);
	assert_int_equal(load("good.trace", &o, &rep, &cause), 0);
	assert_int_equal(rep.page, 4096);
	assert_string_equal(rep.command, "./prog --flag");
	assert_true(rep.have_kind);
	assert_int_equal(rep.faults, 7);
	assert_int_equal(rep.lost, 3);
	assert_int_equal(rep.outside, 0);
	assert_int_equal(rep.nr, 5);
	assert_string_equal(rep.r[0].vma.name, "/usr/bin/prog with space");

	/* Region 2 was split then merged back; its faults span it all. */
	row_of(&rep, 2, row, sizeof row);
	assert_string_equal(row, "X.X....X");
	assert_int_equal(rep.r[1].kind[PF_KIND_READ], 1);
	assert_int_equal(rep.r[1].kind[PF_KIND_WRITE], 3);
	assert_int_equal(rep.r[1].major, 1);
	assert_int_equal(rep.r[1].minor, 2);
	assert_int_equal(rep.r[1].incomplete, 1);
	assert_int_equal(rep.r[1].changes, 2);
	/* The split-off piece got thread 101's fault while it lived. */
	row_of(&rep, 5, row, sizeof row);
	assert_string_equal(row, ".X..");
	assert_int_equal(rep.r[4].parent, 2);
	assert_int_equal(rep.r[4].into, 2);
	assert_string_equal(rep.r[4].removed_by, "mprotect");
	assert_int_equal(rep.r[4].removed, 90);
	/* A fault just under [stack] is the stack growing. */
	assert_int_equal(rep.r[2].lo, 0x7ffc0000f000ULL);
	row_of(&rep, 3, row, sizeof row);
	assert_string_equal(row, "X................");
	pfreport_free(&rep);
}

static void
pfreport_load__filters__keep_only_matching_faults(void **state)
{
	struct pfreport_options	 o;
	struct pfreport		 rep;
	char			*cause, row[64];

	(void)state;
	default_options(&o);
	o.tid = 101;
	assert_int_equal(load("good.trace", &o, &rep, &cause), 0);
	assert_int_equal(rep.shown, 2);
	row_of(&rep, 2, row, sizeof row);
	assert_string_equal(row, "........");
	row_of(&rep, 5, row, sizeof row);
	assert_string_equal(row, ".X..");
	pfreport_free(&rep);

	default_options(&o);
	o.writes = true;
	o.to = 45;
	assert_int_equal(load("good.trace", &o, &rep, &cause), 0);
	assert_int_equal(rep.shown, 1);
	row_of(&rep, 2, row, sizeof row);
	assert_string_equal(row, "X.......");
	assert_int_equal(rep.r[1].kind[PF_KIND_WRITE], 1);
	assert_int_equal(rep.r[1].kind[PF_KIND_READ], 0);
	pfreport_free(&rep);

	default_options(&o);
	o.from = 50;
	o.to = 71;
	assert_int_equal(load("good.trace", &o, &rep, &cause), 0);
	assert_int_equal(rep.shown, 2);
	pfreport_free(&rep);
}

static void
pfreport_load__mprotect__permissions_with_their_faults(void **state)
{
	struct pfreport_options	 o;
	struct pfreport		 rep;
	const struct pfrep_perm	*p;
	char			*cause, *buf = NULL;
	size_t			 len = 0;
	FILE			*f;

	(void)state;
	default_options(&o);
	assert_int_equal(load("perms.trace", &o, &rep, &cause), 0);
	assert_int_equal(rep.nr, 2);
	/* rw-p, r--p, rw-p again; the grown rw-p is no new entry. */
	assert_int_equal(rep.r[0].hist.n, 3);
	assert_int_equal(rep.r[0].changes, 3);
	p = rep.r[0].hist.v;
	assert_string_equal(p[0].perms, "rw-p");
	assert_string_equal(p[0].cause, "mmap");
	assert_int_equal(p[0].from, 1000000);
	/* Thread 201's write counts by its time, before the mprotect. */
	assert_int_equal(p[0].kind[PF_KIND_WRITE], 3);
	assert_string_equal(p[1].perms, "r--p");
	assert_string_equal(p[1].cause, "mprotect");
	assert_int_equal(p[1].from, 4000000);
	assert_int_equal(p[1].kind[PF_KIND_WRITE], 1);
	assert_int_equal(p[1].kind[PF_KIND_READ], 1);
	assert_string_equal(p[2].perms, "rw-p");
	assert_int_equal(p[2].from, 6000000);
	assert_int_equal(p[2].kind[PF_KIND_WRITE], 1);
	assert_int_equal(p[2].kind[PF_KIND_READ], 0);
	assert_int_equal(rep.r[1].hist.n, 1);
	assert_int_equal(rep.r[1].hist.v[0].kind[PF_KIND_WRITE], 1);

	/* The text says it under the row; the unchanged region says nothing. */
	f = open_memstream(&buf, &len);
	assert_non_null(f);
	assert_int_equal(pfreport_print(f, &rep, &o), 0);
	fclose(f);
	assert_non_null(strstr(buf, "\n        permissions changed: rw-p "
	    "from 0.001000 s (mmap), faults 3: write 3; r--p from 0.004000 s "
	    "(mprotect), faults 2: read 1 write 1; rw-p from 0.006000 s "
	    "(mprotect), faults 1: write 1\n"));
	assert_null(strstr(strstr(buf, "permissions changed") + 1,
	    "permissions changed"));
	free(buf);

	/* JSON lists every region's permissions, the unchanged one too. */
	buf = NULL;
	o.json = true;
	f = open_memstream(&buf, &len);
	assert_non_null(f);
	assert_int_equal(pfreport_print(f, &rep, &o), 0);
	fclose(f);
	assert_non_null(strstr(buf, "\"permissions\":[{\"perms\":\"rw-p\","
	    "\"from\":0.001000000,\"cause\":\"mmap\",\"faults\":{\"read\":0,"
	    "\"write\":3,\"exec\":0,\"unknown\":0}},{\"perms\":\"r--p\","
	    "\"from\":0.004000000,\"cause\":\"mprotect\",\"faults\":{"
	    "\"read\":1,\"write\":1,\"exec\":0,\"unknown\":0}},{\"perms\":"
	    "\"rw-p\",\"from\":0.006000000,"));
	assert_non_null(strstr(buf, "\"permissions\":[{\"perms\":\"rw-p\","
	    "\"from\":0.001000000,\"cause\":\"mmap\",\"faults\":{\"read\":0,"
	    "\"write\":1,\"exec\":0,\"unknown\":0}}]"));
	free(buf);
	pfreport_free(&rep);

	/* Counts are of the faults shown: --writes keeps no read. */
	default_options(&o);
	o.writes = true;
	assert_int_equal(load("perms.trace", &o, &rep, &cause), 0);
	assert_int_equal(rep.r[0].hist.v[1].kind[PF_KIND_WRITE], 1);
	assert_int_equal(rep.r[0].hist.v[1].kind[PF_KIND_READ], 0);
	pfreport_free(&rep);
}

/* Loading the fixture fails with exactly this cause. */
static void
expect_error(const char *name, const char *want)
{
	struct pfreport_options	 o;
	struct pfreport		 rep;
	char			*cause;

	default_options(&o);
	assert_int_equal(load(name, &o, &rep, &cause), -1);
	assert_non_null(cause);
	assert_string_equal(cause, want);
	free(cause);
}

static void
pfreport_load__bad_files__one_error_with_line(void **state)
{
	(void)state;
	expect_error("truncated.trace", "4: end: no end record (the trace was "
	    "cut short?)");
	expect_error("no-newline.trace", "4: record: cut short (no newline)");
	expect_error("bad-address.trace", "5: addr: not a hex number");
	expect_error("bad-version.trace", "1: version: trace format 2; this "
	    "tracepgfault reads version 1");
	expect_error("unknown-region.trace", "6: id: region 7 was never "
	    "added");
	expect_error("bad-kind.trace", "4: kind: not r, w, x or ?");
	expect_error("not-a-trace.trace", "1: header: not a tracepgfault trace "
	    "(want \"tracepgfault 1\")");
}

/* Parse a copy of line; its cause, or NULL when it parses. */
static const char *
parse_cause(const char *line, struct pf_rec *r)
{
	char		 buf[512];
	const char	*cause = NULL;

	snprintf(buf, sizeof buf, "%s", line);
	if (pftrace_parse_line(buf, r, &cause) == 0) {
		pftrace_rec_free(r);
		return (NULL);
	}
	pftrace_rec_free(r);
	assert_non_null(cause);
	return (cause);
}

static void
pftrace_parse_line__each_record_type__names_its_bad_field(void **state)
{
	struct pf_rec	r;

	(void)state;
	assert_string_equal(parse_cause("", &r), "type: empty record");
	assert_string_equal(parse_cause("faults 1 2 3", &r),
	    "type: not a record type");
	assert_string_equal(parse_cause("end 1 2", &r), "fields: too few");
	assert_string_equal(parse_cause("end 1 x 3", &r),
	    "faults: not a decimal number");
	assert_string_equal(parse_cause("proc 1 2 -1 start", &r),
	    "ppid: not a process id");
	assert_string_equal(parse_cause("thread 1 2 3 Clone", &r),
	    "how: not a word of a-z, 0-9 and _");
	assert_string_equal(parse_cause("exec 1 2 0", &r),
	    "tid: not a thread id");
	assert_string_equal(parse_cause("exit 1 2 3 died 0", &r),
	    "how: not exited, signal or gone");
	assert_string_equal(parse_cause("lost 1 2 3 many", &r),
	    "count: not a decimal number");
	assert_string_equal(parse_cause("remove 1 2 3 munmap 0 0", &r),
	    "id: not a region id (a decimal number above 0)");
	assert_string_equal(parse_cause("remove 1 2 3 munmap 4 x", &r),
	    "into: not a decimal number");
	assert_string_equal(parse_cause("change 1 2 3 mmap 4 2000 1000 rw-p 0",
	    &r), "end: not above start");
	assert_string_equal(parse_cause("add 1 2 3 mmap 4 x 1000 2000 rw-p 0 "
	    "00:00 0", &r), "parent: not a decimal number");
	assert_string_equal(parse_cause("add 1 2 3 mmap 4 0 1000 2000 rw-p 0 "
	    "1000:00 0", &r), "dev: not MAJOR:MINOR in hex");
	assert_string_equal(parse_cause("info Page_size 4096", &r),
	    "key: not a word of a-z, 0-9 and _");
	assert_null(parse_cause("add 1 2 3 mmap 4 0 1000 2000 rw-p 0 08:01 7 "
	    "/a b (deleted)", &r));
	assert_true(r.vma.deleted);
	assert_int_equal(r.vma.dev_major, 8);
	assert_true(r.id == 4 && r.vma.end == 0x2000);
}

static void
pftrace_parse_line__numbers__digits_only(void **state)
{
	struct pf_rec	r;

	(void)state;
	/* Hex fields are bare digits, as docs/tracepgfault.md says. */
	assert_null(parse_cause("fault 5 2 3 7f00 40 r m", &r));
	assert_true(r.addr == 0x7f00);
	assert_string_equal(parse_cause("fault 5 2 3 0x7f00 40 r m", &r),
	    "addr: not a hex number");
	assert_string_equal(parse_cause("fault 0x5 2 3 7f00 40 r m", &r),
	    "time: not a decimal number");
	assert_string_equal(parse_cause("fault 5 2 3 0x 40 r m", &r),
	    "addr: not a hex number");
	/* No sign, no space and nothing after the digits. */
	assert_string_equal(parse_cause("fault +5 2 3 7f00 40 r m", &r),
	    "time: not a decimal number");
	assert_string_equal(parse_cause("fault 5 2 3 -7f00 40 r m", &r),
	    "addr: not a hex number");
	assert_string_equal(parse_cause("fault 5 2 3 7f00g 40 r m", &r),
	    "addr: not a hex number");
	assert_string_equal(parse_cause("fault 18446744073709551616 2 3 7f00 "
	    "40 r m", &r), "time: not a decimal number");
	assert_string_equal(parse_cause("fault 5 2147483648 3 7f00 40 r m",
	    &r), "pid: not a process id");
	/* Nor a blank of another kind, with a sign after it. */
	assert_string_equal(parse_cause("lost 1 2 3 \t-1", &r),
	    "count: not a decimal number");
}

/*
 * A region whose permissions changed thousands of times: the text line
 * shows the first four and the last four, and how many are left out.
 */
static void
pfperms_print__many_changes__ends_and_count(void **state)
{
	struct pfrep_perms	 h = { NULL, 0, 0 };
	char			*buf = NULL, want[128];
	size_t			 len = 0, i, nl;
	FILE			*f;

	(void)state;
	for (i = 0; i < 3000; i++)
		assert_int_equal(pfperms_note(&h, (uint64_t)i * 1000000000,
		    i % 2 == 0 ? "rw-p" : "r--p", "mprotect"), 0);
	f = open_memstream(&buf, &len);
	assert_non_null(f);
	pfperms_print(f, &h);
	assert_int_equal(fclose(f), 0);
	/* One line, the ends in order, the rest counted. */
	for (i = 0, nl = 0; i < len; i++)
		nl += buf[i] == '\n';
	assert_int_equal(nl, 1);
	assert_non_null(strstr(buf, "rw-p from 0.000000 s (mprotect)"));
	assert_non_null(strstr(buf, "r--p from 3.000000 s (mprotect)"));
	assert_null(strstr(buf, " from 4.000000 s"));
	assert_null(strstr(buf, " from 2995.000000 s"));
	assert_non_null(strstr(buf, "r--p from 2999.000000 s (mprotect)"));
	assert_non_null(strstr(buf, "rw-p from 2996.000000 s (mprotect)"));
	snprintf(want, sizeof want, "... %d more (--json lists them all)",
	    3000 - 8);
	assert_non_null(strstr(buf, want));
	free(buf);
	pfperms_free(&h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    pftrace_write__every_record__reads_back_equal),
		cmocka_unit_test(pftrace_parse_line__extra_field__is_refused),
		cmocka_unit_test(
		    pfreport_load__good_fixture__rows_and_counts),
		cmocka_unit_test(
		    pfreport_load__filters__keep_only_matching_faults),
		cmocka_unit_test(
		    pfreport_load__mprotect__permissions_with_their_faults),
		cmocka_unit_test(pfreport_load__bad_files__one_error_with_line),
		cmocka_unit_test(
		    pftrace_parse_line__each_record_type__names_its_bad_field),
		cmocka_unit_test(
		    pftrace_parse_line__numbers__digits_only),
		cmocka_unit_test(pfperms_print__many_changes__ends_and_count),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
