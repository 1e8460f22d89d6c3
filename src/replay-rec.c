/*
 * replay-rec.c - the fields of a recording's line (replay-rec.h): typed
 * members checked against their bounds, a process's VMAs with their
 * written, discarded and resident pages, the cost of watching and the
 * counts the VMAs must add up to. Every value is checked, against the
 * page size and the VMA it is in too, before it sizes anything. Pages are
 * of the recording's page_size, addresses and offsets bytes.
 */
#include "config.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cost.h"
#include "num.h"
#include "pageset.h"
#include "replay-rec.h"
#include "snapshot.h"

int
rec_bad(struct rline *l, const char *fmt, ...)
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

int
rec_uint(struct rline *l, json_t *o, const char *pre, const char *key,
    uint64_t lo, uint64_t hi, uint64_t *v)
{
	json_t		*j = json_object_get(o, key);
	json_int_t	 n;

	if (j == NULL)
		return (1);
	if (!json_is_integer(j))
		return (rec_bad(l, "%s%s%s: not a whole number", l->pre, pre,
		    key));
	n = json_integer_value(j);
	if (n < 0 || (uint64_t)n < lo || (uint64_t)n > hi)
		return (rec_bad(l, "%s%s%s: %lld is out of range (%" PRIu64
		    "..%" PRIu64 ")", l->pre, pre, key, (long long)n, lo, hi));
	*v = (uint64_t)n;
	return (0);
}

int
rec_num(struct rline *l, json_t *o, const char *pre, const char *key,
    double lo, double hi, double *v)
{
	json_t	*j = json_object_get(o, key);
	double	 d;

	if (j == NULL)
		return (1);
	if (!json_is_number(j))
		return (rec_bad(l, "%s%s%s: not a number", l->pre, pre, key));
	d = json_number_value(j);
	if (!(d >= lo && d <= hi))
		return (rec_bad(l, "%s%s%s: %g is out of range (%g..%g)",
		    l->pre, pre, key, d, lo, hi));
	*v = d;
	return (0);
}

int
rec_bool(struct rline *l, json_t *o, const char *pre, const char *key,
    bool *v)
{
	json_t	*j = json_object_get(o, key);

	*v = false;
	if (j == NULL)
		return (0);
	if (!json_is_boolean(j))
		return (rec_bad(l, "%s%s%s: not true or false", l->pre, pre,
		    key));
	*v = json_is_true(j);
	return (0);
}

bool
rec_method_ok(const char *m)
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

int
rec_comm(struct rline *l, json_t *o)
{
	struct snapshot	*s = l->s;
	const char	*str;

	if ((str = json_string_value(json_object_get(o, "comm"))) == NULL)
		str = "";
	if (strlen(str) >= sizeof s->comm)
		return (rec_bad(l, "%scomm: longer than %zu bytes", l->pre,
		    sizeof s->comm - 1));
	snprintf(s->comm, sizeof s->comm, "%s", str);
	return (0);
}

/*
 * The ranges of VMA i named key ("dirty", "discarded"; its fields named
 * f, "vmas[i].") into set: each [lo, hi) page-aligned inside the VMA,
 * after the one before it, and none in avoid (a page is written or
 * discarded, not both). Their pages must add up to the count the record
 * gives ("dirty_pages", "discarded_pages"), and those of a line to
 * SNAPSHOT_MAX_DIRTY at most.
 */
static int
rec_ranges(struct rline *l, size_t i, json_t *o, const char *f,
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
		return (rec_bad(l, "%s%s: not an array", f, key));
	if (json_array_size(j) > 0 && set == NULL)
		return (rec_bad(l, "%s%s: an untracked region has %s pages", f,
		    key, key));
	prev = sv->vma.start;
	json_array_foreach(j, k, range) {
		if (!json_is_array(range) || json_array_size(range) != 2 ||
		    parse_addr(json_array_get(range, 0), &lo) == -1 ||
		    parse_addr(json_array_get(range, 1), &hi) == -1)
			return (rec_bad(l, "%s%s[%zu]: not [\"0x..\",\"0x..\"]",
			    f, key, k));
		if (lo % s->page_size != 0 || hi % s->page_size != 0)
			return (rec_bad(l, "%s%s[%zu]: 0x%" PRIx64 "-0x%" PRIx64
			    " is not page-aligned (page_size %" PRIu64 ")", f,
			    key, k, lo, hi, s->page_size));
		if (lo >= hi || lo < prev || hi > sv->vma.end)
			return (rec_bad(l, "%s%s[%zu]: 0x%" PRIx64 "-0x%" PRIx64
			    " is empty, out of order or outside 0x%" PRIx64
			    "-0x%" PRIx64, f, key, k, lo, hi, prev,
			    sv->vma.end));
		if ((hi - lo) / s->page_size > SNAPSHOT_MAX_DIRTY - l->dirty)
			return (rec_bad(l, "%s%s[%zu]: the written and "
			    "discarded pages of this cycle pass %" PRIu64, f,
			    key, k,
			    (uint64_t)SNAPSHOT_MAX_DIRTY));
		l->dirty += (hi - lo) / s->page_size;
		from = (lo - sv->vma.start) / s->page_size;
		to = (hi - sv->vma.start) / s->page_size;
		if (avoid != NULL && pageset_count_range(avoid, from, to) > 0)
			return (rec_bad(l, "%s%s[%zu]: 0x%" PRIx64 "-0x%" PRIx64
			    " holds written pages", f, key, k, lo, hi));
		if (pageset_add_range(set, from, to) == -1)
			return (rec_bad(l, "%s%s[%zu]: out of memory", f, key,
			    k));
		n += to - from;
		prev = hi;
	}
	if ((rc = rec_uint(l, o, f + strlen(l->pre), count, 0, UINT64_MAX,
	    &want)) == -1)
		return (-1);
	if (rc == 0 && want != n)
		return (rec_bad(l, "%s%s: %" PRIu64 ", but its %s ranges hold %"
		    PRIu64 " pages", f, count, want, key, n));
	return (0);
}

/*
 * The pages of VMA i: written, discarded (a recording made before they
 * were counted has none), resident (when the record knows them).
 */
static int
rec_pages(struct rline *l, size_t i, json_t *o, const char *f)
{
	struct snap_vma	*sv = &l->s->vmas[i];
	uint64_t	 v, w, d;
	int		 rc;

	if (rec_ranges(l, i, o, f, "dirty", "dirty_pages", sv->written,
	    NULL) == -1)
		return (-1);
	if (sv->written != NULL && (sv->discarded =
	    pageset_new(sv->npages)) == NULL)
		return (rec_bad(l, "%svmas[%zu]: out of memory", l->pre, i));
	if (rec_ranges(l, i, o, f, "discarded", "discarded_pages",
	    sv->discarded, sv->written) == -1)
		return (-1);
	if ((rc = rec_uint(l, o, f + strlen(l->pre), "resident_pages", 0,
	    sv->npages, &v)) == -1)
		return (-1);
	if (rc == 0) {
		w = sv->written != NULL ? pageset_count(sv->written) : 0;
		d = sv->discarded != NULL ? pageset_count(sv->discarded) : 0;
		/* Written pages are resident, discarded ones are not. */
		if (v < w || v > sv->npages - d)
			return (rec_bad(l, "%sresident_pages: %" PRIu64 ", but %"
			    PRIu64 " pages are written and %" PRIu64 " of %"
			    PRIu64 " discarded", f, v, w, d, sv->npages));
		sv->resident = v;
		sv->has_resident = true;
	}
	return (0);
}

/*
 * "MAJ:MIN" as maps writes a device (hex, at least two digits each, the
 * kernel's 12-bit major and 20-bit minor) into v; -1 if s is not that.
 */
static int
rec_dev(const char *s, struct vma *v)
{
	unsigned long	 n[2];
	const char	*p = s;
	char		*end;
	int		 k;

	if (s == NULL)
		return (-1);
	for (k = 0; k < 2; k++) {
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
			return (-1);
		n[k] = strtoul(p, &end, 16);
		if (end - p > 8 || *end != (k == 0 ? ':' : '\0'))
			return (-1);
		p = end + 1;
	}
	if (n[0] > 0xfff || n[1] > 0xfffff)
		return (-1);
	v->dev_major = (unsigned int)n[0];
	v->dev_minor = (unsigned int)n[1];
	return (0);
}

/*
 * The inode s, as maps writes it: decimal digits, no leading zero, below
 * 2^64. It is a string: an inode can use all 64 bits (overlayfs's xino
 * puts its layer in the top ones), and a JSON number past 2^53 is not
 * read back exactly by every reader (RFC 7493, section 2.2).
 */
static int
rec_inode(const char *s, uint64_t *inode)
{
	if (s == NULL || (s[0] == '0' && s[1] != '\0'))
		return (-1);
	return (num_u64(s, 10, 0, UINT64_MAX, inode));
}

/*
 * What backs VMA v (f its field prefix): "offset", "dev" and "inode",
 * which every region of a line of format 2 has; one of format 1 has not
 * (then 0), or all three. The offset is of the page size and the pages of
 * the VMA past it stay below 2^64.
 */
static int
rec_backing(struct rline *l, json_t *o, const char *f, struct vma *v)
{
	static const char *const key[] = { "offset", "dev", "inode" };
	json_t		*j[3];
	size_t		 i, n = 0;

	for (i = 0; i < 3; i++)
		n += (j[i] = json_object_get(o, key[i])) != NULL;
	if (n == 0 && !l->backing)
		return (0);
	for (i = 0; i < 3; i++) {
		if (j[i] == NULL)
			return (rec_bad(l, "%s%s: missing", f, key[i]));
	}
	if (parse_addr(j[0], &v->offset) == -1)
		return (rec_bad(l, "%soffset: not a \"0x..\" offset", f));
	if (v->offset % l->s->page_size != 0 ||
	    v->offset > UINT64_MAX - (v->end - v->start))
		return (rec_bad(l, "%soffset: 0x%" PRIx64 " is not a multiple "
		    "of page_size %" PRIu64 " or ends past 2^64", f, v->offset,
		    l->s->page_size));
	if (rec_dev(json_string_value(j[1]), v) == -1)
		return (rec_bad(l, "%sdev: not \"MAJ:MIN\" in hex, as maps "
		    "writes it", f));
	if (rec_inode(json_string_value(j[2]), &v->inode) == -1)
		return (rec_bad(l, "%sinode: not a string of decimal digits "
		    "below 2^64, as maps writes it", f));
	return (0);
}

/*
 * Fill VMA i of l->s from its JSON object. Every field is checked against
 * the page size and the VMA before it (VMAs come in address order, as
 * maps lists them) before it sizes anything.
 */
int
rec_vma(struct rline *l, size_t i, json_t *o)
{
	struct snapshot	*s = l->s;
	struct vma	 v = { 0 };
	const char	*str, *p;
	char		 f[80];
	uint64_t	 pages = 0;
	bool		 tracked, is_new;

	snprintf(f, sizeof f, "%svmas[%zu].", l->pre, i);
	p = f + strlen(l->pre);
	if (!json_is_object(o))
		return (rec_bad(l, "%svmas[%zu]: not an object", l->pre, i));
	if (parse_addr(json_object_get(o, "start"), &v.start) == -1)
		return (rec_bad(l, "%sstart: not a \"0x..\" address", f));
	if (parse_addr(json_object_get(o, "end"), &v.end) == -1)
		return (rec_bad(l, "%send: not a \"0x..\" address", f));
	if (v.start % s->page_size != 0)
		return (rec_bad(l, "%sstart: 0x%" PRIx64 " is not a multiple "
		    "of page_size %" PRIu64, f, v.start, s->page_size));
	if (v.end % s->page_size != 0)
		return (rec_bad(l, "%send: 0x%" PRIx64 " is not a multiple of "
		    "page_size %" PRIu64, f, v.end, s->page_size));
	if (v.end <= v.start)
		return (rec_bad(l, "%send: 0x%" PRIx64 " is not above start 0x%"
		    PRIx64, f, v.end, v.start));
	if (i > 0 && v.start < s->vmas[i - 1].vma.end)
		return (rec_bad(l, "%sstart: 0x%" PRIx64 " is below the end of "
		    "%svmas[%zu]", f, v.start, l->pre, i - 1));
	str = json_string_value(json_object_get(o, "perms"));
	if (str == NULL || strlen(str) != 4 || !vma_set_perms(&v, str))
		return (rec_bad(l, "%sperms: not four of r-, w-, x-, ps", f));
	if ((str = json_string_value(json_object_get(o, "name"))) == NULL)
		return (rec_bad(l, "%sname: not a string", f));
	v.name = (char *)str;
	if (rec_uint(l, o, p, "pages", 0, UINT64_MAX, &pages) != 0 ||
	    pages != (v.end - v.start) / s->page_size)
		return (rec_bad(l, "%spages: want %" PRIu64 " for its range "
		    "and page_size", f, (v.end - v.start) / s->page_size));
	if (rec_bool(l, o, p, "tracked", &tracked) == -1 ||
	    rec_bool(l, o, p, "new", &is_new) == -1 ||
	    rec_bool(l, o, p, "deleted", &v.deleted) == -1 ||
	    rec_backing(l, o, f, &v) == -1)
		return (-1);
	if (tracked && is_new)
		return (rec_bad(l, "%snew: a new region is not tracked", f));
	if (snapshot_set_vma(s, i, &v, tracked, is_new) == -1)
		return (rec_bad(l, "%svmas[%zu]: out of memory", l->pre, i));
	return (rec_pages(l, i, o, f));
}

/*
 * "target_cost" of o: absent or null is unknown, as in a recording made
 * before it was measured; "mixed" (a set's sum of both kinds) only when
 * mixed.
 */
static int
rec_target_cost(struct rline *l, json_t *o, bool mixed)
{
	struct snapshot	*s = l->s;
	json_t		*j;
	const char	*kind;
	int		 rc;

	j = json_object_get(o, "target_cost");
	if (j == NULL || json_is_null(j))
		return (0);
	if (!json_is_object(j))
		return (rec_bad(l, "%starget_cost: not an object or null",
		    l->pre));
	kind = json_string_value(json_object_get(j, "kind"));
	if (kind != NULL && strcmp(kind, "faults") == 0)
		s->cost_kind = SNAP_COST_FAULTS;
	else if (kind != NULL && strcmp(kind, "sdtop_cpu") == 0)
		s->cost_kind = SNAP_COST_SDTOP_CPU;
	else if (mixed && kind != NULL && strcmp(kind, "mixed") == 0)
		s->cost_kind = SNAP_COST_MIXED;
	else
		return (rec_bad(l, "%starget_cost.kind: not \"faults\"%s or "
		    "\"sdtop_cpu\"", l->pre, mixed ? ", \"mixed\"" : ""));
	if ((rc = rec_num(l, j, "target_cost.", "percent", 0, 1e9,
	    &s->cost_percent)) != 0)
		return (rc == 1 ? rec_bad(l, "%starget_cost.percent: missing",
		    l->pre) : -1);
	if (s->cost_kind == SNAP_COST_FAULTS && ((rc = rec_num(l, j,
	    "target_cost.", "fault_ns", 1e-3, 1e9, &s->fault_ns)) != 0))
		return (rc == 1 ? rec_bad(l, "%starget_cost.fault_ns: missing",
		    l->pre) : -1);
	if (s->cost_kind == SNAP_COST_MIXED &&
	    json_is_number(json_object_get(j, "fault_ns")) && rec_num(l, j,
	    "target_cost.", "fault_ns", 1e-3, 1e9, &s->fault_ns) == -1)
		return (-1);
	return (0);
}

int
rec_cost(struct rline *l, json_t *o, bool mixed)
{
	struct snapshot	*s = l->s;
	json_t		*j;
	int		 rc;

	if (rec_target_cost(l, o, mixed) == -1)
		return (-1);
	if ((j = json_object_get(o, "max_cost")) == NULL)
		return (0);
	if (!json_is_object(j))
		return (rec_bad(l, "%smax_cost: not an object", l->pre));
	if ((rc = rec_num(l, j, "max_cost.", "percent", 1e-6, 100,
	    &s->max_cost)) != 0)
		return (rc == 1 ? rec_bad(l, "%smax_cost.percent: missing",
		    l->pre) : -1);
	if ((rc = rec_num(l, j, "max_cost.", "user_interval",
	    SNAPSHOT_MIN_INTERVAL, SNAPSHOT_MAX_INTERVAL,
	    &s->user_interval)) != 0)
		return (rc == 1 ? rec_bad(l, "%smax_cost.user_interval: "
		    "missing", l->pre) : -1);
	if (rec_bool(l, j, "max_cost.", "lengthened", &s->lengthened) == -1)
		return (-1);
	/* What --max-cost can have made of the user's interval. */
	if (s->interval < s->user_interval * (1 - 1e-9) || s->interval >
	    s->user_interval * COST_INTERVAL_CAP * (1 + 1e-9) ||
	    s->lengthened != (s->interval > s->user_interval))
		return (rec_bad(l, "%smax_cost: interval %g%s from "
		    "user_interval %g", l->pre, s->interval, s->lengthened ?
		    ", lengthened," : ", not lengthened,", s->user_interval));
	return (0);
}

int
rec_total(struct rline *l, json_t *o, const char *key, uint64_t have,
    const char *what)
{
	uint64_t	 v = 0;
	int		 rc;

	if ((rc = rec_uint(l, o, "", key, 0, UINT64_MAX, &v)) == -1)
		return (-1);
	if (rc == 0 && v != have)
		return (rec_bad(l, "%s%s: %" PRIu64 ", but %s hold %" PRIu64,
		    l->pre, key, v, what, have));
	return (0);
}

int
rec_totals(struct rline *l, json_t *o)
{
	struct snapshot	*s = l->s;

	if (rec_total(l, o, "dirty_pages", s->dirty_pages, "the regions") ==
	    -1 || rec_total(l, o, "tracked_pages", s->tracked_pages,
	    "the regions") == -1 || rec_total(l, o, "discarded_pages",
	    s->discarded_pages, "the regions") == -1 || rec_total(l, o,
	    "resident_pages", s->resident_pages, "the regions") == -1)
		return (-1);
	return (0);
}
