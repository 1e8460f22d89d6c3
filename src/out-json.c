/*
 * out-json.c - JSON Lines: one object per cycle, on one line, holding the
 * whole snapshot. Addresses are hex strings ("0x7f..."), written pages are
 * merged half-open address ranges.
 */
#include "config.h"

#include <inttypes.h>
#include <string.h>

#include "bitmap.h"
#include "output.h"
#include "snapshot.h"

/* The length of the valid UTF-8 sequence at p, or 0 if it is not one. */
static size_t
utf8_len(const unsigned char *p)
{
	uint32_t	 c;
	size_t		 n, i;

	if (*p < 0x80)
		return (1);
	if (*p >= 0xc2 && *p <= 0xdf) {
		n = 2;
		c = *p & 0x1f;
	} else if (*p >= 0xe0 && *p <= 0xef) {
		n = 3;
		c = *p & 0x0f;
	} else if (*p >= 0xf0 && *p <= 0xf4) {
		n = 4;
		c = *p & 0x07;
	} else
		return (0);
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return (0);
		c = c << 6 | (p[i] & 0x3f);
	}
	if ((n == 3 && (c < 0x800 || (c >= 0xd800 && c <= 0xdfff))) ||
	    (n == 4 && (c < 0x10000 || c > 0x10ffff)))
		return (0);
	return (n);
}

void
json_write_string(FILE *f, const char *s)
{
	size_t			 n;
	const unsigned char	*p;

	fputc('"', f);
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		switch (*p) {
		case '"':
			fputs("\\\"", f);
			break;
		case '\\':
			fputs("\\\\", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		default:
			if (*p < 0x20)
				fprintf(f, "\\u%04x", *p);
			else if ((n = utf8_len(p)) == 0)
				fputs("\\ufffd", f);	/* not UTF-8: U+FFFD */
			else {
				fwrite(p, 1, n, f);
				p += n - 1;
			}
		}
	}
	fputc('"', f);
}

/* The written pages of a VMA as [["0x..","0x.."],...]. */
static void
out_json_ranges(FILE *f, const struct snap_vma *sv, uint64_t psize)
{
	size_t	 i = 0, j, n = sv->npages;
	bool	 first = true;

	fputc('[', f);
	if (sv->written != NULL) {
		while ((i = bitmap_next_set(sv->written, i, n)) < n) {
			j = bitmap_next_clear(sv->written, i, n);
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
	fprintf(f, ",\"precopy\":{\"bandwidth_bps\":%.0f,"
	    "\"dirty_rate_bps\":%.0f,\"converges\":%s,\"downtime_ms\":",
	    p->bandwidth_bps, p->dirty_rate_bps,
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

int
out_json(FILE *f, const struct snapshot *s)
{
	const struct snap_vma	*sv;
	size_t			 i;

	fprintf(f, "{\"cycle\":%lu,\"time\":%.6f,\"clear_time\":%.6f,"
	    "\"pid\":%ld,\"comm\":", s->cycle, s->time, s->clear_time,
	    (long)s->pid);
	json_write_string(f, s->comm);
	fputs(",\"method\":", f);
	json_write_string(f, s->method);
	fprintf(f, ",\"interval\":%g,\"dirty_pages\":%" PRIu64
	    ",\"tracked_pages\":%" PRIu64 ",\"page_size\":%" PRIu64
	    ",\"clear_ms\":%.3f,\"scan_ms\":%.3f,\"converged\":%s"
	    ",\"exited\":%s,\"exec\":%s", s->interval, s->dirty_pages,
	    s->tracked_pages, s->page_size, s->clear_ms, s->scan_ms,
	    s->converged ? "true" : "false", s->exited ? "true" : "false",
	    s->exec ? "true" : "false");
	if (s->has_precopy)
		out_json_precopy(f, &s->precopy);
	fputs(",\"vmas\":[", f);
	for (i = 0; i < s->nvma; i++) {
		sv = &s->vmas[i];
		fprintf(f, "%s{\"start\":\"0x%" PRIx64 "\",\"end\":\"0x%" PRIx64
		    "\",\"perms\":\"%s\",\"name\":", i == 0 ? "" : ",",
		    sv->vma.start, sv->vma.end, sv->vma.perms);
		json_write_string(f, sv->vma.name);
		if (sv->vma.deleted)
			fputs(",\"deleted\":true", f);
		fprintf(f, ",\"pages\":%" PRIu64 ",\"tracked\":%s,\"new\":%s"
		    ",\"dirty_pages\":%" PRIu64 ",\"dirty\":", sv->npages,
		    sv->tracked ? "true" : "false",
		    sv->is_new ? "true" : "false", sv->dirty);
		out_json_ranges(f, sv, s->page_size);
		if (sv->error != 0) {
			fputs(",\"error\":", f);
			json_write_string(f, snap_vma_error(sv));
		}
		fputc('}', f);
	}
	fputs("]}\n", f);
	return (ferror(f) ? -1 : 0);
}
