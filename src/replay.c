/*
 * replay.c - read a recording (JSON Lines, as written by out_json()) back
 * into snapshots. Every field is checked, against the others too, before
 * it is used: a malformed or hostile file is one error naming its line
 * and the field ("rec.jsonl:3: page_size: 3000 is not a power of two"),
 * never a crash, a wrong picture or memory out of proportion to the
 * file. Pages are of the recording's page_size, whatever this machine's.
 *
 * A line without "format" is of format 1 (sdtop before sets); format 2
 * adds what backs each region and the lines of sets of processes
 * (replay-set.c). The fields of a line are read in replay-rec.c.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cause.h"
#include "page.h"
#include "replay.h"
#include "replay-pftrace.h"
#include "replay-rec.h"
#include "snapshot.h"
#include "str-escape.h"
#include "text-line.h"

/*
 * The longest line of a recording, in bytes: a cycle of a process with a
 * few hundred thousand regions is tens of MiB.
 */
#define REPLAY_LINE_MAX	(64 << 20)

/* The newest format of a line this reads (out_json() writes it). */
#define REPLAY_FORMAT	2

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

/* Fill the pre-copy estimate from its object. */
static int
replay_precopy(struct rline *l, json_t *o)
{
	struct precopy	*p = &l->s->precopy;
	uint64_t	 rounds = 0;
	json_t		*j;
	int		 rc;

	if (!json_is_object(o))
		return (rec_bad(l, "precopy: not an object"));
	if ((rc = rec_num(l, o, "precopy.", "bandwidth_bps", 0, 1e18,
	    &p->bandwidth_bps)) != 0)
		return (rc == 1 ? rec_bad(l, "precopy.bandwidth_bps: missing") :
		    -1);
	if ((rc = rec_num(l, o, "precopy.", "dirty_rate_bps", 0, 1e18,
	    &p->dirty_rate_bps)) != 0)
		return (rc == 1 ? rec_bad(l, "precopy.dirty_rate_bps: missing") :
		    -1);
	if ((j = json_object_get(o, "converges")) == NULL ||
	    !json_is_boolean(j))
		return (rec_bad(l, "precopy.converges: not true or false"));
	p->converges = json_is_true(j);
	p->downtime_ms = p->total_ms = -1;
	if (json_is_number(json_object_get(o, "downtime_ms")) &&
	    rec_num(l, o, "precopy.", "downtime_ms", 0, 1e18,
	    &p->downtime_ms) == -1)
		return (-1);
	if (json_is_number(json_object_get(o, "total_ms")) &&
	    rec_num(l, o, "precopy.", "total_ms", 0, 1e18, &p->total_ms) == -1)
		return (-1);
	if ((rc = rec_uint(l, o, "precopy.", "memory_bytes", 0,
	    STR_JSON_MAX_INT, &p->memory_bytes)) == -1)
		return (-1);
	l->memory_given = rc == 0;
	if (rec_uint(l, o, "precopy.", "rounds", 0, 1000, &rounds) == -1 ||
	    rec_uint(l, o, "precopy.", "sent_bytes", 0, STR_JSON_MAX_INT,
	    &p->sent_bytes) == -1)
		return (-1);
	p->rounds = (unsigned)rounds;
	l->s->has_precopy = true;
	return (0);
}

/* The page size of the line, before anything is sized by it. */
static int
replay_page_size(struct rline *l, json_t *o)
{
	json_t		*j = json_object_get(o, "page_size");
	uint64_t	 u = 4096;

	if (json_is_integer(j) && json_integer_value(j) <= 0)
		return (rec_bad(l, "page_size: %lld is out of range (%u..%u)",
		    (long long)json_integer_value(j), PAGE_SIZE_MIN,
		    PAGE_SIZE_MAX));
	if (rec_uint(l, o, "", "page_size", 0, UINT64_MAX, &u) == -1)
		return (-1);
	if ((u & (u - 1)) != 0 || u == 0)
		return (rec_bad(l, "page_size: %" PRIu64 " is not a power of "
		    "two", u));
	if (!page_size_sane(u))
		return (rec_bad(l, "page_size: %" PRIu64 " is out of range "
		    "(%u..%u)", u, PAGE_SIZE_MIN, PAGE_SIZE_MAX));
	l->s->page_size = u;
	return (0);
}

/*
 * The fields of the cycle itself, before its VMAs or processes; a set's
 * pid is 0 when it has no root (a cgroup), its method and cost may be
 * "mixed".
 */
static int
replay_head(struct rline *l, json_t *o, bool set)
{
	struct snapshot	*s = l->s;
	const char	*str;
	uint64_t	 u = 0;
	int		 rc;

	if ((rc = rec_uint(l, o, "", "cycle", 1, STR_JSON_MAX_INT, &u)) != 0)
		return (rc == 1 ? rec_bad(l, "cycle: missing") : -1);
	s->cycle = (unsigned long)u;
	if ((rc = rec_uint(l, o, "", "pid", set ? 0 : 1, INT_MAX, &u)) != 0)
		return (rc == 1 ? rec_bad(l, "pid: missing") : -1);
	s->pid = (pid_t)u;
	if ((rc = rec_num(l, o, "", "time", 0, 1e18, &s->time)) != 0)
		return (rc == 1 ? rec_bad(l, "time: missing") : -1);
	if ((rc = rec_num(l, o, "", "interval", SNAPSHOT_MIN_INTERVAL,
	    SNAPSHOT_MAX_INTERVAL, &s->interval)) != 0)
		return (rc == 1 ? rec_bad(l, "interval: missing") : -1);
	str = json_string_value(json_object_get(o, "method"));
	if (!rec_method_ok(str))
		return (rec_bad(l, "method: not a method name"));
	snprintf(s->method, sizeof s->method, "%s", str);
	if (rec_comm(l, o) == -1 || replay_page_size(l, o) == -1)
		return (-1);
	if (rec_num(l, o, "", "clear_ms", 0, 1e18, &s->clear_ms) == -1 ||
	    rec_num(l, o, "", "scan_ms", 0, 1e18, &s->scan_ms) == -1 ||
	    rec_num(l, o, "", "clear_time", 0, 1e18, &s->clear_time) == -1 ||
	    rec_bool(l, o, "", "converged", &s->converged) == -1 ||
	    rec_bool(l, o, "", "exited", &s->exited) == -1 ||
	    rec_bool(l, o, "", "exec", &s->exec) == -1)
		return (-1);
	if (s->clear_time > s->time)
		return (rec_bad(l, "clear_time: %.6f is after the cycle's time "
		    "%.6f", s->clear_time, s->time));
	if (json_object_get(o, "precopy") != NULL &&
	    replay_precopy(l, json_object_get(o, "precopy")) == -1)
		return (-1);
	return (rec_cost(l, o, set));
}

/*
 * Round 0 of a pre-copy sends the resident pages; a recording made
 * before it said so sent the tracked ones, which it then counts as
 * resident.
 */
static int
replay_memory(struct rline *l)
{
	struct snapshot	*s = l->s;

	if (!s->has_precopy)
		return (0);
	if (!l->memory_given)
		s->precopy.memory_bytes = s->resident_pages * s->page_size;
	else if (s->precopy.memory_bytes != s->resident_pages * s->page_size)
		return (rec_bad(l, "precopy.memory_bytes: %" PRIu64 ", but the "
		    "%s hold %" PRIu64 " resident pages of %" PRIu64 " bytes",
		    s->precopy.memory_bytes, s->set != SNAP_SET_NONE ?
		    "processes" : "regions", s->resident_pages, s->page_size));
	return (0);
}

/*
 * The format of line o: 1 when it says none (sdtop wrote none before
 * sets), else 1 or 2; a newer one is refused, not half read.
 */
static int
replay_format(struct rline *l, json_t *o, uint64_t *format)
{
	int	 rc;

	*format = 1;
	if ((rc = rec_uint(l, o, "", "format", 1, STR_JSON_MAX_INT,
	    format)) == -1)
		return (-1);
	if (*format > REPLAY_FORMAT)
		return (rec_bad(l, "format: %" PRIu64 " is newer than this "
		    "sdtop reads (1..%d)", *format, REPLAY_FORMAT));
	return (0);
}

/* The VMAs of a single-process line o and the totals they make. */
static int
replay_single(struct rline *l, json_t *o, json_t *vmas)
{
	size_t	 i;

	if (l->s->exited && l->s->nvma != 0)
		return (rec_bad(l, "vmas: a cycle whose process exited has no "
		    "regions"));
	for (i = 0; i < l->s->nvma; i++) {
		if (rec_vma(l, i, json_array_get(vmas, i)) == -1)
			return (-1);
	}
	snapshot_count(l->s);
	return (rec_totals(l, o));
}

int
replay_parse_line(const char *line, struct snapshot **out, char **cause)
{
	struct rline	 l;
	json_error_t	 jerr;
	json_t		*o, *vmas, *set;
	char		*text;
	uint64_t	 format;

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
		rec_bad(&l, "expected a JSON object");
		goto fail;
	}
	if (replay_format(&l, o, &format) == -1)
		goto fail;
	l.backing = format >= 2;
	set = json_object_get(o, "set");
	vmas = json_object_get(o, "vmas");
	if (set != NULL && format < 2) {
		rec_bad(&l, "set: a set of processes is of format 2, not 1");
		goto fail;
	}
	if (vmas != NULL && !json_is_array(vmas)) {
		rec_bad(&l, "vmas: not an array");
		goto fail;
	}
	if (set != NULL && vmas != NULL) {
		rec_bad(&l, "vmas: a set's regions are in its processes");
		goto fail;
	}
	if ((l.s = snapshot_new(json_array_size(vmas))) == NULL) {
		rec_bad(&l, "out of memory");
		goto fail;
	}
	if (replay_head(&l, o, set != NULL) == -1 ||
	    (set != NULL ? replay_set_parse(&l, o) :
	    replay_single(&l, o, vmas)) == -1 || replay_memory(&l) == -1)
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
