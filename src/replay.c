/*
 * replay.c - read a recording (JSON Lines, as written by out_json()) back
 * into snapshots. Every field is checked: a malformed file is an error
 * naming its line, never a crash or a wrong picture.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "bitmap.h"
#include "proc.h"
#include "replay.h"
#include "replay-pftrace.h"
#include "snapshot.h"

/*
 * Open path; a file whose first line starts with 't' (a JSON object
 * starts with '{') is read as a page-fault trace, which checks the rest
 * of that line. Only one byte is looked at so that a pipe works too.
 */
int
replay_open_window(struct replay *r, const char *path, double window,
    char **cause)
{
	int	c;

	memset(r, 0, sizeof *r);
	r->window = window > 0 ? window : 1;
	if ((r->f = fopen(path, "r")) == NULL) {
		*cause = cause_errno(errno, "cannot open %s", path);
		return (-1);
	}
	if ((r->path = strdup(path)) == NULL) {
		*cause = cause_fmt("out of memory");
		replay_close(r);
		return (-1);
	}
	if ((c = getc(r->f)) != EOF && ungetc(c, r->f) == EOF) {
		*cause = cause_errno(errno, "cannot read %s", path);
		replay_close(r);
		return (-1);
	}
	if (c == 't' && replay_pftrace_open(r, cause) == -1) {
		replay_close(r);
		return (-1);
	}
	return (0);
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
		replay_pftrace_close(r);
	if (r->f != NULL)
		fclose(r->f);
	free(r->path);
	memset(r, 0, sizeof *r);
}

/* Parse "0x..." into *v; -1 if it is not a hex string. */
static int
parse_addr(json_t *j, uint64_t *v)
{
	const char	*s = json_string_value(j);
	char		*end;

	if (s == NULL || strncmp(s, "0x", 2) != 0 || s[2] == '\0')
		return (-1);
	errno = 0;
	*v = strtoull(s + 2, &end, 16);
	return (*end != '\0' || errno != 0 ? -1 : 0);
}

/* An integer member >= 0, or -1. */
static int
get_uint(json_t *o, const char *key, uint64_t *v)
{
	json_t	*j = json_object_get(o, key);

	if (!json_is_integer(j) || json_integer_value(j) < 0)
		return (-1);
	*v = (uint64_t)json_integer_value(j);
	return (0);
}

/* A number member (integer or real), or -1. */
static int
get_num(json_t *o, const char *key, double *v)
{
	json_t	*j = json_object_get(o, key);

	if (!json_is_number(j))
		return (-1);
	*v = json_number_value(j);
	return (0);
}

/* A boolean member, false when absent; -1 when of another type. */
static int
get_bool(json_t *o, const char *key, bool *v)
{
	json_t	*j = json_object_get(o, key);

	if (j == NULL) {
		*v = false;
		return (0);
	}
	if (!json_is_boolean(j))
		return (-1);
	*v = json_is_true(j);
	return (0);
}

/* Fill VMA i of s from its JSON object; *why names the problem. */
static int
replay_vma(struct snapshot *s, size_t i, json_t *o, const char **why)
{
	struct snap_vma	*sv = &s->vmas[i];
	struct vma	 v = { 0 };
	json_t		*j, *range;
	const char	*str;
	uint64_t	 pages, lo, hi, first, last;
	bool		 tracked, is_new;
	size_t		 k;

	if (!json_is_object(o))
		return (*why = "a VMA is not an object", -1);
	if (parse_addr(json_object_get(o, "start"), &v.start) == -1 ||
	    parse_addr(json_object_get(o, "end"), &v.end) == -1)
		return (*why = "a VMA has a bad start or end", -1);
	if (v.end <= v.start || v.start % s->page_size != 0 ||
	    v.end % s->page_size != 0)
		return (*why = "a VMA range is empty or not page-aligned", -1);
	str = json_string_value(json_object_get(o, "perms"));
	if (str == NULL || strlen(str) != 4)
		return (*why = "a VMA has bad perms", -1);
	memcpy(v.perms, str, 5);
	v.prot = (str[0] == 'r' ? VMA_READ : 0) |
	    (str[1] == 'w' ? VMA_WRITE : 0) | (str[2] == 'x' ? VMA_EXEC : 0) |
	    (str[3] == 's' ? VMA_SHARED : 0);
	str = json_string_value(json_object_get(o, "name"));
	if (str == NULL)
		return (*why = "a VMA has no name string", -1);
	v.name = (char *)str;
	if (get_uint(o, "pages", &pages) == -1 ||
	    pages != (v.end - v.start) / s->page_size)
		return (*why = "a VMA's pages do not match its range", -1);
	if (get_bool(o, "tracked", &tracked) == -1 ||
	    get_bool(o, "new", &is_new) == -1 ||
	    get_bool(o, "deleted", &v.deleted) == -1)
		return (*why = "a VMA flag is not a boolean", -1);
	if (snapshot_set_vma(s, i, &v, tracked, is_new) == -1)
		return (*why = "out of memory", -1);

	j = json_object_get(o, "dirty");
	if (j != NULL && !json_is_array(j))
		return (*why = "a VMA's dirty is not an array", -1);
	json_array_foreach(j, k, range) {
		if (!json_is_array(range) || json_array_size(range) != 2 ||
		    parse_addr(json_array_get(range, 0), &lo) == -1 ||
		    parse_addr(json_array_get(range, 1), &hi) == -1)
			return (*why = "a dirty range is not [\"0x..\",\"0x..\"]",
			    -1);
		if (lo >= hi || lo < v.start || hi > v.end ||
		    lo % s->page_size != 0 || hi % s->page_size != 0)
			return (*why = "a dirty range lies outside its VMA", -1);
		if (sv->written == NULL)
			return (*why = "an untracked VMA has dirty pages", -1);
		first = (lo - v.start) / s->page_size;
		last = (hi - v.start) / s->page_size;
		bitmap_set_range(sv->written, first, last);
	}
	return (0);
}

/* Fill the pre-copy estimate from its object. */
static int
replay_precopy(struct snapshot *s, json_t *o)
{
	struct precopy	*p = &s->precopy;
	uint64_t	 rounds = 0;

	if (!json_is_object(o) ||
	    get_num(o, "bandwidth_bps", &p->bandwidth_bps) == -1 ||
	    get_num(o, "dirty_rate_bps", &p->dirty_rate_bps) == -1 ||
	    get_bool(o, "converges", &p->converges) == -1)
		return (-1);
	if (get_num(o, "downtime_ms", &p->downtime_ms) == -1)
		p->downtime_ms = -1;
	if (get_num(o, "total_ms", &p->total_ms) == -1)
		p->total_ms = -1;
	(void)get_uint(o, "rounds", &rounds);
	p->rounds = (unsigned)rounds;
	(void)get_uint(o, "sent_bytes", &p->sent_bytes);
	s->has_precopy = true;
	return (0);
}

int
replay_parse_line(const char *line, struct snapshot **out, char **cause)
{
	struct snapshot	*s = NULL;
	json_error_t	 jerr;
	json_t		*o, *vmas;
	const char	*str, *why = NULL;
	uint64_t	 u;
	size_t		 i;
	int64_t		 pid;

	*out = NULL;
	if ((o = json_loads(line, JSON_REJECT_DUPLICATES, &jerr)) == NULL) {
		*cause = cause_fmt("column %d: %s", jerr.column, jerr.text);
		return (-1);
	}
	if (!json_is_object(o)) {
		why = "expected a JSON object";
		goto bad;
	}
	vmas = json_object_get(o, "vmas");
	if (vmas != NULL && !json_is_array(vmas)) {
		why = "\"vmas\" is not an array";
		goto bad;
	}
	if ((s = snapshot_new(json_array_size(vmas))) == NULL) {
		why = "out of memory";
		goto bad;
	}
	if (get_uint(o, "cycle", &u) == -1 || u == 0) {
		why = "missing or bad \"cycle\"";
		goto bad;
	}
	s->cycle = (unsigned long)u;
	if (!json_is_integer(json_object_get(o, "pid")) ||
	    (pid = json_integer_value(json_object_get(o, "pid"))) <= 0) {
		why = "missing or bad \"pid\"";
		goto bad;
	}
	s->pid = (pid_t)pid;
	if (get_num(o, "time", &s->time) == -1 ||
	    get_num(o, "interval", &s->interval) == -1) {
		why = "missing or bad \"time\" or \"interval\"";
		goto bad;
	}
	str = json_string_value(json_object_get(o, "method"));
	if (str == NULL) {
		why = "missing \"method\"";
		goto bad;
	}
	snprintf(s->method, sizeof s->method, "%s", str);
	str = json_string_value(json_object_get(o, "comm"));
	snprintf(s->comm, sizeof s->comm, "%s", str != NULL ? str : "");
	if (get_uint(o, "page_size", &s->page_size) == -1)
		s->page_size = 4096;
	if (s->page_size == 0 || (s->page_size & (s->page_size - 1)) != 0) {
		why = "bad \"page_size\"";
		goto bad;
	}
	(void)get_num(o, "clear_ms", &s->clear_ms);
	(void)get_num(o, "scan_ms", &s->scan_ms);
	if (get_bool(o, "converged", &s->converged) == -1 ||
	    get_bool(o, "exited", &s->exited) == -1) {
		why = "\"converged\" or \"exited\" is not a boolean";
		goto bad;
	}
	if (json_object_get(o, "precopy") != NULL &&
	    replay_precopy(s, json_object_get(o, "precopy")) == -1) {
		why = "bad \"precopy\" object";
		goto bad;
	}
	for (i = 0; i < s->nvma; i++) {
		if (replay_vma(s, i, json_array_get(vmas, i), &why) == -1)
			goto bad;
	}
	snapshot_count(s);
	json_decref(o);
	*out = s;
	return (0);

bad:
	*cause = cause_fmt("%s", why);
	snapshot_free(s);
	json_decref(o);
	return (-1);
}

int
replay_next(struct replay *r, struct snapshot **out, char **cause)
{
	char	*line = NULL, *why = NULL;
	size_t	 cap = 0;
	ssize_t	 n;

	*out = NULL;
	if (r->pft != NULL)
		return (replay_pftrace_next(r, out, cause));
	for (;;) {
		errno = 0;
		if ((n = getline(&line, &cap, r->f)) == -1) {
			free(line);
			if (ferror(r->f)) {
				*cause = cause_errno(errno ? errno : EIO,
				    "%s: cannot read", r->path);
				return (-1);
			}
			return (0);
		}
		r->line++;
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
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
	return (1);
}
