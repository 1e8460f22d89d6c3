/*
 * pftrace-check.h - the rules that hold between the records of a trace,
 * checked by the reader (pftrace_read()) on every record it returns, so
 * that every reader of the format (the report, the replay) gets records
 * it can use as they are: the page size is sane and said before any
 * region; addresses are aligned to it; region ids come in increasing
 * order (below 2^53, as JSON carries them) and name regions of the right
 * process that are still there; every record names a process that has
 * started; the end record counts the faults and the lost records. What
 * the checker keeps grows with the records read, never with a number a
 * record claims.
 */
#ifndef SDTOP_PFTRACE_CHECK_H
#define SDTOP_PFTRACE_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct pf_rec;

/* A region id the trace has given: its process and whether it lives. */
struct pftrace_id {
	uint64_t	 id;
	int		 pid;
	bool		 live;
};

/* A process the trace has started, and how many regions it has now. */
struct pftrace_pid {
	int		 pid;
	size_t		 live;
};

/* What the records of a trace so far said. */
struct pfcheck {
	uint64_t	 page_size;	/* bytes: the trace's, or this machine's */
	unsigned	 page_shift;
	bool		 page_given;	/* an info page_size was read */
	bool		 started;	/* a record other than info was read */
	uint64_t	 faults;	/* fault records read */
	uint64_t	 lost;		/* the counts of the lost records */
	struct pftrace_id *ids;		/* in increasing id order */
	size_t		 nids, capids;
	struct pftrace_pid *pids;	/* in increasing pid order */
	size_t		 npids, cappids;
};

/* Start checking a trace: this machine's page size until it says its own. */
void	 pfcheck_init(struct pfcheck *ck);

/*
 * Check r, just parsed, against the records before it and take it in.
 * 0, or -1 with "FIELD: reason" in why (size bytes).
 */
int	 pfcheck_record(struct pfcheck *ck, const struct pf_rec *r, char *why,
	     size_t size);

/* Free what the checker keeps. */
void	 pfcheck_free(struct pfcheck *ck);

#endif
