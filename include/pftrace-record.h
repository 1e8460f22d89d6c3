/*
 * pftrace-record.h - the recorder of tracepgfault: run a command under
 * ptrace and perf software events and stream its page faults and the
 * changes of its address space into a trace file (see pftrace-format.h).
 *
 * Sizes are in pages of page_size() bytes; times in nanoseconds.
 */
#ifndef SDTOP_PFTRACE_RECORD_H
#define SDTOP_PFTRACE_RECORD_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct pfrec_options {
	bool		 follow;	/* record children (fork, vfork, clone) */
	bool		 seccomp;	/* stop only at memory syscalls */
	bool		 kinds;		/* try the tracepoint for read/write/exec */
	unsigned int	 ring_pages;	/* data pages per thread, a power of 2 */
	/* Set by the caller's signal handler: the signal to pass on. */
	volatile sig_atomic_t *stop;
};

struct pfrec_stats {
	uint64_t	 faults;	/* fault records written */
	uint64_t	 lost;		/* records the kernel dropped */
	uint64_t	 stops;		/* ptrace stops handled */
	uint64_t	 region_records;
	unsigned int	 threads;	/* threads recorded */
	unsigned int	 procs;		/* processes recorded */
	unsigned int	 ring_pages;	/* what the ring buffers got */
	bool		 have_kind;	/* the tracepoint gave read/write/exec */
	bool		 kernel_faults;	/* faults in system calls included */
	bool		 seccomp;	/* the seccomp filter was in place */
	int		 status;	/* wait status of the command */
	char		 kind_why[160];	/* why there are no kinds, or "" */
};

/*
 * Run argv (argv[0] searched in PATH) from its first instruction until it
 * and every task it started have exited, writing the trace to out as it
 * goes. Returns 0 with st filled (st->status is the command's wait
 * status), or -1 with a malloc'd *cause; a command that cannot be
 * executed is such an error.
 */
int	 pfrec_run(char *const argv[], FILE *out,
	     const struct pfrec_options *o, struct pfrec_stats *st,
	     char **cause);

#endif
