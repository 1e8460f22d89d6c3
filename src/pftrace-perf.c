/*
 * pftrace-perf.c - the page-fault events of the recorder.
 *
 * Faults come from per-thread perf software events (perf_event_open(2)):
 * PERF_COUNT_SW_PAGE_FAULTS_MIN and _MAJ with sample_period 1 give every
 * completed fault with its address and instruction pointer, and whether
 * it was major (mm/memory.c, mm_account_fault()). When tracefs and
 * privilege allow it, the x86 tracepoints exceptions:page_fault_user and
 * page_fault_kernel add the hardware error code (bit 1 write, bit 4
 * instruction fetch: arch/x86/include/asm/trap_pf.h); a tracepoint sample
 * is paired with the major/minor sample that follows it on the same
 * thread for the same address. A ring buffer cannot be mmapped for an
 * inherited per-task event, so each thread gets its own events and one
 * ring buffer that they all share (PERF_EVENT_IOC_SET_OUTPUT).
 *
 * The minor event also asks for mmap records (mmap2, mmap_data): the
 * kernel writes a PERF_RECORD_MMAP2 into the ring of the thread whose
 * system call created or changed a region, stamped on the same clock
 * as its faults, when the change takes effect: mmap and brk (each new
 * or grown region) and mprotect (mm/mprotect.c, mprotect_fixup(): each
 * region reprotected, once it and its page tables have their new
 * protection). munmap, mremap, madvise and an mprotect that changes
 * nothing write none (measured on Linux 6.18). Only its time is handed
 * on.
 *
 * Times are CLOCK_MONOTONIC nanoseconds (perf's use_clockid); sizes of
 * ring buffers are pages.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/syscall.h>

#include <linux/perf_event.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cause.h"
#include "pftrace-perf.h"

#define EV_MIN	PFPERF_EV_MIN
#define EV_MAJ	PFPERF_EV_MAJ
#define EV_TPU	PFPERF_EV_TPU
#define EV_TPK	PFPERF_EV_TPK
#define EV_N	PFPERF_EV_N

void
pfperf_init(struct pfperf *pf, size_t page, unsigned int ring_pages,
    char *why, size_t whysize)
{
	memset(pf, 0, sizeof *pf);
	pf->page = page;
	pf->ring_pages = ring_pages;
	pf->why = why;
	pf->whysize = whysize;
}

/* Close the events of gone threads. */
static void
graveyard_empty(struct pfperf *pf)
{
	while (pf->ngrave > 0)
		close(pf->graveyard[--pf->ngrave]);
}

void
pfperf_free(struct pfperf *pf)
{
	graveyard_empty(pf);
}

static long
perf_open(struct perf_event_attr *a, pid_t tid)
{
	return (syscall(SYS_perf_event_open, a, tid, -1, -1,
	    PERF_FLAG_FD_CLOEXEC));
}

/* Read a small tracefs file below dir into buf; -1 if it is missing. */
static int
read_small(const char *dir, const char *name, char *buf, size_t size)
{
	char	 path[512];
	int	 fd;
	ssize_t	 n;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return (-1);
	n = read(fd, buf, size - 1);
	close(fd);
	if (n <= 0)
		return (-1);
	buf[n] = '\0';
	return (0);
}

/* The offset of "unsigned long FIELD;" in a tracepoint format text. */
static int
format_offset(const char *fmt, const char *field, size_t *off)
{
	char		 want[64];
	const char	*p;
	unsigned int	 o, sz;

	snprintf(want, sizeof want, " %s;", field);
	if ((p = strstr(fmt, want)) == NULL)
		return (-1);
	if ((p = strstr(p, "offset:")) == NULL ||
	    sscanf(p, "offset:%u;\tsize:%u;", &o, &sz) != 2 || sz != 8)
		return (-1);
	*off = o;
	return (0);
}

/* Read the tracepoint ids and field offsets from a tracefs at dir. */
static int
tp_read(struct pfperf *pf, const char *dir)
{
	char		 buf[4096];
	unsigned long	 id;

	if (read_small(dir, "events/exceptions/page_fault_user/id", buf,
	    sizeof buf) != 0 || sscanf(buf, "%lu", &id) != 1)
		return (-1);
	pf->tp_user_id = id;
	if (read_small(dir, "events/exceptions/page_fault_kernel/id", buf,
	    sizeof buf) == 0 && sscanf(buf, "%lu", &id) == 1)
		pf->tp_kernel_id = id;
	if (read_small(dir, "events/exceptions/page_fault_user/format", buf,
	    sizeof buf) != 0 ||
	    format_offset(buf, "address", &pf->tp_off_addr) != 0 ||
	    format_offset(buf, "ip", &pf->tp_off_ip) != 0 ||
	    format_offset(buf, "error_code", &pf->tp_off_err) != 0)
		return (-1);
	pf->have_tp = true;
	return (0);
}

/*
 * Find the page-fault tracepoints: in a mounted tracefs, else in one we
 * mount for a moment in a private directory and unmount at once.
 */
void
pfperf_find_tracepoints(struct pfperf *pf)
{
	char	 dir[] = "/tmp/tracepgfault.XXXXXX";
	int	 mounted;

	if (tp_read(pf, "/sys/kernel/tracing") == 0 ||
	    tp_read(pf, "/sys/kernel/debug/tracing") == 0)
		return;
	if (mkdtemp(dir) == NULL) {
		snprintf(pf->why, pf->whysize,
		    "no tracefs mounted, and no directory to mount one");
		return;
	}
	mounted = mount("nodev", dir, "tracefs", 0, NULL);
	if (mounted != 0)
		snprintf(pf->why, pf->whysize,
		    "tracefs is not mounted and cannot be (%s): mount it on "
		    "/sys/kernel/tracing, as root", strerror(errno));
	else {
		if (tp_read(pf, dir) != 0)
			snprintf(pf->why, pf->whysize,
			    "no exceptions:page_fault_user tracepoint here "
			    "(x86 only)");
		umount2(dir, MNT_DETACH);
	}
	rmdir(dir);
}

/* Set up the attributes of event slot ev of a thread. */
static void
event_attr(struct pfperf *pf, int ev, bool on_exec, struct perf_event_attr *a)
{
	memset(a, 0, sizeof *a);
	a->size = sizeof *a;
	a->sample_period = 1;
	a->sample_type = PERF_SAMPLE_IDENTIFIER | PERF_SAMPLE_IP |
	    PERF_SAMPLE_TID | PERF_SAMPLE_TIME;
	a->disabled = on_exec;
	a->enable_on_exec = on_exec;
	a->exclude_hv = 1;
	a->sample_id_all = 1;
	a->use_clockid = 1;
	a->clockid = CLOCK_MONOTONIC;
	a->watermark = 1;
	a->wakeup_watermark = (uint32_t)(pf->ring_pages * pf->page / 4);
	switch (ev) {
	case EV_MIN:
		a->mmap = 1;
		a->mmap2 = 1;
		a->mmap_data = 1;
		/* FALLTHROUGH */
	case EV_MAJ:
		a->type = PERF_TYPE_SOFTWARE;
		a->config = ev == EV_MIN ? PERF_COUNT_SW_PAGE_FAULTS_MIN :
		    PERF_COUNT_SW_PAGE_FAULTS_MAJ;
		a->sample_type |= PERF_SAMPLE_ADDR;
		a->exclude_kernel = pf->exclude_kernel;
		break;
	default:
		a->type = PERF_TYPE_TRACEPOINT;
		a->config = ev == EV_TPU ? pf->tp_user_id : pf->tp_kernel_id;
		a->sample_type |= PERF_SAMPLE_RAW;
		break;
	}
}

void
pfperf_thread_init(struct pfperf_thread *th)
{
	int	i;

	memset(th, 0, sizeof *th);
	for (i = 0; i < EV_N; i++)
		th->fd[i] = -1;
}

void
pfperf_close(struct pfperf *pf, struct pfperf_thread *th)
{
	int	i;

	if (th->ring != NULL)
		munmap(th->ring, th->ring_len);
	th->ring = NULL;
	for (i = 0; i < EV_N; i++) {
		if (th->fd[i] >= 0) {
			if (pf->ngrave == PFPERF_GRAVEYARD)
				graveyard_empty(pf);
			pf->graveyard[pf->ngrave++] = th->fd[i];
		}
		th->fd[i] = -1;
	}
}

int
pfperf_poll_fd(const struct pfperf_thread *th)
{
	return (th->fd[EV_MIN]);
}

/* Close th's events after a failure, keeping errno; returns -1. */
static int
open_failed(struct pfperf *pf, struct pfperf_thread *th, int err)
{
	pfperf_close(pf, th);
	errno = err;
	return (-1);
}

/* Open the minor and major fault events of thread tid. */
static int
open_faults(struct pfperf *pf, struct pfperf_thread *th, pid_t tid,
    bool on_exec, char **cause)
{
	struct perf_event_attr	a;
	int			ev, err;
	long			fd;

	for (ev = EV_MIN; ev <= EV_MAJ; ev++) {
		event_attr(pf, ev, on_exec, &a);
		fd = perf_open(&a, tid);
		if (fd < 0 && (errno == EACCES || errno == EPERM) &&
		    !pf->exclude_kernel && ev == EV_MIN) {
			/* perf_event_paranoid >= 2: user-space faults only. */
			pf->exclude_kernel = true;
			event_attr(pf, ev, on_exec, &a);
			fd = perf_open(&a, tid);
		}
		if (fd < 0) {
			err = errno;
			*cause = cause_errno(err, "perf_event_open (page-fault "
			    "events of thread %d)%s", (int)tid,
			    err == EACCES || err == EPERM ? ": see "
			    "/proc/sys/kernel/perf_event_paranoid (needs 2 "
			    "or less) or run as root" : err == ENOSYS ||
			    err == ENOENT ? ": the kernel has no perf events" :
			    "");
			return (open_failed(pf, th, err));
		}
		th->fd[ev] = (int)fd;
	}
	return (0);
}

/* Map the ring buffer of th's minor event, smaller if it must be. */
static int
open_ring(struct pfperf *pf, struct pfperf_thread *th, pid_t tid,
    char **cause)
{
	unsigned int	pages;
	int		err;

	for (pages = pf->ring_pages; pages >= 1; pages /= 2) {
		th->ring_len = (1 + pages) * pf->page;
		th->ring = mmap(NULL, th->ring_len, PROT_READ | PROT_WRITE,
		    MAP_SHARED, th->fd[EV_MIN], 0);
		if (th->ring != MAP_FAILED)
			break;
		/* Over the locked-memory allowance: try a smaller ring. */
		th->ring = NULL;
		if (errno != EPERM && errno != ENOMEM)
			break;
	}
	if (th->ring == NULL) {
		err = errno;
		*cause = cause_errno(err, "mmap of the perf ring buffer of "
		    "thread %d (see /proc/sys/kernel/perf_event_mlock_kb)",
		    (int)tid);
		return (open_failed(pf, th, err));
	}
	if (pages < pf->ring_got || pf->ring_got == 0)
		pf->ring_got = pages;
	if (ioctl(th->fd[EV_MAJ], PERF_EVENT_IOC_SET_OUTPUT, th->fd[EV_MIN]) !=
	    0) {
		err = errno;
		*cause = cause_errno(err, "PERF_EVENT_IOC_SET_OUTPUT");
		return (open_failed(pf, th, err));
	}
	return (0);
}

/* Open the tracepoint events of thread tid, when they can be. */
static void
open_tracepoints(struct pfperf *pf, struct pfperf_thread *th, pid_t tid,
    bool on_exec)
{
	struct perf_event_attr	a;
	int			ev;
	long			fd;

	for (ev = EV_TPU; ev <= EV_TPK; ev++) {
		if (ev == EV_TPK && (pf->tp_kernel_id == 0 ||
		    pf->exclude_kernel))
			continue;
		event_attr(pf, ev, on_exec, &a);
		fd = perf_open(&a, tid);
		if (fd >= 0 && ioctl((int)fd, PERF_EVENT_IOC_SET_OUTPUT,
		    th->fd[EV_MIN]) != 0) {
			close((int)fd);
			fd = -1;
		}
		if (fd < 0) {
			if (ev == EV_TPU) {
				snprintf(pf->why, pf->whysize,
				    "perf_event_open of the tracepoint "
				    "exceptions:page_fault_user: %s "
				    "(needs root or CAP_PERFMON)",
				    strerror(errno));
				pf->have_tp = false;
			}
			break;
		}
		th->fd[ev] = (int)fd;
	}
}

int
pfperf_open(struct pfperf *pf, struct pfperf_thread *th, pid_t tid,
    bool on_exec, char **cause)
{
	int	ev;

	if (open_faults(pf, th, tid, on_exec, cause) != 0 ||
	    open_ring(pf, th, tid, cause) != 0)
		return (-1);
	if (pf->have_tp)
		open_tracepoints(pf, th, tid, on_exec);
	for (ev = 0; ev < EV_N; ev++) {
		if (th->fd[ev] >= 0 &&
		    ioctl(th->fd[ev], PERF_EVENT_IOC_ID, &th->evid[ev]) != 0)
			th->evid[ev] = 0;
	}
	return (0);
}

/* Hand a fault to cb. */
static void
give_fault(pfperf_sample_cb *cb, void *arg, uint64_t time, uint64_t addr,
    uint64_t ip, enum pf_kind kind, enum pf_sev sev)
{
	struct pfperf_sample	s;

	memset(&s, 0, sizeof s);
	s.time = time;
	s.addr = addr;
	s.ip = ip;
	s.kind = kind;
	s.sev = sev;
	cb(arg, &s);
}

void
pfperf_flush(struct pfperf_thread *th, pfperf_sample_cb *cb, void *arg)
{
	if (!th->pend)
		return;
	give_fault(cb, arg, th->pend_time, th->pend_addr, th->pend_ip,
	    th->pend_kind, PF_SEV_NONE);
	th->pend = false;
}

/* The kind of access from an x86 page-fault error code. */
static enum pf_kind
kind_of(uint64_t err)
{
	if (err & (1 << 4))
		return (PF_KIND_EXEC);
	if (err & (1 << 1))
		return (PF_KIND_WRITE);
	return (PF_KIND_READ);
}

/*
 * A tracepoint sample (after the identifier, ip, pid/tid and time: u32
 * size, then the raw event record): it waits for its major/minor sample.
 */
static void
sample_tracepoint(struct pfperf *pf, struct pfperf_thread *th,
    const unsigned char *rec, size_t size, uint64_t time,
    pfperf_sample_cb *cb, void *arg)
{
	const size_t		 hs = sizeof (struct perf_event_header);
	uint64_t		 addr, ip, err;
	uint32_t		 rawsize;
	const unsigned char	*raw;

	if (size < hs + 36)
		return;
	memcpy(&rawsize, rec + hs + 32, 4);
	raw = rec + hs + 36;
	if (hs + 36 + (size_t)rawsize > size ||
	    pf->tp_off_addr + 8 > rawsize || pf->tp_off_ip + 8 > rawsize ||
	    pf->tp_off_err + 8 > rawsize)
		return;
	memcpy(&addr, raw + pf->tp_off_addr, 8);
	memcpy(&ip, raw + pf->tp_off_ip, 8);
	memcpy(&err, raw + pf->tp_off_err, 8);
	pfperf_flush(th, cb, arg);
	th->pend = true;
	th->pend_time = time;
	th->pend_addr = addr;
	th->pend_ip = ip;
	th->pend_kind = kind_of(err);
}

/*
 * A PERF_RECORD_MMAP2 of th's minor event: its time is the last but one
 * u64 of the record (sample_id_all: pid and tid, time, identifier).
 */
static void
region_change(const struct pfperf_thread *th, const unsigned char *rec,
    size_t size, pfperf_sample_cb *cb, void *arg)
{
	struct pfperf_sample	s;
	uint64_t		v[2];

	if (size < sizeof (struct perf_event_header) + 64 + 24)
		return;
	memcpy(v, rec + size - 16, 16);
	if (v[1] != th->evid[EV_MIN])
		return;
	memset(&s, 0, sizeof s);
	s.region = true;
	s.time = v[0];
	cb(arg, &s);
}

/* Decode one record of th's ring buffer. */
static void
handle_record(struct pfperf *pf, struct pfperf_thread *th,
    const unsigned char *rec, size_t size, pfperf_sample_cb *cb, void *arg)
{
	const struct perf_event_header	*h = (const void *)rec;
	struct pfperf_sample		 s;
	uint64_t			 id, ip, time, addr, v[4];
	enum pf_sev			 sev;
	int				 ev;

	if (h->type == PERF_RECORD_LOST && size >= sizeof *h + 16) {
		memcpy(v, rec + sizeof *h, 16);
		memset(&s, 0, sizeof s);
		s.lost = true;
		s.count = v[1];
		cb(arg, &s);
		return;
	}
	if (h->type == PERF_RECORD_MMAP2) {
		region_change(th, rec, size, cb, arg);
		return;
	}
	if (h->type != PERF_RECORD_SAMPLE || size < sizeof *h + 32)
		return;
	memcpy(v, rec + sizeof *h, 32);
	id = v[0];
	ip = v[1];
	time = v[3];
	for (ev = 0; ev < EV_N; ev++) {
		if (th->evid[ev] == id && th->fd[ev] >= 0)
			break;
	}
	if (ev == EV_N)
		return;
	if (ev != EV_MIN && ev != EV_MAJ) {
		sample_tracepoint(pf, th, rec, size, time, cb, arg);
		return;
	}
	if (size < sizeof *h + 40)
		return;
	memcpy(&addr, rec + sizeof *h + 32, 8);
	sev = ev == EV_MAJ ? PF_SEV_MAJOR : PF_SEV_MINOR;
	if (th->pend && th->pend_addr == addr) {
		give_fault(cb, arg, th->pend_time, addr, th->pend_ip,
		    th->pend_kind, sev);
		th->pend = false;
		return;
	}
	pfperf_flush(th, cb, arg);
	give_fault(cb, arg, time, addr, ip, PF_KIND_UNKNOWN, sev);
}

void
pfperf_drain(struct pfperf *pf, struct pfperf_thread *th,
    pfperf_sample_cb *cb, void *arg)
{
	struct perf_event_mmap_page	*mp = th->ring;
	const unsigned char		*data;
	/* An mmap record names a path of PATH_MAX bytes at most. */
	unsigned char			 buf[8192];
	uint64_t			 head, tail, size, off;
	struct perf_event_header	 h;
	size_t				 first;

	if (mp == NULL)
		return;
	data = (const unsigned char *)th->ring + mp->data_offset;
	size = mp->data_size;
	head = __atomic_load_n(&mp->data_head, __ATOMIC_ACQUIRE);
	tail = mp->data_tail;
	while (tail < head) {
		off = tail % size;
		first = size - off < sizeof h ? size - off : sizeof h;
		memcpy(&h, data + off, first);
		memcpy((char *)&h + first, data, sizeof h - first);
		if (h.size < sizeof h)
			break;
		if (h.size > sizeof buf) {
			tail += h.size;
			continue;
		}
		first = size - off < h.size ? size - off : h.size;
		memcpy(buf, data + off, first);
		memcpy(buf + first, data, h.size - first);
		handle_record(pf, th, buf, h.size, cb, arg);
		tail += h.size;
	}
	__atomic_store_n(&mp->data_tail, head, __ATOMIC_RELEASE);
}
