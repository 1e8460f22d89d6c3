/*
 * pftrace-perms.c - the permissions a region had through a trace, and
 * the faults shown under each (see pftrace-perms.h).
 *
 * An mprotect() is written as a change record of the region that keeps
 * its identity (the whole region reprotected, or the piece that keeps
 * its start) and an add record, naming its parent, for each piece split
 * off, which has a row of its own: a row's permissions change through
 * change records only, at the time the record gives.
 * A fault is counted under the permissions its region had at the fault's
 * time, among the records read so far: faults of one thread that race
 * with another thread's mprotect() are counted by their time, not by
 * where they lie in the file. Times are nanoseconds since the start.
 */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "pftrace-perms.h"
#include "str-escape.h"

/* The most sets of permissions a text line shows: the first and last. */
#define PFPERMS_SHOWN	8

/* The kinds in the order the report prints them, and their names. */
static const enum pf_kind kinds[] = { PF_KIND_READ, PF_KIND_WRITE,
	PF_KIND_EXEC, PF_KIND_UNKNOWN };
static const char *const kind_names[] = { "read", "write", "exec",
	"unknown" };

void
pfperms_free(struct pfrep_perms *h)
{
	free(h->v);
	memset(h, 0, sizeof *h);
}

int
pfperms_note(struct pfrep_perms *h, uint64_t time, const char *perms,
    const char *cause)
{
	struct pfrep_perm	*v;

	if (h->n > 0 && strncmp(h->v[h->n - 1].perms, perms, 4) == 0)
		return (0);
	if ((v = array_reserve(h->v, h->n + 1, &h->cap, sizeof *v)) == NULL)
		return (-1);
	h->v = v;
	v = &h->v[h->n++];
	memset(v, 0, sizeof *v);
	v->from = time;
	snprintf(v->perms, sizeof v->perms, "%.4s", perms);
	snprintf(v->cause, sizeof v->cause, "%s", cause);
	return (0);
}

void
pfperms_fault(struct pfrep_perms *h, uint64_t time, enum pf_kind kind)
{
	size_t	i = h->n;

	if (h->n == 0 || (unsigned int)kind >= 4)
		return;
	while (i > 1 && h->v[i - 1].from > time)
		i--;
	h->v[i - 1].kind[kind]++;
}

/* The faults counted under p. */
static uint64_t
perm_faults(const struct pfrep_perm *p)
{
	return (p->kind[0] + p->kind[1] + p->kind[2] + p->kind[3]);
}

void
pfperms_print(FILE *out, const struct pfrep_perms *h)
{
	const struct pfrep_perm	*p;
	const char		*sep;
	size_t			 i, k;

	if (h->n < 2)
		return;
	fputs("        permissions changed:", out);
	for (i = 0; i < h->n; i++) {
		/* A region changed thousands of times: its ends, and how many. */
		if (h->n > PFPERMS_SHOWN && i == PFPERMS_SHOWN / 2) {
			fprintf(out, "; ... %zu more (--json lists them all)",
			    h->n - PFPERMS_SHOWN);
			i = h->n - PFPERMS_SHOWN / 2 - 1;
			continue;
		}
		p = &h->v[i];
		fprintf(out, "%s %.4s from %.6f s (%s), faults %" PRIu64,
		    i > 0 ? ";" : "", p->perms, (double)p->from / 1e9,
		    p->cause, perm_faults(p));
		sep = ": ";
		for (k = 0; k < 4; k++) {
			if (p->kind[kinds[k]] == 0)
				continue;
			fprintf(out, "%s%s %" PRIu64, sep, kind_names[k],
			    p->kind[kinds[k]]);
			sep = " ";
		}
	}
	fputc('\n', out);
}

void
pfperms_json(FILE *out, const struct pfrep_perms *h)
{
	const struct pfrep_perm	*p;
	size_t			 i, k;

	fputs(",\"permissions\":[", out);
	for (i = 0; i < h->n; i++) {
		p = &h->v[i];
		fputs(i > 0 ? ",{\"perms\":" : "{\"perms\":", out);
		str_json_put(out, p->perms);
		fprintf(out, ",\"from\":%.9f,\"cause\":", (double)p->from / 1e9);
		str_json_put(out, p->cause);
		fputs(",\"faults\":{", out);
		for (k = 0; k < 4; k++)
			fprintf(out, "%s\"%s\":%" PRIu64, k > 0 ? "," : "",
			    kind_names[k], p->kind[kinds[k]]);
		fputs("}}", out);
	}
	fputc(']', out);
}
