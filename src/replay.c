/*
 * replay.c - read a recording (JSON Lines, as written by out_json()) back
 * into snapshots. Every field is checked, against the others too, before
 * it is used: a malformed or hostile file is one error naming its line
 * and the field ("rec.jsonl:3: page_size: 3000 is not a power of two"),
 * never a crash, a wrong picture or memory out of proportion to the
 * file. Pages are of the recording's page_size, whatever this machine's.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cause.h"
#include "cost.h"
#include "num.h"
#include "page.h"
#include "pageset.h"
#include "replay.h"
#include "replay-pftrace.h"
#include "snapshot.h"
#include "str-escape.h"
#include "text-line.h"

/*
 * The longest line of a recording, in bytes: a cycle of a process with a
 * few hundred thousand regions is tens of MiB.
 */
#define REPLAY_LINE_MAX	(64 << 20)

/*
 * Start reading f; a file whose first line starts with 't' (a JSON object
 * starts with '{') is read as a page-fault trace, which checks the rest
 * of that line. Only one byte is looked at so that a pipe works too.
 */
int
replay_open_file(struct replay *r, FILE *f, const char *name, double window,
    char **cause)
{
	int	c;

	memset(r, 0, sizeof *r);
	r->f = f;
	r->window = window > 0 ? window : 1;
	if ((r->path = strdup(name)) == NULL) {
		*cause = cause_fmt("out of memory");
		replay_close(r);
		return (-1);
	}
	if ((c = getc(r->f)) != EOF && ungetc(c, r->f) == EOF) {
		*cause = cause_errno(errno, "cannot read %s", name);
		replay_close(r);
		return (-1);
	}
	if (c == 't' && (r->pft = replay_pftrace_open(r->f, r->path,
	    r->window, cause)) == NULL) {
		replay_close(r);
		return (-1);
	}
	return (0);
}

int
replay_open_window(struct replay *r, const char *path, double window,
    char **cause)
{
	FILE	*f;

	memset(r, 0, sizeof *r);
	if ((f = fopen(path, "r")) == NULL) {
		*cause = cause_errno(errno, "cannot open %s", path);
		return (-1);
	}
	return (replay_open_file(r, f, path, window, cause));
}

int
replay_open(struct replay *r, const char *path, char **cause)
{
	return (replay_open_window(r, path, 1, cause));
}

void
replay_close(struct replay *r)
{
	if (r->pft != NULL)
		replay_pftrace_close(r->pft);
	r->pft = NULL;
	if (r->f != NULL)
		fclose(r->f);
	free(r->path);
	memset(r, 0, sizeof *r);
}

/* The state of one line's parse: the snapshot and why it failed. */
struct rline {
	struct snapshot	*s;
	uint64_t	 dirty;		/* written pages of the cycle so far */
	bool		 memory_given;	/* precopy.memory_bytes was there */
	char		 why[320];	/* "FIELD: reason" */
};

/* Set the reason of a failure; returns -1. */
static int __attribute__((format(printf, 2, 3)))
bad(struct rline *l, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(l->why, sizeof l->why, fmt, ap);
	va_end(ap);
	return (-1);
}

/*
 * Parse "0x..." (1 to 16 hex digits, nothing else) into *v; -1 if j is
 * not such a string.
 */
static int
parse_addr(json_t *j, uint64_t *v)
{
	const char	*s = json_string_value(j);

	if (s == NULL)
		return (-1);
	return (num_addr(s, v));
}

/*
 * An integer member key in [lo, hi] into *v: 0; 1 when absent (*v kept);
 * -1 with the reason naming the field (pre, "vmas[2]." or "", and key).
 */
static int
get_uint(struct rline *l, json_t *o, const char *pre, const char *key,
    uint64_t lo, uint64_t hi, uint64_t *v)
{
	json_t		*j = json_object_get(o, key);
	json_int_t	 n;

	if (j == NULL)
		return (1);
	if (!json_is_integer(j))
		return (bad(l, "%s%s: not a whole number", pre, key));
	n = json_integer_value(j);
	if (n < 0 || (uint64_t)n < lo || (uint64_t)n > hi)
		return (bad(l, "%s%s: %lld is out of range (%" PRIu64 "..%"
		    PRIu64 ")", pre, key, (long long)n, lo, hi));
	*v = (uint64_t)n;
	return (0);
}

/* A number member in [lo, hi]: as get_uint(). */
static int
get_num(struct rline *l, json_t *o, const char *pre, const char *key,
    double lo, double hi, double *v)
{
	json_t	*j = json_object_get(o, key);
	double	 d;

	if (j == NULL)
		return (1);
	if (!json_is_number(j))
		return (bad(l, "%s%s: not a number", pre, key));
	d = json_number_value(j);
	if (!(d >= lo && d <= hi))
		return (bad(l, "%s%s: %g is out of range (%g..%g)", pre, key, d,
		    lo, hi));
	*v = d;
	return (0);
}

/* A boolean member, false when absent; -1 when of another type. */
static int
get_bool(struct rline *l, json_t *o, const char *pre, const char *key,
    bool *v)
{
	json_t	*j = json_object_get(o, key);

	*v = false;
	if (j == NULL)
		return (0);
	if (!json_is_boolean(j))
		return (bad(l, "%s%s: not true or false", pre, key));
	*v = json_is_true(j);
	return (0);
}

/*
 * The ranges of VMA i named key ("dirty", "discarded"; its fields named
 * f, "vmas[i].") into set: each [lo, hi) page-aligned inside the VMA,
 * after the one before it, and none in avoid (a page is written or
 * discarded, not both). Their pages must add up to the count the record
 * gives ("dirty_pages", "discarded_pages"), and those of a cycle to
 * SNAPSHOT_MAX_DIRTY at most.
 */
static int
replay_ranges(struct rline *l, size_t i, json_t *o, const char *f,
    const char *key, const char *count, struct pageset *set,
    const struct pageset *avoid)
{
	struct snapshot	*s = l->s;
	struct snap_vma	*sv = &s->vmas[i];
	json_t		*j, *range;
	uint64_t	 lo, hi, prev, n = 0, want, from, to;
	size_t		 k;
	int		 rc;

	j = json_object_get(o, key);
	if (j != NULL && !json_is_array(j))
		return (bad(l, "%s%s: not an array", f, key));
	if (json_array_size(j) > 0 && set == NULL)
		return (bad(l, "%s%s: an untracked region has %s pages", f,
		    key, key));
	prev = sv->vma.start;
	json_array_foreach(j, k, range) {
		if (!json_is_array(range) || json_array_size(range) != 2 ||
		    parse_addr(json_array_get(range, 0), &lo) == -1 ||
		    parse_addr(json_array_get(range, 1), &hi) == -1)
			return (bad(l, "%s%s[%zu]: not [\"0x..\",\"0x..\"]",
			    f, key, k));
		if (lo % s->page_size != 0 || hi % s->page_size != 0)
			return (bad(l, "%s%s[%zu]: 0x%" PRIx64 "-0x%" PRIx64
			    " is not page-aligned (page_size %" PRIu64 ")", f,
			    key, k, lo, hi, s->page_size));
		if (lo >= hi || lo < prev || hi > sv->vma.end)
			return (bad(l, "%s%s[%zu]: 0x%" PRIx64 "-0x%" PRIx64
			    " is empty, out of order or outside 0x%" PRIx64
			    "-0x%" PRIx64, f, key, k, lo, hi, prev,
			    sv->vma.end));
		if ((hi - lo) / s->page_size > SNAPSHOT_MAX_DIRTY - l->dirty)
			return (bad(l, "%s%s[%zu]: the written and "
			    "discarded pages of this cycle pass %" PRIu64, f,
			    key, k,
			    (uint64_t)SNAPSHOT_MAX_DIRTY));
		l->dirty += (hi - lo) / s->page_size;
		from = (lo - sv->vma.start) / s->page_size;
		to = (hi - sv->vma.start) / s->page_size;
		if (avoid != NULL && pageset_count_range(avoid, from, to) > 0)
			return (bad(l, "%s%s[%zu]: 0x%" PRIx64 "-0x%" PRIx64
			    " holds written pages", f, key, k, lo, hi));
		if (pageset_add_range(set, from, to) == -1)
			return (bad(l, "%s%s[%zu]: out of memory", f, key, k));
		n += to - from;
		prev = hi;
	}
	if ((rc = get_uint(l, o, f, count, 0, UINT64_MAX, &want)) == -1)
		return (-1);
	if (rc == 0 && want != n)
		return (bad(l, "%s%s: %" PRIu64 ", but its %s ranges hold %"
		    PRIu64 " pages", f, count, want, key, n));
	return (0);
}

/*
 * The pages of VMA i: written, discarded (a recording made before they
 * were counted has none), resident (when the record knows them).
 */
static int
replay_pages(struct rline *l, size_t i, json_t *o, const char *f)
{
	struct snap_vma	*sv = &l->s->vmas[i];
	uint64_t	 v, w, d;
	int		 rc;

	if (replay_ranges(l, i, o, f, "dirty", "dirty_pages", sv->written,
	    NULL) == -1)
		return (-1);
	if (sv->written != NULL && (sv->discarded =
	    pageset_new(sv->npages)) == NULL)
		return (bad(l, "vmas[%zu]: out of memory", i));
	if (replay_ranges(l, i, o, f, "discarded", "discarded_pages",
	    sv->discarded, sv->written) == -1)
		return (-1);
	if ((rc = get_uint(l, o, f, "resident_pages", 0, sv->npages, &v)) ==
	    -1)
		return (-1);
	if (rc == 0) {
		w = sv->written != NULL ? pageset_count(sv->written) : 0;
		d = sv->discarded != NULL ? pageset_count(sv->discarded) : 0;
		/* Written pages are resident, discarded ones are not. */
		if (v < w || v > sv->npages - d)
			return (bad(l, "%sresident_pages: %" PRIu64 ", but %"
			    PRIu64 " pages are written and %" PRIu64 " of %"
			    PRIu64 " discarded", f, v, w, d, sv->npages));
		sv->resident = v;
		sv->has_resident = true;
	}
	return (0);
}

/*
 * Fill VMA i of s from its JSON object. Every field is checked against
 * the page size and the VMA before it (VMAs come in address order, as
 * maps lists them) before it sizes anything.
 */
static int
replay_vma(struct rline *l, size_t i, json_t *o)
{
	struct snapshot	*s = l->s;
	struct vma	 v = { 0 };
	const char	*str;
	char		 f[32];
	uint64_t	 pages = 0;
	bool		 tracked, is_new;

	snprintf(f, sizeof f, "vmas[%zu].", i);
	if (!json_is_object(o))
		return (bad(l, "vmas[%zu]: not an object", i));
	if (parse_addr(json_object_get(o, "start"), &v.start) == -1)
		return (bad(l, "%sstart: not a \"0x..\" address", f));
	if (parse_addr(json_object_get(o, "end"), &v.end) == -1)
		return (bad(l, "%send: not a \"0x..\" address", f));
	if (v.start % s->page_size != 0)
		return (bad(l, "%sstart: 0x%" PRIx64 " is not a multiple of "
		    "page_size %" PRIu64, f, v.start, s->page_size));
	if (v.end % s->page_size != 0)
		return (bad(l, "%send: 0x%" PRIx64 " is not a multiple of "
		    "page_size %" PRIu64, f, v.end, s->page_size));
	if (v.end <= v.start)
		return (bad(l, "%send: 0x%" PRIx64 " is not above start 0x%"
		    PRIx64, f, v.end, v.start));
	if (i > 0 && v.start < s->vmas[i - 1].vma.end)
		return (bad(l, "%sstart: 0x%" PRIx64 " is below the end of "
		    "vmas[%zu]", f, v.start, i - 1));
	str = json_string_value(json_object_get(o, "perms"));
	if (str == NULL || strlen(str) != 4 || !vma_set_perms(&v, str))
		return (bad(l, "%sperms: not four of r-, w-, x-, ps", f));
	if ((str = json_string_value(json_object_get(o, "name"))) == NULL)
		return (bad(l, "%sname: not a string", f));
	v.name = (char *)str;
	if (get_uint(l, o, f, "pages", 0, UINT64_MAX, &pages) != 0 ||
	    pages != (v.end - v.start) / s->page_size)
		return (bad(l, "%spages: want %" PRIu64 " for its range and "
		    "page_size", f, (v.end - v.start) / s->page_size));
	if (get_bool(l, o, f, "tracked", &tracked) == -1 ||
	    get_bool(l, o, f, "new", &is_new) == -1 ||
	    get_bool(l, o, f, "deleted", &v.deleted) == -1)
		return (-1);
	if (tracked && is_new)
		return (bad(l, "%snew: a new region is not tracked", f));
	if (snapshot_set_vma(s, i, &v, tracked, is_new) == -1)
		return (bad(l, "vmas[%zu]: out of memory", i));
	return (replay_pages(l, i, o, f));
}

/* Fill the pre-copy estimate from its object. */
static int
replay_precopy(struct rline *l, json_t *o)
{
	struct precopy	*p = &l->s->precopy;
	uint64_t	 rounds = 0;
	json_t		*j;
	int		 rc;

	if (!json_is_object(o))
		return (bad(l, "precopy: not an object"));
	if ((rc = get_num(l, o, "precopy.", "bandwidth_bps", 0, 1e18,
	    &p->bandwidth_bps)) != 0)
		return (rc == 1 ? bad(l, "precopy.bandwidth_bps: missing") : -1);
	if ((rc = get_num(l, o, "precopy.", "dirty_rate_bps", 0, 1e18,
	    &p->dirty_rate_bps)) != 0)
		return (rc == 1 ? bad(l, "precopy.dirty_rate_bps: missing") :
		    -1);
	if ((j = json_object_get(o, "converges")) == NULL ||
	    !json_is_boolean(j))
		return (bad(l, "precopy.converges: not true or false"));
	p->converges = json_is_true(j);
	p->downtime_ms = p->total_ms = -1;
	if (json_is_number(json_object_get(o, "downtime_ms")) &&
	    get_num(l, o, "precopy.", "downtime_ms", 0, 1e18,
	    &p->downtime_ms) == -1)
		return (-1);
	if (json_is_number(json_object_get(o, "total_ms")) &&
	    get_num(l, o, "precopy.", "total_ms", 0, 1e18, &p->total_ms) == -1)
		return (-1);
	if ((rc = get_uint(l, o, "precopy.", "memory_bytes", 0,
	    STR_JSON_MAX_INT, &p->memory_bytes)) == -1)
		return (-1);
	l->memory_given = rc == 0;
	if (get_uint(l, o, "precopy.", "rounds", 0, 1000, &rounds) == -1 ||
	    get_uint(l, o, "precopy.", "sent_bytes", 0, STR_JSON_MAX_INT,
	    &p->sent_bytes) == -1)
		return (-1);
	p->rounds = (unsigned)rounds;
	l->s->has_precopy = true;
	return (0);
}

/*
 * Fill what watching cost from "target_cost" (absent or null: unknown, as
 * in a recording made before it was measured) and "max_cost".
 */
static int
replay_cost(struct rline *l, json_t *o)
{
	struct snapshot	*s = l->s;
	json_t		*j;
	const char	*kind;
	int		 rc;

	j = json_object_get(o, "target_cost");
	if (j != NULL && !json_is_null(j)) {
		if (!json_is_object(j))
			return (bad(l, "target_cost: not an object or null"));
		kind = json_string_value(json_object_get(j, "kind"));
		if (kind != NULL && strcmp(kind, "faults") == 0)
			s->cost_kind = SNAP_COST_FAULTS;
		else if (kind != NULL && strcmp(kind, "sdtop_cpu") == 0)
			s->cost_kind = SNAP_COST_SDTOP_CPU;
		else
			return (bad(l, "target_cost.kind: not \"faults\" or "
			    "\"sdtop_cpu\""));
		if ((rc = get_num(l, j, "target_cost.", "percent", 0, 1e9,
		    &s->cost_percent)) != 0)
			return (rc == 1 ? bad(l, "target_cost.percent: "
			    "missing") : -1);
		if (s->cost_kind == SNAP_COST_FAULTS && ((rc = get_num(l, j,
		    "target_cost.", "fault_ns", 1e-3, 1e9, &s->fault_ns)) != 0))
			return (rc == 1 ? bad(l, "target_cost.fault_ns: "
			    "missing") : -1);
	}
	if ((j = json_object_get(o, "max_cost")) == NULL)
		return (0);
	if (!json_is_object(j))
		return (bad(l, "max_cost: not an object"));
	if ((rc = get_num(l, j, "max_cost.", "percent", 1e-6, 100,
	    &s->max_cost)) != 0)
		return (rc == 1 ? bad(l, "max_cost.percent: missing") : -1);
	if ((rc = get_num(l, j, "max_cost.", "user_interval",
	    SNAPSHOT_MIN_INTERVAL, SNAPSHOT_MAX_INTERVAL,
	    &s->user_interval)) != 0)
		return (rc == 1 ? bad(l, "max_cost.user_interval: missing") :
		    -1);
	if (get_bool(l, j, "max_cost.", "lengthened", &s->lengthened) == -1)
		return (-1);
	/* What --max-cost can have made of the user's interval. */
	if (s->interval < s->user_interval * (1 - 1e-9) || s->interval >
	    s->user_interval * COST_INTERVAL_CAP * (1 + 1e-9) ||
	    s->lengthened != (s->interval > s->user_interval))
		return (bad(l, "max_cost: interval %g%s from user_interval %g",
		    s->interval, s->lengthened ? ", lengthened," :
		    ", not lengthened,", s->user_interval));
	return (0);
}

/* A method name as sdtop writes them: [a-z0-9-], shorter than 16. */
static bool
method_ok(const char *m)
{
	size_t	 i;

	if (m == NULL || *m == '\0' || strlen(m) >= 16)
		return (false);
	for (i = 0; m[i] != '\0'; i++) {
		if ((m[i] < 'a' || m[i] > 'z') && (m[i] < '0' || m[i] > '9') &&
		    m[i] != '-')
			return (false);
	}
	return (true);
}

/* The fields of the cycle itself, before its VMAs. */
static int
replay_head(struct rline *l, json_t *o)
{
	struct snapshot	*s = l->s;
	const char	*str;
	uint64_t	 u = 0;
	int		 rc;

	if ((rc = get_uint(l, o, "", "cycle", 1, STR_JSON_MAX_INT, &u)) != 0)
		return (rc == 1 ? bad(l, "cycle: missing") : -1);
	s->cycle = (unsigned long)u;
	if ((rc = get_uint(l, o, "", "pid", 1, INT_MAX, &u)) != 0)
		return (rc == 1 ? bad(l, "pid: missing") : -1);
	s->pid = (pid_t)u;
	if ((rc = get_num(l, o, "", "time", 0, 1e18, &s->time)) != 0)
		return (rc == 1 ? bad(l, "time: missing") : -1);
	if ((rc = get_num(l, o, "", "interval", SNAPSHOT_MIN_INTERVAL,
	    SNAPSHOT_MAX_INTERVAL, &s->interval)) != 0)
		return (rc == 1 ? bad(l, "interval: missing") : -1);
	str = json_string_value(json_object_get(o, "method"));
	if (!method_ok(str))
		return (bad(l, "method: not a method name"));
	snprintf(s->method, sizeof s->method, "%s", str);
	if ((str = json_string_value(json_object_get(o, "comm"))) == NULL)
		str = "";
	if (strlen(str) >= sizeof s->comm)
		return (bad(l, "comm: longer than %zu bytes", sizeof s->comm - 1));
	snprintf(s->comm, sizeof s->comm, "%s", str);
	/* Before anything is sized by it. */
	u = 4096;
	if (json_is_integer(json_object_get(o, "page_size")) &&
	    json_integer_value(json_object_get(o, "page_size")) <= 0)
		return (bad(l, "page_size: %lld is out of range (%u..%u)",
		    (long long)json_integer_value(json_object_get(o,
		    "page_size")), PAGE_SIZE_MIN, PAGE_SIZE_MAX));
	if (get_uint(l, o, "", "page_size", 0, UINT64_MAX, &u) == -1)
		return (-1);
	if ((u & (u - 1)) != 0 || u == 0)
		return (bad(l, "page_size: %" PRIu64 " is not a power of two",
		    u));
	if (!page_size_sane(u))
		return (bad(l, "page_size: %" PRIu64 " is out of range (%u..%u)",
		    u, PAGE_SIZE_MIN, PAGE_SIZE_MAX));
	s->page_size = u;
	if (get_num(l, o, "", "clear_ms", 0, 1e18, &s->clear_ms) == -1 ||
	    get_num(l, o, "", "scan_ms", 0, 1e18, &s->scan_ms) == -1 ||
	    get_num(l, o, "", "clear_time", 0, 1e18, &s->clear_time) == -1 ||
	    get_bool(l, o, "", "converged", &s->converged) == -1 ||
	    get_bool(l, o, "", "exited", &s->exited) == -1 ||
	    get_bool(l, o, "", "exec", &s->exec) == -1)
		return (-1);
	if (s->clear_time > s->time)
		return (bad(l, "clear_time: %.6f is after the cycle's time "
		    "%.6f", s->clear_time, s->time));
	if (json_object_get(o, "precopy") != NULL &&
	    replay_precopy(l, json_object_get(o, "precopy")) == -1)
		return (-1);
	return (replay_cost(l, o));
}

/* The totals the record gives must be the ones its VMAs make. */
static int
replay_totals(struct rline *l, json_t *o)
{
	struct snapshot	*s = l->s;
	uint64_t	 v;
	int		 rc;

	if ((rc = get_uint(l, o, "", "dirty_pages", 0, UINT64_MAX, &v)) == -1)
		return (-1);
	if (rc == 0 && v != s->dirty_pages)
		return (bad(l, "dirty_pages: %" PRIu64 ", but the regions hold "
		    "%" PRIu64, v, s->dirty_pages));
	if ((rc = get_uint(l, o, "", "tracked_pages", 0, UINT64_MAX, &v)) ==
	    -1)
		return (-1);
	if (rc == 0 && v != s->tracked_pages)
		return (bad(l, "tracked_pages: %" PRIu64 ", but the regions "
		    "hold %" PRIu64, v, s->tracked_pages));
	if ((rc = get_uint(l, o, "", "discarded_pages", 0, UINT64_MAX,
	    &v)) == -1)
		return (-1);
	if (rc == 0 && v != s->discarded_pages)
		return (bad(l, "discarded_pages: %" PRIu64 ", but the regions "
		    "hold %" PRIu64, v, s->discarded_pages));
	if ((rc = get_uint(l, o, "", "resident_pages", 0, UINT64_MAX,
	    &v)) == -1)
		return (-1);
	if (rc == 0 && v != s->resident_pages)
		return (bad(l, "resident_pages: %" PRIu64 ", but the regions "
		    "hold %" PRIu64, v, s->resident_pages));
	/*
	 * Round 0 sends the resident pages; a recording made before it
	 * said so sent the tracked ones, which it then counts as resident.
	 */
	if (!s->has_precopy)
		return (0);
	if (!l->memory_given)
		s->precopy.memory_bytes = s->resident_pages * s->page_size;
	else if (s->precopy.memory_bytes != s->resident_pages * s->page_size)
		return (bad(l, "precopy.memory_bytes: %" PRIu64 ", but the "
		    "regions hold %" PRIu64 " resident pages of %" PRIu64
		    " bytes", s->precopy.memory_bytes, s->resident_pages,
		    s->page_size));
	return (0);
}

int
replay_parse_line(const char *line, struct snapshot **out, char **cause)
{
	struct rline	 l;
	json_error_t	 jerr;
	json_t		*o, *vmas;
	char		*text;
	size_t		 i;

	*out = NULL;
	memset(&l, 0, sizeof l);
	if ((o = json_loads(line, JSON_REJECT_DUPLICATES, &jerr)) == NULL) {
		/* The parser quotes the input: escape it. */
		text = str_escape_dup(jerr.text, 0);
		*cause = cause_fmt("column %d: %s", jerr.column,
		    text != NULL ? text : "not JSON");
		free(text);
		return (-1);
	}
	if (!json_is_object(o)) {
		bad(&l, "expected a JSON object");
		goto fail;
	}
	vmas = json_object_get(o, "vmas");
	if (vmas != NULL && !json_is_array(vmas)) {
		bad(&l, "vmas: not an array");
		goto fail;
	}
	if ((l.s = snapshot_new(json_array_size(vmas))) == NULL) {
		bad(&l, "out of memory");
		goto fail;
	}
	if (replay_head(&l, o) == -1)
		goto fail;
	if (l.s->exited && l.s->nvma != 0) {
		bad(&l, "vmas: a cycle whose process exited has no regions");
		goto fail;
	}
	for (i = 0; i < l.s->nvma; i++) {
		if (replay_vma(&l, i, json_array_get(vmas, i)) == -1)
			goto fail;
	}
	snapshot_count(l.s);
	if (replay_totals(&l, o) == -1)
		goto fail;
	json_decref(o);
	*out = l.s;
	return (0);

fail:
	*cause = cause_fmt("%s", l.why);
	snapshot_free(l.s);
	json_decref(o);
	return (-1);
}

int
replay_next(struct replay *r, struct snapshot **out, char **cause)
{
	char	*line = NULL, *why = NULL;
	size_t	 cap = 0;
	ssize_t	 n;
	bool	 nl;
	int	 rc;

	*out = NULL;
	if (r->pft != NULL) {
		rc = replay_pftrace_next(r->pft, r->line + 1, out, cause);
		if (rc == 1)
			r->line++;
		return (rc);
	}
	for (;;) {
		if ((n = text_line_read(r->f, &line, &cap, REPLAY_LINE_MAX,
		    &nl)) == -1) {
			free(line);
			if (errno == EFBIG) {
				*cause = cause_fmt("%s:%lu: a line longer than "
				    "%d MiB: not a recording", r->path,
				    r->line + 1, REPLAY_LINE_MAX >> 20);
				return (-1);
			}
			if (errno != 0) {
				*cause = cause_errno(errno, "%s: cannot read",
				    r->path);
				return (-1);
			}
			return (0);
		}
		r->line++;
		while (n > 0 && line[n - 1] == '\r')
			line[--n] = '\0';
		if (n > 0)
			break;
	}
	if (replay_parse_line(line, out, &why) == -1) {
		*cause = cause_fmt("%s:%lu: %s", r->path, r->line, why);
		free(why);
		free(line);
		return (-1);
	}
	free(line);
	/* One run: its cycles count up. */
	if ((*out)->cycle <= r->last_cycle) {
		*cause = cause_fmt("%s:%lu: cycle: %lu does not follow cycle "
		    "%lu", r->path, r->line, (*out)->cycle, r->last_cycle);
		snapshot_free(*out);
		*out = NULL;
		return (-1);
	}
	r->last_cycle = (*out)->cycle;
	return (1);
}
