/*
 * pftrace-report.h - read a tracepgfault trace and print, per region that
 * existed, one character per page (X: a fault happened there) in the
 * course format, with its life and its fault counts; or a timeline of
 * faults per interval; or all of it as JSON.
 *
 * Times are nanoseconds since the start; rows are in pages.
 */
#ifndef SDTOP_PFTRACE_REPORT_H
#define SDTOP_PFTRACE_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "pftrace-perms.h"
#include "proc-maps.h"

struct pfreport_options {
	uint64_t	 from;		/* faults at or after this time */
	uint64_t	 to;		/* faults before this time; UINT64_MAX */
	int		 tid;		/* faults of this thread only; 0 all */
	int		 pid;		/* regions of this process only; 0 all */
	bool		 writes;	/* write faults only */
	uint64_t	 timeline;	/* interval of the timeline; 0 none */
	bool		 json;
};

/* One fault kept for the report: when, which page of the row. */
struct pfrep_fault {
	uint64_t	 time;
	uint64_t	 page;		/* page index from the row's start */
};

/* One region identity through its life. */
struct pfrep_region {
	uint64_t	 id;
	int		 pid;
	struct vma	 vma;		/* its last geometry; owns its name */
	uint64_t	 lo, hi;	/* the span of every geometry it had */
	uint64_t	 added, removed; /* ns; removed UINT64_MAX if never */
	char		 added_by[16], removed_by[16];
	uint64_t	 parent;	/* split from; 0 */
	uint64_t	 into;		/* merged into; 0 */
	unsigned int	 changes;	/* change records */
	bool		 live;
	uint64_t	 kind[4];	/* faults by enum pf_kind */
	uint64_t	 major, minor, incomplete;
	struct pfrep_perms hist;	/* its permissions through its life */
	struct pfrep_fault *f;
	size_t		 nf, capf;
};

struct pfrep_proc {
	int		 pid;
	int		 ppid;
	char		 how[16];
	unsigned int	 threads;
	uint64_t	 faults;
};

struct pfreport {
	size_t		 page;		/* bytes */
	char		*command;
	bool		 have_kind;
	uint64_t	 end;		/* time of the end record */
	uint64_t	 faults;	/* fault records in the file */
	uint64_t	 shown;		/* faults that passed the filters */
	uint64_t	 outside;	/* shown faults in no region */
	uint64_t	 lost;		/* records the kernel dropped */
	unsigned int	 lost_records;
	struct pfrep_region *r;		/* in increasing id order */
	size_t		 nr, capr;
	struct pfrep_proc *p;
	size_t		 np, capp;
};

/*
 * Read the whole trace from f into rep, keeping the faults that pass the
 * filters of o. -1 with a malloc'd *cause, "LINE: FIELD: reason" for bad
 * input. What rep holds grows with the records, never with a number one
 * of them claims.
 */
int	 pfreport_load(struct pfreport *rep, FILE *f,
	     const struct pfreport_options *o, char **cause);
void	 pfreport_free(struct pfreport *rep);

/* Print the report as text or JSON; -1 with errno on write error. */
int	 pfreport_print(FILE *out, const struct pfreport *rep,
	     const struct pfreport_options *o);

#endif
