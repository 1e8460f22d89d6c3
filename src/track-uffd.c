/*
 * track-uffd.c - exact write tracking with userfaultfd in asynchronous
 * write-protect mode and the PAGEMAP_SCAN ioctl (Linux 6.7+), for kernels
 * without soft-dirty.
 *
 * A userfaultfd belongs to the mm of the process that creates it, so it is
 * created inside the target by an injected userfaultfd() call (inject.c),
 * and a copy of it is taken with pidfd_getfd(). The ioctls on that copy act
 * on the target's memory (checked on Linux 6.18: UFFDIO_API and
 * UFFDIO_REGISTER from another process register the creator's VMAs), so
 * only the creation and the final close() run inside the target.
 *
 * With UFFD_FEATURE_WP_ASYNC (Documentation/admin-guide/mm/userfaultfd.rst)
 * a write to a protected page is resolved by the kernel at once, without
 * any message, and the page's uffd-wp bit is dropped; PAGEMAP_SCAN with
 * PM_SCAN_WP_MATCHING and category PAGE_IS_WRITTEN then returns exactly
 * the pages written since the last such scan and protects them again, in
 * one atomic walk (Documentation/admin-guide/mm/pagemap.rst). The clear is
 * such a scan with no output; the collection is one with output.
 * UFFD_FEATURE_WP_UNPOPULATED protects never-touched pages too, so a read
 * of one (which maps the zero page) is not taken for a write.
 *
 * Closing the last reference to the userfaultfd unregisters every range
 * and drops all the protection; the target keeps no trace of the tracking.
 * If this process is killed, its copy closes by itself and the target is
 * left with one idle userfaultfd (O_CLOEXEC) under asynchronous
 * write-protect, which costs it a fault per first write and nothing else.
 *
 * Addresses are in bytes; bitmaps have a bit per page of page_size().
 */
#include "config.h"

#include <sys/types.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/kcmp.h>
#include <linux/userfaultfd.h>

#include "bitmap.h"
#include "inject.h"
#include "maps.h"
#include "pagemap.h"
#include "proc.h"
#include "snapshot.h"
#include "track.h"

/* Newer than Debian 12's 6.1 headers; values from include/uapi (6.7). */
#ifndef UFFD_USER_MODE_ONLY
#define UFFD_USER_MODE_ONLY		1
#endif
#ifndef UFFD_FEATURE_WP_UNPOPULATED
#define UFFD_FEATURE_WP_UNPOPULATED	(1 << 13)
#endif
#ifndef UFFD_FEATURE_WP_ASYNC
#define UFFD_FEATURE_WP_ASYNC		(1 << 15)
#endif
#ifndef SYS_pidfd_open
#define SYS_pidfd_open			434
#endif
#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd			438
#endif
#ifndef SYS_kcmp
#define SYS_kcmp			312
#endif
#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal		424
#endif

#define UFFD_FEATURES	(UFFD_FEATURE_WP_ASYNC | UFFD_FEATURE_WP_UNPOPULATED)

/*
 * Kernel-mode faults are not needed (asynchronous write-protect never
 * sends a message) and without this flag an unprivileged target cannot
 * create a userfaultfd while vm.unprivileged_userfaultfd is 0.
 */
#define UFFD_FLAGS	(O_CLOEXEC | O_NONBLOCK | UFFD_USER_MODE_ONLY)

/* Stale userfaultfds looked for at attach, at most. */
#define UFFD_MAXSTALE	8

/*
 * VMAs larger than this are write-protected only where pages exist.
 * Protecting an unpopulated page (WP_UNPOPULATED) leaves a marker in a
 * page table, so a first clear over a sparse VMA allocates page tables
 * for all of it, 1/512 of its size: an AddressSanitizer shadow (16 TiB,
 * read-write, untouched) would take 32 GiB of kernel memory. Beyond this
 * size, a page touched for the first time by a read (the zero page) is
 * still told apart, but one first faulted in by a read from a file is
 * counted as written once.
 */
#define UFFD_MARKER_MAX		(UINT64_C(4) << 30)

/* One VMA range given to UFFDIO_REGISTER, and how that went. */
struct uffd_range {
	uint64_t	start;
	uint64_t	end;
	int		error;		/* errno of the registration, or 0 */
};

/* The categories a scan selects: written, and for a large VMA, populated. */
static void
uffd_scan_masks(struct pmscan_arg *a, uint64_t start, uint64_t end)
{
	a->flags = PMSCAN_WP_MATCHING | PMSCAN_CHECK_WPASYNC;
	a->category_mask = PAGE_IS_WRITTEN;
	a->return_mask = PAGE_IS_WRITTEN;
	if (end - start > UFFD_MARKER_MAX) {
		a->category_mask |= PAGE_IS_PFNZERO;
		a->category_inverted = PAGE_IS_PFNZERO;
		a->category_anyof_mask = PAGE_IS_PRESENT | PAGE_IS_SWAPPED;
	}
}

struct uffd_state {
	pid_t			 pid;
	int			 pidfd;
	int			 fd;		/* our copy of the userfaultfd */
	int			 target_fd;	/* its number in the target, -1 */
	struct uffd_range	*r;
	size_t			 n;
};

static size_t	uffd_find_stale(struct proc_target *, int *, size_t);

static int
uffd_pidfd_open(pid_t pid)
{
	return ((int)syscall(SYS_pidfd_open, pid, 0));
}

static int
uffd_pidfd_getfd(int pidfd, int fd)
{
	return ((int)syscall(SYS_pidfd_getfd, pidfd, fd, 0));
}

/* Whether the process behind pidfd is still alive (not reaped). */
static bool
uffd_alive(int pidfd)
{
	return (syscall(SYS_pidfd_send_signal, pidfd, 0, NULL, 0) == 0);
}

/*
 * Whether descriptor fd of the target is still the file of our copy mine:
 * the target may have closed it and reused the number for a file of its
 * own, which must never be closed. kcmp(2) compares the files themselves;
 * without it (no CONFIG_KCMP), a userfaultfd with our flags must do.
 */
static bool
uffd_still_ours(pid_t pid, int mine, int fd, struct proc_target *t)
{
	int	stale[UFFD_MAXSTALE];
	size_t	i, n;
	long	r;

	r = syscall(SYS_kcmp, getpid(), pid, KCMP_FILE, mine, fd);
	if (r == 0)
		return (true);
	if (r > 0 || errno != ENOSYS || t == NULL)
		return (false);
	n = uffd_find_stale(t, stale, UFFD_MAXSTALE);
	for (i = 0; i < n; i++)
		if (stale[i] == fd)
			return (true);
	return (false);
}

/*
 * Run close(fd) inside the target, but only if it is still the process of
 * pidfd (checked while it is stopped, so its PID cannot be reused
 * meanwhile) and fd is still ours; then close our copy *mine.
 */
static int
uffd_close_remote(struct uffd_state *st, int *mine, struct proc_target *t)
{
	struct inject	*in;
	long		 args[6] = { st->target_fd, 0, 0, 0, 0, 0 }, ret;
	int		 r = -1;

	if (!uffd_alive(st->pidfd)) {
		errno = ESRCH;
		goto out;
	}
	if ((in = inject_attach(st->pid, NULL)) == NULL)
		goto out;
	if (!uffd_alive(st->pidfd))
		errno = ESRCH;
	else if (*mine != -1 &&
	    !uffd_still_ours(st->pid, *mine, st->target_fd, t))
		errno = EBADF;
	else {
		/* Ours first, so the target's close drops the last reference. */
		if (*mine != -1) {
			close(*mine);
			*mine = -1;
		}
		if (inject_syscall(in, SYS_close, args, &ret) == 0)
			r = 0;
	}
	if (inject_detach(in) == -1)
		r = -1;
out:
	if (*mine != -1) {
		close(*mine);
		*mine = -1;
	}
	return (r);
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
	uffd_scan_masks(&a, start, end);
	if (end - start > UFFD_MARKER_MAX)
		return (pagemap_scan(pmfd, start, end, &a, uffd_discard, NULL));
	/*
	 * With no output vector (vec 0, vec_len 0) the scan only does its
	 * WP_MATCHING work, in one call for the whole range; the kernel then
	 * protects every page, unpopulated ones included, whatever the masks
	 * say, hence only for VMAs up to UFFD_MARKER_MAX.
	 */
	a.size = sizeof a;
	a.start = start;
	a.end = end;
	while (ioctl(pmfd, PMSCAN_IOCTL, &a) == -1) {
		if (errno != EINTR)
			return (-1);
	}
	return (0);
}

/* What a collecting scan fills: one VMA's bitmap. */
struct uffd_fill {
	uint64_t	*bits;
	uint64_t	 start;		/* of the VMA */
	uint64_t	 npages;
	unsigned int	 shift;
};

/* Set the bits of one region returned by PAGEMAP_SCAN, clipped to the VMA. */
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
	if (from < to)
		bitmap_set_range(f->bits, from, to);
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
	free(st->r);
	if (st->fd != -1)
		close(st->fd);
	if (st->pidfd != -1)
		close(st->pidfd);
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
			    "WP_MATCHING and PAGE_IS_WRITTEN");
		goto out;
	}
	page[0] = 2;
	memset(&a, 0, sizeof a);
	a.size = sizeof a;
	a.flags = PMSCAN_WP_MATCHING | PMSCAN_CHECK_WPASYNC;
	a.start = (uintptr_t)page;
	a.end = (uintptr_t)page + psz;
	a.vec = (uintptr_t)vec;
	a.vec_len = 4;
	a.category_mask = PAGE_IS_WRITTEN;
	a.return_mask = PAGE_IS_WRITTEN;
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

/* The TracerPid of the target, 0 if none or unknown. */
static long
uffd_tracer(struct proc_target *t)
{
	char	*buf, *p;
	size_t	 len;
	long	 tracer = 0;

	if (proc_read_file(t, "status", &buf, &len) == -1)
		return (0);
	if ((p = strstr(buf, "\nTracerPid:")) != NULL)
		tracer = strtol(p + 11, NULL, 10);
	free(buf);
	return (tracer);
}

/* The kernel test, then whether this user may ptrace the target. */
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

	if ((pidfd = uffd_pidfd_open(t->pid)) == -1) {
		*why = errno == ESRCH ?
		    cause_fmt("uffd-wp: no such process: %ld", (long)t->pid) :
		    cause_errno(errno, "uffd-wp: pidfd_open of PID %ld",
		    (long)t->pid);
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
	close(pidfd);
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
	if ((tracer = uffd_tracer(t)) != 0) {
		*why = cause_fmt("uffd-wp: PID %ld is already traced by PID "
		    "%ld (a debugger?)", (long)t->pid, tracer);
		return (-1);
	}
	return (0);
}

/*
 * Find userfaultfds left in the target by an earlier run of this program
 * that was killed before it could close them: their registrations would
 * make every new one fail with EBUSY. They are recognised by their exact
 * open flags and features in /proc/PID/fdinfo (features 0x8000a000 is
 * WP_ASYNC | WP_UNPOPULATED plus the kernel's "initialized" bit), which a
 * program using userfaultfd for itself is most unlikely to share.
 */
static size_t
uffd_find_stale(struct proc_target *t, int *fds, size_t max)
{
	char		 path[64], link[64], *info, *p;
	DIR		*d;
	struct dirent	*de;
	size_t		 n = 0, len;
	ssize_t		 ll;
	unsigned long	 flags, features;
	long		 fd;
	int		 dfd;

	if ((dfd = openat(t->dirfd, "fd", O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) == -1)
		return (0);
	if ((d = fdopendir(dfd)) == NULL) {
		close(dfd);
		return (0);
	}
	while (n < max && (de = readdir(d)) != NULL) {
		if ((fd = strtol(de->d_name, &p, 10)) < 0 || *p != '\0' ||
		    p == de->d_name)
			continue;
		ll = readlinkat(dfd, de->d_name, link, sizeof link - 1);
		if (ll <= 0)
			continue;
		link[ll] = '\0';
		if (strcmp(link, "anon_inode:[userfaultfd]") != 0)
			continue;
		snprintf(path, sizeof path, "fdinfo/%ld", fd);
		if (proc_read_file(t, path, &info, &len) == -1)
			continue;
		flags = features = 0;
		if ((p = strstr(info, "flags:")) != NULL)
			flags = strtoul(p + 6, NULL, 8);
		if ((p = strstr(info, "API:")) != NULL &&
		    (p = strchr(p, ':')) != NULL &&
		    (p = strchr(p + 1, ':')) != NULL)
			features = strtoul(p + 1, NULL, 16);
		free(info);
		if ((flags & ~(unsigned long)O_ACCMODE) ==
		    (O_CLOEXEC | O_NONBLOCK) &&
		    (features & 0x7fffffffUL) == UFFD_FEATURES)
			fds[n++] = (int)fd;
	}
	closedir(d);
	return (n);
}

/*
 * Create the userfaultfd inside the target (closing any left there by a
 * killed run), take a copy of it and enable asynchronous write-protect.
 */
static int
uffd_attach(struct tracker *tr, char **cause)
{
	struct uffd_state	*st;
	struct uffdio_api	 api;
	struct inject		*in;
	pid_t			 pid = tr->target->pid;
	long			 args[6] = { UFFD_FLAGS, 0, 0, 0, 0, 0 };
	long			 cargs[6] = { 0 }, ret;
	int			 saved, stale[UFFD_MAXSTALE];
	size_t			 i, nstale;

	if ((st = calloc(1, sizeof *st)) == NULL) {
		*cause = cause_errno(errno, "uffd-wp");
		return (-1);
	}
	st->pid = pid;
	st->fd = -1;
	st->target_fd = -1;
	if ((st->pidfd = uffd_pidfd_open(pid)) == -1) {
		saved = errno;
		*cause = saved == ESRCH ?
		    cause_fmt("no such process: %ld", (long)pid) :
		    cause_errno(saved, "uffd-wp: pidfd_open of PID %ld",
		    (long)pid);
		goto fail;
	}

	if ((in = inject_attach(pid, cause)) == NULL) {
		saved = errno;
		goto fail;
	}
	if (!uffd_alive(st->pidfd)) {
		inject_detach(in);
		saved = ESRCH;
		*cause = cause_fmt("PID %ld has exited", (long)pid);
		goto fail;
	}
	nstale = uffd_find_stale(tr->target, stale, UFFD_MAXSTALE);
	for (i = 0; i < nstale; i++) {
		cargs[0] = stale[i];
		if (inject_syscall(in, SYS_close, cargs, &ret) == -1)
			break;
	}
	if (inject_syscall(in, SYS_userfaultfd, args, &ret) == -1) {
		saved = errno;
		inject_detach(in);
		*cause = saved == ESRCH ?
		    cause_fmt("PID %ld has exited", (long)pid) :
		    cause_errno(saved, "uffd-wp: running userfaultfd() in "
		    "PID %ld", (long)pid);
		goto fail;
	}
	if (inject_detach(in) == -1 && ret >= 0) {
		saved = errno;
		*cause = cause_errno(saved, "uffd-wp: releasing PID %ld",
		    (long)pid);
		goto fail;
	}
	if (ret < 0) {
		saved = (int)-ret;
		*cause = cause_errno(saved, "uffd-wp: userfaultfd() in PID %ld",
		    (long)pid);
		goto fail;
	}
	st->target_fd = (int)ret;

	if ((st->fd = uffd_pidfd_getfd(st->pidfd, st->target_fd)) == -1) {
		saved = errno;
		*cause = cause_errno(saved, "uffd-wp: pidfd_getfd of PID %ld",
		    (long)pid);
		goto fail;
	}
	memset(&api, 0, sizeof api);
	api.api = UFFD_API;
	api.features = UFFD_FEATURES;
	if (ioctl(st->fd, UFFDIO_API, &api) == -1) {
		saved = errno;
		*cause = cause_errno(saved, "uffd-wp: UFFDIO_API with "
		    "WP_ASYNC and WP_UNPOPULATED");
		goto fail;
	}
	tr->priv = st;
	return (0);

fail:
	if (st->target_fd != -1)
		uffd_close_remote(st, &st->fd, tr->target);
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
			nr[n].error = old->error;
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
		    "write-protected by another userfaultfd (is another sdtop "
		    "watching it?)", (long)st->pid);
		errno = EBUSY;
		return (-1);
	}
	free(st->r);
	st->r = nr;
	st->n = n;

	for (i = 0; i < st->n; i++) {
		if (st->r[i].error != 0)
			continue;
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
		if ((st->r[i].error = uffd_register(st->fd, st->r[i].start,
		    st->r[i].end)) == 0 && uffd_reprotect(pmfd,
		    st->r[i].start, st->r[i].end) == -1)
			st->r[i].error = errno;
	}
	return (0);
}

/* Mark VMA sv as not tracked this cycle because of err. */
static void
uffd_untrack(struct snap_vma *sv, int err)
{
	sv->error = err;
	sv->tracked = false;
	free(sv->written);
	sv->written = NULL;
	free(sv->present);
	sv->present = NULL;
}

/* Fill sv->present from a plain scan (no write-protect); NULL if it fails. */
static void
uffd_fill_present(int pmfd, struct snap_vma *sv)
{
	struct pmscan_arg	tmpl;
	struct uffd_fill	f;

	if ((sv->present = bitmap_new(sv->npages)) == NULL)
		return;
	memset(&tmpl, 0, sizeof tmpl);
	tmpl.category_anyof_mask = PAGE_IS_PRESENT | PAGE_IS_SWAPPED;
	tmpl.return_mask = PAGE_IS_PRESENT | PAGE_IS_SWAPPED;
	f.bits = sv->present;
	f.start = sv->vma.start;
	f.npages = sv->npages;
	f.shift = page_shift();
	if (pagemap_scan(pmfd, sv->vma.start, sv->vma.end, &tmpl,
	    uffd_fill_region, &f) != 0) {
		free(sv->present);
		sv->present = NULL;
	}
}

/* Read (and protect again) the pages written since the clear, per VMA. */
static int
uffd_collect(struct tracker *tr, struct snapshot *s, char **cause)
{
	struct uffd_state	*st = tr->priv;
	struct uffd_range	*r;
	struct snap_vma		*sv;
	struct pmscan_arg	 tmpl;
	struct uffd_fill	 f;
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
			uffd_untrack(sv, ENOENT);
			continue;
		}
		if (r->error != 0) {
			uffd_untrack(sv, r->error);
			continue;
		}
		memset(&tmpl, 0, sizeof tmpl);
		uffd_scan_masks(&tmpl, sv->vma.start, sv->vma.end);
		f.bits = sv->written;
		f.start = sv->vma.start;
		f.npages = sv->npages;
		f.shift = page_shift();
		if (pagemap_scan(pmfd, sv->vma.start, sv->vma.end, &tmpl,
		    uffd_fill_region, &f) != 0) {
			if (proc_gone(errno)) {
				*cause = cause_fmt("PID %ld has exited",
				    (long)st->pid);
				errno = ESRCH;
				return (-1);
			}
			/* EPERM: the registration was lost (a new mapping). */
			r->error = errno;
			uffd_untrack(sv, errno);
			continue;
		}
		uffd_fill_present(pmfd, sv);
	}
	return (0);
}

/* Close the userfaultfd in the target and here; safe to call twice. */
static void
uffd_detach(struct tracker *tr)
{
	struct uffd_state	*st = tr->priv;

	if (st == NULL)
		return;
	tr->priv = NULL;
	/*
	 * Closing the last reference, in the target, makes the kernel
	 * unregister every range and remove the write-protection
	 * (userfaultfd_release()).
	 */
	if (st->target_fd != -1)
		uffd_close_remote(st, &st->fd, tr->target);
	uffd_state_free(st);
}

const struct track_method track_uffd = {
	.name = "uffd-wp",
	.summary = "exact: userfaultfd write-protect + PAGEMAP_SCAN "
	    "(Linux 6.7+, ptrace)",
	.probe = uffd_probe,
	.attach = uffd_attach,
	.start_cycle = uffd_start_cycle,
	.collect = uffd_collect,
	.detach = uffd_detach,
};
