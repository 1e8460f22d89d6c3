/*
 * replay-pftrace.c - a tracepgfault trace read as a recording, one
 * snapshot per window of trace time, streamed: only the current layout of
 * the first process and the pages that faulted in the current window are
 * held, never the whole trace.
 *
 * Window k (1-based) covers trace times [(k-1)W, kW) nanoseconds, W the
 * window. Records are taken in file order: a window closes when the first
 * record timed at or after its end is read. The snapshot of window k
 * shows the regions alive at its end, every one tracked (its page set
 * holds only the pages that faulted in the window), pages
 * being of the trace's page size, a page marked written when a fault of
 * any kind (read, write, exec, unknown) completed on it in the window.
 * No region is "new": that flag means "not judged this cycle" (a live
 * method cannot tell the writes to a region born since its clear), while
 * a trace has every fault of a region added in the window, which it
 * shows and counts. The layout is pftrace-regions.c's, which places
 * each fault as it does for tracepgfault --report: in the region holding
 * its address then, or in [stack] growing; a fault in no region is not
 * shown. Faults are remembered as (region id, page number) pairs, so
 * that a region resized, split or merged in the window keeps the pages
 * that faulted in it.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "cause.h"
#include "history.h"
#include "pageset.h"
#include "pftrace-format.h"
#include "pftrace-read.h"
#include "pftrace-regions.h"
#include "replay-pftrace.h"
#include "snapshot.h"

/* One page that faulted, in region id. */
struct pft_fault {
	uint64_t	 id;
	uint64_t	 page;		/* address >> the trace's page shift */
};

struct replay_pftrace {
	FILE			*f;
	const char		*path;		/* for messages */
	double			 window;	/* seconds per snapshot */
	struct pftrace_reader	 rd;
	bool			 rd_open;
	off_t			 pos;		/* where the stream stopped */
	uint64_t		 window_ns;

	int			 pid;		/* the first process; 0 before */
	int			 threads;	/* its live threads */
	char			 comm[32];
	bool			 exited;	/* its last thread has gone */
	bool			 done;		/* the exited snapshot is out */
	unsigned long		 served;	/* snapshots read so far */
	bool			 failed;	/* the last read failed */

	struct pfregions	 reg;		/* the first process's layout */

	struct pft_fault	*fl;		/* this window's faults */
	size_t			 nfl, capfl;

	unsigned long		 cur;		/* the window being read */
	struct pf_rec		 pending;	/* read, of a later window */
	bool			 have_pending;
	struct history		 hist;
};

/* Reset the state to just before the first record after the header. */
static void
pft_reset(struct replay_pftrace *p)
{
	pfregions_free(&p->reg);
	p->nfl = 0;
	p->pid = 0;
	p->threads = 0;
	p->exited = p->done = false;
	p->served = 0;
	p->cur = 1;
	if (p->have_pending)
		pftrace_rec_free(&p->pending);
	p->have_pending = false;
	history_reset(&p->hist);
}

/* Open the reader at the start of p->f: the header line is checked. */
static int
pft_start(struct replay_pftrace *p, char **cause)
{
	char			*why = NULL;

	if (p->rd_open) {
		pftrace_reader_close(&p->rd);
		p->rd_open = false;
	}
	if (pftrace_reader_open(&p->rd, p->f, &why) == -1) {
		*cause = cause_fmt("%s:%s", p->path, why);
		free(why);
		return (-1);
	}
	p->rd_open = true;
	pft_reset(p);
	p->pos = ftello(p->f);
	return (0);
}

struct replay_pftrace *
replay_pftrace_open(FILE *f, const char *path, double window, char **cause)
{
	struct replay_pftrace	*p;

	if ((p = calloc(1, sizeof *p)) == NULL) {
		*cause = cause_fmt("out of memory");
		return (NULL);
	}
	p->f = f;
	p->path = path;
	p->window = window;
	history_init(&p->hist, HISTORY_WINDOW, HISTORY_TOLERANCE);
	p->window_ns = (uint64_t)(p->window * 1e9 + 0.5);
	if (p->window_ns == 0)
		p->window_ns = 1;
	if (pft_start(p, cause) == -1) {
		replay_pftrace_close(p);
		return (NULL);
	}
	return (p);
}

void
replay_pftrace_close(struct replay_pftrace *p)
{

	if (p == NULL)
		return;
	pft_reset(p);
	if (p->rd_open)
		pftrace_reader_close(&p->rd);
	history_free(&p->hist);
	free(p->fl);
	free(p);
}

/* "FILE:LINE: reason" for the line last read. */
static char *
pft_error(struct replay_pftrace *p, const char *why)
{
	return (cause_fmt("%s:%lu: %s", p->path, p->rd.line, why));
}

/* The window (1-based) of a trace time. */
static unsigned long
pft_window_of(const struct replay_pftrace *p, uint64_t t)
{
	return ((unsigned long)(t / p->window_ns) + 1);
}

static int
pft_fault_cmp(const void *a, const void *b)
{
	const struct pft_fault	*x = a, *y = b;

	if (x->id != y->id)
		return (x->id < y->id ? -1 : 1);
	return (x->page < y->page ? -1 : x->page > y->page);
}

/* Sort the window's faults and drop repeats. */
static void
pft_faults_compact(struct replay_pftrace *p)
{
	size_t	i, n = 0;

	if (p->nfl < 2)
		return;
	qsort(p->fl, p->nfl, sizeof *p->fl, pft_fault_cmp);
	for (i = 0; i < p->nfl; i++) {
		if (n > 0 && pft_fault_cmp(&p->fl[n - 1], &p->fl[i]) == 0)
			continue;
		p->fl[n++] = p->fl[i];
	}
	p->nfl = n;
}

/* Remember a fault; when full, drop repeats before growing. */
static int
pft_fault_push(struct replay_pftrace *p, uint64_t id, uint64_t page)
{
	struct pft_fault	*v;

	if (p->nfl == p->capfl) {
		if (p->nfl > 0)
			pft_faults_compact(p);
		if (p->capfl == 0 || p->nfl > p->capfl / 4 * 3) {
			v = array_reserve(p->fl, p->capfl + 1, &p->capfl,
			    sizeof *v);
			if (v == NULL)
				return (-1);
			p->fl = v;
		}
	}
	p->fl[p->nfl++] = (struct pft_fault){ id, page };
	return (0);
}

/* Give the faults of region from in pages [lo, hi) to region to. */
static void
pft_faults_move(struct replay_pftrace *p, uint64_t from, uint64_t to,
    uint64_t lo, uint64_t hi)
{
	size_t	i;

	for (i = 0; i < p->nfl; i++) {
		if (p->fl[i].id == from && p->fl[i].page >= lo &&
		    p->fl[i].page < hi)
			p->fl[i].id = to;
	}
}

/*
 * Apply a region record of the first process to its layout; the faults
 * of the window follow a region split off (add) or merged (remove). The
 * removes of the process's exit are not applied: the last snapshot shows
 * the layout the process died with.
 */
static int
pft_layout(struct replay_pftrace *p, const struct pf_rec *rec, char **cause)
{
	unsigned		 shift = p->rd.check.page_shift;
	int			 rc;

	switch (rec->type) {
	case PFR_ADD:
		if ((rc = pfregions_add(&p->reg, rec)) == 0 && rec->link != 0)
			pft_faults_move(p, rec->link, rec->id,
			    rec->vma.start >> shift, rec->vma.end >> shift);
		break;
	case PFR_CHANGE:
		rc = pfregions_change(&p->reg, rec);
		break;
	default:
		if (strcmp(rec->cause, "exit") == 0)
			return (0);
		if ((rc = pfregions_remove(&p->reg, rec, NULL)) == 0 &&
		    rec->link != 0)
			pft_faults_move(p, rec->id, rec->link, 0, UINT64_MAX);
		break;
	}
	if (rc == 0)
		return (0);
	if (errno == ENOMEM)
		*cause = pft_error(p, "out of memory");
	else if (rec->type == PFR_ADD)
		*cause = pft_error(p, "a region id added twice");
	else if (rec->type == PFR_CHANGE)
		*cause = pft_error(p, "a change of a region that is not there");
	else
		*cause = pft_error(p, "a remove of a region that is not there");
	return (-1);
}

/* Apply one record (of the current window) to the state. */
static int
pft_apply(struct replay_pftrace *p, const struct pf_rec *rec, char **cause)
{
	struct pfregion		*g;
	const char		*s, *e, *slash;

	if (rec->type == PFR_INFO) {
		/* The reader has taken and checked page_size. */
		if (strcmp(rec->key, "command") == 0) {
			/* The name of the program, as the kernel's comm. */
			s = rec->value;
			e = s + strcspn(s, " ");
			for (slash = s; slash < e; slash++) {
				if (*slash == '/')
					s = slash + 1;
			}
			snprintf(p->comm, 16, "%.*s", (int)(e - s), s);
		}
		return (0);
	}
	if (rec->type == PFR_PROC) {
		if (p->pid == 0)
			p->pid = rec->pid;
		return (0);
	}
	if (p->pid == 0 || rec->pid != p->pid || p->exited)
		return (0);
	switch (rec->type) {
	case PFR_THREAD:
		p->threads++;
		return (0);
	case PFR_EXIT:
		if (--p->threads <= 0)
			p->exited = true;
		return (0);
	case PFR_ADD:
	case PFR_CHANGE:
	case PFR_REMOVE:
		return (pft_layout(p, rec, cause));
	case PFR_FAULT:
		/* A fault that did not complete touched no page. */
		if (rec->sev == PF_SEV_NONE)
			return (0);
		g = pfregions_place(&p->reg, p->pid, rec->addr,
		    p->rd.check.page_size);
		if (g == NULL)
			return (0);
		if (pft_fault_push(p, g->id,
		    rec->addr >> p->rd.check.page_shift) == -1) {
			*cause = pft_error(p, "out of memory");
			return (-1);
		}
		return (0);
	default:
		return (0);
	}
}

/* Mark the faults of this window in region g (sv of the snapshot); -1. */
static int
pft_mark(struct replay_pftrace *p, struct snap_vma *sv,
    const struct pfregion *g)
{
	struct pft_fault	 key;
	size_t			 lo = 0, hi = p->nfl, mid;
	uint64_t		 first, last;
	unsigned		 shift = p->rd.check.page_shift;

	first = g->vma.start >> shift;
	last = g->vma.end >> shift;
	key = (struct pft_fault){ g->id, first };
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (pft_fault_cmp(&p->fl[mid], &key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < p->nfl && p->fl[lo].id == g->id &&
	    p->fl[lo].page < last; lo++)
		if (pageset_add(sv->written, p->fl[lo].page - first) == -1)
			return (-1);
	return (0);
}

/*
 * The snapshot of the current window (NULL when build is false), then
 * start the next window. -1 only when out of memory.
 */
static int
pft_close_window(struct replay_pftrace *p, bool build, struct snapshot **out)
{
	struct snapshot		*s = NULL;
	const struct pfregion	*reg, *g;
	size_t			 i, n;

	*out = NULL;
	if (!build)
		goto next;
	reg = pfregions_live(&p->reg, p->pid, &n);
	pft_faults_compact(p);
	if ((s = snapshot_new(n)) == NULL)
		return (-1);
	s->cycle = p->cur;
	s->pid = p->pid;
	snprintf(s->comm, sizeof s->comm, "%s", p->comm);
	snprintf(s->method, sizeof s->method, "faults");
	s->interval = p->window;
	s->time = (double)p->cur * p->window;
	s->page_size = p->rd.check.page_size;
	for (i = 0; i < n; i++) {
		g = &reg[i];
		if (snapshot_set_vma(s, i, &g->vma, true, false) == -1 ||
		    pft_mark(p, &s->vmas[i], g) == -1) {
			snapshot_free(s);
			return (-1);
		}
	}
	snapshot_count(s);
	if (history_push(&p->hist, s->dirty_pages) == -1) {
		snapshot_free(s);
		return (-1);
	}
	s->converged = history_converged(&p->hist);
	*out = s;
next:
	p->nfl = 0;
	p->cur++;
	return (0);
}

/* The snapshot that says the first process has gone. */
static struct snapshot *
pft_exited(struct replay_pftrace *p)
{
	struct snapshot		*s;

	if ((s = snapshot_new(0)) == NULL)
		return (NULL);
	s->cycle = p->cur;
	s->pid = p->pid;
	snprintf(s->comm, sizeof s->comm, "%s", p->comm);
	snprintf(s->method, sizeof s->method, "faults");
	s->interval = p->window;
	s->time = (double)(p->cur - 1) * p->window;
	s->exited = true;
	return (s);
}

/*
 * Read on to the next snapshot: 1 with *out (NULL when build is false),
 * 0 when there is none left, -1 with *cause.
 */
static int
pft_step(struct replay_pftrace *p, bool build, struct snapshot **out, char **cause)
{
	struct pf_rec		 rec;
	char			*why;
	int			 rc;

	*out = NULL;
	if (p->done)
		goto drain;
	if (p->exited) {
		/* The window of the exit is out: say the process has gone. */
		p->done = true;
		if (build && (*out = pft_exited(p)) == NULL)
			goto nomem;
		return (1);
	}
	for (;;) {
		if (p->have_pending) {
			rec = p->pending;
			p->have_pending = false;
		} else if ((rc = pftrace_read(&p->rd, &rec, cause)) != 1) {
			if (rc == 0)
				*cause = cause_fmt("%lu: end: the trace ends "
				    "early", p->rd.line);
			goto bad;
		}
		if (p->pid != 0 && rec.type != PFR_INFO &&
		    pft_window_of(p, rec.time) > REPLAY_PFTRACE_MAX_WINDOWS) {
			pftrace_rec_free(&rec);
			*cause = cause_fmt("%s:%lu: time: %" PRIu64 " ns is past "
			    "window %lu of %g s (a longer --interval makes "
			    "fewer)", p->path, p->rd.line, rec.time,
			    (unsigned long)REPLAY_PFTRACE_MAX_WINDOWS,
			    p->window);
			return (-1);
		}
		if (p->pid != 0 && rec.type != PFR_INFO &&
		    pft_window_of(p, rec.time) > p->cur) {
			/* The current window is over; keep the record. */
			p->pending = rec;
			p->have_pending = true;
			break;
		}
		if (rec.type == PFR_END) {
			pftrace_rec_free(&rec);
			if (p->pid == 0) {
				*cause = pft_error(p, "the trace records no "
				    "process");
				return (-1);
			}
			/* Still there at the end: it has gone with it. */
			p->exited = true;
			break;
		}
		rc = pft_apply(p, &rec, cause);
		pftrace_rec_free(&rec);
		if (rc == -1)
			return (-1);
		if (p->exited)
			break;
	}
	if (pft_close_window(p, build, out) == -1)
		goto nomem;
	return (1);

drain:
	/* After the last snapshot: check the rest of the file. */
	while ((rc = pftrace_read(&p->rd, &rec, cause)) == 1)
		pftrace_rec_free(&rec);
	if (rc == 0)
		return (0);
bad:
	why = *cause;
	*cause = cause_fmt("%s:%s", p->path, why);
	free(why);
	return (-1);
nomem:
	*cause = pft_error(p, "out of memory");
	return (-1);
}

int
replay_pftrace_next(struct replay_pftrace *p, unsigned long want,
    struct snapshot **out, char **cause)
{
	struct snapshot		*skip;
	int			 rc;

	*out = NULL;
	if (want <= p->served || p->failed) {
		/*
		 * An earlier window, or any after a failure (the reader's
		 * state is not the trace's): read again from the start.
		 */
		p->failed = false;
		if (fseeko(p->f, 0, SEEK_SET) == -1) {
			*cause = cause_errno(errno, "%s", p->path);
			return (-1);
		}
		if (pft_start(p, cause) == -1)
			return (-1);
	} else if (ftello(p->f) != p->pos &&
	    fseeko(p->f, p->pos, SEEK_SET) == -1) {
		*cause = cause_errno(errno, "%s", p->path);
		return (-1);
	}
	while (p->served + 1 < want) {
		if ((rc = pft_step(p, false, &skip, cause)) != 1) {
			p->failed = rc == -1;
			return (rc);
		}
		p->served++;
	}
	if ((rc = pft_step(p, true, out, cause)) == 1)
		p->served++;
	p->failed = rc == -1;
	p->pos = ftello(p->f);
	return (rc);
}
