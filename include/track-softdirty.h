/*
 * track-softdirty.h - what the soft-dirty method offers beyond its
 * track_method table: the kernel probe with the collection path it found,
 * and the list of pages whose soft-dirty bit is set now (sdtop -l).
 *
 * Addresses are absolute virtual addresses in bytes, ranges half-open.
 */
#ifndef SDTOP_TRACK_SOFTDIRTY_H
#define SDTOP_TRACK_SOFTDIRTY_H

#include <stdint.h>

struct proc_target;
struct vma;
struct vma_list;

/* How the written pages are collected. */
enum softdirty_path {
	SOFTDIRTY_PATH_READ,	/* pagemap entries read in batches */
	SOFTDIRTY_PATH_SCAN	/* PAGEMAP_SCAN with PAGE_IS_SOFT_DIRTY (6.8+) */
};

/*
 * The environment variable that forces a path: "read", "scan" or "auto"
 * (the default: scan when the kernel supports it). Forcing "scan" where
 * the kernel lacks it makes attaching fail with the reason.
 */
#define SOFTDIRTY_PATH_ENV	"SDTOP_SOFTDIRTY_PATH"

/*
 * Test this kernel functionally, in this process: a page written after a
 * clear must read soft-dirty, a page written only before it must not.
 * 0 with *path the best path the kernel supports and, when scan_why is
 * not NULL, *scan_why (malloc'd, or NULL) why PAGEMAP_SCAN is not used;
 * -1 with *why ("soft-dirty is not available on this kernel: ...").
 */
int	 softdirty_probe_kernel(enum softdirty_path *path, char **scan_why,
	     char **why);

/* The name of a path, as --probe shows it: "pagemap-read", "pagemap-scan". */
const char *softdirty_path_name(enum softdirty_path path);

/*
 * Write "4" to a clear_refs file (/proc/PID/clear_refs): clear the
 * soft-dirty bits of that process and write-protect its pages. -1 with
 * errno.
 */
int	 softdirty_clear_path(const char *path);

/* Called for each run [start, end) of soft-dirty pages; non-zero stops. */
typedef int (*softdirty_list_fn)(const struct vma *v, uint64_t start,
	     uint64_t end, void *arg);

/*
 * The course's first part: call fn for every run of pages of the VMAs of
 * vl whose soft-dirty bit is set now, without clearing anything. Only
 * present or swapped pages count (a VMA created since the last clear
 * reads soft-dirty even where nothing is mapped). Probes the kernel first
 * (unless t lives under a procfs root other than /proc: a fixture tree).
 * Returns 0, fn's non-zero value, or -1 with *cause and errno (ESRCH: the
 * target has gone).
 */
int	 softdirty_list(struct proc_target *t, const struct vma_list *vl,
	     softdirty_list_fn fn, void *arg, char **cause);

#endif
