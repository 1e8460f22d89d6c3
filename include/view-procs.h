/*
 * view-procs.h - the list of processes the screen shows for a set of
 * processes (a snapshot whose set is not SNAP_SET_NONE), without a
 * terminal: the tree its rows make, the row selected and the process
 * opened, a short history of each process's dirty pages, and the text of
 * each row, so that all of it is tested without a terminal.
 *
 * Units: pages; list rows counted from the first process of the set;
 * screen columns.
 */
#ifndef SDTOP_VIEW_PROCS_H
#define SDTOP_VIEW_PROCS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct snapshot;

/* The cycles a process's sparkline remembers, and shows at most. */
#define VIEW_PROC_RING	16

/* The most levels of the tree a row is indented by. */
#define VIEW_PROC_DEPTH	16

/* The dirty pages of one process in its last cycles, oldest first. */
struct view_proc_ring {
	pid_t		 pid;
	size_t		 n;
	unsigned long	 cycle[VIEW_PROC_RING];
	uint64_t	 dirty[VIEW_PROC_RING];
};

/* Where a process of the set shown sits in its tree. */
struct view_proc_node {
	size_t		 parent;	/* index of its parent, or SIZE_MAX */
	bool		 last;		/* no later sibling */
};

struct view_procs {
	const struct snapshot	*set;		/* the set shown, or NULL */
	struct view_proc_node	*node;		/* of each process of set, or
						   NULL: no tree */
	size_t			 node_cap;

	pid_t			 open;		/* whose regions are shown, or 0:
						   the list is */
	const struct snapshot	*opened;	/* its snapshot in set */
	size_t			 sel;		/* the row selected */
	pid_t			 sel_pid;	/* and its process, followed from
						   cycle to cycle */
	long			 top;		/* the first row shown */
	int			 height;	/* rows the list is given */

	/* Of the set shown. */
	size_t			 nlive;		/* processes that have not exited */
	size_t			 njoined;	/* joined this cycle */
	size_t			 nexited;	/* exited this cycle */
	size_t			 nleft;		/* left it this cycle without
						   exiting (a cgroup's) */

	struct view_proc_ring	*rings;		/* by PID, ascending */
	size_t			 nrings;
	size_t			 rings_cap;
};

/* What became of the process opened when a new cycle was taken. */
enum view_procs_took {
	VIEW_PROCS_KEPT,	/* still there, or none was open */
	VIEW_PROCS_EXITED,	/* it exited: the list shows again, on its row */
	VIEW_PROCS_GONE,	/* it is not in this cycle: the list shows again */
	VIEW_PROCS_LOST,	/* it cannot be watched any more (or left the
				   set): the list shows again, on its row */
};

/*
 * Show the set s (NULL: no set): its tree, the selection and the process
 * opened found again by PID, and, when history, each process's dirty
 * pages added to its sparkline (a cycle not after the last one added
 * first takes the later ones away: a recording stepped back). *took says
 * what became of the process opened. -1 (errno ENOMEM) when memory ran
 * out: then the rows are not indented, or the sparklines not fed.
 */
int	 view_procs_take(struct view_procs *p, const struct snapshot *s,
	     bool history, enum view_procs_took *took);

/* Forget every sparkline (the history starts again). */
void	 view_procs_reset(struct view_procs *p);
void	 view_procs_free(struct view_procs *p);

/* Move the selection n rows down (up when negative), within the list. */
void	 view_procs_move(struct view_procs *p, long n);

/*
 * The list is given height rows: keep the selection within the set and
 * the first row shown such that the selection is on the screen.
 */
void	 view_procs_layout(struct view_procs *p, int height);

/*
 * Open the process selected (its regions are shown), or say in why
 * (of size bytes, escaped, to ASCII when ascii) why it cannot be: it has
 * exited, or is not watched. 0, or -1.
 */
int	 view_procs_open(struct view_procs *p, bool ascii, char *why,
	     size_t size);

/* Back to the list, on the row of the process that was open. */
void	 view_procs_close(struct view_procs *p);

/* The sparkline of the PID's last cycles, or NULL when it has none. */
const struct view_proc_ring *view_procs_ring(const struct view_procs *p,
	     pid_t pid);

/* How the rows of the list are written: the widths of their columns. */
struct view_procs_fmt {
	int	 pid_w;
	int	 dirty_w;
	int	 shared_w;
	int	 resident_w;
	int	 spark_w;	/* cycles the sparkline shows */
	uint64_t spark_max;	/* the count a full column stands for */
	int	 method_w;
	bool	 ascii;		/* names escaped to ASCII, an ASCII tree */
};

/* What a row is, for how it is drawn. */
enum view_procs_kind {
	VIEW_PROCS_WATCHED,
	VIEW_PROCS_JOINED,	/* its first cycle in the set */
	VIEW_PROCS_LEFT,	/* it exited this cycle */
	VIEW_PROCS_UNWATCHED,	/* it cannot be watched */
};

/*
 * One row of the list, in three parts drawn side by side: the PID and
 * its counts, two spaces, its sparkline (fmt.spark_w columns, the last
 * cycle at the right), two spaces, then its method, its place in the
 * tree, its name (escaped) and what happened to it this cycle.
 */
struct view_procs_row {
	enum view_procs_kind	 kind;
	char			 head[128];
	char			 spark[VIEW_PROC_RING * 3 + 1];
	char			 tail[1024];
};

/*
 * The columns of the rows of the set shown on cols columns; the
 * sparklines share one scale, the most pages any process wrote in a
 * cycle they show, so that rows compare.
 */
void	 view_procs_fmt(struct view_procs_fmt *f, const struct view_procs *p,
	     int cols, bool ascii);

/* The row that names the columns, laid out as the rows are. */
void	 view_procs_heading(const struct view_procs_fmt *f, char *buf,
	     size_t size);

/* Row i of the set shown. */
void	 view_procs_row(const struct view_procs *p, size_t i,
	     const struct view_procs_fmt *f, struct view_procs_row *r);

/*
 * The title of the process opened, on cols columns: its PID and name,
 * then, whole, as many as fit of its pages written, the key that goes
 * back to the list, its resident pages, its parent and its method.
 */
void	 view_procs_title(const struct snapshot *ps, bool ascii, int cols,
	     char *buf, size_t size);

/*
 * What the set s is, for the header when neither it nor its source says
 * it (a set's comm does): "tree of 1234 (postgres)", "pids 12 34",
 * "cgroup /sys/fs/...", from its kind, its roots and its comm taken as
 * the first root's. Not escaped.
 */
void	 view_procs_label(const struct snapshot *s, char *buf, size_t size);

#endif
