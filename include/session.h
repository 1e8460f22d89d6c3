/*
 * session.h - watching one live process: the tracking cycle.
 *
 * A cycle is session_clear(), a wait of the interval (the caller's: the
 * batch loop sleeps, the screen waits for keys), then session_collect(),
 * which returns a new immutable snapshot. The session reads maps at the
 * clear and again at the collect; a VMA whose range [start, end) was not
 * in the maps at the clear is new: its pages are not judged this cycle.
 *
 * A process that runs execve() keeps its PID but gets a new address space:
 * the cycle in which that happens says so (exec), shows the new program's
 * regions, all new, and the history starts again; the method is attached
 * anew to the new image.
 */
#ifndef SDTOP_SESSION_H
#define SDTOP_SESSION_H

#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

#include "discard.h"
#include "history.h"
#include "proc-maps.h"
#include "proc.h"
#include "track.h"

struct session {
	struct proc_target	 target;
	struct tracker		 tracker;
	bool			 attached;
	bool			 auto_method;	/* chosen by "auto": re-choose */
	bool			 mm_gone;	/* the clear found a new image */
	bool			 all_vmas;	/* track read-only VMAs too */
	double			 interval;	/* seconds, for the snapshot */
	double			 user_interval;	/* the one asked for */
	double			 max_cost;	/* percent of a CPU; 0 = off */
	const struct track_method *cost_method;	/* fault_ns measured for */
	double			 fault_ns;	/* a fault's cost; -1 unknown */
	double			 cpu_clear;	/* CPU seconds of the clear */
	double			 cpu_scan;	/* and of the collection */
	double			 bandwidth_bps;	/* pre-copy model; 0 = off */
	struct vma_list		 at_clear;	/* maps as read at the last clear */
	double			 clear_time;	/* monotonic seconds of the clear */
	double			 clear_real;	/* Unix seconds it began */
	double			 clear_ms;
	double			 read_end;	/* the last collect's reading: */
	double			 read_real;	/* end (monotonic), start (Unix) */
	unsigned long		 cycle;		/* cycles collected so far */
	struct history		 history;
	struct discard_memory	 discard;	/* present at the last collect */
	char			 comm[32];
};

struct session_options {
	const char	*proc_root;	/* "/proc" */
	pid_t		 pid;
	const char	*method;	/* a name, or "auto" or NULL */
	double		 interval;
	unsigned	 window;
	double		 tolerance;
	double		 bandwidth_bps;
	double		 max_cost;	/* --max-cost percent; 0: none */
	bool		 all_vmas;
};

/*
 * Open the target and attach the chosen method. -1 with *cause: one line
 * fit for stderr ("no such process: 1234", "soft-dirty is not available
 * on this kernel: ..."). *why_method, when not NULL, says why auto did not
 * pick a better method, or what the method chosen by name will cost the
 * target (malloc'd or NULL).
 */
int	 session_open(struct session *s, const struct session_options *o,
	     char **why_method, char **cause);

/*
 * Clear the tracking: a new cycle starts now, or at the last collect when
 * the method kept what it read then (hash: its clear_time says so). When the address space the
 * method watches is gone (the process exited or ran a new program), 0:
 * the next collect says which. -1 with *cause and errno otherwise.
 */
int	 session_clear(struct session *s, char **cause);

/*
 * End the cycle: read maps and the method's results into a new snapshot.
 * When the target has gone, returns 0 with a snapshot whose exited is set.
 * -1 with *cause on other failures.
 */
int	 session_collect(struct session *s, struct snapshot **out,
	     char **cause);

/*
 * Start a new cycle now with a fresh history ("clear now", or after a new
 * interval): session_clear() after dropping every count.
 */
int	 session_restart(struct session *s, char **cause);

/*
 * Collect without ending the cycle: the writes since the last clear. The
 * count of this part of a cycle is kept out of the history, which judges
 * whole cycles only. As session_collect().
 */
int	 session_rescan(struct session *s, struct snapshot **out,
	     char **cause);

/*
 * Seconds between a clear and its collect from the next cycle on: the
 * user's interval, which --max-cost lengthens from (s->interval is the
 * one in use).
 */
void	 session_set_interval(struct session *s, double seconds);

/*
 * Detach the method (undoing all it did to the target) and close. Returns
 * what could not be undone, as one line for the user (malloc'd), or NULL.
 */
char	*session_close(struct session *s);

/*
 * Set (by the signal handlers main installs for SIGINT and SIGTERM) when
 * the run must end; every waiting loop checks it and returns.
 */
extern volatile sig_atomic_t session_stop;

#endif
