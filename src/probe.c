/*
 * probe.c - the capability table of `sdtop --probe [PID]`.
 *
 * Each row is found out by trying the thing itself, never by reading the
 * kernel version or its config: a page of this process is scanned with
 * PAGEMAP_SCAN once per category bit, a userfaultfd is opened and asked for
 * its features, a perf event is opened on this process, a forked child
 * seizes the target with ptrace and exits (which detaches it without ever
 * stopping it). Every resource is released before the next row.
 */
#include "config.h"

#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/ptrace.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/perf_event.h>
#ifdef HAVE_LINUX_USERFAULTFD_H
#include <linux/userfaultfd.h>
#endif

#include "kernel-compat.h"
#include "page.h"
#include "proc-pagemap.h"
#include "probe.h"
#include "proc.h"
#include "track.h"

static const struct {
	const char	*name;
	uint64_t	 bit;
} probe_categories[] = {
	{ "PAGE_IS_WPALLOWED",	PAGE_IS_WPALLOWED },
	{ "PAGE_IS_WRITTEN",	PAGE_IS_WRITTEN },
	{ "PAGE_IS_FILE",	PAGE_IS_FILE },
	{ "PAGE_IS_PRESENT",	PAGE_IS_PRESENT },
	{ "PAGE_IS_SWAPPED",	PAGE_IS_SWAPPED },
	{ "PAGE_IS_PFNZERO",	PAGE_IS_PFNZERO },
	{ "PAGE_IS_HUGE",	PAGE_IS_HUGE },
	{ "PAGE_IS_SOFT_DIRTY",	PAGE_IS_SOFT_DIRTY },
	{ "PAGE_IS_GUARD",	PAGE_IS_GUARD },
};
#define PROBE_NCATEGORIES (sizeof probe_categories / sizeof probe_categories[0])

/* Append a row; the detail is formatted (NULL fmt: none). */
static void __attribute__((format(printf, 4, 5)))
probe_add(struct probe_table *pt, const char *name, bool ok,
    const char *fmt, ...)
{
	struct probe_row	*r;
	va_list			 ap;

	if (pt->n == PROBE_MAX_ROWS)
		return;
	r = &pt->rows[pt->n++];
	r->name = name;
	r->ok = ok;
	r->detail = NULL;
	if (fmt != NULL) {
		va_start(ap, fmt);
		if (vasprintf(&r->detail, fmt, ap) == -1)
			r->detail = NULL;
		va_end(ap);
	}
}

/* Append a row whose detail is a malloc'd string (taken over). */
static void
probe_add_str(struct probe_table *pt, const char *name, bool ok, char *s)
{
	if (pt->n == PROBE_MAX_ROWS) {
		free(s);
		return;
	}
	pt->rows[pt->n].name = name;
	pt->rows[pt->n].ok = ok;
	pt->rows[pt->n].detail = s;
	pt->n++;
}

/* A row from a method's probe, called through its ops. */
static void
probe_method(struct probe_table *pt, const struct track_method *m,
    struct proc_target *t)
{
	char	*why = NULL;

	if (m->probe(t, &why) == 0) {
		free(why);
		probe_add(pt, m->name, true, "works: %s", m->summary);
	} else
		probe_add_str(pt, m->name, false, why);
}

/*
 * PAGEMAP_SCAN on a page of this process: once with no category (does the
 * ioctl exist) and once per category bit in return_mask (the kernel
 * rejects bits it does not know with EINVAL).
 */
static void
probe_pagemap_scan(struct probe_table *pt)
{
	struct pmscan_arg	 a;
	struct pmscan_region	 r;
	size_t			 ps = page_size(), i;
	char			*page;
	int			 fd, err = 0;
	long			 n = -1;

	fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	page = mmap(NULL, ps, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (fd == -1 || page == MAP_FAILED) {
		err = errno;
		goto out;
	}
	page[0] = 1;

	memset(&a, 0, sizeof a);
	a.size = sizeof a;
	a.start = (uint64_t)(uintptr_t)page;
	a.end = a.start + ps;
	a.vec = (uint64_t)(uintptr_t)&r;
	a.vec_len = 1;
	a.return_mask = PAGE_IS_PRESENT;
	if ((n = ioctl(fd, PMSCAN_IOCTL, &a)) == -1)
		err = errno;

out:
	if (n == -1) {
		if (err == ENOTTY) {
			probe_add(pt, "PAGEMAP_SCAN", false, "the kernel has no"
			    " PAGEMAP_SCAN ioctl (Linux 6.7+)");
		} else {
			probe_add(pt, "PAGEMAP_SCAN", false, "%s",
			    strerror(err));
		}
		for (i = 0; i < PROBE_NCATEGORIES; i++) {
			probe_add(pt, probe_categories[i].name, false,
			    "no PAGEMAP_SCAN");
		}
	} else {
		probe_add(pt, "PAGEMAP_SCAN", true, "the ioctl works on"
		    " /proc/self/pagemap");
		for (i = 0; i < PROBE_NCATEGORIES; i++) {
			a.return_mask = probe_categories[i].bit;
			a.walk_end = 0;
			if (ioctl(fd, PMSCAN_IOCTL, &a) != -1) {
				probe_add(pt, probe_categories[i].name, true,
				    "category bit %d accepted",
				    __builtin_ctzll(probe_categories[i].bit));
			} else {
				probe_add(pt, probe_categories[i].name, false,
				    "category bit %d rejected: %s",
				    __builtin_ctzll(probe_categories[i].bit),
				    strerror(errno));
			}
		}
	}
	if (page != MAP_FAILED)
		munmap(page, ps);
	if (fd != -1)
		close(fd);
}

/* Read a one-line /proc/sys value into buf, or "?". */
static void
probe_sysctl(const char *path, char *buf, size_t size)
{
	FILE	*f;

	snprintf(buf, size, "?");
	if ((f = fopen(path, "re")) == NULL)
		return;
	if (fgets(buf, (int)size, f) == NULL)
		snprintf(buf, size, "?");
	buf[strcspn(buf, "\n")] = '\0';
	fclose(f);
}

/*
 * Open a userfaultfd (with UFFD_USER_MODE_ONLY when the plain one is
 * refused: vm.unprivileged_userfaultfd=0 and no CAP_SYS_PTRACE) and ask
 * UFFDIO_API for every feature the kernel offers.
 */
static void
probe_userfaultfd(struct probe_table *pt)
{
#if defined(HAVE_LINUX_USERFAULTFD_H) && defined(SYS_userfaultfd)
	struct uffdio_api	 api;
	uint64_t		 features = 0;
	char			 sysctl[32];
	int			 fd, mode_only = 0, ok = 0;

	probe_sysctl("/proc/sys/vm/unprivileged_userfaultfd", sysctl,
	    sizeof sysctl);
	fd = (int)syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	if (fd == -1 && errno == EPERM) {
		mode_only = 1;
		fd = (int)syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK |
		    UFFD_USER_MODE_ONLY);
	}
	if (fd == -1) {
		probe_add(pt, "userfaultfd", false, "%s%s (vm.unprivileged_"
		    "userfaultfd=%s)", strerror(errno),
		    errno == ENOSYS ? ": no CONFIG_USERFAULTFD" : "", sysctl);
	} else {
		memset(&api, 0, sizeof api);
		api.api = UFFD_API;
		if (ioctl(fd, UFFDIO_API, &api) == -1) {
			probe_add(pt, "userfaultfd", false, "UFFDIO_API: %s",
			    strerror(errno));
		} else {
			ok = 1;
			features = api.features;
			probe_add(pt, "userfaultfd", true, "opened%s "
			    "(vm.unprivileged_userfaultfd=%s), features 0x%llx",
			    mode_only ? " with UFFD_USER_MODE_ONLY" : "",
			    sysctl, (unsigned long long)features);
		}
		close(fd);
	}
	if (!ok) {
		probe_add(pt, "UFFD_FEATURE_WP_ASYNC", false, "no userfaultfd");
		probe_add(pt, "UFFD_FEATURE_WP_UNPOPULATED", false,
		    "no userfaultfd");
		return;
	}
	probe_add(pt, "UFFD_FEATURE_WP_ASYNC",
	    (features & UFFD_FEATURE_WP_ASYNC) != 0, "feature bit 15 %s",
	    (features & UFFD_FEATURE_WP_ASYNC) ? "offered" :
	    "not offered (Linux 6.7+)");
	probe_add(pt, "UFFD_FEATURE_WP_UNPOPULATED",
	    (features & UFFD_FEATURE_WP_UNPOPULATED) != 0, "feature bit 13 %s",
	    (features & UFFD_FEATURE_WP_UNPOPULATED) ? "offered" :
	    "not offered (Linux 6.4+)");
#else
	probe_add(pt, "userfaultfd", false, "built without "
	    "<linux/userfaultfd.h>");
	probe_add(pt, "UFFD_FEATURE_WP_ASYNC", false, "no userfaultfd");
	probe_add(pt, "UFFD_FEATURE_WP_UNPOPULATED", false, "no userfaultfd");
#endif
}

/*
 * Whether this user may ptrace pid: a forked child seizes it and exits.
 * PTRACE_SEIZE does not stop the target, and the tracer's exit detaches
 * it (kernel/ptrace.c exit_ptrace()), so the target never notices.
 */
static void
probe_ptrace(struct probe_table *pt, pid_t pid)
{
	pid_t	 child;
	int	 status, err;

	child = fork();
	if (child == -1) {
		probe_add(pt, "ptrace", false, "fork: %s", strerror(errno));
		return;
	}
	if (child == 0) {
		if (ptrace(PTRACE_SEIZE, pid, NULL, NULL) == -1)
			_exit(errno & 0x7f);
		_exit(0);
	}
	while (waitpid(child, &status, 0) == -1) {
		if (errno != EINTR) {
			probe_add(pt, "ptrace", false, "waitpid: %s",
			    strerror(errno));
			return;
		}
	}
	if (!WIFEXITED(status)) {
		probe_add(pt, "ptrace", false, "the probing process died");
		return;
	}
	err = WEXITSTATUS(status);
	if (err == 0) {
		probe_add(pt, "ptrace", true, "PTRACE_SEIZE of process %ld "
		    "allowed", (long)pid);
	} else if (err == EPERM) {
		probe_add(pt, "ptrace", false, "PTRACE_SEIZE of process %ld: %s"
		    " (already traced, another user, or no CAP_SYS_PTRACE)",
		    (long)pid, strerror(err));
	} else {
		probe_add(pt, "ptrace", false, "PTRACE_SEIZE of process %ld: "
		    "%s", (long)pid, strerror(err));
	}
}

/* process_vm_readv, as the hash method uses it (through its probe). */
static void
probe_readv(struct probe_table *pt, struct proc_target *t)
{
	char	*why = NULL;

	if (track_hash.probe(t, &why) == -1) {
		probe_add_str(pt, "process_vm_readv", false, why);
		return;
	}
	free(why);
	if (t != NULL) {
		probe_add(pt, "process_vm_readv", true, "read a present page "
		    "of process %ld", (long)t->pid);
	} else
		probe_add(pt, "process_vm_readv", true, "works (read itself)");
}

/* A software page-fault event on this process, user space only. */
static void
probe_perf(struct probe_table *pt)
{
	struct perf_event_attr	 attr;
	char			 paranoid[32];
	int			 fd;

	probe_sysctl("/proc/sys/kernel/perf_event_paranoid", paranoid,
	    sizeof paranoid);
	memset(&attr, 0, sizeof attr);
	attr.size = sizeof attr;
	attr.type = PERF_TYPE_SOFTWARE;
	attr.config = PERF_COUNT_SW_PAGE_FAULTS;
	attr.disabled = 1;
	attr.exclude_kernel = 1;
	attr.exclude_hv = 1;
	fd = (int)syscall(SYS_perf_event_open, &attr, 0, -1, -1,
	    PERF_FLAG_FD_CLOEXEC);
	if (fd == -1) {
		probe_add(pt, "perf page faults", false, "perf_event_open: %s "
		    "(perf_event_paranoid=%s)", strerror(errno), paranoid);
		return;
	}
	close(fd);
	probe_add(pt, "perf page faults", true, "PERF_COUNT_SW_PAGE_FAULTS "
	    "opened on itself (perf_event_paranoid=%s)", paranoid);
}

/* What auto would choose, and why the better methods were passed over. */
static void
probe_auto(struct probe_table *pt, struct proc_target *t)
{
	const struct track_method	*m;
	char				*why = NULL;

	m = track_choose(t, &why);
	if (m == NULL)
		probe_add(pt, "auto", false, "no method works: %s",
		    why != NULL ? why : "?");
	else if (why != NULL)
		probe_add(pt, "auto", true, "%s, since %s", m->name, why);
	else
		probe_add(pt, "auto", true, "%s, the best method", m->name);
	free(why);
}

void
probe_collect(struct probe_table *pt, struct proc_target *t)
{
	memset(pt, 0, sizeof *pt);
	probe_method(pt, &track_softdirty, t);
	probe_pagemap_scan(pt);
	probe_userfaultfd(pt);
	probe_method(pt, &track_uffd, t);
	if (t != NULL)
		probe_ptrace(pt, t->pid);
	probe_readv(pt, t);
	probe_perf(pt);
	probe_auto(pt, t);
}

void
probe_table_free(struct probe_table *pt)
{
	size_t	i;

	for (i = 0; i < pt->n; i++)
		free(pt->rows[i].detail);
	memset(pt, 0, sizeof *pt);
}

const struct probe_row *
probe_find(const struct probe_table *pt, const char *name)
{
	size_t	i;

	for (i = 0; i < pt->n; i++) {
		if (strcmp(pt->rows[i].name, name) == 0)
			return (&pt->rows[i]);
	}
	return (NULL);
}

void
probe_write(FILE *f, const struct probe_table *pt)
{
	size_t	 i, w = strlen("capability");

	for (i = 0; i < pt->n; i++) {
		if (strlen(pt->rows[i].name) > w)
			w = strlen(pt->rows[i].name);
	}
	fprintf(f, "%-*s  %-3s  %s\n", (int)w, "capability", "ok", "detail");
	for (i = 0; i < pt->n; i++) {
		fprintf(f, "%-*s  %-3s  %s\n", (int)w, pt->rows[i].name,
		    pt->rows[i].ok ? "yes" : "no",
		    pt->rows[i].detail != NULL ? pt->rows[i].detail : "-");
	}
}

int
probe_run(FILE *f, const char *root, pid_t pid, char **cause)
{
	struct probe_table	 pt;
	struct proc_target	 t;

	if (pid > 0 && proc_open(&t, root, pid, cause) == -1)
		return (-1);
	probe_collect(&pt, pid > 0 ? &t : NULL);
	probe_write(f, &pt);
	probe_table_free(&pt);
	if (pid > 0)
		proc_close(&t);
	return (0);
}

int
probe_print(FILE *f, pid_t pid)
{
	char	*cause = NULL;

	if (probe_run(f, "/proc", pid, &cause) == 0)
		return (0);
	fprintf(stderr, "sdtop: --probe: %s\n", cause != NULL ? cause :
	    "failed");
	free(cause);
	return (-1);
}
