/*
 * source-replay.c - a recording or a trace (replay.h) as a source of
 * cycles, which the screen can step through both ways. Read so far, the
 * recording is a tape: where each cycle starts in the file, its count and
 * whether it had converged. Stepping back reads a cycle again from there
 * instead of keeping every snapshot in memory; the counts are the
 * history the screen shows.
 *
 * A recording that ends with an exit gives that snapshot once, when it is
 * read, and then no cycle more. Its cycles are not cleared (they were when
 * they were made), so there is no clear, restart or rescan.
 *
 * The cycles of a set of processes count the set's pages; its first
 * line names the set before any cycle is given, as a live set does.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "array.h"
#include "cause.h"
#include "history.h"
#include "replay.h"
#include "snapshot.h"
#include "source.h"
#include "source-replay.h"

/* A cycle read so far: where it starts and what the history needs. */
struct tape_cycle {
	off_t		 off;
	unsigned long	 line;
	bool		 converged;
};

struct tape {
	struct replay		 r;
	struct tape_cycle	*cycles;
	uint64_t		*counts;	/* dirty pages of each cycle */
	size_t			 n;
	size_t			 cap;
	size_t			 counts_cap;
	off_t			 end_off;	/* just past the last cycle read */
	unsigned long		 end_line;
	unsigned long		 end_cycle;	/* the number of that cycle */
	bool			 at_end;	/* the file is at end_off */
	bool			 eof;
	bool			 whole;		/* read on past an exit */
};

/* Append the place and count of a cycle just read; -1 if no memory. */
static int
tape_push(struct tape *t, off_t off, unsigned long line,
    const struct snapshot *s)
{
	void	*p;

	if ((p = array_reserve(t->cycles, t->n + 1, &t->cap,
	    sizeof *t->cycles)) == NULL)
		return (-1);
	t->cycles = p;
	if ((p = array_reserve(t->counts, t->n + 1, &t->counts_cap,
	    sizeof *t->counts)) == NULL)
		return (-1);
	t->counts = p;
	t->cycles[t->n].off = off;
	t->cycles[t->n].line = line;
	t->cycles[t->n].converged = s->converged;
	t->counts[t->n] = s->dirty_pages;
	t->n++;
	return (0);
}

/* Read cycle i again, from where it starts; 1 with *out, or -1. */
static int
tape_reread(struct tape *t, size_t i, struct snapshot **out, char **cause)
{
	int	rc;

	if (fseeko(t->r.f, t->cycles[i].off, SEEK_SET) == -1) {
		*cause = cause_errno(errno, "%s", t->r.path);
		return (-1);
	}
	t->at_end = false;
	t->r.line = t->cycles[i].line;
	/* Read before: its order was checked then. */
	t->r.last_cycle = 0;
	rc = replay_next(&t->r, out, cause);
	return (rc == 0 ? -1 : rc);
}

/*
 * Read the cycle after the last one read. 1 with *out (the snapshot of an
 * exit, which ends the tape, is not kept on it), 0 past the end, -1.
 */
static int
tape_read_on(struct source *src, struct tape *t, struct snapshot **out,
    char **cause)
{
	struct snapshot	*s = NULL;
	off_t		 off;
	unsigned long	 line;
	int		 rc;

	if (t->eof)
		return (0);
	if (!t->at_end && t->n > 0) {
		if (fseeko(t->r.f, t->end_off, SEEK_SET) == -1) {
			*cause = cause_errno(errno, "%s", t->r.path);
			return (-1);
		}
		t->r.line = t->end_line;
		t->r.last_cycle = t->end_cycle;
	}
	off = ftello(t->r.f);
	line = t->r.line;
	if ((rc = replay_next(&t->r, &s, cause)) <= 0) {
		t->eof = true;
		return (rc);
	}
	t->at_end = true;
	t->end_off = ftello(t->r.f);
	t->end_line = t->r.line;
	t->end_cycle = s->cycle;
	if (s->exited) {
		t->eof = !t->whole;
		src->exited = true;
	} else if (tape_push(t, off, line, s) == -1) {
		snapshot_free(s);
		*cause = cause_fmt("out of memory");
		return (-1);
	}
	*out = s;
	return (1);
}

/* Give cycle i (0-based); a cycle given moves the source there. */
static int
tape_give(struct source *src, size_t i, struct snapshot **out, char **cause)
{
	struct tape	*t = src->data;
	int		 rc;

	if (i < t->n)
		rc = tape_reread(t, i, out, cause);
	else if (i == t->n)
		rc = tape_read_on(src, t, out, cause);
	else
		rc = 0;
	if (rc == 1 && !(*out)->exited)
		src->at = i + 1;
	src->ncycles = t->n;
	return (rc);
}

static int
replay_src_next(struct source *src, struct snapshot **out, char **cause)
{
	return (tape_give(src, src->at, out, cause));
}

static int
replay_src_prev(struct source *src, struct snapshot **out, char **cause)
{
	if (src->at <= 1)
		return (0);
	return (tape_give(src, src->at - 2, out, cause));
}

static void
replay_src_history(const struct source *src, struct source_history *h)
{
	const struct tape	*t = src->data;
	size_t			 k;

	h->counts = t->counts;
	h->n = src->at;
	h->window = HISTORY_WINDOW;
	h->converged_at = -1;
	for (k = 0; k < src->at; k++) {
		if (t->cycles[k].converged) {
			h->converged_at = (long)k;
			break;
		}
	}
}

static char *
replay_src_close(struct source *src)
{
	struct tape	*t = src->data;

	replay_close(&t->r);
	free(t->cycles);
	free(t->counts);
	free(t);
	return (NULL);
}

static const struct source_ops replay_ops = {
	.name = "replay",
	.clear = NULL,
	.restart = NULL,
	.next = replay_src_next,
	.prev = replay_src_prev,
	.rescan = NULL,
	.set_interval = NULL,
	.history = replay_src_history,
	.close = replay_src_close,
};

/*
 * What a recording of a set is of, known before its first cycle is
 * given, as a live set's is: the first root and the set's name ("tree of
 * 1234 (make)", "cgroup /sys/fs/cgroup/app"). Its first line is read and
 * the file wound back; only a regular file can be. A line that fails is
 * refused again when it is read as a cycle.
 */
static int
tape_peek(struct source *src, struct tape *t, char **cause)
{
	struct snapshot	*s = NULL;
	struct stat	 st;
	char		*why = NULL;

	if (t->r.pft != NULL || fstat(fileno(t->r.f), &st) == -1 ||
	    !S_ISREG(st.st_mode))
		return (0);
	if (replay_next(&t->r, &s, &why) == 1 && s->set != SNAP_SET_NONE) {
		src->pid = s->nroots > 0 ? s->roots[0] : -1;
		snprintf(src->comm, sizeof src->comm, "%s", s->comm);
		src->set = true;
	}
	snapshot_free(s);
	free(why);
	t->r.line = 0;
	t->r.last_cycle = 0;
	if (fseeko(t->r.f, 0, SEEK_SET) == -1) {
		*cause = cause_errno(errno, "%s", t->r.path);
		return (-1);
	}
	return (0);
}

int
source_replay_open(struct source *src, const char *path, double window,
    bool whole, char **cause)
{
	struct tape	*t;

	memset(src, 0, sizeof *src);
	if ((t = calloc(1, sizeof *t)) == NULL) {
		*cause = cause_fmt("out of memory");
		return (-1);
	}
	if (replay_open_window(&t->r, path, window, cause) == -1) {
		free(t);
		return (-1);
	}
	t->at_end = true;
	t->whole = whole;
	src->ops = &replay_ops;
	src->data = t;
	src->path = t->r.path;
	src->pid = -1;
	if (tape_peek(src, t, cause) == -1) {
		replay_src_close(src);
		memset(src, 0, sizeof *src);
		return (-1);
	}
	return (0);
}
