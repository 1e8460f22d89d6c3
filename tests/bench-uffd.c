/*
 * bench-uffd.c - what the uffd-wp method costs: one injected system call,
 * attach and detach, and a cycle (the clear and the collecting scan) over
 * a large buffer with 0 %, 10 % and 100 % of its pages written.
 *
 * Usage: bench-uffd [MIB]   (default 1024: a 1 GiB buffer in a child)
 *
 * Prints figures; asserts nothing. Times are wall-clock, in microseconds
 * or milliseconds as labelled; per-page costs are in nanoseconds.
 */
#include "config.h"

#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "inject.h"
#include "proc-maps.h"
#include "proc.h"
#include "snapshot.h"
#include "track.h"

static double
now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (ts.tv_sec + ts.tv_nsec / 1e9);
}

/* The child: map and touch the buffer, then write every k-th page on
 * command (k = 0: none), answering each command with a byte. */
static void
child(size_t len, int in, int out)
{
	volatile char	*b;
	size_t		 psz = (size_t)sysconf(_SC_PAGESIZE), i;
	int		 k;

	b = mmap(NULL, len, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (b == MAP_FAILED)
		_exit(1);
	for (i = 0; i < len; i += psz)
		b[i] = 1;
	write(out, "r", 1);
	while (read(in, &k, sizeof k) == sizeof k) {
		if (k > 0)
			for (i = 0; i < len; i += psz * (size_t)k)
				b[i]++;
		write(out, "w", 1);
	}
	_exit(0);
}

/* One cycle: clear, let the child write, collect. */
static void
cycle(struct tracker *tr, int to, int from, int k, const char *label,
    size_t npages)
{
	struct vma_list		 vl = { 0 };
	struct snapshot		*s;
	char			*cause = NULL, c;
	double			 t0, t1, t2, t3;
	uint64_t		 dirty = 0;
	size_t			 i;

	if (maps_read(tr->target, &vl, &cause) == -1) {
		fprintf(stderr, "bench-uffd: %s\n", cause);
		exit(1);
	}
	t0 = now();
	if (tr->method->start_cycle(tr, &vl, &cause) == -1) {
		fprintf(stderr, "bench-uffd: %s\n", cause);
		exit(1);
	}
	t1 = now();
	write(to, &k, sizeof k);
	read(from, &c, 1);
	if ((s = snapshot_new(vl.n)) == NULL)
		exit(1);
	for (i = 0; i < vl.n; i++)
		snapshot_set_vma(s, i, &vl.v[i], vma_trackable(&vl.v[i]),
		    false);
	t2 = now();
	if (tr->method->collect(tr, s, &cause) == -1) {
		fprintf(stderr, "bench-uffd: %s\n", cause);
		exit(1);
	}
	t3 = now();
	snapshot_count(s);
	dirty = s->dirty_pages;
	printf("%-14s clear %8.3f ms (%5.1f ns/page)  collect %8.3f ms "
	    "(%5.1f ns/page)  dirty %llu\n", label, (t1 - t0) * 1e3,
	    (t1 - t0) * 1e9 / (double)npages, (t3 - t2) * 1e3,
	    (t3 - t2) * 1e9 / (double)npages, (unsigned long long)dirty);
	snapshot_free(s);
	vma_list_free(&vl);
}

int
main(int argc, char **argv)
{
	struct proc_target	 t;
	struct tracker		 tr = { 0 };
	struct inject_call	 call = { .nr = SYS_getpid };
	size_t			 mib = argc > 1 ? strtoul(argv[1], NULL, 10) : 1024;
	size_t			 len = mib << 20, npages;
	int			 down[2], up[2], i, n = 200, status;
	char			*cause = NULL, c;
	double			 t0, t1;
	pid_t			 pid;

	if (mib == 0 || pipe(down) || pipe(up))
		return (2);
	npages = len / (size_t)sysconf(_SC_PAGESIZE);
	if ((pid = fork()) == 0) {
		/* Keep only our ends, so closing down[1] ends the child. */
		close(down[1]);
		close(up[0]);
		child(len, down[0], up[1]);
	}
	if (read(up[0], &c, 1) != 1)
		return (1);

	if (proc_open(&t, "/proc", pid, &cause) == -1) {
		fprintf(stderr, "bench-uffd: %s\n", cause);
		return (1);
	}
	t0 = now();
	for (i = 0; i < n; i++)
		if (inject_calls(&t, &call, 1, &cause) == -1) {
			fprintf(stderr, "bench-uffd: %s\n", cause);
			return (1);
		}
	t1 = now();
	proc_close(&t);
	printf("inject getpid (attach, call, detach): %.1f us each over %d\n",
	    (t1 - t0) * 1e6 / n, n);

	if (proc_open(&t, "/proc", pid, &cause) == -1 ||
	    track_uffd.probe(&t, &cause) == -1) {
		fprintf(stderr, "bench-uffd: %s\n", cause);
		kill(pid, SIGKILL);
		return (77);
	}
	tr.method = &track_uffd;
	tr.target = &t;
	t0 = now();
	if (track_uffd.attach(&tr, &cause) == -1) {
		fprintf(stderr, "bench-uffd: %s\n", cause);
		return (1);
	}
	printf("attach (inject userfaultfd, pidfd_getfd, UFFDIO_API): "
	    "%.1f us\n", (now() - t0) * 1e6);
	printf("buffer: %zu MiB, %zu pages\n", mib, npages);
	cycle(&tr, down[1], up[0], 0, "first (regist)", npages);
	cycle(&tr, down[1], up[0], 0, "0 % written", npages);
	cycle(&tr, down[1], up[0], 10, "10 % written", npages);
	cycle(&tr, down[1], up[0], 1, "100 % written", npages);
	cycle(&tr, down[1], up[0], 0, "0 % again", npages);
	t0 = now();
	track_uffd.detach(&tr);
	printf("detach (inject close): %.1f us\n", (now() - t0) * 1e6);
	proc_close(&t);
	close(down[1]);
	waitpid(pid, &status, 0);
	return (0);
}
