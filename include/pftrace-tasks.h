/*
 * pftrace-tasks.h - the tasks and processes tracepgfault's recorder
 * traces: a table of each, and what procfs says of a process (its maps,
 * its threads).
 */
#ifndef SDTOP_PFTRACE_TASKS_H
#define SDTOP_PFTRACE_TASKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "pftrace-layout.h"
#include "pftrace-perf.h"
#include "proc.h"

struct vma_list;

/* One traced process: an address space. */
struct pfproc {
	pid_t		 pid;
	bool		 record;	/* in the trace, not only traced */
	bool		 started;	/* exec'd or was forked: has a layout */
	unsigned int	 nthreads;
	struct pf_layout layout;
	bool		 opened;	/* target is open */
	struct proc_target target;	/* its procfs directory */
};

/* One traced thread. */
struct pftask {
	pid_t		 tid;
	struct pfproc	*p;		/* NULL until its creator reports it */
	bool		 expect_stop;	/* the SIGSTOP of a new task is due */
	bool		 held;		/* stopped before its creator's event */
	bool		 in_memcall;	/* resumed to a memory call's exit */
	bool		 in_exec;	/* between its execve entry and the
					   exec (or the call's failure) */
	const char	*memcall;	/* its name */
	uint64_t	 call_start;	/* CLOCK_MONOTONIC ns at its entry; 0 */
	uint64_t	 call_time;	/* the kernel's time of its first region
					   change (perf's); 0 */
	struct pfperf_thread ev;	/* its page-fault events */
};

struct pftasks {
	struct pftask	**t;
	size_t		  nt, capt;
	struct pfproc	**p;
	size_t		  np, capp;
};

/* The task of thread tid, or NULL. */
struct pftask	*pftasks_find(struct pftasks *ts, pid_t tid);

/* A new task of process p (or NULL: not known yet); NULL with ENOMEM. */
struct pftask	*pftasks_add(struct pftasks *ts, pid_t tid, struct pfproc *p);

/* A new process; NULL with ENOMEM. */
struct pfproc	*pftasks_add_proc(struct pftasks *ts, pid_t pid, bool record);

/*
 * Forget task t (its events closed already); its process's procfs
 * directory is closed with its last thread.
 */
void	 pftasks_remove(struct pftasks *ts, struct pftask *t);

/* Forget everything, closing the events of the tasks left in pf. */
void	 pftasks_free(struct pftasks *ts, struct pfperf *pf);

/*
 * Read the maps of p into *out: 0, or -1 when they cannot be read (the
 * process has gone) or parsed.
 */
int	 pfproc_maps(struct pfproc *p, struct vma_list *out);

/* Whether thread tid belongs to process p; false when it cannot be read. */
bool	 pfproc_has_thread(struct pfproc *p, pid_t tid);

#endif
