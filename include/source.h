/*
 * source.h - where cycles come from: a live process (a session) or a
 * recording (the JSON Lines of --json or --record, or a tracepgfault
 * trace). The batch loop and the screen take their cycles from a source
 * through this one small table and do not know which kind it is, as ncdu's
 * browser takes its tree from the scanner or from a JSON import.
 *
 * A cycle is source_clear(), a wait of the interval (the caller's: the
 * batch loop sleeps, the screen reads keys), then source_next(). The
 * cycles of a recording were made when it was recorded: it cannot clear
 * (its clear does nothing) and it needs no wait; it can step back.
 *
 * Units: seconds for intervals; counts of the history are pages.
 */
#ifndef SDTOP_SOURCE_H
#define SDTOP_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct snapshot;
struct source;

/* The history a source shows: the counts up to the cycle last given. */
struct source_history {
	const uint64_t	*counts;	/* dirty pages, one per cycle */
	size_t		 n;
	long		 converged_at;	/* index into counts, or -1 */
	unsigned	 window;	/* the convergence window */
};

/*
 * What a kind of source does. Every function that fails returns -1 with
 * *cause (malloc'd, one line, the caller frees it). An operation a kind
 * cannot do is NULL: the source_*() wrappers say so.
 */
struct source_ops {
	const char	*name;		/* "live" or "replay" */

	/* Start a cycle now: clear the tracking. */
	int		 (*clear)(struct source *, char **);
	/* Start a cycle now with a fresh history ("clear now"). */
	int		 (*restart)(struct source *, char **);
	/* 1 with the next cycle's snapshot, 0 when there is none left. */
	int		 (*next)(struct source *, struct snapshot **, char **);
	/* The same, for the cycle before the one last given. */
	int		 (*prev)(struct source *, struct snapshot **, char **);
	/* The writes since the last clear, kept out of the history. */
	int		 (*rescan)(struct source *, struct snapshot **, char **);
	void		 (*set_interval)(struct source *, double);
	void		 (*history)(const struct source *,
			     struct source_history *);
	/* Close; returns what could not be undone (malloc'd), or NULL. */
	char		*(*close)(struct source *);
};

struct source {
	const struct source_ops	*ops;
	void			*data;		/* the session, or the reader */
	const char		*path;		/* a recording's; NULL if live */

	/* What is known before the first cycle (live only). */
	pid_t			 pid;		/* -1 when not known */
	char			 comm[64];
	char			 method[16];
	bool			 all_vmas;	/* read-only regions tracked too */
	bool			 set;		/* a set of processes */
	double			 interval;	/* seconds; 0 when not known */

	/* Where it is. */
	unsigned long		 at;		/* 1-based number of the cycle
						   last given; stepping back
						   lowers it */
	size_t			 ncycles;	/* cycles read so far, an exit
						   not counted */
	bool			 exited;	/* it gave the snapshot of an
						   exit: no cycle follows */
};

/* The kinds: source-live.h and source-replay.h open them. */

/* Whether the source makes its cycles (and so can clear and rescan). */
bool	 source_can_clear(const struct source *src);
/* Whether it can give the cycle before the one last given. */
bool	 source_can_step_back(const struct source *src);

int	 source_clear(struct source *src, char **cause);
int	 source_restart(struct source *src, char **cause);
int	 source_next(struct source *src, struct snapshot **out, char **cause);
int	 source_prev(struct source *src, struct snapshot **out, char **cause);
int	 source_rescan(struct source *src, struct snapshot **out,
	     char **cause);
void	 source_set_interval(struct source *src, double seconds);
void	 source_history(const struct source *src, struct source_history *h);
char	*source_close(struct source *src);

#endif
