/*
 * track-hash.c - the "hash" method: the pages whose content changed.
 *
 * It needs only pagemap and process_vm_readv (Linux 3.2,
 * CONFIG_CROSS_MEMORY_ATTACH), so it works on any kernel and architecture.
 * At the clear it reads every present page of each trackable VMA and keeps
 * a 64-bit XXH3 hash per page; at the collect it reads them again and
 * reports the pages whose hash differs. It measures "changed", not
 * "written": a write that stores the value already there, or a change
 * undone before the collect, is invisible. A page that became present or
 * absent between the two counts as changed (anonymous memory faulted in or
 * dropped by MADV_DONTNEED). Nothing is done to the target but reading its
 * memory; a swapped-out page counts as present and the read swaps it in.
 * Only writable VMAs (vma_trackable()) are hashed at the clear: a VMA the
 * snapshot tracks that was not hashed (read-only, with --all) is not judged
 * and carries the error ENODATA.
 *
 * The present pages are listed with PAGEMAP_SCAN (Linux 6.7) when the
 * kernel has it, as it skips unpopulated page tables: a sparse VMA of
 * terabytes (a sanitizer's shadow, a reserved heap) costs what its present
 * pages cost. Older kernels read every pagemap entry instead.
 *
 * Units: pages of page_size() bytes, counted from each VMA's start; the
 * read buffer holds HASH_BUF_BYTES bytes, pagemap entries are read
 * HASH_CHUNK pages at a time. The memory kept is 16 bytes per present page
 * (its index and its hash), nothing per absent page.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/uio.h>

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xxhash.h>

#include "array.h"
#include "bitmap.h"
#include "pageset.h"
#include "cause.h"
#include "page.h"
#include "proc-maps.h"
#include "proc-pagemap.h"
#include "proc.h"
#include "snapshot.h"
#include "track.h"

/* Bytes read by one process_vm_readv: 1024 pages of 4 KiB, IOV_MAX iovecs. */
#define HASH_BUF_BYTES	(4u << 20)
/* Pages of pagemap entries read at once without PAGEMAP_SCAN. */
#define HASH_CHUNK	65536

/* The baseline of one VMA, taken at the clear. */
struct hash_vma {
	uint64_t	 start;
	uint64_t	 end;
	size_t		 npages;
	uint64_t	*pages;		/* present or swapped pages, ascending */
	uint64_t	*hashes;	/* the hash of each of them */
	size_t		 n;
	size_t		 cap;		/* room in pages and hashes */
	int		 error;		/* errno of a failure at the clear */
};

/* One pass over a VMA: the clear (sv NULL) or the collect. */
struct hash_pass {
	struct hash_state *hs;
	struct hash_vma	*hv;
	struct snap_vma	*sv;
	size_t		 next;		/* collect: next baseline page to meet */
	uint64_t	 seen;		/* present pages met so far */
	int		 error;		/* errno that stopped a scan callback */
};

struct hash_state {
	pid_t		 pid;
	pid_t		 tid;		/* the thread it is read through */
	int		 pagemap_fd;
	size_t		 psize;
	bool		 no_scan;	/* PAGEMAP_SCAN refused: read entries */

	struct hash_vma	*v;		/* sorted by start, as maps is */
	size_t		 n;
	size_t		 cap;
	struct hash_vma	*spare;		/* the array of the cycle before */
	size_t		 spare_cap;

	struct page_states st;		/* HASH_CHUNK pages */
	uint8_t		*buf;		/* bufpages pages */
	size_t		 bufpages;
	struct iovec	*riov;		/* bufpages remote iovecs */
	size_t		*qpage;		/* queued page: index in its VMA */
	size_t		*qbase;		/* its index in the baseline hashes */
	size_t		 nq;
};

/* Free the buffers of a baseline. */
static void
hash_vma_free(struct hash_vma *hv)
{
	free(hv->pages);
	free(hv->hashes);
	memset(hv, 0, sizeof *hv);
}

/* Free the whole state. */
static void
hash_state_free(struct hash_state *hs)
{
	size_t	i;

	if (hs == NULL)
		return;
	for (i = 0; i < hs->n; i++)
		hash_vma_free(&hs->v[i]);
	free(hs->v);
	free(hs->spare);
	page_states_free(&hs->st);
	free(hs->buf);
	free(hs->riov);
	free(hs->qpage);
	free(hs->qbase);
	free(hs);
}

/*
 * Mark page i of sv as changed; no page is marked twice in a pass. Out of
 * memory, sv->error says ENOMEM and the collect marks the VMA failed.
 */
static void
hash_mark(struct snap_vma *sv, uint64_t i)
{
	if (pageset_add(sv->written, i) == -1)
		sv->error = ENOMEM;
	sv->dirty++;
}

/*
 * Read the queued pages with as few process_vm_readv calls as the buffer
 * allows, hash them, and either store the hashes (sv NULL: the clear) or
 * mark in sv->written those that differ from the baseline. A short read
 * resumes at the first page not read; a page that cannot be read at all
 * fails with errno (EFAULT: a page that vanished or cannot be read).
 */
static int
hash_flush(struct hash_state *hs, struct hash_vma *hv, struct snap_vma *sv)
{
	struct iovec	 local;
	size_t		 done, q, i, niov, full;
	uint64_t	 addr, h;
	ssize_t		 n;

	done = 0;
	while (done < hs->nq) {
		niov = 0;
		for (q = done; q < hs->nq; q++) {
			addr = hv->start + (uint64_t)hs->qpage[q] * hs->psize;
			if (niov > 0 && hs->qpage[q] == hs->qpage[q - 1] + 1 &&
			    q != done)
				hs->riov[niov - 1].iov_len += hs->psize;
			else {
				hs->riov[niov].iov_base = (void *)(uintptr_t)addr;
				hs->riov[niov].iov_len = hs->psize;
				niov++;
			}
		}
		local.iov_base = hs->buf;
		local.iov_len = (hs->nq - done) * hs->psize;

		n = process_vm_readv(hs->tid, &local, 1, hs->riov, niov, 0);
		if (n == -1)
			return (-1);
		full = (size_t)n / hs->psize;
		if (full == 0) {
			errno = EFAULT;
			return (-1);
		}
		for (i = 0; i < full; i++) {
			q = done + i;
			h = XXH3_64bits(hs->buf + i * hs->psize, hs->psize);
			if (sv == NULL)
				hv->hashes[hs->qbase[q]] = h;
			else if (hv->hashes[hs->qbase[q]] != h)
				hash_mark(sv, hs->qpage[q]);
		}
		done += full;
	}
	hs->nq = 0;
	return (0);
}

/* Queue page i of hv (baseline hash index k), reading when the queue is full. */
static int
hash_queue(struct hash_state *hs, struct hash_vma *hv, struct snap_vma *sv,
    size_t i, size_t k)
{
	hs->qpage[hs->nq] = i;
	hs->qbase[hs->nq] = k;
	if (++hs->nq == hs->bufpages)
		return (hash_flush(hs, hv, sv));
	return (0);
}

/* Make room for n pages in hv; -1 with errno. */
static int
hash_vma_reserve(struct hash_vma *hv, size_t n)
{
	uint64_t	*p;
	size_t		 pcap = hv->cap, hcap = hv->cap;

	if (n <= hv->cap)
		return (0);
	/* Both arrays grow alike; hv->cap is the room they share. */
	if ((p = array_reserve(hv->pages, n, &pcap, sizeof *p)) == NULL)
		return (-1);
	hv->pages = p;
	if ((p = array_reserve(hv->hashes, n, &hcap, sizeof *p)) == NULL)
		return (-1);
	hv->hashes = p;
	hv->cap = pcap < hcap ? pcap : hcap;
	return (0);
}

/*
 * Whether the target has gone, asked with a one-byte read at addr: pagemap
 * of a process whose memory is gone (a zombie, or one reaped) reads as 0
 * bytes rather than failing, and process_vm_readv then says ESRCH.
 */
static bool
hash_gone(const struct hash_state *hs, uint64_t addr)
{
	struct iovec	 local, remote;
	char		 byte;

	local.iov_base = &byte;
	local.iov_len = 1;
	remote.iov_base = (void *)(uintptr_t)addr;
	remote.iov_len = 1;
	return (process_vm_readv(hs->tid, &local, 1, &remote, 1, 0) == -1 &&
	    errno == ESRCH);
}

/*
 * Page i of the VMA holds content now. At the clear, remember it and queue
 * it for hashing. At the collect, the baseline pages before it have gone
 * (changed), and it is either in the baseline (queued, to compare hashes)
 * or new (changed: absent -> present needs no read). -1 with errno.
 */
static int
hash_page(struct hash_pass *p, uint64_t i)
{
	struct hash_vma	*hv = p->hv;
	struct snap_vma	*sv = p->sv;

	p->seen++;
	if (sv == NULL) {
		if (hash_vma_reserve(hv, hv->n + 1) == -1)
			return (-1);
		hv->pages[hv->n] = i;
		return (hash_queue(p->hs, hv, NULL, i, hv->n++));
	}
	if (sv->present != NULL && pageset_add(sv->present, i) == -1)
		sv->error = ENOMEM;
	while (p->next < hv->n && hv->pages[p->next] < i)
		hash_mark(sv, hv->pages[p->next++]);
	if (p->next < hv->n && hv->pages[p->next] == i)
		return (hash_queue(p->hs, hv, sv, i, p->next++));
	hash_mark(sv, i);
	return (0);
}

/* Feed the pages of one PAGEMAP_SCAN region to hash_page(). */
static int
hash_scan_region(const struct pmscan_region *r, void *arg)
{
	struct hash_pass	*p = arg;
	uint64_t		 i, first, last;

	first = (r->start - p->hv->start) / p->hs->psize;
	last = (r->end - p->hv->start) / p->hs->psize;
	for (i = first; i < last && i < p->hv->npages; i++) {
		if (hash_page(p, i) == -1) {
			p->error = errno;
			return (1);
		}
	}
	return (0);
}

/*
 * List the pages of the VMA that hold content (present or swapped) with
 * PAGEMAP_SCAN. 0; 1 when the kernel refuses it (before 6.7: ENOTTY) and
 * nothing was listed yet; -1 with errno.
 */
static int
hash_scan(struct hash_pass *p)
{
	struct pmscan_arg	 tmpl;
	int			 r;

	memset(&tmpl, 0, sizeof tmpl);
	tmpl.category_anyof_mask = PAGE_IS_PRESENT | PAGE_IS_SWAPPED;
	tmpl.return_mask = PAGE_IS_PRESENT | PAGE_IS_SWAPPED;
	r = pagemap_scan(p->hs->pagemap_fd, p->hv->start, p->hv->end, &tmpl,
	    hash_scan_region, p);
	if (r == 0)
		return (0);
	if (r > 0) {
		errno = p->error;
		return (-1);
	}
	if ((errno == ENOTTY || errno == EINVAL || errno == EOPNOTSUPP) &&
	    p->seen == 0)
		return (1);
	return (-1);
}

/*
 * The same as hash_scan() with plain reads of every entry, HASH_CHUNK
 * pages at a time. A short read ([vsyscall], a process whose memory has
 * gone) ends the VMA; ESRCH when the process has gone.
 */
static int
hash_read(struct hash_pass *p)
{
	struct hash_state	*hs = p->hs;
	struct page_states	*st = &hs->st;
	uint64_t		 from, n, w, nw, bits, addr;
	ssize_t			 got;

	for (from = 0; from < p->hv->npages; from += HASH_CHUNK) {
		n = p->hv->npages - from;
		if (n > HASH_CHUNK)
			n = HASH_CHUNK;
		nw = BITMAP_WORDS(n);
		memset(st->present, 0, nw * sizeof (uint64_t));
		memset(st->swapped, 0, nw * sizeof (uint64_t));
		addr = p->hv->start + from * hs->psize;
		got = pagemap_read_states(hs->pagemap_fd, addr, n, st);
		if (got == -1)
			return (-1);
		if ((size_t)got < n && hash_gone(hs, addr)) {
			errno = ESRCH;
			return (-1);
		}
		for (w = 0; w < nw; w++) {
			bits = st->present[w] | st->swapped[w];
			for (; bits != 0; bits &= bits - 1) {
				if (hash_page(p, from + w * 64 +
				    (uint64_t)__builtin_ctzll(bits)) == -1)
					return (-1);
			}
		}
		if ((size_t)got < n)
			break;
	}
	return (0);
}

/*
 * Walk one VMA: at the clear (sv NULL) list and hash the pages that hold
 * content; at the collect, mark in sv the pages present now and those that
 * changed. -1 with errno.
 */
static int
hash_walk(struct hash_state *hs, struct hash_vma *hv, struct snap_vma *sv)
{
	struct hash_pass	 p;
	int			 r = 1;

	memset(&p, 0, sizeof p);
	p.hs = hs;
	p.hv = hv;
	p.sv = sv;
	hs->nq = 0;
	if (sv == NULL)
		hv->n = 0;
	if (!hs->no_scan) {
		r = hash_scan(&p);
		if (r == 1)
			hs->no_scan = true;
	}
	if (r == 1)
		r = hash_read(&p);
	if (r == -1)
		return (-1);
	if (hash_flush(hs, hv, sv) == -1)
		return (-1);
	/* The baseline pages after the last present one have gone. */
	if (sv != NULL) {
		while (p.next < hv->n)
			hash_mark(sv, hv->pages[p.next++]);
	}
	return (0);
}

/* Whether err ends the whole cycle rather than one VMA. */
static bool
hash_fatal(int err)
{
	return (proc_gone(err) || err == EPERM || err == EACCES ||
	    err == ENOMEM);
}

/* The cause for a failure that ends the cycle. */
static char *
hash_cause(const struct hash_state *hs, int err)
{
	if (proc_gone(err))
		return (cause_fmt("process %ld has gone", (long)hs->pid));
	return (cause_errno(err, "reading the memory of process %ld",
	    (long)hs->pid));
}

/*
 * Find a page of t that is present, and read one byte of it with
 * process_vm_readv. 0, or -1 with errno and *what naming the step.
 */
static int
hash_probe_target(struct proc_target *t, const char **what)
{
	struct vma_list	 vl;
	struct iovec	 local, remote;
	uint64_t	 raw[512], addr;
	size_t		 i, j, n;
	ssize_t		 got;
	const char	*name;
	char		 byte, *cause = NULL;
	int		 fd, found = 0, err;

	memset(&vl, 0, sizeof vl);
	*what = "reading its maps";
	if (maps_read(t, &vl, &cause) == -1) {
		err = errno;
		free(cause);
		errno = err;
		return (-1);
	}
	*what = "opening its pagemap";
	if ((fd = proc_pagemap_fd(t)) == -1)
		goto fail;
	addr = 0;
	*what = "reading its pagemap";
	for (i = 0; i < vl.n && !found; i++) {
		name = vl.v[i].name != NULL ? vl.v[i].name : "";
		/* [vvar] and [vsyscall] are special mappings it cannot read. */
		if (!(vl.v[i].prot & VMA_READ) ||
		    strcmp(name, "[vsyscall]") == 0 ||
		    strncmp(name, "[vvar", 5) == 0)
			continue;
		n = vma_pages(&vl.v[i]);
		if (n > 512)
			n = 512;
		got = pagemap_read_raw(fd, vl.v[i].start, n, raw);
		if (got == -1)
			goto fail;
		for (j = 0; j < (size_t)got; j++) {
			if (raw[j] & PM_PRESENT) {
				addr = vl.v[i].start + j * page_size();
				found = 1;
				break;
			}
		}
	}
	*what = "finding a present page";
	if (!found) {
		errno = ENOENT;
		goto fail;
	}
	*what = "process_vm_readv";
	local.iov_base = &byte;
	local.iov_len = 1;
	remote.iov_base = (void *)(uintptr_t)addr;
	remote.iov_len = 1;
	if (process_vm_readv(t->tid, &local, 1, &remote, 1, 0) != 1) {
		if (errno == 0)
			errno = EFAULT;
		goto fail;
	}
	vma_list_free(&vl);
	return (0);

fail:
	err = errno;
	vma_list_free(&vl);
	errno = err;
	return (-1);
}

/*
 * Whether process_vm_readv works: on the kernel (t NULL, reading this
 * process) or on t (one byte of one of its present pages).
 */
static int
hash_probe(struct proc_target *t, char **why)
{
	static const char	 self = 'x';
	struct iovec		 local, remote;
	const char		*what, *hint;
	char			 byte = 0;

	if (t == NULL) {
		local.iov_base = &byte;
		local.iov_len = 1;
		remote.iov_base = (void *)&self;
		remote.iov_len = 1;
		if (process_vm_readv(getpid(), &local, 1, &remote, 1, 0) == 1 &&
		    byte == self)
			return (0);
		if (errno == ENOSYS) {
			*why = cause_fmt("hash is not available on this kernel:"
			    " no process_vm_readv (CONFIG_CROSS_MEMORY_ATTACH)");
		} else
			*why = cause_errno(errno, "hash is not available:"
			    " process_vm_readv on itself");
		return (-1);
	}
	if (hash_probe_target(t, &what) == 0)
		return (0);
	if (proc_gone(errno))
		*why = cause_fmt("hash: process %ld has gone", (long)t->pid);
	else {
		hint = (errno == EPERM || errno == EACCES) ?
		    " (needs the same user or CAP_SYS_PTRACE)" : "";
		*why = cause_fmt("hash is not available for process %ld: "
		    "%s: %s%s", (long)t->pid, what, strerror(errno), hint);
	}
	return (-1);
}

/* Set up the buffers; nothing is done to the target. */
static int
hash_attach(struct tracker *tr, char **cause)
{
	struct hash_state	*hs;
	int			 fd;

	if ((fd = proc_pagemap_fd(tr->target)) == -1) {
		*cause = cause_errno(errno, "cannot open the pagemap of "
		    "process %ld", (long)tr->target->pid);
		return (-1);
	}
	if ((hs = calloc(1, sizeof *hs)) == NULL)
		goto nomem;
	hs->pid = tr->target->pid;
	hs->tid = tr->target->tid;
	hs->pagemap_fd = fd;
	hs->psize = page_size();
	hs->bufpages = HASH_BUF_BYTES / hs->psize;
	if (hs->bufpages > IOV_MAX)
		hs->bufpages = IOV_MAX;
	if (hs->bufpages == 0)
		hs->bufpages = 1;
	if (page_states_alloc(&hs->st, HASH_CHUNK) == -1)
		goto nomem;
	hs->buf = malloc(hs->bufpages * hs->psize);
	hs->riov = calloc(hs->bufpages, sizeof *hs->riov);
	hs->qpage = calloc(hs->bufpages, sizeof *hs->qpage);
	hs->qbase = calloc(hs->bufpages, sizeof *hs->qbase);
	if (hs->buf == NULL || hs->riov == NULL || hs->qpage == NULL ||
	    hs->qbase == NULL)
		goto nomem;
	tr->priv = hs;
	return (0);

nomem:
	hash_state_free(hs);
	*cause = cause_errno(ENOMEM, "hash");
	errno = ENOMEM;
	return (-1);
}

/*
 * Move the baselines of the VMAs of vl that were already known into a new
 * array (same start and end: keep the buffers), start the others empty and
 * free those that vanished. -1 with errno.
 */
static int
hash_rebuild(struct hash_state *hs, const struct vma_list *vl)
{
	struct hash_vma	*nv, *old, *tmp;
	size_t		 i, j, k, count, ncap;

	count = 0;
	for (i = 0; i < vl->n; i++) {
		if (vma_trackable(&vl->v[i]))
			count++;
	}
	if (count > hs->spare_cap) {
		tmp = array_reserve(hs->spare, count, &hs->spare_cap,
		    sizeof *tmp);
		if (tmp == NULL)
			return (-1);
		hs->spare = tmp;
	}
	nv = hs->spare;
	if (count > 0)
		memset(nv, 0, count * sizeof *nv);

	j = 0;
	k = 0;
	for (i = 0; i < vl->n; i++) {
		if (!vma_trackable(&vl->v[i]))
			continue;
		while (j < hs->n && hs->v[j].start < vl->v[i].start)
			hash_vma_free(&hs->v[j++]);
		old = NULL;
		if (j < hs->n && hs->v[j].start == vl->v[i].start) {
			if (hs->v[j].end == vl->v[i].end)
				old = &hs->v[j];
			else
				hash_vma_free(&hs->v[j]);
			j++;
		}
		if (old != NULL) {
			nv[k] = *old;
			memset(old, 0, sizeof *old);
		} else {
			nv[k].start = vl->v[i].start;
			nv[k].end = vl->v[i].end;
			nv[k].npages = vma_pages(&vl->v[i]);
		}
		nv[k].error = 0;
		k++;
	}
	while (j < hs->n)
		hash_vma_free(&hs->v[j++]);

	ncap = hs->spare_cap;
	hs->spare = hs->v;
	hs->spare_cap = hs->cap;
	hs->v = nv;
	hs->cap = ncap;
	hs->n = k;
	return (0);
}

/*
 * Fail with ESRCH when the target has gone: its pagemap then reads as
 * empty instead of failing, which would pass for "every page vanished".
 */
static int
hash_check_alive(struct hash_state *hs, char **cause)
{
	if (hs->n == 0 || !hash_gone(hs, hs->v[0].start))
		return (0);
	*cause = hash_cause(hs, ESRCH);
	errno = ESRCH;
	return (-1);
}

/* Take the baseline hashes of every trackable VMA of vl. */
static int
hash_start_cycle(struct tracker *tr, const struct vma_list *vl, char **cause)
{
	struct hash_state	*hs = tr->priv;
	size_t			 i;

	if (hash_rebuild(hs, vl) == -1) {
		*cause = cause_errno(errno, "hash");
		return (-1);
	}
	for (i = 0; i < hs->n; i++) {
		if (hash_walk(hs, &hs->v[i], NULL) == 0)
			continue;
		if (hash_fatal(errno)) {
			*cause = hash_cause(hs, errno);
			return (-1);
		}
		hs->v[i].error = errno;
	}
	return (hash_check_alive(hs, cause));
}

/* The baseline of [start, end), from *cursor on (both lists are sorted). */
static struct hash_vma *
hash_find(struct hash_state *hs, size_t *cursor, uint64_t start,
    uint64_t end)
{
	size_t	j;

	for (j = *cursor; j < hs->n && hs->v[j].start < start; j++)
		;
	*cursor = j;
	if (j < hs->n && hs->v[j].start == start && hs->v[j].end == end)
		return (&hs->v[j]);
	return (NULL);
}

/* Rehash the tracked VMAs of s and mark the pages that changed. */
static int
hash_collect(struct tracker *tr, struct snapshot *s, char **cause)
{
	struct hash_state	*hs = tr->priv;
	struct snap_vma		*sv;
	struct hash_vma		*hv;
	size_t			 i, cursor = 0;

	for (i = 0; i < s->nvma; i++) {
		sv = &s->vmas[i];
		if (!sv->tracked || sv->is_new || sv->written == NULL)
			continue;
		hv = hash_find(hs, &cursor, sv->vma.start, sv->vma.end);
		/*
		 * A read-only VMA (tracked with --all) is not hashed: nothing
		 * writes through it, so it stays clean, as with uffd-wp.
		 */
		if (hv == NULL && (~sv->vma.prot & VMA_WRITE))
			continue;
		if (hv == NULL || hv->error != 0) {
			/* Not hashed at the clear (read-only) or unreadable. */
			track_vma_failed(sv, hv == NULL ? ENODATA : hv->error);
			continue;
		}
		/* sv->written is zeroed by snapshot_set_vma(). */
		if (sv->present == NULL)
			sv->present = pageset_new(hv->npages);
		sv->dirty = 0;
		if (hash_walk(hs, hv, sv) == -1) {
			if (hash_fatal(errno)) {
				*cause = hash_cause(hs, errno);
				return (-1);
			}
			track_vma_failed(sv, errno);
		} else if (sv->error == ENOMEM)
			track_vma_failed(sv, ENOMEM);
	}
	return (hash_check_alive(hs, cause));
}

/* Free everything; the target was never changed. */
static void
hash_detach(struct tracker *tr)
{
	hash_state_free(tr->priv);
	tr->priv = NULL;
}

const struct track_method track_hash = {
	.name = "hash",
	.summary = "pages whose content changed (XXH3 per page, any kernel;"
	    " a write of the same value is not seen)",
	.probe = hash_probe,
	.attach = hash_attach,
	.start_cycle = hash_start_cycle,
	.collect = hash_collect,
	.detach = hash_detach,
};
