/*
 * tree-target.h - what the two halves of tests/tree-target share: the
 * processes of the tree (tree-target.c runs them) and the schedule of
 * what happens to them while sdtop watches (tree-drive.c drives it).
 *
 * Pages are of sysconf(_SC_PAGESIZE) bytes; a hold is the pause after
 * sdtop's cycle K, before its next clear (see tree-drive.c).
 */
#ifndef SDTOP_TREE_TARGET_H
#define SDTOP_TREE_TARGET_H

#include <sys/types.h>

#include <stdbool.h>

#define TREE_NODES	6

/* One process of the tree, and what it writes. */
struct tree_node {
	const char	*name;
	int		 parent;	/* index in the table, -1 for the root */
	int		 hold;		/* forked in this hold; 0: as its
					   parent starts */
	bool		 keep_zombie;	/* its parent reaps it only when told */
	const char	*own;		/* pages written of its own region */
	const char	*cow;		/* of the private region inherited */
	int		 cow_slot;
	const char	*shm;		/* of the shared anonymous region */
	const char	*memfd;		/* of the memfd, in file pages */
	int		 slot;		/* its word in each shared page */
	int		 memfd_page0;	/* the file page its view starts at */
	int		 memfd_pages;
	bool		 views;		/* keeps the shared regions mapped */
};

/* An event of the schedule, in a hold. */
enum tree_event_kind { EV_FORK, EV_EXIT, EV_REAP };

struct tree_event {
	int			 hold;
	enum tree_event_kind	 kind;
	int			 node;
};

extern const struct tree_node	 tree_nodes[TREE_NODES];
extern const struct tree_event	 tree_events[];
extern const int		 tree_nevents;

/*
 * Run node idx of the tree, its lines written to fd out (driven: its
 * parent keeps the zombies it is told to, watch is the driver, whose
 * death ends it); never returns.
 */
void	 tree_node_run(int idx, int out, bool driven, pid_t watch)
	     __attribute__((noreturn));

/* The driver: tree-target --drive ... (tree-drive.c). */
int	 tree_drive(int argc, char **argv);

/* The killer: tree-target --kill-traced ... (tree-kill.c). */
int	 tree_kill(int argc, char **argv);

/* The --pad option: one-page mappings the root makes (and all inherit). */
extern int	 tree_pad;

#endif
