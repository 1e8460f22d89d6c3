/*
 * out-json.c - JSON Lines: one object per cycle, on one line, holding the
 * whole snapshot. Addresses are hex strings ("0x7f..."), written and
 * discarded pages are merged half-open address ranges. Strings go through
 * str_json_put(), so a name that is not UTF-8 still makes valid JSON.
 *
 * out_json_line() is the writer every JSON output goes through (--json,
 * --record, the screen's --record): a line is made in memory and written
 * with one write(2).
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pageset.h"
#include "out-json.h"
#include "snapshot.h"
#include "str-escape.h"

/* The pages of set (written, discarded) as [["0x..","0x.."],...]. */
static void
out_json_ranges(FILE *f, const struct snap_vma *sv, const struct pageset *set,
    uint64_t psize)
{
	uint64_t	 i = 0, j, n = sv->npages;
	bool	 first = true;

	fputc('[', f);
	if (set != NULL) {
		while ((i = pageset_next(set, i)) < n) {
			j = pageset_next_gap(set, i);
			fprintf(f, "%s[\"0x%" PRIx64 "\",\"0x%" PRIx64 "\"]",
			    first ? "" : ",", sv->vma.start + i * psize,
			    sv->vma.start + j * psize);
			first = false;
			i = j;
		}
	}
	fputc(']', f);
}

/* The pre-copy estimate object. */
static void
out_json_precopy(FILE *f, const struct precopy *p)
{
	fprintf(f, ",\"precopy\":{\"memory_bytes\":%" PRIu64 ","
	    "\"bandwidth_bps\":%.0f,\"dirty_rate_bps\":%.0f,\"converges\":"
	    "%s,\"downtime_ms\":", p->memory_bytes, p->bandwidth_bps,
	    p->dirty_rate_bps,
	    p->converges ? "true" : "false");
	if (p->converges)
		fprintf(f, "%.3f", p->downtime_ms);
	else
		fputs("null", f);
	fprintf(f, ",\"rounds\":%u,\"total_ms\":", p->rounds);
	if (p->converges)
		fprintf(f, "%.3f", p->total_ms);
	else
		fputs("null", f);
	fprintf(f, ",\"sent_bytes\":%" PRIu64 "}", p->sent_bytes);
}

/*
 * What watching cost: "target_cost" (absent when unknown, as in a
 * recording made before it was measured) and, under --max-cost,
 * "max_cost".
 */
static void
out_json_cost(FILE *f, const struct snapshot *s)
{
	if (s->cost_kind == SNAP_COST_FAULTS)
		fprintf(f, ",\"target_cost\":{\"kind\":\"faults\","
		    "\"percent\":%.6g,\"fault_ns\":%.1f}", s->cost_percent,
		    s->fault_ns);
	else if (s->cost_kind == SNAP_COST_SDTOP_CPU)
		fprintf(f, ",\"target_cost\":{\"kind\":\"sdtop_cpu\","
		    "\"percent\":%.6g,\"fault_ns\":null}", s->cost_percent);
	else if (s->cost_kind == SNAP_COST_MIXED)
		fprintf(f, ",\"target_cost\":{\"kind\":\"mixed\","
		    "\"percent\":%.6g,\"fault_ns\":null}", s->cost_percent);
	if (s->max_cost > 0)
		fprintf(f, ",\"max_cost\":{\"percent\":%g,\"user_interval\":"
		    "%g,\"lengthened\":%s}", s->max_cost, s->user_interval,
		    s->lengthened ? "true" : "false");
}

/* The regions of one process: "vmas":[...]. */
static void
out_json_vmas(FILE *f, const struct snapshot *s)
{
	const struct snap_vma	*sv;
	size_t			 i;

	fputs(",\"vmas\":[", f);
	for (i = 0; i < s->nvma; i++) {
		sv = &s->vmas[i];
		fprintf(f, "%s{\"start\":\"0x%" PRIx64 "\",\"end\":\"0x%" PRIx64
		    "\",\"perms\":", i == 0 ? "" : ",", sv->vma.start,
		    sv->vma.end);
		str_json_put(f, sv->vma.perms);
		fputs(",\"name\":", f);
		str_json_put(f, sv->vma.name);
		if (sv->vma.deleted)
			fputs(",\"deleted\":true", f);
		fprintf(f, ",\"pages\":%" PRIu64 ",\"tracked\":%s,\"new\":%s"
		    ",\"dirty_pages\":%" PRIu64 ",\"dirty\":", sv->npages,
		    sv->tracked ? "true" : "false",
		    sv->is_new ? "true" : "false", sv->dirty);
		out_json_ranges(f, sv, sv->written, s->page_size);
		fprintf(f, ",\"discarded_pages\":%" PRIu64 ",\"discarded\":",
		    sv->ndiscarded);
		out_json_ranges(f, sv, sv->discarded, s->page_size);
		if (sv->has_resident)
			fprintf(f, ",\"resident_pages\":%" PRIu64,
			    sv->resident);
		if (sv->error != 0) {
			fputs(",\"error\":", f);
			str_json_put(f, snap_vma_error(sv));
		}
		fprintf(f, ",\"offset\":\"0x%" PRIx64 "\",\"dev\":\"%02x:%02x\","
		    "\"inode\":\"%" PRIu64 "\"}", sv->vma.offset,
		    sv->vma.dev_major, sv->vma.dev_minor, sv->vma.inode);
	}
	fputc(']', f);
}

/*
 * The counts every line and every process of a set has; of a set and its
 * processes (in_set), also the pages written in shared mappings.
 */
static void
out_json_counts(FILE *f, const struct snapshot *s, bool in_set)
{
	fprintf(f, ",\"dirty_pages\":%" PRIu64, s->dirty_pages);
	if (in_set)
		fprintf(f, ",\"shared_dirty_pages\":%" PRIu64,
		    s->shared_dirty_pages);
	fprintf(f, ",\"discarded_pages\":%" PRIu64 ",\"tracked_pages\":%"
	    PRIu64 ",\"resident_pages\":%" PRIu64, s->discarded_pages,
	    s->tracked_pages, s->resident_pages);
}

/* One process of a set: an element of "processes". */
static void
out_json_process(FILE *f, const struct snapshot *p, bool first)
{
	fprintf(f, "%s{\"pid\":%ld,\"ppid\":%ld,\"comm\":", first ? "" :
	    ",", (long)p->pid, (long)p->ppid);
	str_json_put(f, p->comm);
	fputs(",\"method\":", f);
	str_json_put(f, p->method);
	fprintf(f, ",\"joined\":%s,\"exited\":%s,\"exec\":%s,\"error\":",
	    p->joined ? "true" : "false", p->exited ? "true" : "false",
	    p->exec ? "true" : "false");
	if (p->error != NULL)
		str_json_put(f, p->error);
	else
		fputs("null", f);
	out_json_counts(f, p, true);
	fprintf(f, ",\"clear_ms\":%.3f,\"scan_ms\":%.3f", p->clear_ms,
	    p->scan_ms);
	out_json_cost(f, p);
	out_json_vmas(f, p);
	fputc('}', f);
}

/* What a set is: "set":{"kind":..,"roots":[..],"cgroup":..}. */
static void
out_json_set(FILE *f, const struct snapshot *s)
{
	static const char *const kinds[] = { "none", "pids", "tree",
	    "cgroup" };
	size_t	 i;

	fprintf(f, "\"set\":{\"kind\":\"%s\",\"roots\":[", kinds[s->set]);
	for (i = 0; i < s->nroots; i++)
		fprintf(f, "%s%ld", i == 0 ? "" : ",", (long)s->roots[i]);
	fputs("],\"cgroup\":", f);
	if (s->cgroup != NULL)
		str_json_put(f, s->cgroup);
	else
		fputs("null", f);
	fputs("},", f);
}

int
out_json(FILE *f, const struct snapshot *s)
{
	size_t	 i;

	fprintf(f, "{\"format\":%d,\"cycle\":%lu,\"time\":%.6f,",
	    OUT_JSON_FORMAT, s->cycle, s->time);
	/* Unknown (0) in a replay of a recording made without it. */
	if (s->clear_time > 0)
		fprintf(f, "\"clear_time\":%.6f,", s->clear_time);
	if (s->set != SNAP_SET_NONE)
		out_json_set(f, s);
	fprintf(f, "\"pid\":%ld,\"comm\":", (long)s->pid);
	str_json_put(f, s->comm);
	fputs(",\"method\":", f);
	str_json_put(f, s->method);
	fprintf(f, ",\"interval\":%g", s->interval);
	out_json_counts(f, s, s->set != SNAP_SET_NONE);
	fprintf(f, ",\"page_size\":%" PRIu64 ",\"clear_ms\":%.3f,"
	    "\"scan_ms\":%.3f,\"converged\":%s,\"exited\":%s,\"exec\":%s",
	    s->page_size, s->clear_ms, s->scan_ms,
	    s->converged ? "true" : "false", s->exited ? "true" : "false",
	    s->exec ? "true" : "false");
	if (s->set != SNAP_SET_NONE)
		fprintf(f, ",\"nproc\":%zu", s->nproc);
	if (s->has_precopy)
		out_json_precopy(f, &s->precopy);
	out_json_cost(f, s);
	if (s->set == SNAP_SET_NONE)
		out_json_vmas(f, s);
	else {
		fputs(",\"processes\":[", f);
		for (i = 0; i < s->nproc; i++)
			out_json_process(f, s->procs[i], i == 0);
		fputc(']', f);
	}
	fputs("}\n", f);
	return (ferror(f) ? -1 : 0);
}

int
out_json_line(FILE *f, const struct snapshot *s)
{
	char	*buf = NULL;
	size_t	 len = 0, off = 0;
	ssize_t	 r;
	FILE	*m;

	if ((m = open_memstream(&buf, &len)) == NULL)
		return (-1);
	if (out_json(m, s) == -1 || fclose(m) != 0) {
		free(buf);
		return (-1);
	}
	/* Whatever f holds already goes first. */
	fflush(f);
	while (off < len) {
		r = write(fileno(f), buf + off, len - off);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0) {
			free(buf);
			return (-1);
		}
		off += (size_t)r;
	}
	free(buf);
	return (0);
}
