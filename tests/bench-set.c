/*
 * bench-set.c - sdtop watching a whole process tree (make bench, case 8).
 *
 *	tests/bench-set SDTOP BENCH-TREE [MIB [CYCLES]]
 *
 * tests/bench-tree makes MIB MiB resident (400 by default) in 1, in 20 and
 * in 200 processes (one and its children), then MIB / 10 MiB in 20, each
 * process writing 10 % of its pages a second, and
 * `sdtop -b --json -m METHOD -T -i 1 -n CYCLES ROOT` (6 cycles by default)
 * watches the tree, under uffd-wp and under hash. From sdtop's JSON lines:
 * the startup (from sdtop's start to the clear_time of its first cycle:
 * the attach of every member, injections included; then that first
 * clear's clear_ms) and each cycle's clear_ms and scan_ms for the set;
 * from /proc/PID/task/TID/schedstat, the CPU time of sdtop and of its own
 * children (the injector) from one line to the next. A row is sdtop's CPU
 * per cycle, the cycles after the first; its ratio compares, in the same
 * run, the CPU per resident page with the same total in ten times fewer
 * processes (1.00: a cycle costs what its pages cost, however many
 * processes hold them), or the CPU per process of 200 processes of
 * MIB / 200 MiB with 20 of the same size (1.00: the cost grows as the
 * processes, 10.00 as their square). A line under the row gives every
 * cycle as clear_ms+scan_ms/CPU ms. Units: milliseconds, nanoseconds per
 * resident page.
 */
#include "config.h"

#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <dirent.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench-lib.h"

#define MAXC	64		/* cycles kept per run */

/* What one watched run gave. */
struct result {
	double	start_ms;	/* sdtop's start to its first clear */
	double	first_ms;	/* the first clear_ms */
	double	ms[MAXC];	/* clear_ms + scan_ms of each cycle */
	double	clear[MAXC];	/* clear_ms of each cycle */
	double	cpu[MAXC];	/* sdtop's CPU ms since the line before */
	size_t	k;		/* cycles read */
	long	resident;	/* the set's resident pages, last cycle */
	long	nproc;		/* the set's processes, last cycle */
	double	total_cpu;	/* sdtop's whole CPU ms (wait4) */
};

static const char	*sdtop, *tree_path;

/* Seconds on the real-time clock (as sdtop's clear_time). */
static double
wall(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (ts.tv_sec + ts.tv_nsec / 1e9);
}

/* Start argv with stdout on a pipe; its PID, and the pipe in *out. */
static pid_t
start(char *const argv[], FILE **out)
{
	pid_t	pid;
	int	p[2];

	if (pipe(p) == -1)
		exit(1);
	if ((pid = fork()) == 0) {
		close(p[0]);
		dup2(p[1], 1);
		execv(argv[0], argv);
		_exit(127);
	}
	close(p[1]);
	if ((*out = fdopen(p[0], "r")) == NULL)
		exit(1);
	return (pid);
}

/* Nanoseconds on a CPU of every thread of pid, from schedstat; 0 if gone. */
static double
task_ns(pid_t pid)
{
	char		 path[300];
	struct dirent	*e;
	double		 ns = 0, v;
	DIR		*d;
	FILE		*f;

	snprintf(path, sizeof path, "/proc/%ld/task", (long)pid);
	if ((d = opendir(path)) == NULL)
		return (0);
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "/proc/%ld/task/%s/schedstat",
		    (long)pid, e->d_name);
		if ((f = fopen(path, "r")) == NULL)
			continue;
		if (fscanf(f, "%lf", &v) == 1)
			ns += v;
		fclose(f);
	}
	closedir(d);
	return (ns);
}

/* The CPU ms of pid and of its children (the injector) so far. */
static double
family_ms(pid_t pid)
{
	char		 path[300], buf[512], *p;
	struct dirent	*e;
	double		 ns = task_ns(pid);
	long		 ppid;
	DIR		*d;
	FILE		*f;

	if ((d = opendir("/proc")) == NULL)
		return (ns / 1e6);
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof path, "/proc/%s/stat", e->d_name);
		if ((f = fopen(path, "r")) == NULL)
			continue;
		p = fgets(buf, sizeof buf, f);
		fclose(f);
		/* The parent is the second field after the comm's ')'. */
		if (p == NULL || (p = strrchr(buf, ')')) == NULL ||
		    sscanf(p + 1, " %*c %ld", &ppid) != 1 || ppid != pid)
			continue;
		ns += task_ns((pid_t)strtol(e->d_name, NULL, 10));
	}
	closedir(d);
	return (ns / 1e6);
}

/* A number of a JSON object, or -1. */
static double
num(json_t *o, const char *key)
{
	json_t	*v = json_object_get(o, key);

	return (json_is_number(v) ? json_number_value(v) : -1);
}

/* Read sdtop's lines from out into r; t0 when sdtop started. */
static void
read_lines(pid_t pid, FILE *out, double t0, struct result *r)
{
	json_error_t	 err;
	json_t		*o;
	char		*line = NULL;
	size_t		 cap = 0;
	double		 before = 0, now;

	while (getline(&line, &cap, out) != -1) {
		now = family_ms(pid);
		if ((o = json_loads(line, 0, &err)) == NULL)
			continue;
		if (r->k == 0) {
			r->start_ms = (num(o, "clear_time") - t0) * 1e3;
			r->first_ms = num(o, "clear_ms");
		}
		if (r->k < MAXC) {
			r->clear[r->k] = num(o, "clear_ms");
			r->ms[r->k] = r->clear[r->k] + num(o, "scan_ms");
			r->cpu[r->k] = now - before;
			r->k++;
		}
		before = now;
		r->resident = (long)num(o, "resident_pages");
		r->nproc = (long)num(o, "nproc");
		json_decref(o);
	}
	free(line);
}

/*
 * Make mib MiB resident in nproc processes and watch them with method
 * for cycles; the figures in r. Returns -1 if the tree or sdtop failed.
 */
static int
watch(const char *method, int nproc, int mib, int cycles, struct result *r)
{
	char		 snproc[16], smib[16], sn[16], spid[32], line[64];
	char		*targv[] = { (char *)tree_path, snproc, smib, "10",
			    NULL };
	char		*argv[] = { (char *)sdtop, "-b", "--json", "-m",
			    (char *)method, "-T", "-i", "1", "-n", sn, spid,
			    NULL };
	struct rusage	 ru;
	FILE		*tout, *out;
	pid_t		 tree, pid;
	double		 t0;
	int		 status;

	memset(r, 0, sizeof *r);
	snprintf(snproc, sizeof snproc, "%d", nproc);
	snprintf(smib, sizeof smib, "%d", mib);
	snprintf(sn, sizeof sn, "%d", cycles);
	tree = start(targv, &tout);
	if (fgets(line, sizeof line, tout) == NULL ||
	    strncmp(line, "ready ", 6) != 0) {
		kill(-tree, SIGKILL);
		waitpid(tree, NULL, 0);
		return (-1);
	}
	snprintf(spid, sizeof spid, "%ld", (long)tree);
	t0 = wall();
	pid = start(argv, &out);
	read_lines(pid, out, t0, r);
	fclose(out);
	if (wait4(pid, &status, 0, &ru) == -1)
		status = -1;
	r->total_cpu = (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
	    (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
	kill(-tree, SIGKILL);
	fclose(tout);
	waitpid(tree, NULL, 0);
	return (status == 0 && r->k >= 2 ? 0 : -1);
}

/* The median of the cycles after the first of v[0..k). */
static double
later(const double *v, size_t k)
{
	double	c[MAXC];

	memcpy(c, v + 1, (k - 1) * sizeof *c);
	return (bench_median(c, k - 1));
}

/* sdtop's CPU per cycle for r, per resident page or (by_proc) process. */
static double
unit_ms(const struct result *r, int nproc, int by_proc)
{
	return (later(r->cpu, r->k) / (by_proc ? nproc : (double)r->resident));
}

/*
 * One row for r, of nproc processes of mib MiB in all: sdtop's CPU per
 * cycle; against ref (of refn processes, refmib MiB in all) per page or
 * (by_proc) per process, when not NULL; then r's cycles under it.
 * Returns the median ratio.
 */
static double
row(const char *method, int nproc, int mib, const struct result *r,
    const struct result *ref, int refn, int refmib, int by_proc)
{
	char	label[64], note[160], cyc[24 * MAXC];
	double	ms[MAXC], ratio[MAXC], unit = 0;
	size_t	i, n = r->k - 1;
	int	off;

	off = snprintf(label, sizeof label, "set %s %dx%gMiB", method,
	    nproc, (double)mib / nproc);
	if (ref != NULL) {
		snprintf(label + off, sizeof label - (size_t)off, " / %dx%g%s",
		    refn, (double)refmib / refn, by_proc ? ", per proc" : "");
		unit = unit_ms(ref, refn, by_proc);
	}
	for (i = 0; i < n; i++) {
		ms[i] = r->cpu[i + 1];
		ratio[i] = ms[i] / (by_proc ? nproc : (double)r->resident) /
		    unit;
	}
	snprintf(note, sizeof note, "%ld procs, %.3f ms CPU each; clear+scan "
	    "%.1f ms; startup %.0f ms + first clear %.0f ms", r->nproc,
	    later(r->cpu, r->k) / nproc, later(r->ms, r->k), r->start_ms,
	    r->first_ms);
	bench_row(label, (uint64_t)r->resident, ms, ref != NULL ? ratio :
	    NULL, n, note);
	if (by_proc || ref == NULL || refn != 20) {
		off = 0;
		for (i = 0; i < r->k && off < (int)sizeof cyc - 40; i++)
			off += snprintf(cyc + off, sizeof cyc - (size_t)off,
			    " %.1f+%.1f/%.1f", r->clear[i], r->ms[i] -
			    r->clear[i], r->cpu[i]);
		printf("  cycles, clear+scan/CPU ms:%s; CPU in all %.0f ms\n",
		    cyc, r->total_cpu);
		fflush(stdout);
	}
	return (ref != NULL ? bench_median(ratio, n) : 0);
}

/*
 * Case 8 under one method: mib MiB in 1, 20 and 200 processes (the cost
 * per resident page against ten times fewer processes), then mib / 10 MiB
 * in 20 processes (the cost per process of 200 against 20 processes of
 * the same size: 1.00 when it grows as the processes, 10 as their square).
 */
static void
case_set(const char *method, int mib, int cycles)
{
	static const int	 nproc[] = { 1, 20, 20, 200 };
	const int		 size[] = { mib, mib, mib / 10, mib };
	struct result		 r[4];
	char			 label[64], goal[96];
	double			 page, proc;
	int			 i;

	for (i = 0; i < 4; i++)
		if (watch(method, nproc[i], size[i], cycles, &r[i]) == -1) {
			snprintf(label, sizeof label, "set %s %d processes",
			    method, nproc[i]);
			bench_skip(label, "the tree or sdtop failed");
			return;
		}
	row(method, 1, mib, &r[0], NULL, 0, 0, 0);
	row(method, 20, mib, &r[1], &r[0], 1, mib, 0);
	row(method, 20, mib / 10, &r[2], NULL, 0, 0, 0);
	page = row(method, 200, mib, &r[3], &r[1], 20, mib, 0);
	proc = row(method, 200, mib, &r[3], &r[2], 20, mib / 10, 1);
	snprintf(goal, sizeof goal, "8 %s CPU per process, 200 vs 20 "
	    "processes", method);
	bench_verdict(goal, proc, 1.5, 0, " x");
	snprintf(goal, sizeof goal, "8 %s CPU per resident page, 200 vs 20 "
	    "processes", method);
	bench_verdict(goal, page, 1.5, 0, " x");
}

int
main(int argc, char **argv)
{
	int	mib, cycles;

	if (argc < 3) {
		fprintf(stderr, "usage: bench-set SDTOP BENCH-TREE [MIB "
		    "[CYCLES]]\n");
		return (2);
	}
	sdtop = argv[1];
	tree_path = argv[2];
	mib = argc > 3 ? atoi(argv[3]) : 400;
	cycles = argc > 4 ? atoi(argv[4]) : 6;
	if (mib < 1 || cycles < 2 || cycles > MAXC) {
		fprintf(stderr, "bench-set: bad MIB or CYCLES\n");
		return (2);
	}
	signal(SIGPIPE, SIG_IGN);
	case_set("uffd-wp", mib, cycles);
	case_set("hash", mib, cycles);
	return (0);
}
