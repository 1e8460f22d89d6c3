/*
 * track-hash.c - the "hash" method: the pages whose content changed.
 *
 * It needs only pagemap and process_vm_readv (Linux 3.2,
 * CONFIG_CROSS_MEMORY_ATTACH), so it works on any kernel and architecture.
 * It keeps a 64-bit XXH3 hash per present page of each trackable VMA, the
 * baseline; the collect reads every present page again and reports the
 * pages whose hash differs. It measures "changed", not "written": a write
 * that stores the value already there, or a change undone before the
 * collect, is invisible. A page that became present between the two counts
 * as changed (anonymous memory faulted in); one that became absent (given
 * back: MADV_DONTNEED) does not: it is discarded, not written, as the
 * session judges from the present pages (discard.h). A page that maps the
 * shared zero page (given back, then read) holds nothing to send: it is
 * not present, and a page found changed that maps it after the read (given
 * back while the collect ran) is neither written nor present
 * (track-zero.h). Nothing is done to the target but reading its memory; a
 * swapped-out page counts as present and the read swaps it in.
 *
 * Each page is read once per cycle: what the collect read becomes the next
 * cycle's baseline, and the clear reads nothing for a VMA that has it. So
 * a cycle runs from the last collect to this one, not from the clear: it
 * includes the time between a collect and the next clear (printing,
 * drawing), and a page written then is counted in the next cycle, neither
 * lost nor counted twice. The model dates such a cycle from the last
 * collect (tr->kept; the snapshot's clear_time). The clear still reads
 * every present page of a VMA, as the baseline, in the first cycle, for a
 * VMA not in the maps at the last collect or that maps something else
 * there now (another offset, inode or device), for one whose last collect
 * failed or judged nothing, and for every VMA when the model asks a fresh
 * start (tr->fresh: "clear now", a new interval). A rescan (tr->peek)
 * compares with the baseline and keeps it: the cycle goes on.
 * Only writable VMAs (vma_trackable()) are hashed at the clear: a VMA the
 * snapshot tracks that was not hashed (read-only, with --all) is not judged
 * and carries the error ENODATA.
 *
 * The present pages are listed with PAGEMAP_SCAN (Linux 6.7) when the
 * kernel has it, as it skips unpopulated page tables: a sparse VMA of
 * terabytes (a sanitizer's shadow, a reserved heap) costs what its present
 * pages cost. Older kernels read every pagemap entry instead, and cannot
 * tell the zero page (its PFN is hidden without privilege).
 *
 * Units: pages of page_size() bytes, counted from each VMA's start; the
 * read buffer holds HASH_BUF_BYTES bytes, pagemap entries are read
 * HASH_CHUNK pages at a time. The memory kept is 16 bytes per present page
 * (its index and its hash), nothing per absent page, and one more reading
 * (the one the collect fills before it replaces a baseline, then the
 * buffers of the baseline it replaced): at most 16 bytes per present page
 * of the largest VMA, 32 bytes per page in all at most.
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

#include "array.h"
#include "bitmap.h"
#include "pageset.h"
#include "cause.h"
#include "page.h"
#include "page-hash.h"
#include "proc-maps.h"
#include "proc-pagemap.h"
#include "proc.h"
#include "snapshot.h"
#include "track.h"
#include "track-hash-probe.h"
#include "track-zero.h"

/*
 * Bytes read by one process_vm_readv: 128 pages of 4 KiB. The hash then
 * reads them from the L2 cache the read left them in; a buffer larger than
 * L2 (1 MiB and up) makes both the copy and the hash go to L3.
 */
#define HASH_BUF_BYTES	(512u << 10)
/* Pages of pagemap entries read at once without PAGEMAP_SCAN. */
#define HASH_CHUNK	65536

/* No index: a page new at the collect, or one read for no baseline. */
#define HASH_NONE	SIZE_MAX

/* The reading of one VMA: its pages holding content and their hashes. */
struct hash_list {
	uint64_t	*pages;		/* present or swapped pages, ascending */
	uint64_t	*hashes;	/* the hash of each of them */
	size_t		 n;
	size_t		 cap;		/* room in pages and hashes */
};

/* The baseline of one VMA: read at the clear, or kept from the collect. */
struct hash_vma {
	uint64_t	 start;
	uint64_t	 end;
	uint64_t	 offset;	/* what is mapped there, as in maps */
	uint64_t	 inode;
	uint64_t	 dev;
	size_t		 npages;
	struct hash_list base;
	bool		 from_collect;	/* base is the last collect's reading */
	int		 error;		/* errno of a failure at the clear */
};

/*
 * One pass over a VMA: the clear (sv NULL: the reading goes to out, the
 * baseline) or the collect (compared with the baseline; the reading goes
 * to out, the next baseline, or nowhere when out is NULL).
 */
struct hash_pass {
	struct hash_state *hs;
	struct hash_vma	*hv;
	struct snap_vma	*sv;
	struct hash_list *out;
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
	struct hash_list scratch;	/* the collect's reading of one VMA */

	struct page_states st;		/* HASH_CHUNK pages */
	uint8_t		*buf;		/* bufpages pages */
	uint64_t	*hbuf;		/* their hashes */
	size_t		 bufpages;
	struct iovec	*riov;		/* bufpages remote iovecs */
	size_t		*qpage;		/* queued page: index in its VMA */
	size_t		*qbase;		/* its index in the baseline, or none */
	size_t		*qout;		/* its index in the reading, or none */
	size_t		 nq;
};

/* Free the buffers of a reading. */
static void
hash_list_free(struct hash_list *hl)
{
	free(hl->pages);
	free(hl->hashes);
	memset(hl, 0, sizeof *hl);
}

/* Free the buffers of a baseline. */
static void
hash_vma_free(struct hash_vma *hv)
{
	hash_list_free(&hv->base);
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
	hash_list_free(&hs->scratch);
	page_states_free(&hs->st);
	free(hs->buf);
	free(hs->hbuf);
	free(hs->riov);
	free(hs->qpage);
	free(hs->qbase);
	free(hs->qout);
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
 * Read the queued pages of pass p with as few process_vm_readv calls as
 * the buffer allows, an iovec per run of adjacent pages (one per page
 * costs a quarter more), and hash them: store each hash in p->out (when
 * the page has a place there) and, at the collect, mark in sv->written the
 * pages whose hash differs from the baseline. A short read resumes at the
 * first page not read; a page that cannot be read at all fails with errno
 * (EFAULT: a page that vanished or cannot be read).
 */
static int
hash_flush(struct hash_pass *p)
{
	struct hash_state	*hs = p->hs;
	struct hash_vma		*hv = p->hv;
	struct iovec		 local;
	size_t			 done, q, i, niov, full;
	uint64_t		 addr, h;
	ssize_t			 n;

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
		page_hash_many(hs->buf, full, hs->psize, hs->hbuf);
		for (i = 0; i < full; i++) {
			q = done + i;
			h = hs->hbuf[i];
			if (hs->qout[q] != HASH_NONE)
				p->out->hashes[hs->qout[q]] = h;
			if (hs->qbase[q] != HASH_NONE &&
			    hv->base.hashes[hs->qbase[q]] != h)
				hash_mark(p->sv, hs->qpage[q]);
		}
		done += full;
	}
	hs->nq = 0;
	return (0);
}

/* Make room for n pages in hl; -1 with errno. */
static int
hash_list_reserve(struct hash_list *hl, size_t n)
{
	uint64_t	*a;
	size_t		 pcap = hl->cap, hcap = hl->cap;

	if (n <= hl->cap)
		return (0);
	/* Both arrays grow alike; hl->cap is the room they share. */
	if ((a = array_reserve(hl->pages, n, &pcap, sizeof *a)) == NULL)
		return (-1);
	hl->pages = a;
	if ((a = array_reserve(hl->hashes, n, &hcap, sizeof *a)) == NULL)
		return (-1);
	hl->hashes = a;
	hl->cap = pcap < hcap ? pcap : hcap;
	return (0);
}

/*
 * Queue page i of the VMA for reading, with its baseline index k (or
 * HASH_NONE), and give it the next place in p->out when there is one;
 * read when the queue is full. -1 with errno.
 */
static int
hash_queue(struct hash_pass *p, uint64_t i, size_t k)
{
	struct hash_state	*hs = p->hs;
	struct hash_list	*out = p->out;

	hs->qpage[hs->nq] = i;
	hs->qbase[hs->nq] = k;
	hs->qout[hs->nq] = HASH_NONE;
	if (out != NULL) {
		if (hash_list_reserve(out, out->n + 1) == -1)
			return (-1);
		out->pages[out->n] = i;
		hs->qout[hs->nq] = out->n++;
	}
	if (++hs->nq == hs->bufpages)
		return (hash_flush(p));
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
 * Page i of the VMA holds content now (the caller marks it present). At
 * the clear, queue it for the baseline. At the collect, the baseline pages
 * before it have gone (given back: not changed, skipped), and it is either
 * in the baseline (queued, to compare hashes) or new (changed: absent ->
 * present needs no read, but it is read for the next baseline when one is
 * kept). -1 with errno.
 */
static int
hash_page(struct hash_pass *p, uint64_t i)
{
	struct hash_vma	*hv = p->hv;
	struct snap_vma	*sv = p->sv;
	size_t		 k = HASH_NONE;

	p->seen++;
	if (sv == NULL)
		return (hash_queue(p, i, HASH_NONE));
	while (p->next < hv->base.n && hv->base.pages[p->next] < i)
		p->next++;
	if (p->next < hv->base.n && hv->base.pages[p->next] == i)
		k = p->next++;
	else
		hash_mark(sv, i);
	if (k == HASH_NONE && p->out == NULL)
		return (0);
	return (hash_queue(p, i, k));
}

/* At the collect, mark pages [first, last) of the VMA present. */
static void
hash_present(struct hash_pass *p, uint64_t first, uint64_t last)
{
	struct snap_vma	*sv = p->sv;

	if (sv != NULL && sv->present != NULL && first < last &&
	    pageset_add_range(sv->present, first, last) == -1)
		sv->error = ENOMEM;
}

/* Feed the pages of one PAGEMAP_SCAN region to hash_page(). */
static int
hash_scan_region(const struct pmscan_region *r, void *arg)
{
	struct hash_pass	*p = arg;
	uint64_t		 i, first, last;

	first = (r->start - p->hv->start) / p->hs->psize;
	last = (r->end - p->hv->start) / p->hs->psize;
	if (last > p->hv->npages)
		last = p->hv->npages;
	hash_present(p, first, last);
	for (i = first; i < last; i++) {
		if (hash_page(p, i) == -1) {
			p->error = errno;
			return (1);
		}
	}
	return (0);
}

/*
 * List the pages of the VMA that hold content (present or swapped, not
 * the shared zero page: nothing to send) with PAGEMAP_SCAN. 0; 1 when the kernel refuses it (before 6.7: ENOTTY) and
 * nothing was listed yet; -1 with errno.
 */
static int
hash_scan(struct hash_pass *p)
{
	struct pmscan_arg	 tmpl;
	int			 r;

	memset(&tmpl, 0, sizeof tmpl);
	tmpl.category_inverted = PAGE_IS_PFNZERO;
	tmpl.category_mask = PAGE_IS_PFNZERO;
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
			if (p->sv != NULL && p->sv->present != NULL &&
			    pageset_add_word(p->sv->present, from / 64 + w,
			    bits) == -1)
				p->sv->error = ENOMEM;
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
 * content into out, the baseline; at the collect, mark in sv the pages
 * present now and those that changed, and read every page holding content
 * into out (the next baseline) unless it is NULL. -1 with errno.
 */
static int
hash_walk(struct hash_state *hs, struct hash_vma *hv, struct snap_vma *sv,
    struct hash_list *out)
{
	struct hash_pass	 p;
	int			 r = 1;

	memset(&p, 0, sizeof p);
	p.hs = hs;
	p.hv = hv;
	p.sv = sv;
	p.out = out;
	hs->nq = 0;
	if (out != NULL)
		out->n = 0;
	if (!hs->no_scan) {
		r = hash_scan(&p);
		if (r == 1)
			hs->no_scan = true;
	}
	if (r == 1)
		r = hash_read(&p);
	/* Baseline pages after the last present one have gone: not marked. */
	if (r == -1 || hash_flush(&p) == -1)
		return (-1);
	if (sv == NULL || sv->dirty == 0 || hs->no_scan)
		return (0);
	return (track_zero_drop(hs->pagemap_fd, sv, hs->psize));
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
	hs->hbuf = calloc(hs->bufpages, sizeof *hs->hbuf);
	hs->riov = calloc(hs->bufpages, sizeof *hs->riov);
	hs->qpage = calloc(hs->bufpages, sizeof *hs->qpage);
	hs->qbase = calloc(hs->bufpages, sizeof *hs->qbase);
	hs->qout = calloc(hs->bufpages, sizeof *hs->qout);
	if (hs->buf == NULL || hs->hbuf == NULL || hs->riov == NULL ||
	    hs->qpage == NULL || hs->qbase == NULL || hs->qout == NULL)
		goto nomem;
	tr->priv = hs;
	return (0);

nomem:
	hash_state_free(hs);
	*cause = cause_errno(ENOMEM, "hash");
	errno = ENOMEM;
	return (-1);
}

/* The device of what v maps, as one number. */
static uint64_t
hash_dev(const struct vma *v)
{
	return ((uint64_t)v->dev_major << 32 | v->dev_minor);
}

/*
 * Move the baselines of the VMAs of vl that were already known into a new
 * array (same start and end: keep the buffers; the reading of the last
 * collect only if the same thing is mapped there), start the others empty
 * and free those that vanished. -1 with errno.
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
		if (nv[k].offset != vl->v[i].offset ||
		    nv[k].inode != vl->v[i].inode ||
		    nv[k].dev != hash_dev(&vl->v[i]))
			nv[k].from_collect = false;
		nv[k].offset = vl->v[i].offset;
		nv[k].inode = vl->v[i].inode;
		nv[k].dev = hash_dev(&vl->v[i]);
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

/*
 * Take the baseline hashes of every trackable VMA of vl: the reading of the
 * last collect where it has one for the VMA (tr->kept says so), unless
 * tr->fresh asks for a new start; a read of every present page otherwise.
 */
static int
hash_start_cycle(struct tracker *tr, const struct vma_list *vl, char **cause)
{
	struct hash_state	*hs = tr->priv;
	struct hash_vma		*hv;
	size_t			 i;
	bool			 keep;

	if (hash_rebuild(hs, vl) == -1) {
		*cause = cause_errno(errno, "hash");
		return (-1);
	}
	tr->kept = false;
	for (i = 0; i < hs->n; i++) {
		hv = &hs->v[i];
		keep = hv->from_collect && !tr->fresh;
		/* Until the next collect reads it again. */
		hv->from_collect = false;
		if (keep) {
			tr->kept = true;
			continue;
		}
		if (hash_walk(hs, hv, NULL, &hv->base) == 0)
			continue;
		if (hash_fatal(errno)) {
			*cause = hash_cause(hs, errno);
			return (-1);
		}
		hv->error = errno;
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

/* Keep no reading as a baseline: the collect that made them failed. */
static void
hash_forget(struct hash_state *hs)
{
	size_t	i;

	for (i = 0; i < hs->n; i++)
		hs->v[i].from_collect = false;
}

/*
 * Rehash the tracked VMAs of s and mark the pages that changed. The reading
 * becomes the next cycle's baseline, unless tr->peek (the cycle goes on).
 */
static int
hash_collect(struct tracker *tr, struct snapshot *s, char **cause)
{
	struct hash_state	*hs = tr->priv;
	struct snap_vma		*sv;
	struct hash_vma		*hv;
	struct hash_list	 tmp, *out;
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
		out = tr->peek ? NULL : &hs->scratch;
		if (hash_walk(hs, hv, sv, out) == -1) {
			if (hash_fatal(errno)) {
				*cause = hash_cause(hs, errno);
				hash_forget(hs);
				return (-1);
			}
			track_vma_failed(sv, errno);
			hv->from_collect = false;
			continue;
		}
		if (out != NULL) {
			/* The old baseline's buffers serve the next VMA. */
			tmp = hv->base;
			hv->base = hs->scratch;
			hs->scratch = tmp;
			hv->from_collect = true;
		}
		if (sv->error == ENOMEM)
			track_vma_failed(sv, ENOMEM);
	}
	if (hash_check_alive(hs, cause) == -1) {
		hash_forget(hs);
		return (-1);
	}
	return (0);
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
	.probe = track_hash_probe,
	.attach = hash_attach,
	.start_cycle = hash_start_cycle,
	.collect = hash_collect,
	.detach = hash_detach,
};
