/*
 * snapshot.h - what one tracking cycle found: the immutable result that
 * every output (text, JSON, the screen, a recording) reads.
 *
 * Page counts are in pages of page_size() bytes; times are seconds unless
 * the field name ends in _ms.
 */
#ifndef SDTOP_SNAPSHOT_H
#define SDTOP_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "pageset.h"
#include "proc-maps.h"
#include "precopy.h"

/*
 * A VMA's error that is not an errno: it holds huge pages, which the
 * uffd-wp method leaves unprotected (a write would split them).
 */
#define SNAP_EHUGE	4096

/*
 * The interval of a cycle, seconds: what the command line and the screen
 * accept, and what a recording may say.
 */
#define SNAPSHOT_MIN_INTERVAL	0.05
#define SNAPSHOT_MAX_INTERVAL	3600.0

/*
 * The most written pages the tracked VMAs of one replayed cycle hold
 * (512 GiB of 4 KiB pages, about 17 MiB of page sets): a line of a few
 * hundred bytes can claim a range of any size, and a page set holds
 * about a bit per member. A VMA's size costs nothing by itself.
 */
#define SNAPSHOT_MAX_DIRTY	(UINT64_C(1) << 27)

/* One VMA as it was at the end of a cycle. */
struct snap_vma {
	struct vma	 vma;		/* owns its name */
	uint64_t	 npages;
	bool		 tracked;	/* its writes were watched this cycle */
	bool		 is_new;	/* appeared since the last clear: not judged */
	int		 error;		/* errno of a failure on this VMA, or 0 */
	struct pageset	*written;	/* of npages; NULL unless tracked */
	struct pageset	*present;	/* resident or swapped; NULL if unknown */
	struct pageset	*discarded;	/* given back this cycle, or NULL */
	uint64_t	 dirty;		/* members of written */
	uint64_t	 ndiscarded;	/* members of discarded */
	uint64_t	 resident;	/* members of present, else npages */
	bool		 has_resident;	/* resident is known, not npages */
};

/* What the cost of watching this cycle is made of (cost.h). */
enum snap_cost {
	SNAP_COST_UNKNOWN,		/* no figure */
	SNAP_COST_FAULTS,		/* the target's write-protect faults */
	SNAP_COST_SDTOP_CPU,		/* sdtop's own CPU time (hash) */
	SNAP_COST_MIXED			/* a set's: the sum of both kinds */
};

/* What a snapshot is of: one process, or a set of them (procset.h). */
enum snap_set {
	SNAP_SET_NONE,			/* one process, as ever */
	SNAP_SET_PIDS,			/* the PIDs given */
	SNAP_SET_TREE,			/* processes and their descendants */
	SNAP_SET_CGROUP			/* the processes of a cgroup */
};

/* The most processes a set's snapshot holds. */
#define SNAPSHOT_MAX_PROCS	65536

struct snapshot {
	unsigned long	 cycle;		/* 1-based */
	pid_t		 pid;
	char		 comm[64];	/* a recording's may hold U+FFFD */
	char		 method[16];
	double		 interval;	/* seconds between clear and scan */
	double		 time;		/* Unix time when the scan ended */
	double		 clear_time;	/* Unix time when the clear began */
	double		 clear_ms;	/* what the clear (reset) took */
	double		 scan_ms;	/* what the collection took */
	uint64_t	 dirty_pages;	/* written pages of tracked VMAs */
	uint64_t	 discarded_pages; /* and pages they gave back */
	uint64_t	 tracked_pages;	/* pages of tracked VMAs */
	uint64_t	 resident_pages; /* their resident (or swapped) pages */
	uint64_t	 page_size;	/* bytes */
	bool		 converged;	/* the history had converged at this cycle */
	bool		 exited;	/* the target has gone: no VMAs */
	bool		 exec;		/* it ran a new program this cycle */
	bool		 has_precopy;
	struct precopy	 precopy;	/* when a bandwidth was given */
	enum snap_cost	 cost_kind;
	double		 cost_percent;	/* of one CPU, unless UNKNOWN */
	double		 fault_ns;	/* a fault's cost used, when FAULTS */
	double		 max_cost;	/* --max-cost percent; 0: not given */
	double		 user_interval;	/* the -i asked for, with max_cost */
	bool		 lengthened;	/* max_cost made interval longer */
	size_t		 nvma;
	struct snap_vma	*vmas;

	/* Of a process of a set (an element of procs[] below). */
	pid_t		 ppid;		/* its parent; 0 when not known */
	bool		 joined;	/* its first cycle in the set */
	char		*error;		/* why it is not watched, or NULL */
	uint64_t	 shared_dirty_pages; /* of dirty_pages, those of
					   shared mappings */

	/*
	 * Of a set: its totals above count a page that backs a shared
	 * mapping of several processes once (snapshot_set_count()); its
	 * pid and comm are those of its first root (none for a cgroup),
	 * its vmas none.
	 */
	enum snap_set	 set;
	char		*cgroup;	/* SNAP_SET_CGROUP: the directory */
	pid_t		*roots;		/* the PIDs given */
	size_t		 nroots;
	size_t		 nproc;
	struct snapshot	**procs;	/* each process, in tree order */
};

/* A snapshot with room for n VMAs, all zeroed; NULL on allocation failure. */
struct snapshot	*snapshot_new(size_t n);
void		 snapshot_free(struct snapshot *s);

/*
 * Set up VMA i of s from v: copy it, count its pages of s->page_size, and
 * make its (empty) written set when tracked (a method that knows which
 * pages are present makes present itself). -1 on allocation failure.
 */
int		 snapshot_set_vma(struct snapshot *s, size_t i,
		     const struct vma *v, bool tracked, bool is_new);

/* What a VMA's error means, in a few words ("Permission denied"). */
const char	*snap_vma_error(const struct snap_vma *sv);

/*
 * Recount every VMA's written, discarded and resident pages (a VMA whose
 * present pages are not known keeps the resident count it was given,
 * npages unless a recording said otherwise) and the snapshot totals.
 */
void		 snapshot_count(struct snapshot *s);

/*
 * The totals of the set s from its processes: dirty, discarded, tracked
 * and resident pages summed over the processes, except that a page of a
 * shared mapping (VMA_SHARED, with an inode: shared anonymous memory,
 * memfd, tmpfs, System V, files) counts once however many processes map
 * it, keyed by device, inode and page offset; shared_dirty_pages is the
 * number of such pages written. Sets each process's shared_dirty_pages
 * too. -1 (errno ENOMEM) on allocation failure.
 */
int		 snapshot_set_count(struct snapshot *s);

/* Whether v is counted by what backs it rather than by process. */
bool		 snapshot_vma_shared(const struct vma *v);

#endif
