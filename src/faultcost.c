/*
 * faultcost.c - measure one write-protect fault on this process's own
 * memory (see faultcost.h).
 *
 * A private anonymous buffer of FAULTCOST_PAGES pages (no huge pages, so
 * that every page faults on its own) is written in full, then each pass
 * protects it, times one write per page, and times the same writes again
 * now that the pages are writable: the difference, per page, is what the
 * protection added. The median of the passes is kept, so that one pass
 * slowed by a preemption does not count. At about 15 us a fault this is
 * some 20 ms in all.
 *
 * uffd-wp protects with UFFDIO_WRITEPROTECT on a userfaultfd of this
 * process in asynchronous mode (UFFD_FEATURE_WP_ASYNC, Linux 6.7): a
 * write then clears the protection in the kernel, as it does in a target
 * watched by uffd-wp, and no message is ever read. UFFD_USER_MODE_ONLY
 * lets an unprivileged user create it while vm.unprivileged_userfaultfd
 * is 0. Soft-dirty protects by writing "4" to /proc/self/clear_refs
 * (Documentation/admin-guide/mm/soft-dirty.rst), which write-protects
 * every page of this process: its other pages fault once more, harmless.
 *
 * Units: nanoseconds; the buffer is in pages of page_size() bytes.
 */
#include "config.h"

#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/userfaultfd.h>

#include "cause.h"
#include "faultcost.h"
#include "kernel-compat.h"
#include "now.h"
#include "page.h"
#include "track-softdirty.h"

/* How a pass protects the buffer; -1 with errno. */
typedef int (*faultcost_protect_fn)(void *arg, char *buf, size_t len);

/* Write one byte of every page of buf; the time it took, ns. */
static double
faultcost_touch(volatile char *buf, size_t npages, size_t psz)
{
	double	 t0;
	size_t	 i;

	t0 = now_mono();
	for (i = 0; i < npages; i++)
		buf[i * psz]++;
	return ((now_mono() - t0) * 1e9);
}

/* Compare two doubles for qsort(). */
static int
faultcost_cmp(const void *a, const void *b)
{
	double	 x = *(const double *)a, y = *(const double *)b;

	return ((x > y) - (x < y));
}

double
faultcost_median(double *v, size_t n)
{
	if (n == 0)
		return (0);
	qsort(v, n, sizeof *v, faultcost_cmp);
	if (n % 2 == 1)
		return (v[n / 2]);
	return ((v[n / 2 - 1] + v[n / 2]) / 2);
}

/*
 * Time the passes over buf (populated), protecting it with fn each time;
 * the median added cost of a write, ns, or -1 with *cause.
 */
static int
faultcost_passes(char *buf, size_t npages, faultcost_protect_fn fn,
    void *arg, const char *what, double *ns, char **cause)
{
	double	 d[FAULTCOST_PASSES], tp, tu;
	size_t	 psz = page_size(), i;

	for (i = 0; i < FAULTCOST_PASSES; i++) {
		if (fn(arg, buf, npages * psz) == -1) {
			*cause = cause_errno(errno, "%s: cannot protect a "
			    "buffer to time a fault", what);
			return (-1);
		}
		tp = faultcost_touch(buf, npages, psz);
		tu = faultcost_touch(buf, npages, psz);
		d[i] = (tp - tu) / (double)npages;
	}
	*ns = faultcost_median(d, FAULTCOST_PASSES);
	if (!(*ns > 0)) {
		*cause = cause_fmt("%s: a write to a protected page took no "
		    "longer than to another", what);
		return (-1);
	}
	return (0);
}

/* A buffer of npages, populated, without huge pages; NULL with errno. */
static char *
faultcost_buffer(size_t npages)
{
	size_t	 psz = page_size();
	char	*buf;

	buf = mmap(NULL, npages * psz, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED)
		return (NULL);
#ifdef MADV_NOHUGEPAGE
	madvise(buf, npages * psz, MADV_NOHUGEPAGE);
#endif
	memset(buf, 1, npages * psz);
	return (buf);
}

/* Write-protect [buf, buf + len) through the userfaultfd *arg. */
static int
faultcost_uffd_protect(void *arg, char *buf, size_t len)
{
	struct uffdio_writeprotect	 wp;

	memset(&wp, 0, sizeof wp);
	wp.range.start = (uintptr_t)buf;
	wp.range.len = len;
	wp.mode = UFFDIO_WRITEPROTECT_MODE_WP;
	return (ioctl(*(int *)arg, UFFDIO_WRITEPROTECT, &wp));
}

int
faultcost_uffd_wp(double *ns, char **cause)
{
	struct uffdio_api	 api;
	struct uffdio_register	 reg;
	size_t			 len = FAULTCOST_PAGES * page_size();
	char			*buf = NULL;
	int			 fd, rc = -1;

	*ns = -1;
	fd = (int)syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK |
	    UFFD_USER_MODE_ONLY);
	if (fd == -1) {
		*cause = cause_errno(errno, "uffd-wp: userfaultfd");
		return (-1);
	}
	memset(&api, 0, sizeof api);
	api.api = UFFD_API;
	api.features = UFFD_FEATURE_WP_ASYNC;
	if (ioctl(fd, UFFDIO_API, &api) == -1) {
		*cause = cause_errno(errno, "uffd-wp: asynchronous "
		    "write-protect");
		goto out;
	}
	if ((buf = faultcost_buffer(FAULTCOST_PAGES)) == NULL) {
		*cause = cause_errno(errno, "uffd-wp: mmap");
		goto out;
	}
	memset(&reg, 0, sizeof reg);
	reg.range.start = (uintptr_t)buf;
	reg.range.len = len;
	reg.mode = UFFDIO_REGISTER_MODE_WP;
	if (ioctl(fd, UFFDIO_REGISTER, &reg) == -1) {
		*cause = cause_errno(errno, "uffd-wp: UFFDIO_REGISTER");
		goto out;
	}
	rc = faultcost_passes(buf, FAULTCOST_PAGES, faultcost_uffd_protect,
	    &fd, "uffd-wp", ns, cause);

out:
	/* Closing the userfaultfd unregisters the buffer. */
	close(fd);
	if (buf != NULL)
		munmap(buf, len);
	if (rc == -1)
		*ns = -1;
	return (rc);
}

/* Clear the soft-dirty bits of this process (arg, buf and len unused). */
static int
faultcost_sd_protect(void *arg, char *buf, size_t len)
{
	return (softdirty_clear_path("/proc/self/clear_refs"));
}

int
faultcost_softdirty(double *ns, char **cause)
{
	size_t	 len = FAULTCOST_PAGES * page_size();
	char	*buf;
	int	 rc;

	*ns = -1;
	if ((buf = faultcost_buffer(FAULTCOST_PAGES)) == NULL) {
		*cause = cause_errno(errno, "soft-dirty: mmap");
		return (-1);
	}
	rc = faultcost_passes(buf, FAULTCOST_PAGES, faultcost_sd_protect, NULL,
	    "soft-dirty", ns, cause);
	munmap(buf, len);
	if (rc == -1)
		*ns = -1;
	return (rc);
}
