/*
 * procset.h - watching a set of processes as one application: the PIDs
 * given, a process tree, or a cgroup. Each process is a session of its
 * own (session.h), with its own method; the set's cycle clears them all,
 * and its collect gathers their snapshots into one snapshot of the set
 * (snapshot.h), whose totals count each page of a shared mapping once.
 * The set has its own history: convergence, --max-cost and the pre-copy
 * model are the set's.
 *
 * Who is in the set is read again at every clear: under a tree, a
 * process whose parent is in the set joins (with its own descendants), and
 * a process stays in the set until it exits, even when its parent exits
 * first; under a cgroup, the processes of the directory and of those below
 * it, read from cgroup.procs. A process joins at a clear, so its first
 * cycle is a whole one; one that exits is in the snapshot of its exit
 * once, then leaves; one moved out of the cgroup is in the next snapshot
 * once, as exited with the error "moved out of the cgroup". A thread is its process; a process that shares its
 * address space with a member (vfork(), CLONE_VM) is not watched twice.
 * A process that cannot be watched (permission, a kernel thread) stays
 * listed with why, and the rest are watched. sdtop itself and its
 * injector are never in a set, though they may be in the tree or cgroup.
 *
 * Units: seconds for intervals.
 */
#ifndef SDTOP_PROCSET_H
#define SDTOP_PROCSET_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "history.h"
#include "proc-list.h"
#include "session.h"
#include "snapshot.h"

struct procset_member {
	struct session	 s;		/* when open */
	bool		 open;
	pid_t		 pid;
	pid_t		 ppid;
	char		 comm[32];
	char		*error;		/* why it is not watched, or NULL */
	bool		 joined;	/* joined since the last collect */
	bool		 gone;		/* its exit was given: it leaves */
	bool		 left;		/* it left the cgroup: say so once */
};

struct procset {
	enum snap_set	 kind;
	struct session_options opts;	/* for each process; pid unused */
	pid_t		*roots;
	size_t		 nroots;
	char		*cgroup;
	char		 label[64];	/* "tree of 1234 (postgres)" */
	struct procset_member **m;
	size_t		 n;
	size_t		 cap;
	struct proc_entries all;	/* the processes, read at the clear */
	struct history	 history;
	unsigned long	 cycle;
	double		 interval;	/* in use; --max-cost lengthens it */
	double		 user_interval;
	double		 clear_time;	/* monotonic, of the set's clear */
	double		 clear_real;
	double		 clear_ms;
	char		*why_method;	/* the first process's, or NULL */
	char		*left;		/* what could not be undone */
	bool		 started;	/* the first members are open */
	bool		 cgroup_gone;	/* its directory was removed */
};

/*
 * Find the set's first members and open them. roots are PIDs (threads
 * allowed) for SNAP_SET_PIDS and SNAP_SET_TREE, cgroup a directory for
 * SNAP_SET_CGROUP. -1 with *cause: a PID that is no process, a cgroup
 * that cannot be read, or (unless a cgroup) no process that can be
 * watched.
 */
int	 procset_open(struct procset *set, const struct session_options *o,
	     enum snap_set kind, const pid_t *roots, size_t nroots,
	     const char *cgroup, char **cause);

/* Update who is in the set, then clear each member: a cycle starts. */
int	 procset_clear(struct procset *set, char **cause);

/* The same, with every history dropped ("clear now"). */
int	 procset_restart(struct procset *set, char **cause);

/*
 * End the cycle: the snapshot of the set. When every member has gone
 * (for a cgroup, only once its directory has been removed: others may
 * join it), its exited is set.
 */
int	 procset_collect(struct procset *set, struct snapshot **out,
	     char **cause);

/* The writes since the last clear, kept out of the history. */
int	 procset_rescan(struct procset *set, struct snapshot **out,
	     char **cause);

void	 procset_set_interval(struct procset *set, double seconds);

/*
 * Stop watching member m, after a step failed on it: it stays listed with
 * why (malloc'd, taken over). What it could not undo is kept for close.
 */
void	 procset_unwatch(struct procset *set, struct procset_member *m,
	     char *why);

/* Close every member; what could not be undone (malloc'd), or NULL. */
char	*procset_close(struct procset *set);

#endif
