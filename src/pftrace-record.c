/*
 * pftrace-record.c - record a command's page faults and address-space
 * changes with an unmodified kernel.
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
 * Region changes come from ptrace: a seccomp filter returns
 * SECCOMP_RET_TRACE for the memory system calls only, the tracer resumes
 * such a call to its exit stop, and there diffs /proc/PID/maps against
 * the previous layout (pftrace-layout.c). Without seccomp every system
 * call stops twice (PTRACE_SYSCALL), which is slower but equivalent.
 *
 * Times are CLOCK_MONOTONIC nanoseconds (perf's use_clockid) minus the
 * moment the command was let go; sizes of ring buffers are pages.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/perf_event.h>
#include <linux/seccomp.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "proc-maps.h"
#include "pftrace-format.h"
#include "pftrace-layout.h"
#include "pftrace-record.h"
#include "proc.h"

#ifndef PTRACE_GET_SYSCALL_INFO
#define PTRACE_GET_SYSCALL_INFO		0x420e
#define PTRACE_SYSCALL_INFO_ENTRY	1
#define PTRACE_SYSCALL_INFO_EXIT	2
#define PTRACE_SYSCALL_INFO_SECCOMP	3
#endif

/* Our own copy of the stable ptrace_syscall_info layout (Linux 5.3). */
struct sc_info {
	uint8_t		 op;
	uint8_t		 pad[3];
	uint32_t	 arch;
	uint64_t	 ip;
	uint64_t	 sp;
	union {
		struct {
			uint64_t nr;
			uint64_t args[6];
		} entry;
		struct {
			int64_t	 rval;
			uint8_t	 is_error;
		} exit;
		struct {
			uint64_t nr;
			uint64_t args[6];
			uint32_t ret_data;
		} seccomp;
	};
};

/* The system calls that can change what /proc/PID/maps shows. */
static const struct {
	long		 nr;
	const char	*name;
} mem_syscalls[] = {
	{ SYS_mmap, "mmap" },
	{ SYS_munmap, "munmap" },
	{ SYS_mremap, "mremap" },
	{ SYS_mprotect, "mprotect" },
	{ SYS_pkey_mprotect, "pkey_mprotect" },
	{ SYS_brk, "brk" },
	{ SYS_execve, "execve" },
	{ SYS_execveat, "execveat" },
	{ SYS_shmat, "shmat" },
	{ SYS_shmdt, "shmdt" },
	{ SYS_madvise, "madvise" },
	{ SYS_mlock, "mlock" },
	{ SYS_mlock2, "mlock2" },
	{ SYS_munlock, "munlock" },
	{ SYS_mlockall, "mlockall" },
	{ SYS_munlockall, "munlockall" },
	{ SYS_mbind, "mbind" },
	{ SYS_io_setup, "io_setup" },
	{ SYS_io_destroy, "io_destroy" },
	{ SYS_prctl, "prctl" },
};
#define N_MEM_SYSCALLS	(sizeof mem_syscalls / sizeof mem_syscalls[0])

/* Event slots of a thread; slot 0 owns the ring buffer. */
enum { EV_MIN, EV_MAJ, EV_TPU, EV_TPK, EV_N };

struct proc_rec;

/* One traced thread. */
struct task {
	pid_t		 tid;
	struct proc_rec	*p;
	bool		 expect_stop;	/* the SIGSTOP of a new task is due */
	bool		 held;		/* stopped before its creator's event */
	bool		 in_memcall;	/* resumed to the exit of a memory call */
	const char	*memcall;	/* its name */
	int		 fd[EV_N];
	uint64_t	 evid[EV_N];
	void		*ring;
	size_t		 ring_len;	/* bytes mapped: 1 + data pages */
	/* A tracepoint sample waiting for its major/minor sample. */
	bool		 pend;
	uint64_t	 pend_time, pend_addr, pend_ip;
	enum pf_kind	 pend_kind;
};

/* One traced process: an address space. */
struct proc_rec {
	pid_t		 pid;
	bool		 record;	/* written to the trace (else only traced) */
	bool		 started;	/* has exec'd or was forked: has a layout */
	unsigned int	 nthreads;
	struct pf_layout layout;
};

struct rec {
	const struct pfrec_options *o;
	struct pfrec_stats *st;
	FILE		*out;
	bool		 werr;		/* a write to out failed */
	int		 werrno;
	uint64_t	 t0;		/* CLOCK_MONOTONIC ns at the start */
	uint64_t	 next_id;
	size_t		 page;
	pid_t		 main_pid;
	struct task	**t;
	size_t		 nt, capt;
	struct proc_rec	**p;
	size_t		 np, capp;
	bool		 seccomp;	/* the filter is in place */
	/* Tracepoint: ids and where address, ip and error_code lie. */
	bool		 have_tp;
	uint64_t	 tp_user_id, tp_kernel_id;
	size_t		 tp_off_addr, tp_off_ip, tp_off_err;
	bool		 exclude_kernel;
	unsigned int	 ring_pages;
	struct pollfd	*pfd;
};

static uint64_t
now_ns(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec);
}

static uint64_t
rel_time(const struct rec *R, uint64_t t)
{
	return (t > R->t0 ? t - R->t0 : 0);
}

/* Write one record, remembering the first write error. */
static int
emit(void *arg, const struct pf_rec *r)
{
	struct rec	*R = arg;

	if (R->werr)
		return (0);
	if (pftrace_write(R->out, r) != 0) {
		R->werr = true;
		R->werrno = errno;
	}
	if (r->type == PFR_ADD || r->type == PFR_CHANGE ||
	    r->type == PFR_REMOVE)
		R->st->region_records++;
	return (0);
}

static void
emit_info(struct rec *R, const char *key, const char *value)
{
	struct pf_rec	r;

	memset(&r, 0, sizeof r);
	r.type = PFR_INFO;
	snprintf(r.key, sizeof r.key, "%s", key);
	r.value = (char *)value;
	emit(R, &r);
}

/* A record stamped now for task t with a cause. */
static void
stamp(struct rec *R, struct pf_rec *r, enum pf_rec_type type,
    const struct task *t, const char *cause)
{
	memset(r, 0, sizeof *r);
	r->type = type;
	r->time = rel_time(R, now_ns());
	r->pid = t->p->pid;
	r->tid = t->tid;
	if (cause != NULL)
		snprintf(r->cause, sizeof r->cause, "%s", cause);
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
tp_read(struct rec *R, const char *dir)
{
	char		 buf[4096];
	unsigned long	 id;

	if (read_small(dir, "events/exceptions/page_fault_user/id", buf,
	    sizeof buf) != 0 || sscanf(buf, "%lu", &id) != 1)
		return (-1);
	R->tp_user_id = id;
	if (read_small(dir, "events/exceptions/page_fault_kernel/id", buf,
	    sizeof buf) == 0 && sscanf(buf, "%lu", &id) == 1)
		R->tp_kernel_id = id;
	if (read_small(dir, "events/exceptions/page_fault_user/format", buf,
	    sizeof buf) != 0 ||
	    format_offset(buf, "address", &R->tp_off_addr) != 0 ||
	    format_offset(buf, "ip", &R->tp_off_ip) != 0 ||
	    format_offset(buf, "error_code", &R->tp_off_err) != 0)
		return (-1);
	R->have_tp = true;
	return (0);
}

/*
 * Find the page-fault tracepoints: in a mounted tracefs, else in one we
 * mount for a moment in a private directory and unmount at once.
 */
static void
tp_setup(struct rec *R)
{
	char	 dir[] = "/tmp/tracepgfault.XXXXXX";
	int	 mounted;

	if (tp_read(R, "/sys/kernel/tracing") == 0 ||
	    tp_read(R, "/sys/kernel/debug/tracing") == 0)
		return;
	if (mkdtemp(dir) == NULL) {
		snprintf(R->st->kind_why, sizeof R->st->kind_why,
		    "no tracefs mounted, and no directory to mount one");
		return;
	}
	mounted = mount("nodev", dir, "tracefs", 0, NULL);
	if (mounted != 0)
		snprintf(R->st->kind_why, sizeof R->st->kind_why,
		    "tracefs is not mounted and cannot be (%s): mount it on "
		    "/sys/kernel/tracing, as root", strerror(errno));
	else {
		if (tp_read(R, dir) != 0)
			snprintf(R->st->kind_why, sizeof R->st->kind_why,
			    "no exceptions:page_fault_user tracepoint here "
			    "(x86 only)");
		umount2(dir, MNT_DETACH);
	}
	rmdir(dir);
}

/* Set up the attributes of event slot ev of a thread. */
static void
event_attr(struct rec *R, int ev, bool on_exec, struct perf_event_attr *a)
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
	a->wakeup_watermark = (uint32_t)(R->ring_pages * R->page / 4);
	switch (ev) {
	case EV_MIN:
	case EV_MAJ:
		a->type = PERF_TYPE_SOFTWARE;
		a->config = ev == EV_MIN ? PERF_COUNT_SW_PAGE_FAULTS_MIN :
		    PERF_COUNT_SW_PAGE_FAULTS_MAJ;
		a->sample_type |= PERF_SAMPLE_ADDR;
		a->exclude_kernel = R->exclude_kernel;
		break;
	default:
		a->type = PERF_TYPE_TRACEPOINT;
		a->config = ev == EV_TPU ? R->tp_user_id : R->tp_kernel_id;
		a->sample_type |= PERF_SAMPLE_RAW;
		break;
	}
}

/*
 * Closing a tracepoint event waits for an RCU grace period (tens of ms
 * here), so the events of gone threads are closed in batches.
 */
static int	graveyard[256];
static size_t	ngrave;

static void
graveyard_empty(void)
{
	while (ngrave > 0)
		close(graveyard[--ngrave]);
}

static void
task_close_events(struct task *t)
{
	int	i;

	if (t->ring != NULL)
		munmap(t->ring, t->ring_len);
	t->ring = NULL;
	for (i = 0; i < EV_N; i++) {
		if (t->fd[i] >= 0) {
			if (ngrave == sizeof graveyard / sizeof graveyard[0])
				graveyard_empty();
			graveyard[ngrave++] = t->fd[i];
		}
		t->fd[i] = -1;
	}
}

/*
 * Open the events of thread t, enabled now or at its next exec. The
 * major/minor events are needed; the tracepoints are a bonus.
 */
static int
task_open_events(struct rec *R, struct task *t, bool on_exec, char **cause)
{
	struct perf_event_attr	a;
	unsigned int		pages;
	int			ev, err;
	long			fd;

	for (ev = EV_MIN; ev <= EV_MAJ; ev++) {
		event_attr(R, ev, on_exec, &a);
		fd = perf_open(&a, t->tid);
		if (fd < 0 && (errno == EACCES || errno == EPERM) &&
		    !R->exclude_kernel && ev == EV_MIN) {
			/* perf_event_paranoid >= 2: user-space faults only. */
			R->exclude_kernel = true;
			event_attr(R, ev, on_exec, &a);
			fd = perf_open(&a, t->tid);
		}
		if (fd < 0) {
			err = errno;
			*cause = cause_errno(err, "perf_event_open (page-fault "
			    "events of thread %d)%s", (int)t->tid,
			    err == EACCES || err == EPERM ? ": see "
			    "/proc/sys/kernel/perf_event_paranoid (needs 2 "
			    "or less) or run as root" : err == ENOSYS ||
			    err == ENOENT ? ": the kernel has no perf events" :
			    "");
			task_close_events(t);
			errno = err;
			return (-1);
		}
		t->fd[ev] = (int)fd;
	}
	for (pages = R->ring_pages; pages >= 1; pages /= 2) {
		t->ring_len = (1 + pages) * R->page;
		t->ring = mmap(NULL, t->ring_len, PROT_READ | PROT_WRITE,
		    MAP_SHARED, t->fd[EV_MIN], 0);
		if (t->ring != MAP_FAILED)
			break;
		/* Over the locked-memory allowance: try a smaller ring. */
		t->ring = NULL;
		if (errno != EPERM && errno != ENOMEM)
			break;
	}
	if (t->ring == NULL) {
		err = errno;
		*cause = cause_errno(err, "mmap of the perf ring buffer of "
		    "thread %d (see /proc/sys/kernel/perf_event_mlock_kb)",
		    (int)t->tid);
		task_close_events(t);
		errno = err;
		return (-1);
	}
	if (pages < R->st->ring_pages || R->st->ring_pages == 0)
		R->st->ring_pages = pages;
	if (ioctl(t->fd[EV_MAJ], PERF_EVENT_IOC_SET_OUTPUT, t->fd[EV_MIN]) !=
	    0) {
		err = errno;
		*cause = cause_errno(err, "PERF_EVENT_IOC_SET_OUTPUT");
		task_close_events(t);
		errno = err;
		return (-1);
	}
	if (R->have_tp) {
		for (ev = EV_TPU; ev <= EV_TPK; ev++) {
			if (ev == EV_TPK && (R->tp_kernel_id == 0 ||
			    R->exclude_kernel))
				continue;
			event_attr(R, ev, on_exec, &a);
			fd = perf_open(&a, t->tid);
			if (fd >= 0 && ioctl((int)fd,
			    PERF_EVENT_IOC_SET_OUTPUT, t->fd[EV_MIN]) != 0) {
				close((int)fd);
				fd = -1;
			}
			if (fd < 0) {
				if (ev == EV_TPU) {
					snprintf(R->st->kind_why,
					    sizeof R->st->kind_why,
					    "perf_event_open of the tracepoint "
					    "exceptions:page_fault_user: %s "
					    "(needs root or CAP_PERFMON)",
					    strerror(errno));
					R->have_tp = false;
				}
				break;
			}
			t->fd[ev] = (int)fd;
		}
	}
	for (ev = 0; ev < EV_N; ev++) {
		if (t->fd[ev] >= 0 &&
		    ioctl(t->fd[ev], PERF_EVENT_IOC_ID, &t->evid[ev]) != 0)
			t->evid[ev] = 0;
	}
	return (0);
}

static struct task *
task_find(struct rec *R, pid_t tid)
{
	size_t	i;

	for (i = 0; i < R->nt; i++) {
		if (R->t[i]->tid == tid)
			return (R->t[i]);
	}
	return (NULL);
}

static struct task *
task_new(struct rec *R, pid_t tid, struct proc_rec *p)
{
	struct task	**nt, *t;
	int		  i;

	if (R->nt == R->capt) {
		nt = reallocarray(R->t, R->capt * 2 + 8, sizeof *nt);
		if (nt == NULL)
			return (NULL);
		R->t = nt;
		R->capt = R->capt * 2 + 8;
	}
	if ((t = calloc(1, sizeof *t)) == NULL)
		return (NULL);
	t->tid = tid;
	t->p = p;
	for (i = 0; i < EV_N; i++)
		t->fd[i] = -1;
	R->t[R->nt++] = t;
	if (p != NULL)
		p->nthreads++;
	return (t);
}

static struct proc_rec *
proc_new(struct rec *R, pid_t pid, bool record)
{
	struct proc_rec	**np, *p;

	if (R->np == R->capp) {
		np = reallocarray(R->p, R->capp * 2 + 4, sizeof *np);
		if (np == NULL)
			return (NULL);
		R->p = np;
		R->capp = R->capp * 2 + 4;
	}
	if ((p = calloc(1, sizeof *p)) == NULL)
		return (NULL);
	p->pid = pid;
	p->record = record;
	R->p[R->np++] = p;
	return (p);
}

/* Emit a fault record for thread t. */
static void
emit_fault(struct rec *R, struct task *t, uint64_t time, uint64_t addr,
    uint64_t ip, enum pf_kind kind, enum pf_sev sev)
{
	struct pf_rec	r;

	memset(&r, 0, sizeof r);
	r.type = PFR_FAULT;
	r.time = rel_time(R, time);
	r.pid = t->p->pid;
	r.tid = t->tid;
	r.addr = addr;
	r.ip = ip;
	r.kind = kind;
	r.sev = sev;
	emit(R, &r);
	R->st->faults++;
}

/* A tracepoint sample with no major/minor sample: it did not complete. */
static void
flush_pending(struct rec *R, struct task *t)
{
	if (!t->pend)
		return;
	emit_fault(R, t, t->pend_time, t->pend_addr, t->pend_ip, t->pend_kind,
	    PF_SEV_NONE);
	t->pend = false;
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

/* Handle one record of t's ring buffer. */
static void
handle_record(struct rec *R, struct task *t, const unsigned char *rec,
    size_t size)
{
	const struct perf_event_header	*h = (const void *)rec;
	uint64_t			 id, ip, time, addr, err, v[4];
	uint32_t			 rawsize;
	const unsigned char		*raw;
	struct pf_rec			 r;
	int				 ev;

	if (h->type == PERF_RECORD_LOST && size >= sizeof *h + 16) {
		memcpy(v, rec + sizeof *h, 16);
		memset(&r, 0, sizeof r);
		stamp(R, &r, PFR_LOST, t, NULL);
		r.count = v[1];
		emit(R, &r);
		R->st->lost += v[1];
		return;
	}
	if (h->type != PERF_RECORD_SAMPLE || size < sizeof *h + 32)
		return;
	memcpy(v, rec + sizeof *h, 32);
	id = v[0];
	ip = v[1];
	time = v[3];
	for (ev = 0; ev < EV_N; ev++) {
		if (t->evid[ev] == id && t->fd[ev] >= 0)
			break;
	}
	if (ev == EV_N)
		return;
	if (ev == EV_MIN || ev == EV_MAJ) {
		if (size < sizeof *h + 40)
			return;
		memcpy(&addr, rec + sizeof *h + 32, 8);
		if (t->pend && t->pend_addr == addr) {
			emit_fault(R, t, t->pend_time, addr, t->pend_ip,
			    t->pend_kind, ev == EV_MAJ ? PF_SEV_MAJOR :
			    PF_SEV_MINOR);
			t->pend = false;
			return;
		}
		flush_pending(R, t);
		emit_fault(R, t, time, addr, ip, PF_KIND_UNKNOWN,
		    ev == EV_MAJ ? PF_SEV_MAJOR : PF_SEV_MINOR);
		return;
	}
	/* A tracepoint: u32 size, then the raw event record. */
	if (size < sizeof *h + 36)
		return;
	memcpy(&rawsize, rec + sizeof *h + 32, 4);
	raw = rec + sizeof *h + 36;
	if (sizeof *h + 36 + (size_t)rawsize > size ||
	    R->tp_off_addr + 8 > rawsize || R->tp_off_ip + 8 > rawsize ||
	    R->tp_off_err + 8 > rawsize)
		return;
	memcpy(&addr, raw + R->tp_off_addr, 8);
	memcpy(&ip, raw + R->tp_off_ip, 8);
	memcpy(&err, raw + R->tp_off_err, 8);
	flush_pending(R, t);
	t->pend = true;
	t->pend_time = time;
	t->pend_addr = addr;
	t->pend_ip = ip;
	t->pend_kind = kind_of(err);
}

/* Read everything t's ring buffer holds. */
static void
task_drain(struct rec *R, struct task *t)
{
	struct perf_event_mmap_page	*mp = t->ring;
	const unsigned char		*data;
	unsigned char			 buf[512];
	uint64_t			 head, tail, size, off;
	struct perf_event_header	 h;
	size_t				 first;

	if (mp == NULL)
		return;
	data = (const unsigned char *)t->ring + mp->data_offset;
	size = mp->data_size;
	head = __atomic_load_n(&mp->data_head, __ATOMIC_ACQUIRE);
	tail = mp->data_tail;
	while (tail < head) {
		off = tail % size;
		first = size - off < sizeof h ? size - off : sizeof h;
		memcpy(&h, data + off, first);
		memcpy((char *)&h + first, data, sizeof h - first);
		if (h.size < sizeof h || h.size > sizeof buf)
			break;
		first = size - off < h.size ? size - off : h.size;
		memcpy(buf, data + off, first);
		memcpy(buf + first, data, h.size - first);
		handle_record(R, t, buf, h.size);
		tail += h.size;
	}
	__atomic_store_n(&mp->data_tail, head, __ATOMIC_RELEASE);
}

static void
drain_all(struct rec *R)
{
	size_t	i;

	for (i = 0; i < R->nt; i++)
		task_drain(R, R->t[i]);
}

/* Read and parse /proc/PID/maps. */
static int
read_maps(pid_t pid, struct vma_list *out)
{
	char	 path[64], *buf = NULL, *cause = NULL, *nb;
	size_t	 len = 0, cap = 0;
	ssize_t	 n;
	int	 fd, ret;

	snprintf(path, sizeof path, "/proc/%d/maps", (int)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return (-1);
	for (;;) {
		if (cap - len < 4096) {
			if ((nb = realloc(buf, cap + 65536)) == NULL) {
				free(buf);
				close(fd);
				return (-1);
			}
			buf = nb;
			cap += 65536;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	if (n < 0) {
		free(buf);
		return (-1);
	}
	buf[len] = '\0';
	vma_list_clear(out);
	ret = maps_parse(buf, out, &cause);
	free(cause);
	free(buf);
	if (ret != 0)
		errno = EINVAL;
	return (ret);
}

/*
 * Diff p's maps against its layout, stamping records for t and cause;
 * layout_update() first writes the faults that came before.
 */
static void
layout_read(struct rec *R, struct task *t, const char *cause)
{
	struct vma_list	 now = { NULL, 0, 0 };
	struct pf_rec	 tmpl;

	if (read_maps(t->p->pid, &now) != 0) {
		vma_list_free(&now);
		return;
	}
	stamp(R, &tmpl, PFR_ADD, t, cause);
	pflayout_update(&t->p->layout, &now, &R->next_id, &tmpl, emit, R);
	vma_list_free(&now);
}

static void
layout_update(struct rec *R, struct task *t, const char *cause)
{
	drain_all(R);
	layout_read(R, t, cause);
}

/* The seccomp filter: trace the memory system calls, allow the rest. */
static int
seccomp_install(void)
{
	struct sock_filter	 f[N_MEM_SYSCALLS + 5];
	struct sock_fprog	 prog;
	size_t			 i, n = 0;

	f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
	    offsetof(struct seccomp_data, arch));
	f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
	    AUDIT_ARCH_X86_64, 0, (uint8_t)(N_MEM_SYSCALLS + 1));
	f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
	    offsetof(struct seccomp_data, nr));
	for (i = 0; i < N_MEM_SYSCALLS; i++) {
		f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ |
		    BPF_K, (uint32_t)mem_syscalls[i].nr,
		    (uint8_t)(N_MEM_SYSCALLS - i), 0);
	}
	f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
	    SECCOMP_RET_ALLOW);
	f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
	    SECCOMP_RET_TRACE);
	prog.len = (unsigned short)n;
	prog.filter = f;
	if (geteuid() != 0 && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return (-1);
	return (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0));
}

static const char *
memcall_name(uint64_t nr)
{
	size_t	i;

	for (i = 0; i < N_MEM_SYSCALLS; i++) {
		if ((uint64_t)mem_syscalls[i].nr == nr)
			return (mem_syscalls[i].name);
	}
	return (NULL);
}

/* Resume t, to the next memory call (or the exit of this one). */
static void
task_resume(struct rec *R, struct task *t, int sig)
{
	int	req;

	if (t->in_memcall || !R->seccomp)
		req = PTRACE_SYSCALL;
	else
		req = PTRACE_CONT;
	ptrace(req, t->tid, 0, (void *)(long)sig);
}

/* Fill the how and status of an exit record from a wait status. */
static void
exit_status(struct pf_rec *r, int status)
{
	if (WIFEXITED(status)) {
		strcpy(r->how, "exited");
		r->status = WEXITSTATUS(status);
	} else if (WIFSIGNALED(status)) {
		strcpy(r->how, "signal");
		r->status = WTERMSIG(status);
	} else
		strcpy(r->how, "gone");
}

/*
 * The thread is gone: drain it, write its exit (and, for the last thread
 * of a process, the removal of every region), forget it.
 */
static void
task_gone(struct rec *R, struct task *t, int status, bool quiet)
{
	struct proc_rec	*p = t->p;
	struct pf_rec	 r;
	size_t		 i;

	task_drain(R, t);
	flush_pending(R, t);
	if (p != NULL && p->record && p->started && !quiet) {
		if (p->nthreads == 1) {
			stamp(R, &r, PFR_REMOVE, t, "exit");
			pflayout_clear(&p->layout, &r, emit, R);
		}
		stamp(R, &r, PFR_EXIT, t, NULL);
		exit_status(&r, status);
		emit(R, &r);
	}
	if (t->tid == R->main_pid && !quiet)
		R->st->status = status;
	task_close_events(t);
	if (p != NULL)
		p->nthreads--;
	for (i = 0; i < R->nt; i++) {
		if (R->t[i] == t) {
			R->t[i] = R->t[--R->nt];
			break;
		}
	}
	free(t);
}

/* The tgid of a task, from /proc/TID/status; -1 if unreadable. */
static pid_t
tgid_of(pid_t tid)
{
	char	 path[64], buf[4096], *p;
	int	 fd;
	ssize_t	 n;

	snprintf(path, sizeof path, "/proc/%d/status", (int)tid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return (-1);
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return (-1);
	buf[n] = '\0';
	if ((p = strstr(buf, "\nTgid:")) == NULL)
		return (-1);
	return ((pid_t)strtol(p + 6, NULL, 10));
}

static int	task_announce(struct rec *, struct task *, struct task *, bool,
		    int, char **);

/* A new task reported by a fork, vfork or clone event of parent. */
static int
task_born(struct rec *R, struct task *parent, pid_t tid, int event,
    char **cause)
{
	struct task	*t;
	struct proc_rec	*p;
	pid_t		 tgid = tgid_of(tid);
	bool		 thread = tgid == parent->p->pid;
	bool		 record;

	if ((t = task_find(R, tid)) == NULL) {
		if ((t = task_new(R, tid, NULL)) == NULL)
			goto nomem;
		t->expect_stop = true;
	}
	if (t->p != NULL)
		return (0);
	if (thread)
		p = parent->p;
	else {
		record = R->o->follow && parent->p->record;
		if ((p = proc_new(R, tid, record)) == NULL)
			goto nomem;
		p->started = parent->p->started;
	}
	t->p = p;
	p->nthreads++;
	if (p->record && p->started &&
	    task_announce(R, parent, t, thread, event, cause) != 0)
		return (-1);
	if (t->held) {
		t->held = false;
		task_resume(R, t, 0);
	}
	return (0);
nomem:
	*cause = cause_errno(ENOMEM, "recording a new task");
	return (-1);
}

/* Open the events of a new recorded task and write its records. */
static int
task_announce(struct rec *R, struct task *parent, struct task *t,
    bool thread, int event, char **cause)
{
	struct pf_rec	r;
	char		how[16];

	if (task_open_events(R, t, false, cause) != 0)
		return (-1);
	R->st->threads++;
	if (thread) {
		stamp(R, &r, PFR_THREAD, t, NULL);
		strcpy(r.how, "clone");
	} else {
		R->st->procs++;
		stamp(R, &r, PFR_PROC, t, NULL);
		r.ppid = parent->p->pid;
		snprintf(how, sizeof how, "%s", event == PTRACE_EVENT_VFORK ?
		    "vfork" : event == PTRACE_EVENT_FORK ? "fork" : "clone");
		memcpy(r.how, how, sizeof r.how);
		emit(R, &r);
		stamp(R, &r, PFR_THREAD, t, NULL);
		strcpy(r.how, "start");
	}
	emit(R, &r);
	if (!thread)
		layout_update(R, t, how);
	return (0);
}

/*
 * The exec event of t: a new address space (the first one: the start).
 * Returns the task that goes on under t's id.
 */
static struct task *
task_exec(struct rec *R, struct task *t)
{
	struct pf_rec	 r;
	unsigned long	 former = 0;
	struct task	*old;

	ptrace(PTRACE_GETEVENTMSG, t->tid, 0, &former);
	if (former != 0 && (pid_t)former != t->tid &&
	    (old = task_find(R, (pid_t)former)) != NULL) {
		/* A non-leader thread exec'd: it takes the leader's id. */
		task_drain(R, old);
		old->tid = t->tid;
		task_gone(R, t, 0, true);
		t = old;
	}
	if (!t->p->record)
		return (t);
	if (!t->p->started) {
		/*
		 * The kernel's own faults late in execve (it writes the new
		 * stack and clears .bss) are in the new layout: write the
		 * layout first and drain them after.
		 */
		t->p->started = true;
		R->st->procs++;
		R->st->threads++;
		stamp(R, &r, PFR_PROC, t, NULL);
		strcpy(r.how, "start");
		emit(R, &r);
		stamp(R, &r, PFR_THREAD, t, NULL);
		strcpy(r.how, "start");
		emit(R, &r);
		layout_read(R, t, "exec");
		drain_all(R);
		return (t);
	}
	/* The old space's faults were drained at the execve entry stop. */
	stamp(R, &r, PFR_EXEC, t, NULL);
	emit(R, &r);
	stamp(R, &r, PFR_REMOVE, t, "exec");
	pflayout_clear(&t->p->layout, &r, emit, R);
	layout_read(R, t, "exec");
	drain_all(R);
	return (t);
}

/* A stop of a traced task. */
static int
task_stopped(struct rec *R, struct task *t, int status, char **cause)
{
	struct sc_info	 si;
	unsigned long	 msg;
	int		 sig = WSTOPSIG(status), event = status >> 16;
	const char	*name;

	R->st->stops++;
	if (sig == (SIGTRAP | 0x80) || (sig == SIGTRAP &&
	    event == PTRACE_EVENT_SECCOMP)) {
		memset(&si, 0, sizeof si);
		if (ptrace(PTRACE_GET_SYSCALL_INFO, t->tid, sizeof si,
		    &si) <= 0) {
			task_resume(R, t, 0);
			return (0);
		}
		if (si.op == PTRACE_SYSCALL_INFO_EXIT) {
			if (t->in_memcall) {
				t->in_memcall = false;
				if (t->p->record && t->p->started)
					layout_update(R, t, t->memcall);
			}
		} else {
			name = memcall_name(si.op == PTRACE_SYSCALL_INFO_ENTRY ?
			    si.entry.nr : si.seccomp.nr);
			/* Faults before an exec are in the old layout. */
			if (name != NULL && strncmp(name, "exec", 4) == 0)
				drain_all(R);
			/* exec has its own event; nothing to diff at exit. */
			t->in_memcall = name != NULL &&
			    strncmp(name, "exec", 4) != 0;
			t->memcall = name;
		}
		task_resume(R, t, 0);
		return (0);
	}
	if (sig == SIGTRAP && event != 0) {
		switch (event) {
		case PTRACE_EVENT_EXEC:
			t->in_memcall = false;
			t = task_exec(R, t);
			break;
		case PTRACE_EVENT_FORK:
		case PTRACE_EVENT_VFORK:
		case PTRACE_EVENT_CLONE:
			if (ptrace(PTRACE_GETEVENTMSG, t->tid, 0, &msg) == 0 &&
			    task_born(R, t, (pid_t)msg, event, cause) != 0)
				return (-1);
			break;
		default:
			break;
		}
		task_resume(R, t, 0);
		return (0);
	}
	if (t->expect_stop && sig == SIGSTOP) {
		t->expect_stop = false;
		task_resume(R, t, 0);
		return (0);
	}
	task_resume(R, t, sig);
	return (0);
}

/* The child: be traced, filter, stop, then become the command. */
static void __attribute__((noreturn))
child_run(char *const argv[], int wfd, bool use_seccomp,
    const sigset_t *mask)
{
	char	 c;
	int	 err;

	sigprocmask(SIG_SETMASK, mask, NULL);
	if (ptrace(PTRACE_TRACEME, 0, 0, 0) != 0) {
		err = errno;
		c = 'E';
		(void)!write(wfd, &c, 1);
		(void)!write(wfd, &err, sizeof err);
		_exit(127);
	}
	c = use_seccomp && seccomp_install() == 0 ? 's' : 'n';
	(void)!write(wfd, &c, 1);
	raise(SIGSTOP);
	execvp(argv[0], argv);
	err = errno;
	c = 'x';
	(void)!write(wfd, &c, 1);
	(void)!write(wfd, &err, sizeof err);
	_exit(127);
}

/* Write the info records that say what this trace holds. */
static void
write_infos(struct rec *R, char *const argv[])
{
	char	 buf[4096];
	size_t	 len = 0, i;
	int	 n;

	snprintf(buf, sizeof buf, "%zu", R->page);
	emit_info(R, "page_size", buf);
	for (i = 0; argv[i] != NULL && len < sizeof buf - 1; i++) {
		n = snprintf(buf + len, sizeof buf - len, "%s%s",
		    i > 0 ? " " : "", argv[i]);
		if (n < 0)
			break;
		len += (size_t)n;
	}
	for (i = 0; buf[i] != '\0'; i++) {
		if (buf[i] == '\n' || buf[i] == '\r')
			buf[i] = ' ';
	}
	emit_info(R, "command", buf);
	emit_info(R, "clock", "CLOCK_MONOTONIC");
	emit_info(R, "kinds", R->have_tp ? "tracepoint" : "none");
	emit_info(R, "severity", "perf");
	emit_info(R, "kernel_faults", R->exclude_kernel ? "no" : "yes");
	snprintf(buf, sizeof buf, "%u", R->st->ring_pages);
	emit_info(R, "ring_pages", buf);
	emit_info(R, "stops", R->seccomp ? "seccomp" : "syscall");
	emit_info(R, "follow", R->o->follow ? "yes" : "no");
}

/* Wait for and handle every ptrace event until no task is left. */
static int
trace_loop(struct rec *R, int sfd, char **cause)
{
	struct signalfd_siginfo	 ssi;
	struct task		*t;
	size_t			 i, n;
	pid_t			 pid;
	int			 status;
	int			 passed = 0;

	for (;;) {
		if (*R->o->stop != passed) {
			/*
			 * Pass the signal on to the recorded processes: the
			 * trace ends when they have exited.
			 */
			passed = *R->o->stop;
			for (i = 0; i < R->np; i++) {
				if (R->p[i]->record && R->p[i]->nthreads > 0)
					kill(R->p[i]->pid, passed);
			}
		}
		pid = waitpid(-1, &status, __WALL | WNOHANG);
		if (pid < 0 && errno == ECHILD)
			break;
		if (pid < 0 && errno != EINTR) {
			*cause = cause_errno(errno, "waitpid");
			return (-1);
		}
		if (pid > 0) {
			if ((t = task_find(R, pid)) == NULL) {
				/* A new task stopped before its creator's event. */
				if ((t = task_new(R, pid, NULL)) == NULL) {
					*cause = cause_errno(ENOMEM, "task");
					return (-1);
				}
			}
			if (WIFEXITED(status) || WIFSIGNALED(status))
				task_gone(R, t, status, false);
			else if (WIFSTOPPED(status)) {
				if (t->p == NULL) {
					/* Resumed when its creator reports it. */
					t->held = true;
					continue;
				}
				if (task_stopped(R, t, status, cause) != 0)
					return (-1);
			}
			continue;
		}
		drain_all(R);
		if (fflush(R->out) != 0 && !R->werr) {
			R->werr = true;
			R->werrno = errno;
		}
		R->pfd[0].fd = sfd;
		R->pfd[0].events = POLLIN;
		for (i = 0, n = 1; i < R->nt && n < 64; i++) {
			if (R->t[i]->fd[EV_MIN] < 0)
				continue;
			R->pfd[n].fd = R->t[i]->fd[EV_MIN];
			R->pfd[n++].events = POLLIN;
		}
		if (poll(R->pfd, n, 200) > 0 && (R->pfd[0].revents & POLLIN))
			(void)!read(sfd, &ssi, sizeof ssi);
	}
	return (0);
}

int
pfrec_run(char *const argv[], FILE *out, const struct pfrec_options *o,
    struct pfrec_stats *st, char **cause)
{
	struct rec	 R;
	struct task	*t;
	struct proc_rec	*p;
	struct pf_rec	 r;
	sigset_t	 chld, old;
	pid_t		 pid;
	int		 pfds[2], status, err, sfd = -1, ret = -1;
	char		 c;
	size_t		 i;

	memset(st, 0, sizeof *st);
	memset(&R, 0, sizeof R);
	R.o = o;
	R.st = st;
	R.out = out;
	R.next_id = 1;
	R.page = page_size();
	R.ring_pages = o->ring_pages != 0 ? o->ring_pages : 64;
	if (o->kinds)
		tp_setup(&R);
	else
		snprintf(st->kind_why, sizeof st->kind_why,
		    "not asked for (--no-kinds)");
	if ((R.pfd = calloc(64, sizeof *R.pfd)) == NULL) {
		*cause = cause_errno(errno, "poll set");
		return (-1);
	}

	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, &old);
	if ((sfd = signalfd(-1, &chld, SFD_CLOEXEC | SFD_NONBLOCK)) < 0 ||
	    pipe2(pfds, O_CLOEXEC) != 0) {
		*cause = cause_errno(errno, "signalfd or pipe");
		goto out;
	}
	if ((pid = fork()) < 0) {
		*cause = cause_errno(errno, "fork");
		close(pfds[0]);
		close(pfds[1]);
		goto out;
	}
	if (pid == 0)
		child_run(argv, pfds[1], o->seccomp, &old);
	close(pfds[1]);
	R.main_pid = pid;

	if (read(pfds[0], &c, 1) != 1 || c == 'E') {
		err = c == 'E' && read(pfds[0], &err, sizeof err) ==
		    sizeof err ? err : EPERM;
		*cause = cause_errno(err, "ptrace(PTRACE_TRACEME): tracing "
		    "is not allowed here (a container without CAP_SYS_PTRACE,"
		    " or a security module)");
		waitpid(pid, &status, 0);
		close(pfds[0]);
		goto out;
	}
	R.seccomp = c == 's';
	st->seccomp = R.seccomp;
	if (waitpid(pid, &status, __WALL) != pid || !WIFSTOPPED(status)) {
		*cause = cause_fmt("the command did not stop before exec");
		close(pfds[0]);
		goto out;
	}
	ptrace(PTRACE_SETOPTIONS, pid, 0, (void *)(long)(PTRACE_O_TRACESYSGOOD |
	    PTRACE_O_TRACEEXEC | PTRACE_O_TRACECLONE | PTRACE_O_TRACEFORK |
	    PTRACE_O_TRACEVFORK | PTRACE_O_EXITKILL |
	    (R.seccomp ? PTRACE_O_TRACESECCOMP : 0)));
	if ((p = proc_new(&R, pid, true)) == NULL ||
	    (t = task_new(&R, pid, p)) == NULL) {
		*cause = cause_errno(ENOMEM, "task");
		kill(pid, SIGKILL);
		waitpid(pid, &status, __WALL);
		close(pfds[0]);
		goto out;
	}
	if (task_open_events(&R, t, true, cause) != 0) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, __WALL);
		close(pfds[0]);
		goto out;
	}
	st->have_kind = R.have_tp;
	st->kernel_faults = !R.exclude_kernel;
	if (pftrace_write_header(out) != 0) {
		*cause = cause_errno(errno, "writing the trace");
		kill(pid, SIGKILL);
		waitpid(pid, &status, __WALL);
		close(pfds[0]);
		goto out;
	}
	write_infos(&R, argv);
	R.t0 = now_ns();
	task_resume(&R, t, 0);

	ret = trace_loop(&R, sfd, cause);

	/* A failed exec reports through the pipe (closed by a good exec). */
	if (ret == 0 && read(pfds[0], &c, 1) == 1 && c == 'x' &&
	    read(pfds[0], &err, sizeof err) == sizeof err) {
		*cause = cause_errno(err, "cannot run %s", argv[0]);
		ret = -1;
	}
	close(pfds[0]);
	if (ret == 0) {
		memset(&r, 0, sizeof r);
		r.type = PFR_END;
		r.time = rel_time(&R, now_ns());
		r.count = st->faults;
		r.lost = st->lost;
		emit(&R, &r);
		if (fflush(out) != 0 && !R.werr) {
			R.werr = true;
			R.werrno = errno;
		}
		if (R.werr) {
			*cause = cause_errno(R.werrno, "writing the trace");
			ret = -1;
		}
	}
out:
	for (i = 0; i < R.nt; i++) {
		task_close_events(R.t[i]);
		free(R.t[i]);
	}
	free(R.t);
	graveyard_empty();
	for (i = 0; i < R.np; i++) {
		pflayout_free(&R.p[i]->layout);
		free(R.p[i]);
	}
	free(R.p);
	free(R.pfd);
	if (sfd >= 0)
		close(sfd);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return (ret);
}
