/*
 * pftrace-format.c - the records of the tracepgfault trace format,
 * version 1, their writer and the parser of one line: one record per
 * line, fields separated by one space, numbers in decimal except
 * addresses, offsets and device numbers (hex, as in /proc/PID/maps).
 * Times are nanoseconds since the start. A parse error names the field
 * ("addr: not a hex number"); pftrace-read.c adds the line.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "num.h"
#include "pftrace-format.h"

#define MAXFIELDS	16

void
pftrace_rec_free(struct pf_rec *r)
{
	free(r->vma.name);
	r->vma.name = NULL;
	free(r->value);
	r->value = NULL;
}

char
pftrace_kind_char(enum pf_kind k)
{
	switch (k) {
	case PF_KIND_READ:
		return ('r');
	case PF_KIND_WRITE:
		return ('w');
	case PF_KIND_EXEC:
		return ('x');
	default:
		return ('?');
	}
}

const char *
pftrace_kind_name(enum pf_kind k)
{
	switch (k) {
	case PF_KIND_READ:
		return ("read");
	case PF_KIND_WRITE:
		return ("write");
	case PF_KIND_EXEC:
		return ("exec");
	default:
		return ("unknown");
	}
}

char
pftrace_sev_char(enum pf_sev s)
{
	switch (s) {
	case PF_SEV_MINOR:
		return ('m');
	case PF_SEV_MAJOR:
		return ('M');
	case PF_SEV_NONE:
		return ('-');
	default:
		return ('?');
	}
}

int
pftrace_write_header(FILE *f)
{
	if (fprintf(f, "%s %d\n", PFTRACE_MAGIC, PFTRACE_VERSION) < 0)
		return (-1);
	return (0);
}

/* Write the geometry fields shared by add and change records. */
static int
write_geometry(FILE *f, const struct vma *v)
{
	return (fprintf(f, " %" PRIx64 " %" PRIx64 " %.4s %" PRIx64, v->start,
	    v->end, v->perms, v->offset));
}

int
pftrace_write(FILE *f, const struct pf_rec *r)
{
	const char	*name;
	int		 n;

	switch (r->type) {
	case PFR_INFO:
		n = fprintf(f, "info %s %s\n", r->key,
		    r->value != NULL ? r->value : "");
		break;
	case PFR_PROC:
		n = fprintf(f, "proc %" PRIu64 " %d %d %s\n", r->time, r->pid,
		    r->ppid, r->how);
		break;
	case PFR_THREAD:
		n = fprintf(f, "thread %" PRIu64 " %d %d %s\n", r->time,
		    r->pid, r->tid, r->how);
		break;
	case PFR_EXEC:
		n = fprintf(f, "exec %" PRIu64 " %d %d\n", r->time, r->pid,
		    r->tid);
		break;
	case PFR_ADD:
		name = r->vma.name != NULL ? r->vma.name : "";
		if (fprintf(f, "add %" PRIu64 " %d %d %s %" PRIu64 " %" PRIu64,
		    r->time, r->pid, r->tid, r->cause, r->id, r->link) < 0 ||
		    write_geometry(f, &r->vma) < 0)
			return (-1);
		n = fprintf(f, " %02x:%02x %" PRIu64 "%s%s%s\n",
		    r->vma.dev_major, r->vma.dev_minor, r->vma.inode,
		    *name != '\0' ? " " : "", name,
		    r->vma.deleted ? " (deleted)" : "");
		break;
	case PFR_CHANGE:
		if (fprintf(f, "change %" PRIu64 " %d %d %s %" PRIu64,
		    r->time, r->pid, r->tid, r->cause, r->id) < 0 ||
		    write_geometry(f, &r->vma) < 0)
			return (-1);
		n = fprintf(f, "\n");
		break;
	case PFR_REMOVE:
		n = fprintf(f, "remove %" PRIu64 " %d %d %s %" PRIu64 " %"
		    PRIu64 "\n", r->time, r->pid, r->tid, r->cause, r->id,
		    r->link);
		break;
	case PFR_FAULT:
		n = fprintf(f, "fault %" PRIu64 " %d %d %" PRIx64 " %" PRIx64
		    " %c %c\n", r->time, r->pid, r->tid, r->addr, r->ip,
		    pftrace_kind_char(r->kind), pftrace_sev_char(r->sev));
		break;
	case PFR_LOST:
		n = fprintf(f, "lost %" PRIu64 " %d %d %" PRIu64 "\n", r->time,
		    r->pid, r->tid, r->count);
		break;
	case PFR_EXIT:
		n = fprintf(f, "exit %" PRIu64 " %d %d %s %d\n", r->time,
		    r->pid, r->tid, r->how, r->status);
		break;
	case PFR_END:
		n = fprintf(f, "end %" PRIu64 " %" PRIu64 " %" PRIu64 "\n",
		    r->time, r->count, r->lost);
		break;
	default:
		errno = EINVAL;
		return (-1);
	}
	return (n < 0 ? -1 : 0);
}

/*
 * A whole token as an unsigned number in base: its digits, after "0x" or
 * "0X" in base 16. This reader has always taken what strtoull(3) takes
 * after a first character that is not a space or a sign: a token that
 * starts with another blank (a tab) may go on with blanks and a sign, and
 * a "-" wraps around. That is kept, so that no trace it read is refused.
 */
static bool
parse_u64(const char *s, int base, uint64_t *out)
{
	return (num_u64(s, base, 0, UINT64_MAX, out) == 0);
}

/* A whole token as a positive process or thread id (or 0 when zero_ok). */
static bool
parse_id(const char *s, int *out, bool zero_ok)
{
	uint64_t	v;

	if (!parse_u64(s, 10, &v) || v > INT32_MAX || (v == 0 && !zero_ok))
		return (false);
	*out = (int)v;
	return (true);
}

/* A token that fits in a small fixed buffer and holds only [a-z0-9_]. */
static bool
parse_word(const char *s, char *out, size_t size)
{
	size_t	i;

	if (*s == '\0' || strlen(s) >= size)
		return (false);
	for (i = 0; s[i] != '\0'; i++) {
		if ((s[i] < 'a' || s[i] > 'z') && (s[i] < '0' || s[i] > '9') &&
		    s[i] != '_')
			return (false);
	}
	memcpy(out, s, i + 1);
	return (true);
}

/* START END PERMS OFFSET at f[0..3]; -1 with *cause. */
static int
parse_geometry(char **f, struct vma *v, const char **cause)
{
	if (!parse_u64(f[0], 16, &v->start)) {
		*cause = "start: not a hex number";
		return (-1);
	}
	if (!parse_u64(f[1], 16, &v->end)) {
		*cause = "end: not a hex number";
		return (-1);
	}
	if (v->end <= v->start) {
		*cause = "end: not above start";
		return (-1);
	}
	if (strlen(f[2]) != 4 || !vma_set_perms(v, f[2])) {
		*cause = "perms: not four of r-, w-, x-, ps (e.g. rw-p)";
		return (-1);
	}
	if (!parse_u64(f[3], 16, &v->offset)) {
		*cause = "offset: not a hex number";
		return (-1);
	}
	return (0);
}

/*
 * Split line in place at single spaces into at most max fields; *rest is
 * what follows the last one, or NULL. Two spaces make an empty field.
 */
static size_t
split_fields(char *line, char **f, size_t max, char **rest)
{
	size_t	 n = 0;
	char	*p = line, *sp;

	*rest = NULL;
	if (*p == '\0')
		return (0);
	for (;;) {
		f[n++] = p;
		if ((sp = strchr(p, ' ')) == NULL)
			return (n);
		*sp = '\0';
		p = sp + 1;
		if (n == max) {
			*rest = p;
			return (n);
		}
	}
}

/* TIME PID TID common to most records at f[1..3]. */
static int
parse_time_pid_tid(char **f, struct pf_rec *r, const char **cause)
{
	if (!parse_u64(f[1], 10, &r->time)) {
		*cause = "time: not a decimal number";
		return (-1);
	}
	if (!parse_id(f[2], &r->pid, false)) {
		*cause = "pid: not a process id";
		return (-1);
	}
	if (!parse_id(f[3], &r->tid, false)) {
		*cause = "tid: not a thread id";
		return (-1);
	}
	return (0);
}

/* The add record's DEV INODE [NAME]: rest of the line. */
static int
parse_add_tail(char **f, char *rest, struct pf_rec *r, const char **cause)
{
	uint64_t	 maj, min;
	char		*colon;
	size_t		 len;
	const char	*suffix = " (deleted)";

	if ((colon = strchr(f[0], ':')) == NULL) {
		*cause = "dev: not MAJOR:MINOR in hex";
		return (-1);
	}
	*colon = '\0';
	if (!parse_u64(f[0], 16, &maj) || !parse_u64(colon + 1, 16, &min) ||
	    maj > 0xfff || min > 0xfffff) {
		*cause = "dev: not MAJOR:MINOR in hex";
		return (-1);
	}
	r->vma.dev_major = (unsigned int)maj;
	r->vma.dev_minor = (unsigned int)min;
	if (!parse_u64(f[1], 10, &r->vma.inode)) {
		*cause = "inode: not a decimal number";
		return (-1);
	}
	r->vma.name = strdup(rest != NULL ? rest : "");
	if (r->vma.name == NULL) {
		*cause = "out of memory";
		return (-1);
	}
	len = strlen(r->vma.name);
	if (len >= strlen(suffix) &&
	    strcmp(r->vma.name + len - strlen(suffix), suffix) == 0) {
		r->vma.deleted = true;
		r->vma.name[len - strlen(suffix)] = '\0';
	}
	return (0);
}

/* fault TIME PID TID ADDR IP KIND SEV */
static int
parse_fault(char **f, char *rest, struct pf_rec *r, const char **cause)
{
	(void)rest;
	if (parse_time_pid_tid(f, r, cause) != 0)
		return (-1);
	if (!parse_u64(f[4], 16, &r->addr)) {
		*cause = "addr: not a hex number";
		return (-1);
	}
	if (!parse_u64(f[5], 16, &r->ip)) {
		*cause = "ip: not a hex number";
		return (-1);
	}
	if (strlen(f[6]) != 1 || strchr("rwx?", f[6][0]) == NULL) {
		*cause = "kind: not r, w, x or ?";
		return (-1);
	}
	r->kind = f[6][0] == 'r' ? PF_KIND_READ : f[6][0] == 'w' ?
	    PF_KIND_WRITE : f[6][0] == 'x' ? PF_KIND_EXEC : PF_KIND_UNKNOWN;
	if (strlen(f[7]) != 1 || strchr("mM-?", f[7][0]) == NULL) {
		*cause = "sev: not m, M, - or ?";
		return (-1);
	}
	r->sev = f[7][0] == 'm' ? PF_SEV_MINOR : f[7][0] == 'M' ?
	    PF_SEV_MAJOR : f[7][0] == '-' ? PF_SEV_NONE : PF_SEV_UNKNOWN;
	return (0);
}

/* info KEY VALUE: the value is the rest of the line, spaces included. */
static int
parse_info(char **f, char *rest, struct pf_rec *r, const char **cause)
{
	if (!parse_word(f[1], r->key, sizeof r->key)) {
		*cause = "key: not a word of a-z, 0-9 and _";
		return (-1);
	}
	if ((r->value = strdup(rest != NULL ? rest : "")) == NULL) {
		*cause = "out of memory";
		return (-1);
	}
	return (0);
}

/* end TIME FAULTS LOST */
static int
parse_end(char **f, char *rest, struct pf_rec *r, const char **cause)
{
	(void)rest;
	if (!parse_u64(f[1], 10, &r->time)) {
		*cause = "time: not a decimal number";
		return (-1);
	}
	if (!parse_u64(f[2], 10, &r->count)) {
		*cause = "faults: not a decimal number";
		return (-1);
	}
	if (!parse_u64(f[3], 10, &r->lost)) {
		*cause = "lost: not a decimal number";
		return (-1);
	}
	return (0);
}

/* proc TIME PID PPID HOW */
static int
parse_proc(char **f, char *rest, struct pf_rec *r, const char **cause)
{
	(void)rest;
	if (!parse_u64(f[1], 10, &r->time)) {
		*cause = "time: not a decimal number";
		return (-1);
	}
	if (!parse_id(f[2], &r->pid, false)) {
		*cause = "pid: not a process id";
		return (-1);
	}
	if (!parse_id(f[3], &r->ppid, true)) {
		*cause = "ppid: not a process id";
		return (-1);
	}
	r->tid = r->pid;
	if (!parse_word(f[4], r->how, sizeof r->how)) {
		*cause = "how: not a word of a-z, 0-9 and _";
		return (-1);
	}
	return (0);
}

/* thread TIME PID TID HOW */
static int
parse_thread(char **f, char *rest, struct pf_rec *r, const char **cause)
{
	(void)rest;
	if (parse_time_pid_tid(f, r, cause) != 0)
		return (-1);
	if (!parse_word(f[4], r->how, sizeof r->how)) {
		*cause = "how: not a word of a-z, 0-9 and _";
		return (-1);
	}
	return (0);
}

/* exec TIME PID TID */
static int
parse_exec(char **f, char *rest, struct pf_rec *r, const char **cause)
{
	(void)rest;
	return (parse_time_pid_tid(f, r, cause));
}

/* exit TIME PID TID HOW STATUS */
static int
parse_exit(char **f, char *rest, struct pf_rec *r, const char **cause)
{
	(void)rest;
	if (parse_time_pid_tid(f, r, cause) != 0)
		return (-1);
	if (strcmp(f[4], "exited") != 0 &&
	    strcmp(f[4], "signal") != 0 && strcmp(f[4], "gone") != 0) {
		*cause = "how: not exited, signal or gone";
		return (-1);
	}
	strcpy(r->how, f[4]);
	if (!parse_id(f[5], &r->status, true)) {
		*cause = "status: not a whole number";
		return (-1);
	}
	return (0);
}

/* lost TIME PID TID COUNT */
static int
parse_lost(char **f, char *rest, struct pf_rec *r, const char **cause)
{
	(void)rest;
	if (parse_time_pid_tid(f, r, cause) != 0)
		return (-1);
	if (!parse_u64(f[4], 10, &r->count)) {
		*cause = "count: not a decimal number";
		return (-1);
	}
	return (0);
}

/* TIME PID TID CAUSE ID, the head of add, change and remove records. */
static int
parse_region_head(char **f, struct pf_rec *r, const char **cause)
{
	if (parse_time_pid_tid(f, r, cause) != 0)
		return (-1);
	if (!parse_word(f[4], r->cause, sizeof r->cause)) {
		*cause = "cause: not a word of a-z, 0-9 and _";
		return (-1);
	}
	if (!parse_u64(f[5], 10, &r->id) || r->id == 0) {
		*cause = "id: not a region id (a decimal number above 0)";
		return (-1);
	}
	return (0);
}

/* remove TIME PID TID CAUSE ID INTO */
static int
parse_remove(char **f, char *rest, struct pf_rec *r, const char **cause)
{
	(void)rest;
	if (parse_region_head(f, r, cause) != 0)
		return (-1);
	if (!parse_u64(f[6], 10, &r->link)) {
		*cause = "into: not a decimal number";
		return (-1);
	}
	return (0);
}

/* change TIME PID TID CAUSE ID START END PERMS OFFSET */
static int
parse_change(char **f, char *rest, struct pf_rec *r, const char **cause)
{
	(void)rest;
	if (parse_region_head(f, r, cause) != 0)
		return (-1);
	return (parse_geometry(f + 6, &r->vma, cause));
}

/* add TIME PID TID CAUSE ID PARENT START END PERMS OFFSET DEV INODE [NAME] */
static int
parse_add(char **f, char *rest, struct pf_rec *r, const char **cause)
{
	if (parse_region_head(f, r, cause) != 0)
		return (-1);
	if (!parse_u64(f[6], 10, &r->link)) {
		*cause = "parent: not a decimal number";
		return (-1);
	}
	if (parse_geometry(f + 7, &r->vma, cause) != 0)
		return (-1);
	return (parse_add_tail(f + 11, rest, r, cause));
}

/*
 * Each record type: its word, its number of fields (the word included),
 * whether text may follow them, and the parser of those fields.
 */
static const struct rec_kind {
	const char	*name;
	size_t		 fields;
	bool		 rest;
	int		(*parse)(char **, char *, struct pf_rec *,
			    const char **);
} rec_kinds[] = {
	[PFR_INFO] = { "info", 2, true, parse_info },
	[PFR_PROC] = { "proc", 5, false, parse_proc },
	[PFR_THREAD] = { "thread", 5, false, parse_thread },
	[PFR_EXEC] = { "exec", 4, false, parse_exec },
	[PFR_ADD] = { "add", 13, true, parse_add },
	[PFR_CHANGE] = { "change", 10, false, parse_change },
	[PFR_REMOVE] = { "remove", 7, false, parse_remove },
	[PFR_FAULT] = { "fault", 8, false, parse_fault },
	[PFR_LOST] = { "lost", 5, false, parse_lost },
	[PFR_EXIT] = { "exit", 6, false, parse_exit },
	[PFR_END] = { "end", 4, false, parse_end },
};

int
pftrace_parse_line(char *line, struct pf_rec *r, const char **cause)
{
	const struct rec_kind	*k = NULL;
	char			*f[MAXFIELDS], *rest;
	size_t			 len, i;

	memset(r, 0, sizeof *r);
	len = strcspn(line, " ");
	for (i = 0; i < sizeof rec_kinds / sizeof rec_kinds[0]; i++) {
		if (strlen(rec_kinds[i].name) == len &&
		    strncmp(line, rec_kinds[i].name, len) == 0) {
			k = &rec_kinds[i];
			r->type = (enum pf_rec_type)i;
		}
	}
	if (k == NULL) {
		*cause = len == 0 ? "type: empty record" :
		    "type: not a record type";
		return (-1);
	}
	if (split_fields(line, f, k->fields, &rest) < k->fields) {
		*cause = "fields: too few";
		return (-1);
	}
	if (!k->rest && rest != NULL) {
		*cause = "fields: too many";
		return (-1);
	}
	return (k->parse(f, rest, r, cause));
}
