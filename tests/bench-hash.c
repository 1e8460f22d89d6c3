/*
 * bench-hash.c - the hash method's cycle against a bare process_vm_readv
 * pass over the same bytes (make bench, case 3).
 *
 *	tests/bench-hash [MIB] [REPS]	(default 512 MiB, 5 repetitions)
 *
 * A child holds MIB MiB of resident anonymous memory and rewrites 0 %,
 * 10 % or 100 % of its pages on command. Each repetition times one bare
 * pass (process_vm_readv of the whole buffer, 1 MiB a call) and one cycle
 * of the method (start_cycle, the child's writes, collect). Units:
 * milliseconds per cycle, nanoseconds per page of page_size() bytes,
 * ratios; asserts nothing.
 */
#include "config.h"

#include <sys/mman.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench-lib.h"
#include "page.h"
#include "proc-maps.h"
#include "proc.h"
#include "snapshot.h"
#include "track.h"

/* The child: map and touch npages, then rewrite every k-th page per command. */
static void __attribute__((noreturn))
child_main(size_t npages, int cmd, int ack, uint64_t *addr)
{
	size_t		 ps = page_size(), i;
	unsigned char	*p, value = 1;
	int		 every;

	p = mmap(NULL, npages * ps, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		_exit(2);
	for (i = 0; i < npages; i++)
		p[i * ps] = value;
	*addr = (uint64_t)(uintptr_t)p;
	if (write(ack, addr, sizeof *addr) != sizeof *addr)
		_exit(2);
	while (read(cmd, &every, sizeof every) == sizeof every) {
		value++;
		if (every > 0) {
			for (i = 0; i < npages; i += (size_t)every)
				p[i * ps] = value;
		}
		if (write(ack, &every, sizeof every) != sizeof every)
			_exit(2);
	}
	_exit(0);
}

static int	cmd_fd, ack_fd;

/* Have the child change every k-th page (0: none) and wait for it. */
static void
child_change(int every)
{
	if (write(cmd_fd, &every, sizeof every) != sizeof every ||
	    read(ack_fd, &every, sizeof every) != sizeof every) {
		fprintf(stderr, "bench-hash: the child failed\n");
		exit(1);
	}
}

/* A snapshot of the target's maps now, its VMAs set up for a collect. */
static struct snapshot *
snap_now(struct proc_target *t, struct vma_list *vl)
{
	struct snapshot	*s;
	char		*cause = NULL;
	size_t		 i;

	vma_list_clear(vl);
	if (maps_read(t, vl, &cause) == -1)
		return (NULL);
	if ((s = snapshot_new(vl->n)) == NULL)
		return (NULL);
	for (i = 0; i < vl->n; i++)
		snapshot_set_vma(s, i, &vl->v[i], vma_trackable(&vl->v[i]),
		    false);
	return (s);
}

/* Raw process_vm_readv of npages from addr, per pages per call. */
static double
readv_cost(pid_t pid, uint64_t addr, size_t npages, size_t per)
{
	struct iovec	 local, remote;
	size_t		 ps = page_size(), i;
	char		*buf;
	double		 t0;

	buf = malloc(per * ps);
	t0 = bench_now();
	for (i = 0; i + per <= npages; i += per) {
		local.iov_base = buf;
		local.iov_len = per * ps;
		remote.iov_base = (void *)(uintptr_t)(addr + i * ps);
		remote.iov_len = per * ps;
		if (process_vm_readv(pid, &local, 1, &remote, 1, 0) == -1) {
			perror("process_vm_readv");
			exit(1);
		}
	}
	t0 = bench_now() - t0;
	free(buf);
	return (t0);
}

/* Fail with the cause of a method's error. */
static void __attribute__((noreturn))
fail(const char *cause)
{
	fprintf(stderr, "bench-hash: %s\n", cause ? cause : "failed");
	exit(1);
}

/* One cycle of the method while the child changes every k-th page. */
static double
hash_cycle(struct tracker *tr, struct vma_list *vl, int every)
{
	struct snapshot	*s;
	char		*cause = NULL;
	double		 t0, t;

	vma_list_clear(vl);
	if (maps_read(tr->target, vl, &cause) == -1)
		fail(cause);
	t0 = bench_now();
	if (track_hash.start_cycle(tr, vl, &cause) == -1)
		fail(cause);
	t = bench_now() - t0;
	child_change(every);
	if ((s = snap_now(tr->target, vl)) == NULL)
		fail("out of memory");
	t0 = bench_now();
	if (track_hash.collect(tr, s, &cause) == -1)
		fail(cause);
	t += bench_now() - t0;
	snapshot_free(s);
	return (t);
}

/* Repeat a bare pass and a cycle with every k-th page changed; one row. */
static double
fraction(struct tracker *tr, struct vma_list *vl, uint64_t addr,
    size_t npages, int every, int reps)
{
	double	cyc[16], ratio[16], bare[16], c;
	char	label[64], note[64];
	int	i;

	for (i = 0; i < reps; i++) {
		bare[i] = readv_cost(tr->target->pid, addr, npages,
		    (1 << 20) / page_size());
		c = hash_cycle(tr, vl, every);
		cyc[i] = c * 1e3;
		ratio[i] = c / bare[i];
	}
	snprintf(label, sizeof label, "hash cycle %d%% / readv pass",
	    every == 0 ? 0 : 100 / every);
	snprintf(note, sizeof note, "readv pass %.3f ms",
	    bench_median(bare, (size_t)reps) * 1e3);
	bench_row(label, npages, cyc, ratio, (size_t)reps, note);
	return (bench_median(ratio, (size_t)reps));
}

int
main(int argc, char **argv)
{
	struct proc_target	 t;
	struct tracker		 tr = { 0 };
	struct vma_list		 vl = { 0 };
	size_t			 mib, npages;
	uint64_t		 addr;
	int			 cp[2], ap[2], status, reps;
	char			*cause = NULL;
	double			 r, worst = 0;
	pid_t			 pid;

	mib = argc > 1 ? strtoul(argv[1], NULL, 10) : 512;
	reps = argc > 2 ? atoi(argv[2]) : 5;
	if (mib == 0 || reps < 1 || reps > 16) {
		fprintf(stderr, "usage: bench-hash [MIB] [REPS]\n");
		return (2);
	}
	npages = mib * 1024 * 1024 / page_size();
	if (pipe(cp) == -1 || pipe(ap) == -1)
		return (1);
	if ((pid = fork()) == 0) {
		close(cp[1]);
		close(ap[0]);
		child_main(npages, cp[0], ap[1], &addr);
	}
	close(cp[0]);
	close(ap[1]);
	cmd_fd = cp[1];
	ack_fd = ap[0];
	if (read(ack_fd, &addr, sizeof addr) != sizeof addr)
		return (1);
	if (proc_open(&t, "/proc", pid, &cause) == -1)
		fail(cause);
	tr.method = &track_hash;
	tr.target = &t;
	if (track_hash.attach(&tr, &cause) == -1)
		fail(cause);
	worst = fraction(&tr, &vl, addr, npages, 0, reps);
	if ((r = fraction(&tr, &vl, addr, npages, 10, reps)) > worst)
		worst = r;
	if ((r = fraction(&tr, &vl, addr, npages, 1, reps)) > worst)
		worst = r;
	track_hash.detach(&tr);
	proc_close(&t);
	vma_list_free(&vl);
	close(cmd_fd);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	bench_verdict("3 hash cycle vs one bare readv pass, worst of "
	    "0/10/100 %", worst, 1.1, 0, " x");
	return (0);
}
