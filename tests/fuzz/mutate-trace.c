/*
 * mutate-trace.c - the libFuzzer custom mutator of the trace harnesses
 * (fuzz-trace-report.c, fuzz-trace-replay.c): it edits a tracepgfault
 * trace record by record instead of byte by byte.
 *
 * The readers refuse a trace whose end record does not count its fault
 * records, so byte mutation that adds or drops one line never gets past
 * the end of the file, where the report starts printing. This mutator
 * changes the page size, moves regions in pages of it (aligned or not,
 * sized around a bitmap word), adds faults near the ends of regions,
 * adds regions with the next id (or a huge one), changes and removes,
 * hostile names and far times; then, most of the time, it rewrites the
 * end record so that it counts the faults again. One mutation in four is
 * libFuzzer's own, followed by the same repair half the time.
 */
#include "config.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

size_t	 LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max);
size_t	 LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max,
	     unsigned int seed);

#define MAX_LINES	4096
#define MAX_FIELDS	16

/* The trace as lines (without their newlines), each malloc'd. */
struct lines {
	char	*l[MAX_LINES];
	size_t	 n;
};

/* A region an add record made: where its line is and what it says. */
struct region {
	size_t		 line;
	int		 pid;
	uint64_t	 id, start, end, time;
};

static void
lines_free(struct lines *t)
{
	size_t	i;

	for (i = 0; i < t->n; i++)
		free(t->l[i]);
	t->n = 0;
}

/* Insert a copy of s as line i (when there is room). */
static void
lines_insert(struct lines *t, size_t i, const char *s)
{
	if (t->n == MAX_LINES || i > t->n)
		return;
	memmove(t->l + i + 1, t->l + i, (t->n - i) * sizeof *t->l);
	t->l[i] = fuzz_strndup((const uint8_t *)s, strlen(s));
	t->n++;
}

static void
lines_delete(struct lines *t, size_t i)
{
	if (i >= t->n)
		return;
	free(t->l[i]);
	memmove(t->l + i, t->l + i + 1, (t->n - i - 1) * sizeof *t->l);
	t->n--;
}

static void
lines_set(struct lines *t, size_t i, const char *s)
{
	free(t->l[i]);
	t->l[i] = fuzz_strndup((const uint8_t *)s, strlen(s));
}

/* Split data into lines. */
static void
lines_parse(struct lines *t, const uint8_t *data, size_t size)
{
	const uint8_t	*p = data, *end = data + size, *nl;

	t->n = 0;
	while (p < end && t->n < MAX_LINES) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		t->l[t->n++] = fuzz_strndup(p, (size_t)(nl - p));
		p = nl + 1;
	}
}

/* Write the lines back into data; 0 when they do not fit in max. */
static size_t
lines_write(const struct lines *t, uint8_t *data, size_t max)
{
	size_t	i, len = 0, n;

	for (i = 0; i < t->n; i++) {
		n = strlen(t->l[i]);
		if (len + n + 1 > max)
			return (0);
		memcpy(data + len, t->l[i], n);
		len += n;
		data[len++] = '\n';
	}
	return (len);
}

/* Split a copy of line into fields at spaces; returns their number. */
static size_t
fields(const char *line, char *copy, size_t size, char **f)
{
	size_t	n = 0;
	char	*p;

	snprintf(copy, size, "%s", line);
	for (p = copy; n < MAX_FIELDS; ) {
		f[n++] = p;
		if ((p = strchr(p, ' ')) == NULL)
			break;
		*p++ = '\0';
	}
	return (n);
}

static bool
starts(const char *line, const char *word)
{
	size_t	n = strlen(word);

	return (strncmp(line, word, n) == 0 && line[n] == ' ');
}

/* The page size the trace says, and its regions and first process. */
static uint64_t
survey(const struct lines *t, struct region *r, size_t *nr, int *pid,
    uint64_t *maxid)
{
	char		 copy[512], *f[MAX_FIELDS];
	uint64_t	 ps = 4096;
	size_t		 i, n;

	*nr = 0;
	*pid = 0;
	*maxid = 0;
	for (i = 0; i < t->n; i++) {
		n = fields(t->l[i], copy, sizeof copy, f);
		if (starts(t->l[i], "info") && n >= 3 &&
		    strcmp(f[1], "page_size") == 0)
			ps = strtoull(f[2], NULL, 10);
		else if (starts(t->l[i], "proc") && n >= 3 && *pid == 0)
			*pid = atoi(f[2]);
		else if (starts(t->l[i], "add") && n >= 9 && *nr < 256) {
			r[*nr].line = i;
			r[*nr].time = strtoull(f[1], NULL, 10);
			r[*nr].pid = atoi(f[2]);
			r[*nr].id = strtoull(f[5], NULL, 10);
			r[*nr].start = strtoull(f[7], NULL, 16);
			r[*nr].end = strtoull(f[8], NULL, 16);
			if (r[*nr].id > *maxid)
				*maxid = r[*nr].id;
			(*nr)++;
		}
	}
	return (ps != 0 ? ps : 1);
}

/* A page size: the sane ones most often, then the odd. */
static uint64_t
pick_page_size(void)
{
	static const uint64_t sizes[] = {
		4096, 4096, 8192, 65536, 1 << 20, 2048, 512, 3000, 0, 1 << 21,
	};

	return (sizes[fuzz_pick(sizeof sizes / sizeof sizes[0])]);
}

/*
 * Region sizes in pages: small or around a bitmap word most of the
 * time; one time in eight a row's worth or more.
 */
static uint64_t
pick_pages(void)
{
	static const uint64_t small[] = { 1, 2, 63, 64, 65, 128, 4096 };
	static const uint64_t huge[] = {
		65536, 65537, UINT64_C(1) << 22, (UINT64_C(1) << 22) + 1,
		UINT64_C(1) << 40,
	};

	if (fuzz_pick(8) == 0)
		return (huge[fuzz_pick(sizeof huge / sizeof huge[0])]);
	return (small[fuzz_pick(sizeof small / sizeof small[0])]);
}

/* An offset that unaligns an address, or none (half the time). */
static uint64_t
pick_misalign(uint64_t ps)
{
	static const uint64_t offs[] = {
		0, 0, 0, 0, 1, 8, 0x400, 0x800, 0xc00, 0xff8,
	};

	return (offs[fuzz_pick(sizeof offs / sizeof offs[0])] % (ps > 1 ? ps : 2));
}

static const char *
pick_name(void)
{
	static const char *const names[] = {
		"[heap]", "[stack]", "/usr/lib/libc.so.6",
		"/tmp/\x1b]0;owned\x07", "\x1b[2J\xc2\x9b" "31m",
		"\xe2\x80\xae" "evil\x7f", "caf\xc3\xa9 \xe6\x97\xa5",
		"bad\xff\xfe utf8", "/tmp/x (deleted)",
	};

	return (names[fuzz_pick(sizeof names / sizeof names[0])]);
}

/* Give region r (its add line) a new geometry in pages of ps. */
static void
regeometry(struct lines *t, struct region *r, uint64_t ps)
{
	char		 copy[512], line[600], *f[MAX_FIELDS];
	uint64_t	 start, pages = pick_pages();
	size_t		 n, i, len;

	start = (r->start / (ps ? ps : 1)) * ps + pick_misalign(ps);
	if (fuzz_pick(4) == 0)
		start = (1 + fuzz_pick(1 << 20)) * ps + pick_misalign(ps);
	n = fields(t->l[r->line], copy, sizeof copy, f);
	if (n < 9)
		return;
	r->start = start;
	r->end = start + pages * ps + pick_misalign(ps);
	if (r->end <= r->start)
		r->end = r->start + 1;
	len = (size_t)snprintf(line, sizeof line, "%s", f[0]);
	for (i = 1; i < n && len < sizeof line; i++) {
		if (i == 7)
			len += (size_t)snprintf(line + len, sizeof line - len,
			    " %" PRIx64, r->start);
		else if (i == 8)
			len += (size_t)snprintf(line + len, sizeof line - len,
			    " %" PRIx64, r->end);
		else
			len += (size_t)snprintf(line + len, sizeof line - len,
			    " %s", f[i]);
	}
	lines_set(t, r->line, line);
}

/* A fault in region r, near its end most of the time. */
static void
add_fault(struct lines *t, const struct region *r, uint64_t ps)
{
	char		 line[160];
	uint64_t	 size = r->end - r->start, addr;

	if (size == 0)
		return;
	if (fuzz_pick(3) != 0)
		addr = r->end - 1 - fuzz_pick(size < ps ? size : ps);
	else
		addr = r->start + fuzz_pick(size);
	snprintf(line, sizeof line, "fault %" PRIu64 " %d %d %" PRIx64
	    " 400000 %c %c", r->time + fuzz_pick(3), r->pid, r->pid, addr,
	    "rwx?"[fuzz_pick(4)], "mM-?"[fuzz_pick(4)]);
	lines_insert(t, r->line + 1 + fuzz_pick(2), line);
}

/* A new region of the first process, with the next id or an odd one. */
static void
add_region(struct lines *t, int pid, uint64_t maxid, uint64_t ps,
    uint64_t at)
{
	static const uint64_t odd[] = {
		0, 1, 99999999, UINT64_C(1) << 40, UINT64_MAX,
	};
	char		 line[600];
	uint64_t	 id = fuzz_pick(4) ? maxid + 1 : odd[fuzz_pick(5)], start;

	start = at + pick_misalign(ps);
	snprintf(line, sizeof line, "add %" PRIu64 " %d %d mmap %" PRIu64
	    " %" PRIu64 " %" PRIx64 " %" PRIx64 " rw-p 0 00:00 0 %s",
	    fuzz_pick(100), pid, pid, id, fuzz_pick(8) ? (uint64_t)0 : maxid, start,
	    start + pick_pages() * ps + pick_misalign(ps), pick_name());
	lines_insert(t, 1 + fuzz_pick(t->n), line);
}

/* A change or remove of a region, or a far time on a record. */
static void
add_other(struct lines *t, const struct region *r, uint64_t ps)
{
	char		 line[300];
	uint64_t	 start = r->start, end;

	if (fuzz_pick(2)) {
		end = start + pick_pages() * ps + pick_misalign(ps);
		snprintf(line, sizeof line, "change %" PRIu64 " %d %d mremap %"
		    PRIu64 " %" PRIx64 " %" PRIx64 " rw-p 0", r->time + 1,
		    r->pid, r->pid, r->id, start, end > start ? end : start + 1);
	} else
		snprintf(line, sizeof line, "remove %" PRIu64 " %d %d munmap %"
		    PRIu64 " %" PRIu64, r->time + 1, r->pid, r->pid, r->id,
		    fuzz_pick(4) ? (uint64_t)0 : r->id);
	lines_insert(t, r->line + 1 + fuzz_pick(3), line);
}

/* Count the fault records and rewrite the end record last. */
static void
fix_end(struct lines *t)
{
	char		 line[128];
	uint64_t	 faults = 0, last = 0, v;
	size_t		 i;

	for (i = t->n; i > 0; i--) {
		if (starts(t->l[i - 1], "end"))
			lines_delete(t, i - 1);
	}
	for (i = 0; i < t->n; i++) {
		if (starts(t->l[i], "fault"))
			faults++;
		if (!starts(t->l[i], "info") && strchr(t->l[i], ' ') != NULL) {
			v = strtoull(strchr(t->l[i], ' ') + 1, NULL, 10);
			if (v > last)
				last = v;
		}
	}
	snprintf(line, sizeof line, "end %" PRIu64 " %" PRIu64 " 0", last + 1,
	    faults);
	lines_insert(t, t->n, line);
}

/* A small good trace to start from when the input is not one. */
static void
new_trace(struct lines *t)
{
	static const char *const seed[] = {
		"tracepgfault 1", "info page_size 4096",
		"info command ./prog", "info kinds tracepoint",
		"proc 0 100 0 start", "thread 0 100 100 start",
		"add 10 100 100 exec 1 0 400000 401000 r-xp 0 08:01 12 /bin/p",
		("add 10 100 100 exec 2 0 7f0000000000 7f0000040000 rw-p 0 "
		    "00:00 0 [heap]"),
		"fault 20 100 100 7f000003f000 400010 w m",
		"exit 30 100 100 exited 0",
	};
	size_t	i;

	lines_free(t);
	for (i = 0; i < sizeof seed / sizeof seed[0]; i++)
		lines_insert(t, t->n, seed[i]);
}

/* One change to the trace. */
static void
mutate_trace(struct lines *t)
{
	struct region	 r[256];
	char		 line[300];
	uint64_t	 ps, maxid;
	size_t		 nr, i;
	int		 pid;

	ps = survey(t, r, &nr, &pid, &maxid);
	switch (fuzz_pick(8)) {
	case 0:
		snprintf(line, sizeof line, "info page_size %" PRIu64,
		    pick_page_size());
		for (i = 1; i < t->n; i++) {
			if (strncmp(t->l[i], "info page_size ", 15) == 0) {
				lines_set(t, i, line);
				return;
			}
		}
		lines_insert(t, 1, line);
		return;
	case 1:
	case 2:
		if (nr > 0) {
			i = fuzz_pick(nr);
			regeometry(t, &r[i], ps);
			add_fault(t, &r[i], ps);
		}
		return;
	case 3:
		if (nr > 0)
			add_fault(t, &r[fuzz_pick(nr)], ps);
		return;
	case 4:
		if (pid != 0)
			add_region(t, pid, maxid, ps, nr > 0 ?
			    r[nr - 1].end + ps * fuzz_pick(4) : ps * 1024);
		return;
	case 5:
		if (nr > 0)
			add_other(t, &r[fuzz_pick(nr)], ps);
		return;
	case 6:
		/* A hostile name, in a region or in the command. */
		if (nr > 0 && fuzz_pick(2)) {
			i = fuzz_pick(nr);
			snprintf(line, sizeof line, "%.*s %s", 250,
			    t->l[r[i].line], pick_name());
			lines_set(t, r[i].line, line);
		} else {
			snprintf(line, sizeof line, "info command %s",
			    pick_name());
			lines_insert(t, 1, line);
		}
		return;
	default:
		/* A far time: windows beyond count. */
		if (nr > 0) {
			snprintf(line, sizeof line, "fault %" PRIu64 " %d %d %"
			    PRIx64 " 0 w m", fuzz_pick(2) ? UINT64_MAX / 2 :
			    UINT64_C(1) << (30 + fuzz_pick(30)), r[0].pid,
			    r[0].pid, r[0].start);
			lines_insert(t, r[0].line + 1, line);
		}
		return;
	}
}

size_t
LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max,
    unsigned int seed)
{
	struct lines	*t;
	size_t		 len, i, n;
	bool		 bytes;

	fuzz_seed(seed);
	bytes = fuzz_pick(4) == 0;
	if (bytes) {
		size = LLVMFuzzerMutate(data, size, max);
		if (fuzz_pick(2))
			return (size);
	}
	if ((t = calloc(1, sizeof *t)) == NULL)
		return (size);
	lines_parse(t, data, size);
	if (t->n == 0 || strcmp(t->l[0], "tracepgfault 1") != 0)
		new_trace(t);
	if (!bytes) {
		n = 1 + fuzz_pick(3);
		for (i = 0; i < n; i++)
			mutate_trace(t);
	}
	if (fuzz_pick(8) != 0)
		fix_end(t);
	len = lines_write(t, data, max);
	lines_free(t);
	free(t);
	return (len != 0 ? len : LLVMFuzzerMutate(data, size, max));
}
