/*
 * track.h - the ways of finding which pages a process wrote.
 *
 * A method is a small table of operations. The model drives every method
 * the same way: attach once; then each cycle start_cycle() (clear: from now
 * on, writes are recorded), wait, collect() (fill the written bitmaps);
 * detach once at the end, whatever ended the run.
 */
#ifndef SDTOP_TRACK_H
#define SDTOP_TRACK_H

#include <stdbool.h>

struct proc_target;
struct snapshot;
struct snap_vma;
struct vma_list;
struct track_method;

/* One method attached to one target. */
struct tracker {
	const struct track_method *method;
	struct proc_target	*target;
	void			*priv;		/* the method's own state */
	char			*left;		/* what detach could not undo */

	/*
	 * What the model tells the method, and back. A method may keep what
	 * its collect read as the next cycle's start (hash): fresh asks the
	 * next start_cycle() to keep nothing ("clear now"); peek says a
	 * collect does not end the cycle (a rescan); start_cycle() sets kept
	 * when the cycle it starts began at the last collect instead.
	 */
	bool			 fresh;
	bool			 peek;
	bool			 kept;
};

struct track_method {
	const char	*name;		/* "soft-dirty", "uffd-wp", "hash" */
	const char	*summary;	/* one line for --help and --probe */

	/*
	 * Whether the method works on this kernel (and, when t is not NULL,
	 * for this target and user): 0, or -1 with *why set to a malloc'd
	 * reason fit to show a user ("soft-dirty is not available on this
	 * kernel: ...").
	 */
	int	(*probe)(struct proc_target *t, char **why);

	/*
	 * Whether watching t this way would cost it something that outlasts
	 * the watching (huge pages split for good): 1 with *why, else 0.
	 * NULL when the method never does. "auto" passes such a method over.
	 */
	int	(*lasting_cost)(struct proc_target *t, char **why);

	/* Prepare to track tr->target; -1 with *cause. */
	int	(*attach)(struct tracker *tr, char **cause);

	/*
	 * Clear: forget earlier writes, record writes from now on, for the
	 * VMAs of vl (the target's maps, read just before). -1 with *cause
	 * and errno (ESRCH: the target has gone).
	 */
	int	(*start_cycle)(struct tracker *tr, const struct vma_list *vl,
		    char **cause);

	/*
	 * Fill the written (and present) bitmaps of every tracked, not-new
	 * VMA of s with the pages written since start_cycle(). A failure on
	 * one VMA marks it with track_vma_failed(); -1 with *cause and errno
	 * only when the whole cycle failed (ESRCH: gone).
	 */
	int	(*collect)(struct tracker *tr, struct snapshot *s, char **cause);

	/*
	 * Undo everything attach() and the cycles did to the target. What
	 * could not be undone is said in tr->left (malloc'd), for the user.
	 */
	void	(*detach)(struct tracker *tr);
};

extern const struct track_method track_softdirty;
extern const struct track_method track_uffd;
extern const struct track_method track_hash;

/* Every method, best first (the order "auto" tries them in); NULL-ended. */
extern const struct track_method *const track_methods[];

/* The method called name, or NULL. */
const struct track_method *track_find(const char *name);

/*
 * The first method that works for t and costs it nothing lasting, in the
 * order of track_methods. When the choice is not the first method, *why
 * says why the better ones were passed over (malloc'd, "soft-dirty: ...;
 * uffd-wp: ..."). NULL with *why when none works.
 */
const struct track_method *track_choose(struct proc_target *t, char **why);

/*
 * Attach tr to t with the first method that works: as track_choose(), and
 * a method whose attach fails is passed over too (a seccomp filter that
 * forbids an injected call, a refused userfaultfd()), its cause added to
 * *why. -1 with *cause when none could be attached, or when t has gone
 * (errno ESRCH).
 */
int	 track_attach_auto(struct tracker *tr, struct proc_target *t,
	     char **why, char **cause);

/*
 * Mark VMA sv of a cycle's snapshot as failed with err (an errno, or
 * SNAP_EHUGE): not tracked this cycle, no written or present pages.
 * Every method's collect() marks a failed VMA so.
 */
void	 track_vma_failed(struct snap_vma *sv, int err);

#endif
