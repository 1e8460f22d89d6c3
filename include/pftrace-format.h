/*
 * pftrace-format.h - the page-fault trace file of tracepgfault: its
 * records, their writer and the parser of one line of its text format
 * (version 1, described in docs/tracepgfault.md). Reading a whole file,
 * record after checked record, is pftrace-read.h.
 *
 * Times are nanoseconds since the traced command started (its first
 * exec); addresses are absolute virtual addresses in bytes; a region
 * covers the half-open range [start, end).
 */
#ifndef SDTOP_PFTRACE_FORMAT_H
#define SDTOP_PFTRACE_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "proc-maps.h"

#define PFTRACE_VERSION	1
#define PFTRACE_MAGIC	"tracepgfault"

enum pf_rec_type {
	PFR_INFO,	/* info KEY VALUE: a fact about the whole trace */
	PFR_PROC,	/* proc TIME PID PPID HOW: an address space appears */
	PFR_THREAD,	/* thread TIME PID TID HOW: a thread appears */
	PFR_EXEC,	/* exec TIME PID TID: PID's address space is replaced */
	PFR_ADD,	/* add ...: a region appears */
	PFR_CHANGE,	/* change ...: a region is resized or reprotected */
	PFR_REMOVE,	/* remove ...: a region goes */
	PFR_FAULT,	/* fault ...: one page fault */
	PFR_LOST,	/* lost ...: the kernel dropped COUNT records */
	PFR_EXIT,	/* exit ...: a thread has gone */
	PFR_END,	/* end TIME FAULTS LOST: the last record */
};

/* What the faulting access was, from the x86 error code. */
enum pf_kind {
	PF_KIND_UNKNOWN,	/* '?': no tracepoint available */
	PF_KIND_READ,		/* 'r' */
	PF_KIND_WRITE,		/* 'w' */
	PF_KIND_EXEC,		/* 'x': instruction fetch */
};

/* Whether the fault needed I/O, from the perf major/minor events. */
enum pf_sev {
	PF_SEV_UNKNOWN,		/* '?': not recorded */
	PF_SEV_MINOR,		/* 'm' */
	PF_SEV_MAJOR,		/* 'M' */
	PF_SEV_NONE,		/* '-': the fault did not complete (SIGSEGV, fixup) */
};

struct pf_rec {
	enum pf_rec_type type;
	uint64_t	 time;		/* ns since the start */
	int		 pid;		/* process (address space) */
	int		 tid;		/* thread that caused the record */
	char		 cause[16];	/* add/change/remove: start, exec, mmap, ... */
	char		 how[16];	/* proc/thread: start, fork, clone, ...;
					   exit: exited or signal */
	int		 ppid;		/* proc: the parent process, 0 if none */
	int		 status;	/* exit: exit code or signal number */
	uint64_t	 id;		/* add/change/remove: region identity */
	uint64_t	 link;		/* add: split from; remove: merged into; 0 */
	struct vma	 vma;		/* add/change: the region after the record */
	uint64_t	 addr;		/* fault: faulting address */
	uint64_t	 ip;		/* fault: instruction address */
	enum pf_kind	 kind;
	enum pf_sev	 sev;
	uint64_t	 count;		/* lost: records dropped; end: faults */
	uint64_t	 lost;		/* end: records dropped in all */
	char		 key[32];	/* info */
	char		*value;		/* info: malloc'd; NULL otherwise */
};

/* Release what a record owns (its VMA name, its info value). */
void	 pftrace_rec_free(struct pf_rec *r);

char	 pftrace_kind_char(enum pf_kind k);
char	 pftrace_sev_char(enum pf_sev s);
const char *pftrace_kind_name(enum pf_kind k);

/*
 * Writer: every function writes one line and returns 0, or -1 with errno
 * on a write error.
 */
int	 pftrace_write_header(FILE *f);
int	 pftrace_write(FILE *f, const struct pf_rec *r);

/*
 * Parse one line (no newline) into *r, on its own; -1 with a static
 * *cause "FIELD: reason".
 */
int	 pftrace_parse_line(char *line, struct pf_rec *r, const char **cause);

#endif
