/*
 * bench-hash.c - what the hash method costs, on a child holding MIB MiB of
 * resident anonymous memory (default 1024).
 *
 *	tests/bench-hash [MIB] [ROUNDS]
 *
 * Prints, per page of 4 KiB (page_size()), the cost of the method's clear
 * (read and hash every present page), of its collect with 0 %, 10 % and
 * 100 % of the pages changed, and the parts: XXH3 alone on memory of this
 * process, process_vm_readv alone with 1 page and with 1024 pages per call.
 * A cycle (clear and collect; the first cycle, which reads its baseline at
 * the clear, is timed apart) is compared with one bare process_vm_readv
 * pass over the same bytes, 1 MiB per call, timed in the same rounds.
 * Figures only: nothing is asserted. Units: ns per page, GB/s (10^9 B/s).
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
#include <xxhash.h>

#include "page.h"
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
	t0 = now();
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
	t0 = now() - t0;
	free(buf);
	return (t0);
}

/* The parts: XXH3 alone, and process_vm_readv alone. */
static void
print_parts(pid_t pid, uint64_t addr, size_t npages)
{
	size_t		 ps = page_size(), i;
	uint64_t	 sum = 0;
	char		*buf;
	double		 t0;

	buf = malloc(64 * ps);
	memset(buf, 7, 64 * ps);
	t0 = now();
	for (i = 0; i < npages; i++)
		sum += XXH3_64bits(buf + (i % 64) * ps, ps);
	t0 = now() - t0;
	printf("XXH3_64bits alone (cached):    %7.1f ns/page  %6.2f GB/s"
	    "  (%llx)\n", t0 * 1e9 / npages, npages * ps / t0 / 1e9,
	    (unsigned long long)(sum & 0xf));
	free(buf);
	t0 = readv_cost(pid, addr, npages, 1);
	printf("process_vm_readv, 1 page/call: %7.1f ns/page  %6.2f GB/s\n",
	    t0 * 1e9 / npages, npages * ps / t0 / 1e9);
	t0 = readv_cost(pid, addr, npages, 1024);
	printf("process_vm_readv, 1024 pages:  %7.1f ns/page  %6.2f GB/s\n",
	    t0 * 1e9 / npages, npages * ps / t0 / 1e9);
}

/* Print a cycle's time against one bare pass over the same bytes. */
static void
print_ratio(int every, double cycle_s, double pass_s)
{
	printf("changed %3d%%: cycle %7.1f ms = %5.2f x one bare "
	    "process_vm_readv pass (%7.1f ms, 1 MiB per call)\n",
	    every == 0 ? 0 : 100 / every, cycle_s * 1e3, cycle_s / pass_s,
	    pass_s * 1e3);
}

/* Time the first cycle, whose clear reads the baseline; -1 on failure. */
static int
first_cycle(struct tracker *tr, struct proc_target *t, struct vma_list *vl,
    size_t npages)
{
	struct snapshot	*s;
	char		*cause = NULL;
	double		 t0;

	if (maps_read(t, vl, &cause) == -1)
		return (-1);
	t0 = now();
	if (track_hash.start_cycle(tr, vl, &cause) == -1 ||
	    (s = snap_now(t, vl)) == NULL ||
	    track_hash.collect(tr, s, &cause) == -1) {
		fprintf(stderr, "bench-hash: %s\n", cause);
		return (-1);
	}
	t0 = now() - t0;
	snapshot_free(s);
	printf("first cycle (clear reads):     %7.1f ms %6.1f ns/page\n",
	    t0 * 1e3, t0 * 1e9 / npages);
	return (0);
}

int
main(int argc, char **argv)
{
	struct proc_target	 t;
	struct tracker		 tr;
	struct vma_list		 vl;
	struct snapshot		*s;
	size_t			 mib, npages, ps = page_size(), r, rounds;
	uint64_t		 addr, dirty;
	int			 cp[2], ap[2], status, k;
	const int		 everys[] = { 0, 10, 1 };
	char			*cause = NULL;
	double			 t0, clear_s, coll_s, total, pass_s;
	pid_t			 pid;

	mib = argc > 1 ? strtoul(argv[1], NULL, 10) : 1024;
	rounds = argc > 2 ? strtoul(argv[2], NULL, 10) : 3;
	if (mib == 0 || rounds == 0) {
		fprintf(stderr, "usage: bench-hash [MIB] [ROUNDS]\n");
		return (2);
	}
	npages = mib * 1024 * 1024 / ps;

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
	printf("target: %zu MiB resident (%zu pages of %zu bytes), "
	    "%zu rounds each\n", mib, npages, ps, rounds);

	print_parts(pid, addr, npages);

	if (proc_open(&t, "/proc", pid, &cause) == -1) {
		fprintf(stderr, "bench-hash: %s\n", cause);
		return (1);
	}
	memset(&tr, 0, sizeof tr);
	memset(&vl, 0, sizeof vl);
	tr.method = &track_hash;
	tr.target = &t;
	if (track_hash.attach(&tr, &cause) == -1) {
		fprintf(stderr, "bench-hash: %s\n", cause);
		return (1);
	}
	if (first_cycle(&tr, &t, &vl, npages) == -1)
		return (1);
	for (k = 0; k < 3; k++) {
		clear_s = coll_s = pass_s = 0;
		dirty = 0;
		for (r = 0; r < rounds; r++) {
			vma_list_clear(&vl);
			if (maps_read(&t, &vl, &cause) == -1)
				return (1);
			t0 = now();
			if (track_hash.start_cycle(&tr, &vl, &cause) == -1) {
				fprintf(stderr, "bench-hash: %s\n", cause);
				return (1);
			}
			clear_s += now() - t0;
			child_change(everys[k]);
			if ((s = snap_now(&t, &vl)) == NULL)
				return (1);
			t0 = now();
			if (track_hash.collect(&tr, s, &cause) == -1) {
				fprintf(stderr, "bench-hash: %s\n", cause);
				return (1);
			}
			coll_s += now() - t0;
			snapshot_count(s);
			total = (double)s->tracked_pages;
			dirty = s->dirty_pages;
			snapshot_free(s);
			pass_s += readv_cost(pid, addr, npages, (1u << 20) / ps);
		}
		clear_s /= rounds;
		coll_s /= rounds;
		pass_s /= rounds;
		printf("changed %3d%%: clear %7.1f ms %6.1f ns/page %5.2f GB/s;"
		    " collect %7.1f ms %6.1f ns/page; %llu of %.0f pages "
		    "reported\n", everys[k] == 0 ? 0 : 100 / everys[k],
		    clear_s * 1e3, clear_s * 1e9 / npages,
		    npages * ps / clear_s / 1e9, coll_s * 1e3,
		    coll_s * 1e9 / npages, (unsigned long long)dirty, total);
		print_ratio(everys[k], clear_s + coll_s, pass_s);
	}
	track_hash.detach(&tr);
	proc_close(&t);
	vma_list_free(&vl);
	close(cmd_fd);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return (0);
}
