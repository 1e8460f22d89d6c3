/*
 * replay-rec.h - reading one line of a recording (replay.h) into a
 * snapshot: the typed fields, checked against their bounds, and what a
 * single-process line and every process of a set's line hold alike (the
 * VMAs with their written and discarded ranges, the cost of watching,
 * the counts the VMAs must add up to). replay.c reads the line and its
 * cycle; replay-set.c a set's processes.
 *
 * A field is named in every reason as the line holds it, with the
 * prefix of the process it is in ("processes[2].vmas[0].dirty[1]: ...").
 * Pages are of the recording's page_size.
 */
#ifndef SDTOP_REPLAY_REC_H
#define SDTOP_REPLAY_REC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

struct snapshot;

/* The state of one line's parse: the snapshot and why it failed. */
struct rline {
	struct snapshot	*s;		/* filled now: the line's, or one of
					   its processes */
	uint64_t	 dirty;		/* written and discarded pages of the
					   whole line so far */
	bool		 memory_given;	/* precopy.memory_bytes was there */
	bool		 backing;	/* regions say what they map (format
					   2: offset, dev, inode) */
	char		 pre[40];	/* the field prefix of s: "" or
					   "processes[N]." */
	char		 why[320];	/* "FIELD: reason" */
};

/* Set the reason of a failure; returns -1. */
int	 rec_bad(struct rline *l, const char *fmt, ...)
	     __attribute__((format(printf, 2, 3)));

/*
 * An integer member key of o in [lo, hi] into *v: 0; 1 when absent (*v
 * kept); -1 with the reason naming the field (l->pre, pre as "vmas[2]."
 * or "", then key).
 */
int	 rec_uint(struct rline *l, json_t *o, const char *pre,
	     const char *key, uint64_t lo, uint64_t hi, uint64_t *v);
/* A number member in [lo, hi]: as rec_uint(). */
int	 rec_num(struct rline *l, json_t *o, const char *pre, const char *key,
	     double lo, double hi, double *v);
/* A boolean member, false when absent; -1 when of another type. */
int	 rec_bool(struct rline *l, json_t *o, const char *pre, const char *key,
	     bool *v);

/* A method name as sdtop writes them: [a-z0-9-], shorter than 16. */
bool	 rec_method_ok(const char *m);

/* "comm" of o into l->s (absent: empty); -1 when too long. */
int	 rec_comm(struct rline *l, json_t *o);

/*
 * Fill VMA i of l->s (sized, its page_size set) from its JSON object o,
 * with its written, discarded and resident pages.
 */
int	 rec_vma(struct rline *l, size_t i, json_t *o);

/*
 * Fill what watching cost l->s from "target_cost" (absent or null:
 * unknown) and "max_cost"; mixed allows the kind "mixed" (a set's).
 */
int	 rec_cost(struct rline *l, json_t *o, bool mixed);

/*
 * The member key of o, when there, must be have: -1 naming the field
 * and what holds have ("the regions", "the processes") when not.
 */
int	 rec_total(struct rline *l, json_t *o, const char *key, uint64_t have,
	     const char *what);

/* The totals of l->s (counted from its VMAs) against those o gives. */
int	 rec_totals(struct rline *l, json_t *o);

/*
 * Read the set line o (replay-set.c): its "set", its processes, each
 * read as a single-process line's VMAs are, and its totals, which must
 * be those snapshot_set_count() makes of them. l->s holds the cycle's
 * fields already.
 */
int	 replay_set_parse(struct rline *l, json_t *o);

#endif
