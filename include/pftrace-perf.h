/*
 * pftrace-perf.h - the page-fault events of tracepgfault's recorder: per
 * thread perf software events (and, where allowed, the x86 page-fault
 * tracepoints) sharing one ring buffer, decoded into fault samples that
 * are handed back through a callback.
 *
 * Times are CLOCK_MONOTONIC nanoseconds, as perf stamps them; sizes of
 * ring buffers are pages of the page size given to pfperf_init().
 */
#ifndef SDTOP_PFTRACE_PERF_H
#define SDTOP_PFTRACE_PERF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "pftrace-format.h"

/* Event slots of a thread; slot 0 owns the ring buffer. */
enum { PFPERF_EV_MIN, PFPERF_EV_MAJ, PFPERF_EV_TPU, PFPERF_EV_TPK,
	PFPERF_EV_N };

/* The events of one thread, and a tracepoint sample waiting for its pair. */
struct pfperf_thread {
	int		 fd[PFPERF_EV_N];
	uint64_t	 evid[PFPERF_EV_N];
	void		*ring;
	size_t		 ring_len;	/* bytes mapped: 1 + data pages */
	bool		 pend;
	uint64_t	 pend_time, pend_addr, pend_ip;
	enum pf_kind	 pend_kind;
};

/*
 * What a ring buffer held: a fault, a count of records dropped, or a
 * region the thread's system call changed.
 */
struct pfperf_sample {
	bool		 lost;		/* a lost record: only count is set */
	bool		 region;	/* a region change: only time is set */
	uint64_t	 count;
	uint64_t	 time;		/* CLOCK_MONOTONIC ns */
	uint64_t	 addr;
	uint64_t	 ip;
	enum pf_kind	 kind;
	enum pf_sev	 sev;
};

typedef void pfperf_sample_cb(void *arg, const struct pfperf_sample *s);

/*
 * Closing a tracepoint event waits for an RCU grace period (tens of ms
 * here), so the events of gone threads are closed in batches.
 */
#define PFPERF_GRAVEYARD	256

struct pfperf {
	size_t		 page;		/* bytes */
	unsigned int	 ring_pages;	/* data pages asked for per thread */
	unsigned int	 ring_got;	/* the smallest ring given; 0 */
	bool		 exclude_kernel; /* perf_event_paranoid >= 2 */
	/* Tracepoint: ids and where address, ip and error_code lie. */
	bool		 have_tp;
	uint64_t	 tp_user_id, tp_kernel_id;
	size_t		 tp_off_addr, tp_off_ip, tp_off_err;
	char		*why;		/* why there are no kinds */
	size_t		 whysize;
	int		 graveyard[PFPERF_GRAVEYARD];
	size_t		 ngrave;
};

/*
 * Start with rings of ring_pages data pages of page bytes; why (whysize
 * bytes) receives the reason when the tracepoints cannot be used.
 */
void	 pfperf_init(struct pfperf *pf, size_t page, unsigned int ring_pages,
	     char *why, size_t whysize);
/* Close every event left; the threads' events must be closed first. */
void	 pfperf_free(struct pfperf *pf);

/*
 * Find the page-fault tracepoints (x86), mounting tracefs for a moment
 * if none is mounted; without them, say why in pf->why.
 */
void	 pfperf_find_tracepoints(struct pfperf *pf);

/* A thread with no events yet. */
void	 pfperf_thread_init(struct pfperf_thread *th);

/*
 * Open the events of thread tid into th, enabled now or at its next exec.
 * The major/minor events are needed (-1 with errno and a malloc'd
 * *cause); the tracepoints are a bonus.
 */
int	 pfperf_open(struct pfperf *pf, struct pfperf_thread *th, pid_t tid,
	     bool on_exec, char **cause);
/* Unmap th's ring and close its events (in the next batch). */
void	 pfperf_close(struct pfperf *pf, struct pfperf_thread *th);

/* The fd to poll for th's ring buffer, or -1. */
int	 pfperf_poll_fd(const struct pfperf_thread *th);

/* Hand every sample th's ring buffer holds to cb(arg, sample). */
void	 pfperf_drain(struct pfperf *pf, struct pfperf_thread *th,
	     pfperf_sample_cb *cb, void *arg);

/*
 * A tracepoint sample that never got its major/minor sample did not
 * complete: hand it to cb as a fault of severity PF_SEV_NONE.
 */
void	 pfperf_flush(struct pfperf_thread *th, pfperf_sample_cb *cb,
	     void *arg);

#endif
