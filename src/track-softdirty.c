/*
 * track-softdirty.c - the "soft-dirty" method: the pages whose soft-dirty
 * bit the kernel set since the last clear.
 *
 * Writing "4" to /proc/PID/clear_refs clears the soft-dirty bit of every
 * page of the process and write-protects them; the next write faults and
 * sets bit 55 of the page's pagemap entry again
 * (Documentation/admin-guide/mm/soft-dirty.rst). It needs
 * CONFIG_MEM_SOFT_DIRTY, which many kernels lack while still accepting the
 * "4" silently, so the probe tests it functionally, as CRIU's kerndat does.
 *
 * The pages are collected by one of two paths. PAGEMAP_SCAN (Linux 6.7;
 * PAGE_IS_SOFT_DIRTY accepted from 6.8, 6.7 returns EINVAL) returns runs of
 * pages by category, which is cheap when little was written; otherwise the
 * pagemap entries are read in batches of SD_CHUNK pages. Either way only
 * present or swapped pages count: a VMA created or grown since the clear
 * carries VM_SOFTDIRTY, and then even its holes read soft-dirty. A read
 * yields the present pages with the soft-dirty ones, exactly; a scan keeps
 * a map of them (track-present.h, as track-uffd.c does), walked in full
 * only when PRESENT_MAP_AGE seconds old, its absent pages every cycle, so
 * that a page given back (an empty entry, never soft-dirty) is seen at
 * once and never taken for a written one. The scan tells a page that maps
 * the shared zero page (PAGE_IS_PFNZERO) and counts it absent, as
 * track-present.h says; a read cannot (the PFN is hidden without
 * privilege), so there such a page counts as present, and a page given
 * back and read again in one cycle is not seen as given back.
 *
 * Clearing is process-wide and cannot be undone: the only trace left on
 * the target is that its soft-dirty bits were cleared (which matters to
 * another tool doing incremental dumps of the same process, such as CRIU).
 *
 * Units: pages of page_size() bytes counted from each VMA's start;
 * addresses in bytes.
 */
#include "config.h"

#include <sys/mman.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bitmap.h"
#include "cause.h"
#include "page.h"
#include "pageset.h"
#include "proc-maps.h"
#include "proc-pagemap.h"
#include "present-map.h"
#include "proc.h"
#include "runs.h"
#include "snapshot.h"
#include "track.h"
#include "track-present.h"
#include "track-softdirty.h"

/*
 * Pages per batch of plain reads: one pread of 512 KiB of entries (the
 * cheapest per page, KERNEL-NOTES.md); a multiple of 64 (whole words).
 */
#define SD_CHUNK	65536

#define SD_UNAVAILABLE	"soft-dirty is not available on this kernel"

/* The present pages of one VMA as of its last walk (the scan path). */
struct sd_present {
	uint64_t		 start;
	uint64_t		 end;
	struct present_map	 map;
};

struct sd_state {
	enum softdirty_path	 path;
	uint64_t		*raw;	/* SD_CHUNK entries, for plain reads */
	struct sd_present	*pm;	/* by ascending start */
	size_t			 npm;
};

/* Where the regions of one VMA's scan go. */
struct sd_scan_ctx {
	uint64_t	 start;		/* the VMA's first byte */
	size_t		 npages;
	unsigned	 shift;
	struct pageset	*set;		/* the written or the present pages */
	struct runs	*runs;		/* the same, in bytes */
	bool		 nomem;		/* a set could not hold it all */
};

/* Read one raw pagemap entry of this process for the page at addr. */
static int
sd_self_entry(int fd, const void *addr, uint64_t *out)
{
	errno = 0;
	if (pagemap_read_raw(fd, (uint64_t)(uintptr_t)addr, 1, out) != 1) {
		if (errno == 0)
			errno = EIO;
		return (-1);
	}
	return (0);
}

int
softdirty_clear_path(const char *path)
{
	ssize_t	 r;
	int	 fd, err;

	if ((fd = open(path, O_WRONLY | O_CLOEXEC)) == -1)
		return (-1);
	do
		r = write(fd, "4", 1);
	while (r == -1 && errno == EINTR);
	err = errno;
	close(fd);
	if (r != 1) {
		errno = r == -1 ? err : EIO;
		return (-1);
	}
	return (0);
}

/* Collect the regions of a probe scan: the first one only. */
static int
sd_probe_region(const struct pmscan_region *r, void *arg)
{
	struct pmscan_region	*out = arg;

	if (out->end == 0)
		*out = *r;
	else
		out->categories |= UINT64_C(1) << 63;	/* more than one */
	return (0);
}

/*
 * Whether PAGEMAP_SCAN reports soft-dirty pages right: over the two probe
 * pages, exactly the first (written after the clear) must come back.
 * NULL when it does, else why not (malloc'd).
 */
static char *
sd_probe_scan(int fd, uint8_t *pages, size_t ps)
{
	struct pmscan_arg	 tmpl;
	struct pmscan_region	 got;
	uint64_t		 start = (uint64_t)(uintptr_t)pages;

	memset(&tmpl, 0, sizeof tmpl);
	tmpl.category_mask = PAGE_IS_SOFT_DIRTY;
	tmpl.category_anyof_mask = PAGE_IS_PRESENT | PAGE_IS_SWAPPED;
	tmpl.return_mask = PAGE_IS_SOFT_DIRTY;
	memset(&got, 0, sizeof got);
	if (pagemap_scan(fd, start, start + 2 * ps, &tmpl, sd_probe_region,
	    &got) == -1) {
		if (errno == ENOTTY)
			return (cause_fmt("PAGEMAP_SCAN: not in this kernel "
			    "(Linux 6.7+)"));
		if (errno == EINVAL)
			return (cause_fmt("PAGEMAP_SCAN: PAGE_IS_SOFT_DIRTY "
			    "is not accepted (Linux 6.8+)"));
		return (cause_errno(errno, "PAGEMAP_SCAN"));
	}
	if (got.start != start || got.end != start + ps ||
	    got.categories != PAGE_IS_SOFT_DIRTY)
		return (cause_fmt("PAGEMAP_SCAN: PAGE_IS_SOFT_DIRTY gives "
		    "wrong pages"));
	return (NULL);
}

int
softdirty_probe_kernel(enum softdirty_path *path, char **scan_why,
    char **why)
{
	volatile uint8_t	*pages;
	uint64_t		 after, before;
	size_t			 ps = page_size();
	char			*sw;
	int			 fd, err;

	*why = NULL;
	if (scan_why != NULL)
		*scan_why = NULL;
	*path = SOFTDIRTY_PATH_READ;

	pages = mmap(NULL, 2 * ps, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (pages == MAP_FAILED) {
		*why = cause_errno(errno, SD_UNAVAILABLE ": mmap");
		return (-1);
	}
	if ((fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC)) == -1) {
		err = errno;
		*why = cause_errno(err, SD_UNAVAILABLE ": /proc/self/pagemap");
		goto fail;
	}

	/* Page 1 is written only before the clear, page 0 before and after. */
	pages[0] = 1;
	pages[ps] = 1;
	if (softdirty_clear_path("/proc/self/clear_refs") == -1) {
		err = errno;
		*why = cause_errno(err, SD_UNAVAILABLE
		    ": cannot write 4 to /proc/self/clear_refs");
		goto fail;
	}
	pages[0] = 2;
	if (sd_self_entry(fd, (const void *)pages, &after) == -1 ||
	    sd_self_entry(fd, (const void *)(pages + ps), &before) == -1) {
		err = errno;
		*why = cause_errno(err, SD_UNAVAILABLE
		    ": cannot read /proc/self/pagemap");
		goto fail;
	}
	if (!(after & PM_PRESENT) || !(before & PM_PRESENT)) {
		*why = cause_fmt(SD_UNAVAILABLE ": pagemap shows a page just "
		    "written as not present");
		err = ENOTSUP;
		goto fail;
	}
	if (!(after & PM_SOFT_DIRTY)) {
		*why = cause_fmt(SD_UNAVAILABLE ": CONFIG_MEM_SOFT_DIRTY is "
		    "off: a page written after clear_refs does not read "
		    "soft-dirty");
		err = ENOTSUP;
		goto fail;
	}
	if (before & PM_SOFT_DIRTY) {
		*why = cause_fmt(SD_UNAVAILABLE ": clear_refs does not clear "
		    "it: a page written only before the clear still reads "
		    "soft-dirty");
		err = ENOTSUP;
		goto fail;
	}

	sw = sd_probe_scan(fd, (uint8_t *)pages, ps);
	if (sw == NULL)
		*path = SOFTDIRTY_PATH_SCAN;
	if (scan_why != NULL)
		*scan_why = sw;
	else
		free(sw);
	close(fd);
	munmap((void *)pages, 2 * ps);
	return (0);

fail:
	if (fd != -1)
		close(fd);
	munmap((void *)pages, 2 * ps);
	errno = err;
	return (-1);
}

const char *
softdirty_path_name(enum softdirty_path path)
{
	return (path == SOFTDIRTY_PATH_SCAN ? "pagemap-scan" : "pagemap-read");
}

/*
 * Whether t lives under a procfs root other than /proc: a fabricated or
 * recorded tree (--proc-root, tests). The running kernel's support says
 * nothing about such files, so they are read as they are, by plain reads.
 */
static bool
sd_fixture(const struct proc_target *t)
{
	return (t != NULL && t->root != NULL && strcmp(t->root, "/proc") != 0);
}

/* The kernel test, then whether the target's files can be used. */
static int
sd_probe(struct proc_target *t, char **why)
{
	enum softdirty_path	 path;

	if (!sd_fixture(t) && softdirty_probe_kernel(&path, NULL, why) == -1)
		return (-1);
	if (t == NULL)
		return (0);
	if (proc_pagemap_fd(t) == -1) {
		*why = cause_errno(errno, "soft-dirty: cannot open the pagemap "
		    "of process %ld", (long)t->pid);
		return (-1);
	}
	if (proc_writable(t, "clear_refs") == -1) {
		*why = cause_errno(errno, "soft-dirty: cannot write the "
		    "clear_refs of process %ld", (long)t->pid);
		return (-1);
	}
	return (0);
}

/* Choose the path (the best, or the one SOFTDIRTY_PATH_ENV asks for). */
static int
sd_attach(struct tracker *tr, char **cause)
{
	struct sd_state		*sd;
	enum softdirty_path	 best;
	const char		*want = getenv(SOFTDIRTY_PATH_ENV);
	char			*scan_why = NULL, *why = NULL;
	int			 err;

	if (sd_fixture(tr->target))
		best = SOFTDIRTY_PATH_READ;
	else if (softdirty_probe_kernel(&best, &scan_why, &why) == -1) {
		*cause = why;
		return (-1);
	}
	if ((sd = calloc(1, sizeof *sd)) == NULL)
		goto nomem;
	sd->path = best;
	if (want != NULL && strcmp(want, "read") == 0)
		sd->path = SOFTDIRTY_PATH_READ;
	else if (want != NULL && strcmp(want, "scan") == 0) {
		if (best != SOFTDIRTY_PATH_SCAN) {
			*cause = cause_fmt("soft-dirty: %s=scan, but %s",
			    SOFTDIRTY_PATH_ENV, scan_why != NULL ? scan_why :
			    "PAGEMAP_SCAN cannot be used");
			free(scan_why);
			free(sd);
			errno = ENOTSUP;
			return (-1);
		}
	} else if (want != NULL && *want != '\0' && strcmp(want, "auto") != 0) {
		*cause = cause_fmt("soft-dirty: %s must be read, scan or auto, "
		    "not \"%s\"", SOFTDIRTY_PATH_ENV, want);
		free(scan_why);
		free(sd);
		errno = EINVAL;
		return (-1);
	}
	free(scan_why);
	scan_why = NULL;
	if (sd->path == SOFTDIRTY_PATH_READ &&
	    (sd->raw = calloc(SD_CHUNK, sizeof *sd->raw)) == NULL) {
		free(sd);
		goto nomem;
	}
	if (proc_pagemap_fd(tr->target) == -1) {
		err = errno;
		*cause = cause_errno(err, "cannot open the pagemap of "
		    "process %ld", (long)tr->target->pid);
		free(sd->raw);
		free(sd);
		errno = err;
		return (-1);
	}
	tr->priv = sd;
	return (0);

nomem:
	free(scan_why);
	*cause = cause_fmt("out of memory");
	errno = ENOMEM;
	return (-1);
}

/* Clear the soft-dirty bits of the whole target. */
static int
sd_start_cycle(struct tracker *tr, const struct vma_list *vl, char **cause)
{
	int	 err;

	if (proc_write_file(tr->target, "clear_refs", "4") == -1) {
		err = errno;
		if (proc_gone(err))
			*cause = cause_fmt("process %ld has gone",
			    (long)tr->target->pid);
		else
			*cause = cause_errno(err, "cannot clear the soft-dirty "
			    "bits of process %ld", (long)tr->target->pid);
		errno = err;
		return (-1);
	}
	return (0);
}

/* Keep one region of a scan, clipped to the VMA: its pages and its run. */
static int
sd_scan_region(const struct pmscan_region *r, void *arg)
{
	struct sd_scan_ctx	*c = arg;
	uint64_t		 from, to;

	if (r->end <= c->start || r->start >= r->end)
		return (0);
	from = r->start > c->start ? (r->start - c->start) >> c->shift : 0;
	to = (r->end - c->start) >> c->shift;
	if (to > c->npages)
		to = c->npages;
	if (from >= to)
		return (0);
	if (c->set != NULL && pageset_add_range(c->set, from, to) == -1)
		c->nomem = true;
	if (runs_append(c->runs, c->start + (from << c->shift),
	    c->start + (to << c->shift)) == -1)
		c->nomem = true;
	return (0);
}

/*
 * One scan of sv for the pages of the categories in anyof (and mask, when
 * not 0) into set and runs. -1 with errno.
 */
static int
sd_scan(int fd, const struct snap_vma *sv, uint64_t mask, uint64_t anyof,
    struct pageset *set, struct runs *runs)
{
	struct sd_scan_ctx	 c;
	struct pmscan_arg	 tmpl;

	memset(&tmpl, 0, sizeof tmpl);
	tmpl.category_mask = mask;
	tmpl.category_anyof_mask = anyof;
	tmpl.return_mask = mask | anyof;
	c.start = sv->vma.start;
	c.npages = sv->npages;
	c.shift = page_shift();
	c.set = set;
	c.runs = runs;
	c.nomem = false;
	runs_clear(runs);
	if (pagemap_scan(fd, sv->vma.start, sv->vma.end, &tmpl,
	    sd_scan_region, &c) == -1)
		return (-1);
	if (c.nomem) {
		errno = ENOMEM;
		return (-1);
	}
	return (0);
}

/*
 * The scan path for one VMA: its present map brought up to date
 * (track-present.h: a full walk when PRESENT_MAP_AGE old, which costs the
 * kernel about 2.5 times the soft-dirty scan, else a walk of the absent
 * pages), then the soft-dirty pages that exist (a hole of a VM_SOFTDIRTY
 * VMA reads soft-dirty; a page given back leaves an empty entry, never
 * soft-dirty), which join the map. -1 with errno.
 */
static int
sd_collect_scan(int fd, struct snap_vma *sv, struct sd_present *p,
    struct runs *written)
{
	if (present_refresh(fd, &p->map, sv->vma.start, sv->vma.end,
	    NULL) == -1)
		return (-1);
	if (sd_scan(fd, sv, PAGE_IS_SOFT_DIRTY, PAGE_IS_PRESENT |
	    PAGE_IS_SWAPPED, sv->written, written) == -1) {
		present_map_forget(&p->map);
		return (-1);
	}
	return (present_complete(&p->map, written, sv));
}

/* Zero the first npages bits of every bitmap of st. */
static void
sd_states_zero(struct page_states *st, size_t npages)
{
	size_t	 bytes = BITMAP_WORDS(npages) * sizeof(uint64_t);

	memset(st->present, 0, bytes);
	memset(st->swapped, 0, bytes);
	memset(st->soft_dirty, 0, bytes);
	memset(st->file, 0, bytes);
	memset(st->exclusive, 0, bytes);
	memset(st->uffd_wp, 0, bytes);
}

/*
 * The plain path: read SD_CHUNK raw entries at a time and fold each 64 of
 * them into a word of present-or-swapped pages and one of those that are
 * soft-dirty, added to the sets a word at a time. A short read leaves
 * the rest clean. This reads the 8-byte pagemap entry of every page of
 * the VMA, holes too (the kernel has no other way before PAGEMAP_SCAN): a
 * reservation of terabytes costs the kernel's walk of it every cycle,
 * though only its present pages cost memory here.
 */
static int
sd_collect_read(int fd, uint64_t *raw, struct snap_vma *sv)
{
	uint64_t	 in, sd, e;
	size_t		 done, want, w, j, n;
	ssize_t		 got;

	for (done = 0; done < sv->npages; done += want) {
		want = sv->npages - done < SD_CHUNK ? sv->npages - done :
		    SD_CHUNK;
		got = pagemap_read_raw(fd, sv->vma.start +
		    ((uint64_t)done << page_shift()), want, raw);
		if (got == -1)
			return (-1);
		for (w = 0; w * 64 < (size_t)got; w++) {
			n = (size_t)got - w * 64 < 64 ? (size_t)got - w * 64 :
			    64;
			in = sd = 0;
			for (j = 0; j < n; j++) {
				e = raw[w * 64 + j];
				in |= (((e >> 63) | (e >> 62)) & 1) << j;
				sd |= ((e >> 55) & 1) << j;
			}
			if (pageset_add_word(sv->present, done / 64 + w,
			    in) == -1 || pageset_add_word(sv->written,
			    done / 64 + w, sd & in) == -1)
				return (-1);
		}
		if ((size_t)got < want)
			break;
	}
	return (0);
}

/* Free n present maps. */
static void
sd_present_free(struct sd_present *pm, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		present_map_free(&pm[i].map);
	free(pm);
}

/*
 * Set up into as the present map of sv: the one of the same range in old
 * (moved out of it), else an empty one. The calls come in ascending order
 * of start, as old is: *cursor walks it once.
 */
static void
sd_present_take(struct sd_present *old, size_t nold, size_t *cursor,
    const struct snap_vma *sv, struct sd_present *into)
{
	memset(into, 0, sizeof *into);
	into->start = sv->vma.start;
	into->end = sv->vma.end;
	while (*cursor < nold && old[*cursor].start < sv->vma.start)
		(*cursor)++;
	if (*cursor < nold && old[*cursor].start == sv->vma.start &&
	    old[*cursor].end == sv->vma.end) {
		*into = old[*cursor];
		memset(&old[*cursor].map, 0, sizeof old[*cursor].map);
	}
}

/* Collect every tracked VMA of s by sd's path; -1 when the process has gone. */
static int
sd_collect_all(struct sd_state *sd, int fd, struct snapshot *s,
    struct sd_present *next, size_t *nnext)
{
	struct runs	 written = { NULL, 0, 0 };
	struct snap_vma	*sv;
	size_t		 i, cursor = 0;
	int		 r, rc = 0;

	for (i = 0; i < s->nvma && rc == 0; i++) {
		sv = &s->vmas[i];
		/* A new VMA reads all soft-dirty (VM_SOFTDIRTY): not judged. */
		if (!sv->tracked || sv->is_new || sv->written == NULL)
			continue;
		if (sv->present == NULL &&
		    (sv->present = pageset_new(sv->npages)) == NULL) {
			track_vma_failed(sv, ENOMEM);
			continue;
		}
		if (next != NULL) {
			sd_present_take(sd->pm, sd->npm, &cursor, sv,
			    &next[*nnext]);
			r = sd_collect_scan(fd, sv, &next[(*nnext)++],
			    &written);
		} else
			r = sd_collect_read(fd, sd->raw, sv);
		if (r == 0)
			continue;
		if (proc_gone(errno))
			rc = -1;
		else
			track_vma_failed(sv, errno);
	}
	runs_free(&written);
	return (rc);
}

static int
sd_collect(struct tracker *tr, struct snapshot *s, char **cause)
{
	struct sd_state		*sd = tr->priv;
	struct sd_present	*next = NULL;
	size_t			 nnext = 0;
	int			 fd, rc;

	if ((fd = proc_pagemap_fd(tr->target)) == -1) {
		*cause = cause_errno(errno, "cannot open the pagemap of "
		    "process %ld", (long)tr->target->pid);
		return (-1);
	}
	if (sd->path == SOFTDIRTY_PATH_SCAN &&
	    (next = calloc(s->nvma + 1, sizeof *next)) == NULL) {
		*cause = cause_errno(errno, "soft-dirty");
		return (-1);
	}
	rc = sd_collect_all(sd, fd, s, next, &nnext);
	/* The maps of VMAs gone or changed go with the old table. */
	sd_present_free(sd->pm, sd->npm);
	sd->pm = next;
	sd->npm = nnext;
	if (rc == -1) {
		*cause = cause_fmt("process %ld has gone",
		    (long)tr->target->pid);
		errno = ESRCH;
	}
	return (rc);
}

static void
sd_detach(struct tracker *tr)
{
	struct sd_state	*sd = tr->priv;

	if (sd == NULL)
		return;
	free(sd->raw);
	sd_present_free(sd->pm, sd->npm);
	free(sd);
	tr->priv = NULL;
}

int
softdirty_list(struct proc_target *t, const struct vma_list *vl,
    softdirty_list_fn fn, void *arg, char **cause)
{
	struct page_states	 st;
	enum softdirty_path	 path;
	const struct vma	*v;
	uint64_t		 addr, npages;
	size_t			 i, want, j, k, done;
	ssize_t			 got;
	int			 fd, r = 0, err;

	if (!sd_fixture(t) && softdirty_probe_kernel(&path, NULL, cause) == -1)
		return (-1);
	if ((fd = proc_pagemap_fd(t)) == -1) {
		err = errno;
		*cause = proc_gone(err) ? cause_fmt("process %ld has gone",
		    (long)t->pid) : cause_errno(err, "cannot open the pagemap "
		    "of process %ld", (long)t->pid);
		errno = err;
		return (-1);
	}
	if (page_states_alloc(&st, SD_CHUNK) == -1) {
		*cause = cause_fmt("out of memory");
		return (-1);
	}
	for (i = 0; i < vl->n && r == 0; i++) {
		v = &vl->v[i];
		npages = vma_pages(v);
		for (done = 0; done < npages && r == 0; done += want) {
			want = npages - done < SD_CHUNK ? npages - done :
			    SD_CHUNK;
			sd_states_zero(&st, want);
			addr = v->start + (done << page_shift());
			if ((got = pagemap_read_states(fd, addr, want,
			    &st)) == -1) {
				err = errno;
				*cause = proc_gone(err) ? cause_fmt("process "
				    "%ld has gone", (long)t->pid) :
				    cause_errno(err, "cannot read the pagemap "
				    "of process %ld", (long)t->pid);
				page_states_free(&st);
				errno = err;
				return (-1);
			}
			for (j = 0; j < (size_t)got && r == 0; j = k) {
				k = j + 1;
				if (!bitmap_test(st.soft_dirty, j) ||
				    (!bitmap_test(st.present, j) &&
				    !bitmap_test(st.swapped, j)))
					continue;
				while (k < (size_t)got &&
				    bitmap_test(st.soft_dirty, k) &&
				    (bitmap_test(st.present, k) ||
				    bitmap_test(st.swapped, k)))
					k++;
				r = fn(v, addr + (j << page_shift()),
				    addr + (k << page_shift()), arg);
			}
			if ((size_t)got < want)
				break;
		}
	}
	page_states_free(&st);
	return (r);
}

const struct track_method track_softdirty = {
	.name = "soft-dirty",
	.summary = "pages whose soft-dirty bit the kernel set since "
	    "clear_refs (CONFIG_MEM_SOFT_DIRTY)",
	.probe = sd_probe,
	.attach = sd_attach,
	.start_cycle = sd_start_cycle,
	.collect = sd_collect,
	.detach = sd_detach,
};
