/*
 * fuzz-recording.c - libFuzzer harness of the recording reader (sdtop
 * --replay of JSON Lines): every record it accepts is printed as text
 * and as JSON, and both must be bounded by the input, safe on a
 * terminal, and (the JSON) valid.
 *
 * Plain byte mutation almost never keeps a record consistent (pages must
 * match the range and the page size, dirty ranges must fall inside), so
 * the reader refuses nearly everything it makes at the first check. The
 * custom mutator below edits records as JSON instead: it changes the
 * page size, moves and resizes regions in units of it (aligned or not),
 * recomputes what must agree, adds dirty ranges inside regions, hostile
 * names, more lines; in a set's line it does so in its processes, and
 * changes the set too (nproc, a process twice, a region shared with
 * another's); one mutation in four is libFuzzer's own.
 */
#include "config.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "fuzz.h"
#include "out-json.h"
#include "out-text.h"
#include "replay.h"
#include "snapshot.h"

/* Text and JSON per input byte: a row is 65,536 cells at most. */
#define OUT_PER_BYTE	2048
#define OUT_FLOOR	(1 << 16)

size_t	 LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max);
int	 LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
size_t	 LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max,
	     unsigned int seed);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct text_options	 to = { 0 };
	struct fuzz_sink	 text, json;
	struct replay		 r;
	struct snapshot		*s;
	FILE			*f, *ft, *fj;
	char			*cause = NULL;
	int			 rc, n = 0;

	if (size == 0 || (f = fmemopen((void *)data, size, "r")) == NULL)
		return (0);
	if (replay_open_file(&r, f, "fuzz.jsonl", 1, &cause) == -1) {
		free(cause);
		return (0);
	}
	ft = fuzz_sink_open(&text, size * OUT_PER_BYTE + OUT_FLOOR,
	    "text of a recording");
	fj = fuzz_sink_open(&json, size * OUT_PER_BYTE + OUT_FLOOR,
	    "JSON of a recording");
	while (n++ < 64 && (rc = replay_next(&r, &s, &cause)) == 1) {
		out_text(ft, s, &to);
		out_json(fj, s);
		snapshot_free(s);
	}
	if (cause != NULL)
		fuzz_check_text("replay error", cause, strlen(cause));
	free(cause);
	fflush(ft);
	fflush(fj);
	fuzz_check_text("text of a recording", text.buf, text.len);
	fuzz_check_text("JSON of a recording", json.buf, json.len);
	fuzz_check_json_lines("JSON of a recording", json.buf, json.len);
	fuzz_sink_close(ft, &text);
	fuzz_sink_close(fj, &json);
	replay_close(&r);
	return (0);
}

/* --- The mutator: record surgery. --- */

/* A page size: the sane ones most often, then the odd. */
static uint64_t
pick_page_size(void)
{
	static const uint64_t sizes[] = {
		4096, 4096, 8192, 16384, 65536, 1 << 20, 512, 1024, 2048,
		3000, 0, 1 << 21, 1, 6144,
	};

	return (sizes[fuzz_pick(sizeof sizes / sizeof sizes[0])]);
}

/*
 * A region size in pages: small or around a bitmap word most of the
 * time; one time in eight a huge one (those are slow to print).
 */
static uint64_t
pick_pages(void)
{
	static const uint64_t small[] = {
		1, 2, 3, 63, 64, 65, 127, 128, 129, 4096,
	};
	static const uint64_t huge[] = {
		65536, 65537, UINT64_C(1) << 22, UINT64_C(1) << 28,
		(UINT64_C(1) << 28) + 1, UINT64_C(1) << 30, UINT64_C(1) << 40,
	};

	if (fuzz_pick(8) == 0)
		return (huge[fuzz_pick(sizeof huge / sizeof huge[0])]);
	return (small[fuzz_pick(sizeof small / sizeof small[0])]);
}

/* An offset that unaligns an address, or none (most often). */
static uint64_t
pick_misalign(uint64_t ps)
{
	static const uint64_t offs[] = { 0, 0, 0, 0, 1, 8, 0x200, 0x800 };
	uint64_t	o = offs[fuzz_pick(sizeof offs / sizeof offs[0])];

	return (ps > 1 ? o % ps : o);
}

/* A name that a terminal would act on, or one that must pass. */
static const char *
pick_name(void)
{
	static const char *const names[] = {
		"", "[heap]", "/usr/lib/libc.so.6",
		"\x1b]0;owned\x07", "\x1b[2J\x1b[31m", "a\xc2\x9b" "31m",
		"\xe2\x80\xae" "evil", "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac",
		"line\nbreak\ttab\x7f", "/tmp/a\\012b",
	};

	return (names[fuzz_pick(sizeof names / sizeof names[0])]);
}

static json_t *
hex(uint64_t v)
{
	char	buf[32];

	snprintf(buf, sizeof buf, "0x%" PRIx64, v);
	return (json_string(buf));
}

static uint64_t
get_hex(json_t *o, const char *key)
{
	const char	*s = json_string_value(json_object_get(o, key));

	return (s != NULL ? strtoull(s, NULL, 16) : 0);
}

/* A new region at start of pages pages of ps, with a dirty range. */
static json_t *
new_vma(uint64_t start, uint64_t ps, uint64_t pages)
{
	json_t	*v, *dirty;
	uint64_t end = start + pages * ps, lo, hi;

	v = json_object();
	json_object_set_new(v, "start", hex(start));
	json_object_set_new(v, "end", hex(end));
	json_object_set_new(v, "perms", json_string(fuzz_pick(8) ? "rw-p" : "r--s"));
	json_object_set_new(v, "name", json_string(pick_name()));
	json_object_set_new(v, "pages", json_integer((json_int_t)pages));
	json_object_set_new(v, "tracked", json_boolean(fuzz_pick(4) != 0));
	json_object_set_new(v, "new", json_false());
	dirty = json_array();
	/* Often the last pages: past them is where bitmaps end. */
	hi = fuzz_pick(2) ? end : start + (1 + fuzz_pick(pages)) * ps;
	lo = hi - (1 + fuzz_pick(hi - start > ps ? 4 : 1)) * ps;
	if (lo < start)
		lo = start;
	if (lo < hi)
		json_array_append_new(dirty, json_pack("[o,o]", hex(lo),
		    hex(hi)));
	json_object_set_new(v, "dirty", dirty);
	return (v);
}

/* A consistent record from nothing. */
static json_t *
new_record(void)
{
	json_t		*o, *vmas;
	uint64_t	 ps = fuzz_pick(3) ? 4096 : pick_page_size(), start;
	unsigned	 i, n = 1 + (unsigned)fuzz_pick(3);

	o = json_pack("{s:i, s:f, s:i, s:s, s:s, s:f, s:I, s:b, s:b}",
	    "cycle", 1, "time", 1.5, "pid", 42, "comm", pick_name(),
	    "method", "hash", "interval", 1.0, "page_size", (json_int_t)ps,
	    "converged", 0, "exited", 0);
	vmas = json_array();
	start = ps * 16;
	for (i = 0; i < n; i++) {
		json_array_append_new(vmas, new_vma(start, ps ? ps : 1, 1 +
		    fuzz_pick(64)));
		start += ps * 4096;
	}
	json_object_set_new(o, "vmas", vmas);
	return (o);
}

/*
 * Make pages, dirty_pages and the totals of the record r (a line, or a
 * process of a set's line) agree with its ranges, of pages of ps.
 */
static void
fix_vmas(json_t *r, uint64_t ps)
{
	json_t		*vmas = json_object_get(r, "vmas"), *v, *x;
	uint64_t	 tracked = 0, dirty = 0, d, lo, hi;
	size_t		 i, k;

	json_array_foreach(vmas, i, v) {
		json_object_set_new(v, "pages", json_integer((json_int_t)
		    ((get_hex(v, "end") - get_hex(v, "start")) / ps)));
		d = 0;
		json_array_foreach(json_object_get(v, "dirty"), k, x) {
			lo = strtoull(json_string_value(json_array_get(x, 0)) ?
			    json_string_value(json_array_get(x, 0)) : "0",
			    NULL, 16);
			hi = strtoull(json_string_value(json_array_get(x, 1)) ?
			    json_string_value(json_array_get(x, 1)) : "0",
			    NULL, 16);
			if (hi > lo)
				d += (hi - lo) / ps;
		}
		json_object_set_new(v, "dirty_pages", json_integer(
		    (json_int_t)d));
		if (json_is_true(json_object_get(v, "tracked"))) {
			tracked += (get_hex(v, "end") - get_hex(v, "start")) /
			    ps;
			dirty += d;
		}
	}
	json_object_set_new(r, "tracked_pages", json_integer(
	    (json_int_t)tracked));
	json_object_set_new(r, "dirty_pages", json_integer((json_int_t)dirty));
}

/*
 * Make the counts of a line agree: a set's processes each as a line's,
 * and its nproc; its totals, which count a shared page once, are left
 * out (a line may leave them out) rather than counted here again.
 */
static void
fix_counts(json_t *o)
{
	static const char *const totals[] = { "dirty_pages",
	    "shared_dirty_pages", "discarded_pages", "tracked_pages",
	    "resident_pages" };
	json_t		*procs = json_object_get(o, "processes"), *p;
	uint64_t	 ps;
	size_t		 i, k;

	ps = (uint64_t)json_integer_value(json_object_get(o, "page_size"));
	if (ps == 0)
		return;
	if (!json_is_array(procs)) {
		fix_vmas(o, ps);
		return;
	}
	json_array_foreach(procs, i, p) {
		fix_vmas(p, ps);
		json_object_del(p, "shared_dirty_pages");
	}
	for (k = 0; k < sizeof totals / sizeof totals[0]; k++)
		json_object_del(o, totals[k]);
	json_object_set_new(o, "nproc", json_integer((json_int_t)
	    json_array_size(procs)));
}

/*
 * One change to what a set's line is: its nproc, a process more or
 * fewer, a region of one made shared (the same file and offsets as
 * others' may be), the format.
 */
static void
mutate_set(json_t *o, json_t *procs)
{
	json_t		*p, *v, *vmas;
	uint64_t	 ps;
	size_t		 n = json_array_size(procs);

	ps = (uint64_t)json_integer_value(json_object_get(o, "page_size"));
	p = json_array_get(procs, fuzz_pick(n));
	switch (fuzz_pick(5)) {
	case 0:
		json_object_set_new(o, "nproc", json_integer((json_int_t)
		    (fuzz_pick(2) ? n + fuzz_pick(3) - 1 : 65537)));
		break;
	case 1:
		/* The same process again, or a copy with a PID of its own. */
		p = json_deep_copy(p);
		if (fuzz_pick(2))
			json_object_set_new(p, "pid", json_integer(
			    (json_int_t)(1000 + fuzz_pick(64))));
		json_array_append_new(procs, p);
		break;
	case 2:
		json_array_remove(procs, fuzz_pick(n));
		break;
	case 3:
		vmas = json_object_get(p, "vmas");
		if (json_array_size(vmas) == 0)
			break;
		v = json_array_get(vmas, fuzz_pick(json_array_size(vmas)));
		json_object_set_new(v, "perms", json_string("rw-s"));
		json_object_set_new(v, "dev", json_string(fuzz_pick(8) ?
		    "00:01" : "fff:fffff"));
		json_object_set_new(v, "inode", json_string(fuzz_pick(8) ?
		    "7" : "18446744073709551615"));
		json_object_set_new(v, "offset", hex(fuzz_pick(4) * ps));
		break;
	default:
		json_object_set_new(o, "format", json_integer((json_int_t)
		    fuzz_pick(4)));
		break;
	}
}

/*
 * One change to a record: to a region of the line, or of one of its
 * processes when it is a set's, or to the set itself.
 */
static void
mutate_record(json_t *o)
{
	json_t		*procs = json_object_get(o, "processes"), *r = o;
	json_t		*vmas, *v;
	uint64_t	 ps, start, pages;
	size_t		 n;

	if (json_array_size(procs) > 0) {
		if (fuzz_pick(4) == 0) {
			mutate_set(o, procs);
			return;
		}
		r = json_array_get(procs, fuzz_pick(json_array_size(procs)));
	}
	vmas = json_object_get(r, "vmas");
	n = json_array_size(vmas);
	if (!json_is_array(vmas)) {
		vmas = json_array();
		json_object_set_new(r, "vmas", vmas);
	}
	ps = (uint64_t)json_integer_value(json_object_get(o, "page_size"));
	switch (fuzz_pick(7)) {
	case 0:
		json_object_set_new(o, "page_size", json_integer(
		    (json_int_t)pick_page_size()));
		break;
	case 1:
	case 2:
		/* Move and resize a region in pages, perhaps unaligned. */
		if (n == 0 || ps == 0)
			break;
		v = json_array_get(vmas, fuzz_pick(n));
		pages = pick_pages();
		start = get_hex(v, "start") + pick_misalign(ps);
		json_object_set_new(v, "start", hex(start));
		json_object_set_new(v, "end", hex(start + pages * ps +
		    pick_misalign(ps)));
		json_object_set_new(v, "dirty", json_pack("[[o,o]]",
		    hex(start + (pages - 1) * ps), hex(start + pages * ps)));
		break;
	case 3:
		/* A new region after the last one. */
		if (ps == 0)
			break;
		start = n > 0 ? get_hex(json_array_get(vmas, n - 1), "end") :
		    ps * 16;
		json_array_append_new(vmas, new_vma(start + ps * fuzz_pick(4), ps,
		    pick_pages()));
		break;
	case 4:
		if (n > 0)
			json_object_set_new(json_array_get(vmas, fuzz_pick(n)),
			    "name", json_string(pick_name()));
		else
			json_object_set_new(r, "comm", json_string(pick_name()));
		break;
	case 5:
		if (n > 0)
			json_object_set_new(json_array_get(vmas, fuzz_pick(n)),
			    "tracked", json_boolean(fuzz_pick(2)));
		break;
	default:
		json_object_set_new(r, "comm", json_string(pick_name()));
		break;
	}
}

size_t
LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max,
    unsigned int seed)
{
	json_error_t	 err;
	json_t		*o;
	char		*text, *line, *rest;
	size_t		 len, i, n, restlen;

	fuzz_seed(seed);
	if (fuzz_pick(4) == 0)
		return (LLVMFuzzerMutate(data, size, max));
	/* The first line, as JSON; a fresh record when it is not. */
	line = fuzz_strndup(data, size);
	rest = line + strcspn(line, "\n");
	if (*rest == '\n')
		*rest++ = '\0';
	restlen = strlen(rest);
	if ((o = json_loads(line, 0, &err)) == NULL || !json_is_object(o)) {
		json_decref(o);
		o = new_record();
	}
	n = 1 + fuzz_pick(3);
	for (i = 0; i < n; i++)
		mutate_record(o);
	if (fuzz_pick(4) != 0)
		fix_counts(o);
	text = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	if (text == NULL || strlen(text) + 1 > max) {
		free(text);
		free(line);
		return (LLVMFuzzerMutate(data, size, max));
	}
	len = strlen(text);
	memcpy(data, text, len);
	data[len++] = '\n';
	free(text);
	/* Half the time the old lines follow, the new one first. */
	if (fuzz_pick(2) && len + restlen <= max) {
		memcpy(data + len, rest, restlen);
		len += restlen;
	}
	free(line);
	return (len);
}
