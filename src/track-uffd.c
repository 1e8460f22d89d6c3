/*
 * track-uffd.c - exact write tracking with userfaultfd in asynchronous
 * write-protect mode and the PAGEMAP_SCAN ioctl (Linux 6.7+), for kernels
 * without soft-dirty.
 *
 * A userfaultfd belongs to the mm of the process that creates it, so it is
 * created inside the target, by sdtop's injector process (injector.c),
 * which hands back a copy of it. The ioctls on that copy act on the
 * target's memory (checked on Linux 6.18: UFFDIO_REGISTER from another
 * process registers the creator's VMAs), so only the creation and the
 * final close() run inside the target, and only when its seccomp filters
 * allow both.
 *
 * With UFFD_FEATURE_WP_ASYNC (Documentation/admin-guide/mm/userfaultfd.rst)
 * a write to a protected page is resolved by the kernel at once, without
 * any message, and the page's uffd-wp bit is dropped; PAGEMAP_SCAN with
 * PM_SCAN_WP_MATCHING and category PAGE_IS_WRITTEN then returns exactly
 * the pages written since the last such scan and protects them again, in
 * one atomic walk (Documentation/admin-guide/mm/pagemap.rst). The clear is
 * such a scan whose output is dropped; the collection is one that keeps it.
 *
 * What is protected is chosen so that watching leaves nothing behind:
 *  - only pages that exist (present or swapped): protecting a hole leaves a
 *    marker in a page table, and page tables allocated for markers stay
 *    after the userfaultfd is closed (a sparse 1 GiB region: 2 MiB of page
 *    tables). A never-touched page that is then read maps the shared zero
 *    page, which PAGEMAP_SCAN reports as PAGE_IS_PFNZERO and which is
 *    never taken for a write; one that is written is a new page, unprotected,
 *    hence written. The scans therefore never use the no-output fast path,
 *    which protects every entry whatever the masks say.
 *  - never a huge page (PAGE_IS_HUGE): the first write to a write-protected
 *    transparent huge page splits it, for good (measured on 6.18: 1 GiB of
 *    THP, all split after one write per huge page). A VMA that holds huge
 *    pages is not tracked, and says why; "auto" passes uffd-wp over for a
 *    process that uses them.
 *
 * Each collect also says which pages are present (track-present.h): a
 * map of them walked in full only when it is PRESENT_MAP_AGE old, its
 * absent pages walked every cycle (a walk that protects nothing), so a
 * page given back is seen at once. In an anonymous private VMA a page
 * dropped by MADV_DONTNEED leaves an empty page table entry, which that
 * walk finds (checked on Linux 6.18). In a file-backed or shared VMA the
 * kernel keeps a write-protected page's protection across the drop as a
 * uffd-wp marker in its entry (zap_install_uffd_wp_if_needed()), which
 * PAGEMAP_SCAN reports as swapped: such a page reads present until it is
 * written again. A huge page that appears is seen at the next full walk
 * (its writes, never protected, are not seen until then).
 *
 * Closing the last reference to the userfaultfd unregisters every range
 * and drops all the protection; the target keeps no trace of the tracking.
 * If this process is killed, the injector notices and does that itself.
 *
 * Addresses are in bytes; page sets count pages of page_size().
 */
#include "config.h"

#include <sys/types.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/capability.h>
#include <linux/userfaultfd.h>

#include "pageset.h"
#include "cause.h"
#include "injector.h"
#include "kernel-compat.h"
#include "page.h"
#include "proc-maps.h"
#include "proc-pagemap.h"
#include "present-map.h"
#include "proc.h"
#include "runs.h"
#include "snapshot.h"
#include "track.h"
#include "track-present.h"

/*
 * WP_UNPOPULATED is asked for because some kernels let PAGEMAP_SCAN
 * write-protect an anonymous VMA only with it (userfaultfd_wp_use_markers());
 * the masks below keep it from ever placing a marker.
 */
#define UFFD_FEATURES	(UFFD_FEATURE_WP_ASYNC | UFFD_FEATURE_WP_UNPOPULATED)

/*
 * Kernel-mode faults are not needed (asynchronous write-protect never
 * sends a message) and without this flag an unprivileged target cannot
 * create a userfaultfd while vm.unprivileged_userfaultfd is 0.
 */
#define UFFD_FLAGS	(O_CLOEXEC | O_NONBLOCK | UFFD_USER_MODE_ONLY)

/* One VMA range given to UFFDIO_REGISTER, and how that went. */
struct uffd_range {
	uint64_t	start;
	uint64_t	end;
	int		error;		/* errno of the registration, or 0 */
	struct present_map present;	/* its present pages */
	bool		huge;		/* their last full walk saw huge pages */
	bool		collected;	/* protected again by the last collect */
};

/*
 * The categories every write-protecting scan selects: written pages that
 * exist, are not the zero page and are not part of a huge page.
 */
static void
uffd_scan_masks(struct pmscan_arg *a)
{
	a->flags = PMSCAN_WP_MATCHING | PMSCAN_CHECK_WPASYNC;
	a->category_mask = PAGE_IS_WRITTEN | PAGE_IS_PFNZERO | PAGE_IS_HUGE;
	a->category_inverted = PAGE_IS_PFNZERO | PAGE_IS_HUGE;
	a->category_anyof_mask = PAGE_IS_PRESENT | PAGE_IS_SWAPPED;
	a->return_mask = PAGE_IS_WRITTEN;
}

struct uffd_state {
	pid_t			 pid;
	int			 fd;		/* our copy of the userfaultfd */
	int			 target_fd;	/* its number in the target, -1 */
	struct uffd_range	*r;
	size_t			 n;
};

/* Attached trackers: the injector is stopped when the last one detaches. */
static unsigned int	uffd_users;

static int
uffd_pidfd_getfd(int pidfd, int fd)
{
	return ((int)syscall(SYS_pidfd_getfd, pidfd, fd, 0));
}

/* Register [start, end) for asynchronous write-protect: 0 or an errno. */
static int
uffd_register(int fd, uint64_t start, uint64_t end)
{
	struct uffdio_register	reg;

	memset(&reg, 0, sizeof reg);
	reg.range.start = start;
	reg.range.len = end - start;
	reg.mode = UFFDIO_REGISTER_MODE_WP;
	if (ioctl(fd, UFFDIO_REGISTER, &reg) == -1)
		return (errno);
	return (0);
}

/* A scan callback that keeps nothing. */
static int
uffd_discard(const struct pmscan_region *r, void *arg)
{
	return (0);
}

/* Write-protect [start, end) again, dropping what was written; -1, errno. */
static int
uffd_reprotect(int pmfd, uint64_t start, uint64_t end)
{
	struct pmscan_arg	a;

	memset(&a, 0, sizeof a);
	uffd_scan_masks(&a);
	return (pagemap_scan(pmfd, start, end, &a, uffd_discard, NULL));
}

/* What a collecting scan fills: one VMA's page set. */
struct uffd_fill {
	struct pageset	*set;		/* NULL: keep only the runs */
	struct runs	*runs;		/* the regions in bytes too, or NULL */
	uint64_t	 start;		/* of the VMA */
	uint64_t	 npages;
	unsigned int	 shift;
	bool		 nomem;		/* runs could not grow: incomplete */
};

/*
 * Keep one region returned by PAGEMAP_SCAN, clipped to the VMA: its pages,
 * its run. A set or list that cannot grow is given up, not the scan: a
 * write-protecting scan stopped half-way would leave written pages
 * unprotected, to be taken for this cycle's writes in the next.
 */
static int
uffd_fill_region(const struct pmscan_region *reg, void *arg)
{
	struct uffd_fill	*f = arg;
	uint64_t		 from, to;

	if (reg->end <= f->start)
		return (0);
	from = reg->start > f->start ? (reg->start - f->start) >> f->shift : 0;
	to = (reg->end - f->start) >> f->shift;
	if (to > f->npages)
		to = f->npages;
	if (from >= to)
		return (0);
	if (f->set != NULL && pageset_add_range(f->set, from, to) == -1)
		f->nomem = true;
	if (f->runs != NULL && runs_append(f->runs, f->start +
	    (from << f->shift), f->start + (to << f->shift)) == -1) {
		f->runs = NULL;
		f->nomem = true;
	}
	return (0);
}

/* The registration of exactly [start, end), or NULL. */
static struct uffd_range *
uffd_find(struct uffd_state *st, uint64_t start, uint64_t end)
{
	size_t	i;

	for (i = 0; i < st->n; i++)
		if (st->r[i].start == start && st->r[i].end == end)
			return (&st->r[i]);
	return (NULL);
}

/* Forget every registration (the kernel drops them with the fd). */
static void
uffd_state_free(struct uffd_state *st)
{
	size_t	i;

	for (i = 0; i < st->n; i++)
		present_map_free(&st->r[i].present);
	free(st->r);
	if (st->fd != -1)
		close(st->fd);
	free(st);
}

/*
 * Check on a private page of this process that the kernel has everything:
 * userfaultfd with asynchronous write-protect, and PAGEMAP_SCAN that
 * reports a write and re-protects.
 */
static int
uffd_probe_kernel(char **why)
{
	struct uffdio_api	 api;
	struct pmscan_region	 vec[4];
	struct pmscan_arg	 a;
	volatile char		*page = MAP_FAILED;
	size_t			 psz = page_size();
	int			 fd, pmfd = -1, rc = -1;
	long			 n1, n2;

	fd = (int)syscall(SYS_userfaultfd, UFFD_FLAGS);
	if (fd == -1) {
		if (errno == ENOSYS)
			*why = cause_fmt("uffd-wp: this kernel has no "
			    "userfaultfd");
		else
			*why = cause_errno(errno, "uffd-wp: userfaultfd with "
			    "UFFD_USER_MODE_ONLY (Linux 5.11+)");
		return (-1);
	}
	memset(&api, 0, sizeof api);
	api.api = UFFD_API;
	api.features = UFFD_FEATURES;
	if (ioctl(fd, UFFDIO_API, &api) == -1 ||
	    (api.features & UFFD_FEATURES) != UFFD_FEATURES) {
		*why = cause_fmt("uffd-wp: this kernel lacks asynchronous "
		    "write-protect (UFFD_FEATURE_WP_ASYNC, Linux 6.7+)");
		goto out;
	}
	page = mmap(NULL, psz, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (page == MAP_FAILED) {
		*why = cause_errno(errno, "uffd-wp: mmap");
		goto out;
	}
	page[0] = 1;
	if ((errno = uffd_register(fd, (uintptr_t)page,
	    (uintptr_t)page + psz)) != 0) {
		*why = cause_errno(errno, "uffd-wp: cannot write-protect "
		    "anonymous memory");
		goto out;
	}
	if ((pmfd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC)) == -1) {
		*why = cause_errno(errno, "uffd-wp: /proc/self/pagemap");
		goto out;
	}
	if (uffd_reprotect(pmfd, (uintptr_t)page, (uintptr_t)page + psz)) {
		if (errno == ENOTTY)
			*why = cause_fmt("uffd-wp: this kernel has no "
			    "PAGEMAP_SCAN ioctl (Linux 6.7+)");
		else
			*why = cause_errno(errno, "uffd-wp: PAGEMAP_SCAN with "
			    "WP_MATCHING and the categories it needs");
		goto out;
	}
	page[0] = 2;
	memset(&a, 0, sizeof a);
	uffd_scan_masks(&a);
	a.size = sizeof a;
	a.start = (uintptr_t)page;
	a.end = (uintptr_t)page + psz;
	a.vec = (uintptr_t)vec;
	a.vec_len = 4;
	n1 = ioctl(pmfd, PMSCAN_IOCTL, &a);
	n2 = ioctl(pmfd, PMSCAN_IOCTL, &a);
	if (n1 != 1 || n2 != 0) {
		*why = cause_fmt("uffd-wp: PAGEMAP_SCAN did not report a "
		    "written page exactly once (got %ld then %ld regions)",
		    n1, n2);
		goto out;
	}
	rc = 0;
out:
	if (pmfd != -1)
		close(pmfd);
	if (page != MAP_FAILED)
		munmap((void *)page, psz);
	close(fd);
	return (rc);
}

/* Whether this process may read seccomp filters (CAP_SYS_ADMIN). */
static bool
uffd_can_read_filters(void)
{
	struct __user_cap_header_struct	h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct	d[_LINUX_CAPABILITY_U32S_3];

	return (syscall(SYS_capget, &h, d) == 0 &&
	    (d[CAP_TO_INDEX(CAP_SYS_ADMIN)].effective &
	    CAP_TO_MASK(CAP_SYS_ADMIN)) != 0);
}

/*
 * What the target's seccomp mode allows before anything is injected:
 * strict mode allows nothing, a filter must be readable to be checked
 * (the injector then runs it on each call). 0, or -1 with *why.
 */
static int
uffd_probe_seccomp(struct proc_target *t, char **why)
{
	long	mode;

	if (proc_status_long(t, 0, "Seccomp", &mode) == -1 || mode == 0)
		return (0);
	if (mode == 1) {
		*why = cause_fmt("uffd-wp: PID %ld runs in seccomp strict mode, "
		    "where userfaultfd() would kill it", (long)t->pid);
		return (-1);
	}
	if (!uffd_can_read_filters()) {
		*why = cause_fmt("uffd-wp: PID %ld has a seccomp filter, which "
		    "only root can read, and sdtop injects nothing a filter "
		    "might forbid", (long)t->pid);
		return (-1);
	}
	return (0);
}

/* The kernel test, then whether this user may watch the target so. */
static int
uffd_probe(struct proc_target *t, char **why)
{
	int	pidfd, fd, err;
	long	tracer;

#if !defined(__x86_64__)
	*why = cause_fmt("uffd-wp: needs x86_64 (system calls are run "
	    "inside the target)");
	return (-1);
#endif
	if (uffd_probe_kernel(why) == -1)
		return (-1);
	if (t == NULL)
		return (0);
	if (t->tid != t->pid) {
		*why = cause_fmt("uffd-wp: the main thread of PID %ld has "
		    "exited, and a userfaultfd is taken from a process through "
		    "it", (long)t->pid);
		return (-1);
	}

	if ((pidfd = t->pidfd) == -1) {
		*why = cause_fmt("uffd-wp: no pidfd of PID %ld (pidfd_open, "
		    "Linux 5.3+)", (long)t->pid);
		return (-1);
	}
	/*
	 * pidfd_getfd() asks for the same right as ptrace attach
	 * (PTRACE_MODE_ATTACH_REALCREDS): EBADF on a descriptor that cannot
	 * exist means allowed, EPERM means not, and nothing is touched.
	 */
	fd = uffd_pidfd_getfd(pidfd, 1 << 30);
	err = errno;
	if (fd != -1)
		close(fd);
	if (fd == -1 && err == EPERM) {
		*why = cause_fmt("uffd-wp: cannot ptrace PID %ld (operation "
		    "not permitted): run as the same user or root",
		    (long)t->pid);
		return (-1);
	}
	if (fd == -1 && err == ESRCH) {
		*why = cause_fmt("uffd-wp: no such process: %ld",
		    (long)t->pid);
		return (-1);
	}
	if (proc_status_long(t, 0, "TracerPid", &tracer) == 0 && tracer != 0) {
		*why = cause_fmt("uffd-wp: PID %ld is already traced by PID "
		    "%ld (a debugger?)", (long)t->pid, tracer);
		return (-1);
	}
	return (uffd_probe_seccomp(t, why));
}

/*
 * Huge pages in the target: write-protecting one splits it at its next
 * write, so "auto" prefers a method that leaves them whole.
 */
static int
uffd_lasting_cost(struct proc_target *t, char **why)
{
	static const char *const fields[] = {
		"AnonHugePages", "ShmemPmdMapped", "FilePmdMapped"
	};
	unsigned long	 kb;

	if (proc_smaps_sum(t, fields, sizeof fields / sizeof fields[0],
	    &kb) == -1 || kb == 0)
		return (0);
	*why = cause_fmt("uffd-wp: PID %ld has %lu MiB in transparent huge "
	    "pages, which write-protection would split", (long)t->pid,
	    (kb + 1023) / 1024);
	return (1);
}

/*
 * Have the injector create the userfaultfd inside the target (closing any
 * left there by a killed run) and hand us a copy with asynchronous
 * write-protect enabled.
 */
static int
uffd_attach(struct tracker *tr, char **cause)
{
	struct uffd_state	*st;
	pid_t			 pid = tr->target->pid;
	int			 saved;

	if ((st = calloc(1, sizeof *st)) == NULL) {
		*cause = cause_errno(errno, "uffd-wp");
		return (-1);
	}
	st->pid = pid;
	st->fd = -1;
	st->target_fd = -1;
	if (tr->target->pidfd == -1) {
		saved = ENOSYS;
		*cause = cause_fmt("uffd-wp: no pidfd of PID %ld (pidfd_open, "
		    "Linux 5.3+)", (long)pid);
		goto fail;
	}
	uffd_users++;
	if (injector_uffd_create(tr->target, UFFD_FLAGS, UFFD_FEATURES,
	    &st->fd, &st->target_fd, cause) == -1) {
		saved = errno;
		if (--uffd_users == 0)
			injector_stop(NULL);
		goto fail;
	}
	tr->priv = st;
	return (0);

fail:
	uffd_state_free(st);
	errno = saved;
	return (-1);
}

/* The target's pagemap fd for a cycle; -1 with *cause if not attached. */
static int
uffd_pagemap(struct tracker *tr, char **cause)
{
	struct uffd_state	*st = tr->priv;
	int			 pmfd;

	if (st == NULL) {
		*cause = cause_fmt("uffd-wp: not attached");
		errno = EINVAL;
		return (-1);
	}
	if ((pmfd = proc_pagemap_fd(tr->target)) == -1)
		*cause = cause_errno(errno, "pagemap of PID %ld",
		    (long)st->pid);
	return (pmfd);
}

/* Whether the present map of old was moved into one of the n ranges nr. */
static bool
uffd_carried(const struct uffd_range *nr, size_t n,
    const struct uffd_range *old)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (old->present.runs.r != NULL &&
		    nr[i].present.runs.r == old->present.runs.r)
			return (true);
	return (false);
}

/* Register the VMAs not yet registered, then write-protect them all. */
static int
uffd_start_cycle(struct tracker *tr, const struct vma_list *vl, char **cause)
{
	struct uffd_state	*st = tr->priv;
	struct uffd_range	*nr, *old;
	const struct vma	*v;
	size_t			 i, n = 0;
	int			 pmfd;

	if ((pmfd = uffd_pagemap(tr, cause)) == -1)
		return (-1);
	if ((nr = calloc(vl->n + 1, sizeof *nr)) == NULL) {
		*cause = cause_errno(errno, "uffd-wp");
		return (-1);
	}
	/*
	 * Keep the registrations of VMAs still there, register the others;
	 * VMAs that vanished are dropped (the kernel forgot them with them).
	 */
	for (i = 0; i < vl->n; i++) {
		v = &vl->v[i];
		if (!vma_trackable(v))
			continue;
		nr[n].start = v->start;
		nr[n].end = v->end;
		if ((old = uffd_find(st, v->start, v->end)) != NULL)
			nr[n] = *old;	/* its present map moves with it */
		else
			nr[n].error = uffd_register(st->fd, v->start, v->end);
		if (nr[n].error == ESRCH) {
			free(nr);
			*cause = cause_fmt("PID %ld has exited",
			    (long)st->pid);
			errno = ESRCH;
			return (-1);
		}
		n++;
	}
	/*
	 * Every range busy: another userfaultfd (another sdtop) already
	 * write-protects this process. One of them must watch it, not both.
	 */
	for (i = 0; i < n && nr[i].error == EBUSY; i++)
		;
	if (n > 0 && i == n) {
		free(nr);
		*cause = cause_fmt("uffd-wp: the memory of PID %ld is already "
		    "registered with another userfaultfd (its own, or another "
		    "tool's)", (long)st->pid);
		errno = EBUSY;
		return (-1);
	}
	for (i = 0; i < st->n; i++)
		if (!uffd_carried(nr, n, &st->r[i]))
			present_map_free(&st->r[i].present);
	free(st->r);
	st->r = nr;
	st->n = n;

	/*
	 * A range the last collect protected again needs no clear: its cycle
	 * runs on from that collect, and a write made since (while sdtop
	 * printed or drew) counts in this cycle instead of being lost. The
	 * model asks for a fresh clear when it wants one.
	 */
	tr->kept = false;
	for (i = 0; i < st->n; i++) {
		if (st->r[i].error != 0)
			continue;
		if (st->r[i].collected && !tr->fresh) {
			tr->kept = true;
			continue;
		}
		st->r[i].collected = false;
		if (uffd_reprotect(pmfd, st->r[i].start, st->r[i].end) == 0)
			continue;
		if (proc_gone(errno)) {
			*cause = cause_fmt("PID %ld has exited",
			    (long)st->pid);
			errno = ESRCH;
			return (-1);
		}
		/*
		 * EPERM: the range lost its registration between reading the
		 * maps and now (a new mapping over the same range). Register
		 * once more; a second failure marks the VMA.
		 */
		present_map_forget(&st->r[i].present);
		if ((st->r[i].error = uffd_register(st->fd, st->r[i].start,
		    st->r[i].end)) == 0 && uffd_reprotect(pmfd,
		    st->r[i].start, st->r[i].end) == -1)
			st->r[i].error = errno;
	}
	return (0);
}

/*
 * Fill the written and present pages of one registered VMA: its present
 * map brought up to date first (track-present.h), then the scan that
 * returns the pages written and protects them again. A failed walk of
 * the present pages leaves sv->present NULL (unknown); a failed scan
 * marks the VMA. -1 with errno only when the target has gone.
 */
static int
uffd_collect_vma(int pmfd, struct uffd_range *r, struct snap_vma *sv,
    struct runs *written)
{
	struct pmscan_arg	 tmpl;
	struct uffd_fill	 f;
	bool			 known;
	int			 err;

	known = present_refresh(pmfd, &r->present, sv->vma.start,
	    sv->vma.end, &r->huge) == 0;
	err = known ? 0 : errno;
	memset(&tmpl, 0, sizeof tmpl);
	uffd_scan_masks(&tmpl);
	memset(&f, 0, sizeof f);
	f.set = sv->written;
	f.runs = written;
	runs_clear(written);
	f.start = sv->vma.start;
	f.npages = sv->npages;
	f.shift = page_shift();
	if (pagemap_scan(pmfd, sv->vma.start, sv->vma.end, &tmpl,
	    uffd_fill_region, &f) != 0) {
		if (proc_gone(errno))
			return (-1);
		/* EPERM: the registration was lost (a new mapping). */
		r->collected = false;
		r->error = errno;
		present_map_forget(&r->present);
		track_vma_failed(sv, r->error);
		return (0);
	}
	r->collected = true;
	if (f.nomem || err == ENOMEM || (known &&
	    present_complete(&r->present, written, sv) == -1))
		track_vma_failed(sv, ENOMEM);
	/* Huge pages are never protected: their writes are unknown. */
	else if (r->huge)
		track_vma_failed(sv, SNAP_EHUGE);
	return (0);
}

/* The collect, written the scratch list of the pages written in a VMA. */
static int
uffd_collect_runs(struct tracker *tr, struct snapshot *s, struct runs *written,
    char **cause)
{
	struct uffd_state	*st = tr->priv;
	struct uffd_range	*r;
	struct snap_vma		*sv;
	size_t			 i;
	int			 pmfd;

	if ((pmfd = uffd_pagemap(tr, cause)) == -1)
		return (-1);
	for (i = 0; i < s->nvma; i++) {
		sv = &s->vmas[i];
		if (!sv->tracked || sv->is_new || sv->written == NULL)
			continue;
		r = uffd_find(st, sv->vma.start, sv->vma.end);
		if (r == NULL) {
			/*
			 * Not registered because not writable (shown with
			 * --all): nothing can write through this mapping.
			 */
			if (~sv->vma.prot & VMA_WRITE)
				continue;
			track_vma_failed(sv, ENOENT);
			continue;
		}
		if (r->error != 0) {
			track_vma_failed(sv, r->error);
			continue;
		}
		if (uffd_collect_vma(pmfd, r, sv, written) == -1 &&
		    proc_gone(errno)) {
			*cause = cause_fmt("PID %ld has exited",
			    (long)st->pid);
			errno = ESRCH;
			return (-1);
		}
	}
	return (0);
}

/* Read (and protect again) the pages written since the clear, per VMA. */
static int
uffd_collect(struct tracker *tr, struct snapshot *s, char **cause)
{
	struct runs	written = { NULL, 0, 0 };
	int		rc;

	rc = uffd_collect_runs(tr, s, &written, cause);
	runs_free(&written);
	return (rc);
}

/* Close the userfaultfd here and in the target; safe to call twice. */
static void
uffd_detach(struct tracker *tr)
{
	struct uffd_state	*st = tr->priv;
	char			*cause = NULL;

	if (st == NULL)
		return;
	tr->priv = NULL;
	/*
	 * Ours first, so that the target's close() drops the last reference
	 * and the kernel unregisters everything (userfaultfd_release()).
	 */
	if (st->fd != -1) {
		close(st->fd);
		st->fd = -1;
	}
	if (st->target_fd != -1 && injector_uffd_remove(tr->target,
	    st->target_fd, &cause) == -1 && tr->left == NULL) {
		tr->left = cause;
		cause = NULL;
	}
	free(cause);
	cause = NULL;
	uffd_state_free(st);
	if (--uffd_users == 0 && injector_stop(&cause) == -1 &&
	    tr->left == NULL) {
		tr->left = cause;
		cause = NULL;
	}
	free(cause);
}

const struct track_method track_uffd = {
	.name = "uffd-wp",
	.summary = "exact: userfaultfd write-protect + PAGEMAP_SCAN "
	    "(Linux 6.7+, ptrace)",
	.probe = uffd_probe,
	.lasting_cost = uffd_lasting_cost,
	.attach = uffd_attach,
	.start_cycle = uffd_start_cycle,
	.collect = uffd_collect,
	.detach = uffd_detach,
};
