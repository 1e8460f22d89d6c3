/*
 * bench-sdtop.c - the sdtop program watching tests/bench-target (make
 * bench, cases 4 to 6).
 *
 *	tests/bench-sdtop SDTOP BENCH-TARGET [CASE...]	(cases: 4 5 6 6e)
 *
 * 4: an idle target with 64 MiB resident, alone and in one piece inside
 *    a 1 TiB and a 16 TiB MAP_NORESERVE reservation: sdtop's cycle
 *    (clear_ms + scan_ms of its JSON lines, the median of the cycles after
 *    the first) and its peak RSS (ru_maxrss of wait4), against the target
 *    alone; then in 64 pieces spread over such a reservation, against one
 *    bare PAGEMAP_SCAN walk of the same page tables (the kernel visits
 *    every 2 MiB entry of each 1 GiB table that holds a page).
 * 5: sdtop's peak RSS on a 4 GiB resident target, in bits per page.
 * 6: a target's own writes per second (hotset, and all pages in turn),
 *    unwatched, then watched at -i 1 and -i 5 by each method here; then
 *    for all pages under uffd-wp, sdtop's target_cost against the time
 *    the target measurably lost (see case_estimate()); 6e: that alone.
 * Units: milliseconds per cycle, nanoseconds per page, MiB, writes/s.
 */
#include "config.h"

#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench-lib.h"
#include "kernel-compat.h"

#define MAXS	256		/* samples kept per measurement */
#define SAMPLE	0.5		/* seconds of one sample of the target */

static const char	*sdtop, *target_path;
static size_t		 psz;

/* A running program and the read end of its stdout. */
struct run {
	pid_t	 pid;
	FILE	*out;
};

/* Start argv with stdout on a pipe (or /dev/null when quiet). */
static void
run_start(struct run *r, char *const argv[], int quiet)
{
	int	p[2];

	if (pipe(p) == -1)
		exit(1);
	if ((r->pid = fork()) == 0) {
		close(p[0]);
		if (quiet && (p[1] = open("/dev/null", O_WRONLY)) == -1)
			_exit(127);
		dup2(p[1], 1);
		execv(argv[0], argv);
		_exit(127);
	}
	close(p[1]);
	if ((r->out = fdopen(p[0], "r")) == NULL)
		exit(1);
}

/* Wait for r to end; its peak RSS in KiB. */
static long
run_wait(struct run *r)
{
	struct rusage	ru;
	int		status;

	fclose(r->out);
	if (wait4(r->pid, &status, 0, &ru) == -1)
		return (-1);
	return (ru.ru_maxrss);
}

/* Start the target with args a1..a3 and wait for its "ready". */
static void
target_start(struct run *r, const char *a1, const char *a2, const char *a3)
{
	char	*argv[] = { (char *)target_path, (char *)a1, (char *)a2,
		    (char *)a3, NULL };
	char	 line[64];

	run_start(r, argv, 0);
	if (fgets(line, sizeof line, r->out) == NULL ||
	    strcmp(line, "ready\n") != 0) {
		fprintf(stderr, "bench-sdtop: the target failed\n");
		exit(1);
	}
}

/* Kill the target and reap it. */
static void
target_stop(struct run *r)
{
	kill(r->pid, SIGKILL);
	run_wait(r);
}

/* One number after "key": in a JSON line, or -1. */
static double
json_num(const char *line, const char *key)
{
	const char	*p;

	if ((p = strstr(line, key)) == NULL)
		return (-1);
	return (strtod(p + strlen(key), NULL));
}

/*
 * Watch pid for n cycles of 0.05 s with sdtop --json: the median cycle
 * (clear and scan, the first cycle left out) in ms; *rss its peak in KiB.
 */
static double
sdtop_cycles(pid_t pid, int n, long *rss)
{
	char		 spid[32], sn[16], line[65536];
	char		*argv[] = { (char *)sdtop, "-b", "--json", "-m",
			    "uffd-wp", "-i", "0.05", "-n", sn, spid, NULL };
	double		 ms[MAXS], c, s;
	size_t		 k = 0;
	struct run	 r;

	snprintf(spid, sizeof spid, "%ld", (long)pid);
	snprintf(sn, sizeof sn, "%d", n);
	run_start(&r, argv, 0);
	while (fgets(line, sizeof line, r.out) != NULL) {
		c = json_num(line, "\"clear_ms\":");
		s = json_num(line, "\"scan_ms\":");
		if (c >= 0 && s >= 0 && k < MAXS)
			ms[k++] = c + s;
	}
	*rss = run_wait(&r);
	if (k < 2)
		return (-1);
	return (bench_median(ms + 1, k - 1));
}

/* The target's resident pages, from /proc/PID/status VmRSS. */
static long
target_pages(pid_t pid)
{
	char	 path[64], line[256];
	FILE	*f;
	long	 kib = 0;

	snprintf(path, sizeof path, "/proc/%ld/status", (long)pid);
	if ((f = fopen(path, "r")) == NULL)
		return (0);
	while (fgets(line, sizeof line, f) != NULL)
		if (strncmp(line, "VmRSS:", 6) == 0)
			kib = strtol(line + 6, NULL, 10);
	fclose(f);
	return (kib * 1024 / (long)psz);
}

/* The memory goal for pages resident: 2 bits a page and 8 MiB, in KiB. */
static double
rss_goal_kib(long pages)
{
	return (pages * 2.0 / 8 / 1024 + 8192);
}

/*
 * The milliseconds of one bare PAGEMAP_SCAN walk, by this process, of the
 * present pages of pid's largest mapping (its reservation): what the
 * kernel's page-table walk of that address space costs, with nothing of
 * sdtop around it. The median of reps walks; -1 if it fails.
 */
static double
bare_walk(pid_t pid, int reps)
{
	static struct pmscan_region	 vec[1024];
	struct pmscan_arg		 a;
	unsigned long long		 lo, hi, blo = 0, bhi = 0;
	double				 ms[MAXS], t0;
	char				 path[64], line[512];
	FILE				*f;
	int				 fd, k;

	snprintf(path, sizeof path, "/proc/%ld/maps", (long)pid);
	if ((f = fopen(path, "r")) == NULL)
		return (-1);
	while (fgets(line, sizeof line, f) != NULL)
		if (sscanf(line, "%llx-%llx", &lo, &hi) == 2 &&
		    hi - lo > bhi - blo) {
			blo = lo;
			bhi = hi;
		}
	fclose(f);
	snprintf(path, sizeof path, "/proc/%ld/pagemap", (long)pid);
	if ((fd = open(path, O_RDONLY)) == -1)
		return (-1);
	for (k = 0; k < reps && k < MAXS; k++) {
		memset(&a, 0, sizeof a);
		a.size = sizeof a;
		a.start = blo;
		a.end = bhi;
		a.vec = (uint64_t)(uintptr_t)vec;
		a.vec_len = 1024;
		a.category_anyof_mask = PAGE_IS_PRESENT | PAGE_IS_SWAPPED;
		a.return_mask = PAGE_IS_PRESENT | PAGE_IS_SWAPPED;
		t0 = bench_now();
		while (a.start < a.end)
			if (ioctl(fd, PMSCAN_IOCTL, &a) == -1) {
				close(fd);
				return (-1);
			} else
				a.start = a.walk_end;
		ms[k] = (bench_now() - t0) * 1e3;
	}
	close(fd);
	return (bench_median(ms, (size_t)k));
}

/*
 * Case 4: 64 MiB resident, alone, in one piece inside a 1 TiB or 16 TiB
 * reservation (against the target alone), and spread in 64 pieces over
 * such a reservation (against one bare walk of its page tables).
 */
static void
case_sparse(int reps)
{
	static const char *const mode[] = { "idle", "idle", "idle", "spread",
	    "spread" };
	static const char *const gib[] = { NULL, "1024", "16384", "1024",
	    "16384" };
	static const char *const name[] = { "sparse: no reservation",
	    "sparse: 1 TiB reserved", "sparse: 16 TiB reserved",
	    "sparse: 1 TiB, 64 pieces / bare walk",
	    "sparse: 16 TiB, 64 pieces / bare walk" };
	struct run	 t[5];
	double		 ms[5][8], ratio[5][8], hwm[5][8], bare[5][8], rss;
	long		 kib, pages;
	char		 note[96];
	int		 i, k;

	for (i = 0; i < 5; i++)
		target_start(&t[i], mode[i], "64", gib[i]);
	pages = target_pages(t[0].pid);
	for (k = 0; k < reps; k++)
		for (i = 0; i < 5; i++) {
			ms[i][k] = sdtop_cycles(t[i].pid, 8, &kib);
			hwm[i][k] = kib;
			bare[i][k] = bare_walk(t[i].pid, 8);
			ratio[i][k] = ms[i][k] / (i < 3 ? ms[0][k] :
			    bare[i][k]);
		}
	for (i = 0; i < 5; i++) {
		rss = bench_median(hwm[i], (size_t)reps);
		snprintf(note, sizeof note, "sdtop peak RSS %.1f MiB, bare "
		    "walk %.3f ms", rss / 1024, bench_median(bare[i],
		    (size_t)reps));
		bench_row(name[i], (uint64_t)pages, ms[i], ratio[i],
		    (size_t)reps, note);
		if (i == 0)
			continue;
		snprintf(note, sizeof note, i < 3 ? "4 cycle with %s TiB "
		    "reserved vs none" : "4 cycle with 64 pieces over %s TiB "
		    "vs one bare walk", i % 2 == 1 ? "1" : "16");
		bench_verdict(note, bench_median(ratio[i], (size_t)reps), 1.5,
		    0, " x");
		snprintf(note, sizeof note, "4 sdtop peak RSS with %s TiB "
		    "reserved%s", i % 2 == 1 ? "1" : "16",
		    i < 3 ? "" : ", 64 pieces");
		bench_verdict(note, rss / 1024, rss_goal_kib(pages) / 1024, 0,
		    " MiB");
	}
	for (i = 0; i < 5; i++)
		target_stop(&t[i]);
}

/* Case 5: sdtop's peak RSS on a target of mib MiB resident. */
static void
case_rss(const char *mib, int reps)
{
	struct run	 t;
	double		 ms[8], hwm[8], rss;
	long		 kib, pages;
	char		 label[64], note[96];
	int		 k;

	target_start(&t, "idle", mib, NULL);
	pages = target_pages(t.pid);
	for (k = 0; k < reps; k++) {
		ms[k] = sdtop_cycles(t.pid, 4, &kib);
		hwm[k] = kib;
	}
	target_stop(&t);
	rss = bench_median(hwm, (size_t)reps);
	snprintf(label, sizeof label, "peak RSS: %s MiB resident", mib);
	snprintf(note, sizeof note, "sdtop peak RSS %.1f MiB = %.2f bit/page",
	    rss / 1024, rss * 1024 * 8 / (double)pages);
	bench_row(label, (uint64_t)pages, ms, NULL, (size_t)reps, note);
	snprintf(note, sizeof note, "5 sdtop peak RSS on %s MiB resident",
	    mib);
	bench_verdict(note, rss / 1024, rss_goal_kib(pages) / 1024, 0,
	    " MiB");
}

/*
 * Read the target's writes per second into v, at most max, and when share
 * is not NULL the share of a CPU it ran in each: n of them, or (when
 * watcher is not 0) until the watcher has ended. Returns how many.
 */
static size_t
samples_cpu(FILE *f, double *v, double *share, size_t max, pid_t watcher,
    size_t n)
{
	siginfo_t	 si;
	char		 line[64], *end;
	size_t		 k = 0;

	while (k < max && fgets(line, sizeof line, f) != NULL) {
		if (strncmp(line, "ops ", 4) == 0) {
			v[k] = strtod(line + 4, &end);
			if (share != NULL)
				share[k] = strncmp(end, " cpu ", 5) == 0 ?
				    strtod(end + 5, NULL) : 1;
			k++;
		}
		if (watcher == 0 && k == n)
			break;
		memset(&si, 0, sizeof si);
		if (watcher != 0 && waitid(P_PID, (id_t)watcher, &si,
		    WEXITED | WNOHANG | WNOWAIT) == 0 && si.si_pid != 0)
			break;
	}
	return (k);
}

/* samples_cpu() without the shares. */
static size_t
samples(FILE *f, double *v, size_t max, pid_t watcher, size_t n)
{
	return (samples_cpu(f, v, NULL, max, watcher, n));
}

/* Watch the target t with method at interval for cycles; one row. */
static void
watched(struct run *t, const char *method, const char *work,
    const char *interval, int cycles, double base)
{
	char		 spid[32], sn[16], label[64], note[64];
	char		*argv[] = { (char *)sdtop, "-b", "-m", (char *)method,
			    "-i", (char *)interval, "-n", sn, spid, NULL };
	double		 v[MAXS], ratio[MAXS];
	size_t		 k, i;
	struct run	 r;

	snprintf(spid, sizeof spid, "%ld", (long)t->pid);
	snprintf(sn, sizeof sn, "%d", cycles);
	run_start(&r, argv, 1);
	k = samples(t->out, v, MAXS, r.pid, 0);
	run_wait(&r);
	snprintf(label, sizeof label, "watch %s %s -i %s", method, work,
	    interval);
	if (k < 3) {
		bench_skip(label, "sdtop did not run");
		return;
	}
	/* The first half second holds the attach: left out. */
	for (i = 1; i < k; i++)
		ratio[i - 1] = v[i] / base;
	snprintf(note, sizeof note, "%.1f M writes/s, unwatched %.1f",
	    bench_median(v + 1, k - 1) / 1e6, base / 1e6);
	bench_row(label, (256 << 20) / psz, NULL, ratio, k - 1, note);
}

/* Case 6: a workload's own throughput, unwatched, then watched. */
static void
case_watch(const char *method, const char *work)
{
	struct run	 t;
	double		 base[8];
	size_t		 k;

	/* Unwatched just before each run: the machine's load changes. */
	target_start(&t, work, "256", NULL);
	k = samples(t.out, base, 8, 0, 4);
	watched(&t, method, work, "1", 4, bench_median(base + 1, k - 1));
	k = samples(t.out, base, 8, 0, 3);
	watched(&t, method, work, "5", 1, bench_median(base + 1, k - 1));
	target_stop(&t);
}

/*
 * The target's writes per CPU-second over samples from..k of v and share:
 * all its writes over all its CPU time, so that faults that come in bursts
 * count wholly; *cpu the CPU seconds in them (a sample is SAMPLE s).
 */
static double
cpu_rate(const double *v, const double *share, size_t from, size_t k,
    double *cpu)
{
	double	 n = 0, c = 0;
	size_t	 i;

	for (i = from; i < k; i++) {
		n += v[i] * SAMPLE;
		c += share[i] * SAMPLE;
	}
	*cpu = c;
	return (c > 0 ? n / c : 0);
}

/*
 * Watch t with uffd-wp at interval for cycles, sdtop's JSON to a file:
 * the mean target_cost.percent of its cycles (-1: none), *fault_ns its
 * fault cost; the target's samples meanwhile in v and share, *k of them.
 */
static double
watch_json(struct run *t, const char *interval, int cycles, double *v,
    double *share, size_t *k, double *fault_ns)
{
	char	 spid[32], sn[16], line[65536];
	char	*argv[] = { (char *)sdtop, "-b", "--json", "-m", "uffd-wp",
		    "-i", (char *)interval, "-n", sn, spid, NULL };
	double	 sum = 0, p;
	FILE	*tmp;
	pid_t	 pid;
	int	 n = 0;

	snprintf(spid, sizeof spid, "%ld", (long)t->pid);
	snprintf(sn, sizeof sn, "%d", cycles);
	if ((tmp = tmpfile()) == NULL)
		exit(1);
	if ((pid = fork()) == 0) {
		dup2(fileno(tmp), 1);
		execv(argv[0], argv);
		_exit(127);
	}
	*k = samples_cpu(t->out, v, share, MAXS, pid, 0);
	waitpid(pid, NULL, 0);
	rewind(tmp);
	while (fgets(line, sizeof line, tmp) != NULL) {
		p = json_num(line, "\"target_cost\":{\"kind\":\"faults\","
		    "\"percent\":");
		if (p < 0)
			continue;
		sum += p;
		n++;
		*fault_ns = json_num(line, "\"fault_ns\":");
	}
	fclose(tmp);
	return (n > 0 ? sum / n : -1);
}

/*
 * Case 6, the estimate: on the write-everything target of mib MiB, the
 * mean target_cost.percent of sdtop's cycles at interval against the time
 * the target lost, in percent of one CPU over the cycles: its CPU seconds
 * watched times (1 - watched / unwatched writes per CPU-second). CPU time
 * leaves out what other processes take; all the writes of a run over all
 * its CPU time count the bursts of faults after each protection wholly.
 * Unwatched and watched runs alternate; each watched run is compared with
 * the mean of the unwatched runs on either side, and the medians of the
 * reps comparisons are kept.
 */
static void
case_estimate(const char *mib, const char *interval, int cycles, int reps)
{
	struct run	 t;
	double		 v[MAXS + 1], sh[MAXS + 1], est[16], meas[16], q[16];
	double		 w[16], u[17], cw[16], cu, fns = -1, span, r;
	uint64_t	 pages = (strtoull(mib, NULL, 10) << 20) / psz;
	size_t		 k, ku;
	char		 label[64], note[160];
	int		 i;

	snprintf(label, sizeof label, "cost uffd-wp all -i %s: measured",
	    interval);
	span = cycles * strtod(interval, NULL);
	target_start(&t, "all", mib, NULL);
	ku = samples_cpu(t.out, v, sh, MAXS, 0, (size_t)(span / SAMPLE) + 1);
	u[0] = cpu_rate(v, sh, 1, ku, &cu);
	for (i = 0; i < reps; i++) {
		est[i] = watch_json(&t, interval, cycles, v, sh, &k, &fns);
		if (est[i] < 0 || k < 3) {
			bench_skip(label, "sdtop gave no target_cost");
			target_stop(&t);
			return;
		}
		/* The sample under way when sdtop ended is the watched run's. */
		ku = samples_cpu(t.out, v + k, sh + k, MAXS + 1 - k, 0, k + 1);
		w[i] = cpu_rate(v, sh, 0, k + 1, &cw[i]);
		u[i + 1] = cpu_rate(v + k, sh + k, 1, ku, &cu);
		meas[i] = cw[i] * (1 - 2 * w[i] / (u[i] + u[i + 1])) / span *
		    100;
		q[i] = est[i] / meas[i];
	}
	target_stop(&t);
	snprintf(note, sizeof note, "%.1f %% of a CPU: 1 - %.1f/%.1f M "
	    "writes/CPU-s, x %.1f CPU-s / %.0f s",
	    bench_median(meas, (size_t)reps),
	    bench_median(w, (size_t)reps) / 1e6,
	    bench_median(u, (size_t)reps + 1) / 1e6,
	    bench_median(cw, (size_t)reps), span);
	bench_row(label, pages, NULL, NULL, (size_t)reps, note);
	snprintf(label, sizeof label, "cost uffd-wp all -i %s: target_cost",
	    interval);
	snprintf(note, sizeof note, "%.1f %% of a CPU (fault_ns %.0f); "
	    "ratio: to measured", bench_median(est, (size_t)reps), fns);
	bench_row(label, pages, NULL, q, (size_t)reps, note);
	r = bench_median(q, (size_t)reps);
	snprintf(note, sizeof note, "6 target_cost / measured slowdown, "
	    "uffd-wp -i %s (%.2f), off by", interval, r);
	/* No slowdown measured, or none estimated: off by any factor. */
	bench_verdict(note, !(r > 0) ? INFINITY : r >= 1 ? r : 1 / r, 1.5, 0,
	    " x");
}

int
main(int argc, char **argv)
{
	int	i;

	if (argc < 3) {
		fprintf(stderr, "usage: bench-sdtop SDTOP BENCH-TARGET "
		    "[CASE...]\n");
		return (2);
	}
	sdtop = argv[1];
	target_path = argv[2];
	psz = (size_t)sysconf(_SC_PAGESIZE);
	signal(SIGPIPE, SIG_IGN);
	for (i = 3; i < argc; i++) {
		if (strcmp(argv[i], "4") == 0)
			case_sparse(3);
		else if (strcmp(argv[i], "5") == 0)
			case_rss("4096", 3);
		else if (strcmp(argv[i], "6") == 0) {
			case_watch("uffd-wp", "hotset");
			case_watch("uffd-wp", "all");
			case_watch("hash", "hotset");
			case_watch("hash", "all");
			case_estimate("1024", "1", 6, 3);
			case_estimate("2048", "5", 2, 3);
		} else if (strcmp(argv[i], "6e") == 0) {
			case_estimate("1024", "1", 6, 3);
			case_estimate("2048", "5", 2, 3);
		}
	}
	return (0);
}
