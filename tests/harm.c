/*
 * harm.c - kill sdtop at random instants while it injects into a
 * self-checking target, and check that the target was not harmed.
 *
 * Usage: harm [--group] [--no-filter] [--injector]
 *             [--mode create|remove|random] [--attacks N] [--per-target K]
 *             [--seed S] SDTOP WORKLOAD
 *
 * Each target is WORKLOAD (tests/workload) with state of its own to lose:
 * a written buffer, a signal mask, a userfaultfd of its own and a seccomp
 * filter. Against it, sdtop -m uffd-wp is started again and again, each
 * time in a process group of its own, and killed with SIGKILL (the whole
 * group with --group):
 *   create  inside the injection that creates sdtop's userfaultfd: as soon
 *           as the target has a tracer (its TracerPid), after a random
 *           0-300 us;
 *   remove  inside the injection that removes it: after SIGTERM, as soon
 *           as the target has a tracer again, after a random 0-300 us;
 *   random  after a random 0-300 ms.
 * After each kill, once every process sdtop left has finished (this
 * program is their subreaper), the target must be running, not stopped,
 * not traced, with its signal mask, its own userfaultfd (same file) and no
 * other; after K attacks it must verify its own memory (SIGUSR2: "alive").
 * --injector kills the tracer itself (sdtop's injector process) instead of
 * sdtop, in the create and remove modes: the one window sdtop cannot
 * close, measured rather than tested. --no-filter leaves the seccomp
 * filter out (an unprivileged sdtop does not inject into a process whose
 * filter it cannot read).
 *
 * In the create and remove modes N counts the attacks that landed inside
 * the window (a poll can miss it, more often on a loaded machine), with at
 * most 10N tries. Prints one line per harm and a summary; exits 1 if any
 * target was harmed, or if fewer than N/4 attacks landed inside the window
 * (they would prove nothing); 2 on a usage error.
 */
#include "config.h"

#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum mode { MODE_CREATE, MODE_REMOVE, MODE_RANDOM };

struct target {
	pid_t		 pid;
	FILE		*out;		/* its stdout */
	int		 own_fd;	/* its own userfaultfd */
	unsigned long	 own_ino;
	unsigned long	 sigblk;	/* its SigBlk, as a mask */
};

static const char	*sdtop, *workload;
static bool		 filter = true, injector = false;
static unsigned long	 harmed, in_window;

static double
mono(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((double)ts.tv_sec + (double)ts.tv_nsec / 1e9);
}

static void
sleep_s(double s)
{
	struct timespec	ts;

	ts.tv_sec = (time_t)s;
	ts.tv_nsec = (long)((s - (double)ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/* Spin for us microseconds (a sleep would be far too coarse). */
static void
spin_us(unsigned us)
{
	double	end = mono() + us / 1e6;

	while (mono() < end)
		;
}

/* A field of /proc/PID/status as text; "" when unreadable. */
static void
status_field(pid_t pid, const char *key, char *val, size_t size)
{
	char	 path[64], line[256];
	size_t	 k = strlen(key);
	FILE	*f;

	val[0] = '\0';
	snprintf(path, sizeof path, "/proc/%ld/status", (long)pid);
	if ((f = fopen(path, "re")) == NULL)
		return;
	while (fgets(line, sizeof line, f) != NULL) {
		if (strncmp(line, key, k) == 0 && line[k] == ':') {
			snprintf(val, size, "%s", line + k + 1 +
			    strspn(line + k + 1, " \t"));
			val[strcspn(val, "\n")] = '\0';
			break;
		}
	}
	fclose(f);
}

static long
tracer_of(pid_t pid)
{
	char	v[32];

	status_field(pid, "TracerPid", v, sizeof v);
	return (strtol(v, NULL, 10));
}

/* The userfaultfds of pid: their count, and the first one's fd and ino. */
static int
uffds(pid_t pid, int *fd, unsigned long *ino)
{
	char		 path[320], link[64], info[512], *p;
	DIR		*d;
	struct dirent	*de;
	ssize_t		 n;
	int		 count = 0, i;
	FILE		*f;

	snprintf(path, sizeof path, "/proc/%ld/fd", (long)pid);
	if ((d = opendir(path)) == NULL)
		return (-1);
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "/proc/%ld/fd/%s", (long)pid,
		    de->d_name);
		if ((n = readlink(path, link, sizeof link - 1)) <= 0)
			continue;
		link[n] = '\0';
		if (strcmp(link, "anon_inode:[userfaultfd]") != 0)
			continue;
		if (count++ == 0) {
			*fd = atoi(de->d_name);
			*ino = 0;
			snprintf(path, sizeof path, "/proc/%ld/fdinfo/%s",
			    (long)pid, de->d_name);
			if ((f = fopen(path, "re")) != NULL) {
				i = (int)fread(info, 1, sizeof info - 1, f);
				info[i > 0 ? i : 0] = '\0';
				if ((p = strstr(info, "ino:")) != NULL)
					*ino = strtoul(p + 4, NULL, 10);
				fclose(f);
			}
		}
	}
	closedir(d);
	return (count);
}

/* Start a self-checking target and learn its state. */
static int
target_start(struct target *t)
{
	char	 line[256], v[64];
	int	 fds[2];

	if (pipe(fds) == -1)
		return (-1);
	if ((t->pid = fork()) == 0) {
		dup2(fds[1], STDOUT_FILENO);
		close(fds[0]);
		close(fds[1]);
		if (filter)
			execl(workload, workload, "--pages", "64", "--phase",
			    "1", "--sigmask", "--own-uffd", "--seccomp", "allow",
			    (char *)NULL);
		else
			execl(workload, workload, "--pages", "64", "--phase",
			    "1", "--sigmask", "--own-uffd", (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	t->out = fdopen(fds[0], "r");
	if (t->out == NULL || fgets(line, sizeof line, t->out) == NULL ||
	    strncmp(line, "ready ", 6) != 0)
		return (-1);
	if (uffds(t->pid, &t->own_fd, &t->own_ino) != 1)
		return (-1);
	status_field(t->pid, "SigBlk", v, sizeof v);
	t->sigblk = strtoul(v, NULL, 16);
	return (0);
}

/* Print a harm and count it. */
static void
harm(const struct target *t, const char *what, const char *detail)
{
	printf("HARMED: target %ld: %s%s%s\n", (long)t->pid, what,
	    detail != NULL ? ": " : "", detail != NULL ? detail : "");
	fflush(stdout);
	harmed++;
}

/* Whether every child of ours but the target has gone (reaping them). */
static bool
only_target_left(pid_t target)
{
	char	 path[64], buf[4096];
	FILE	*f;
	size_t	 n;
	char	*tok, *save;
	int	 status;
	bool	 only = true;

	while (waitpid(-1, &status, WNOHANG) > 0)
		;
	snprintf(path, sizeof path, "/proc/self/task/%ld/children",
	    (long)getpid());
	if ((f = fopen(path, "re")) == NULL)
		return (true);
	n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	fclose(f);
	for (tok = strtok_r(buf, " \n", &save); tok != NULL;
	    tok = strtok_r(NULL, " \n", &save)) {
		if (atol(tok) != (long)target)
			only = false;
	}
	return (only);
}

/* Check the target after an attack; false when it was harmed. */
static bool
target_check(struct target *t)
{
	char		 v[64], msg[128];
	int		 n, fd = -1;
	unsigned long	 ino = 0;

	if (kill(t->pid, 0) == -1) {
		harm(t, "it is gone", NULL);
		return (false);
	}
	status_field(t->pid, "State", v, sizeof v);
	if (v[0] != 'S' && v[0] != 'R' && v[0] != 'D') {
		harm(t, "its state is", v);
		return (false);
	}
	if (tracer_of(t->pid) != 0) {
		harm(t, "it is still traced", NULL);
		return (false);
	}
	status_field(t->pid, "SigBlk", v, sizeof v);
	if (strtoul(v, NULL, 16) != t->sigblk) {
		snprintf(msg, sizeof msg, "%s instead of %016lx", v, t->sigblk);
		harm(t, "its signal mask changed", msg);
		return (false);
	}
	n = uffds(t->pid, &fd, &ino);
	if (n != 1 || fd != t->own_fd || ino != t->own_ino) {
		snprintf(msg, sizeof msg, "%d userfaultfds, the first fd %d "
		    "ino %lu (its own: fd %d ino %lu)", n, fd, ino, t->own_fd,
		    t->own_ino);
		harm(t, "its descriptors changed", msg);
		return (false);
	}
	return (true);
}

/* End a target: it must verify its own memory and state. */
static void
target_end(struct target *t, bool verify)
{
	char	line[256];
	int	status;
	bool	alive = false;

	if (verify) {
		kill(t->pid, SIGUSR2);
		while (fgets(line, sizeof line, t->out) != NULL) {
			if (strncmp(line, "alive ", 6) == 0)
				alive = true;
			else if (strncmp(line, "corrupt", 7) == 0) {
				line[strcspn(line, "\n")] = '\0';
				harm(t, "its own check failed", line);
			}
		}
		waitpid(t->pid, &status, 0);
		if (!alive && harmed == 0)
			harm(t, "it did not answer its check", NULL);
	} else {
		kill(t->pid, SIGKILL);
		waitpid(t->pid, &status, 0);
	}
	fclose(t->out);
}

/* One attack on t; false when it was harmed. */
static bool
attack(struct target *t, enum mode m, bool group)
{
	char	 spid[32];
	pid_t	 s;
	double	 deadline;
	int	 status, fd, devnull;
	unsigned polls;
	long	 tracer;
	bool	 reaped = false;
	unsigned long ino;

	snprintf(spid, sizeof spid, "%ld", (long)t->pid);
	if ((s = fork()) == 0) {
		setpgid(0, 0);
		if ((devnull = open("/dev/null", O_RDWR)) != -1) {
			dup2(devnull, STDOUT_FILENO);
			dup2(devnull, STDERR_FILENO);
		}
		execl(sdtop, sdtop, "-b", "--json", "-m", "uffd-wp", "-i",
		    "0.05", "-n", "100000", spid, (char *)NULL);
		_exit(127);
	}
	setpgid(s, s);
	deadline = mono() + 5;
	switch (m) {
	case MODE_REMOVE:
		/* Attached: its userfaultfd is there beside the target's. */
		while (uffds(t->pid, &fd, &ino) < 2 && mono() < deadline &&
		    !(reaped = waitpid(s, &status, WNOHANG) == s))
			sleep_s(0.001);
		if (!reaped)
			kill(s, SIGTERM);
		/* FALLTHROUGH */
	case MODE_CREATE:
		/*
		 * Until the target has a tracer; stop looking once the
		 * injection is over (a poll can miss a window of ~100 us).
		 */
		for (polls = 0; !reaped && tracer_of(t->pid) == 0 &&
		    mono() < deadline; polls++) {
			if (polls % 64 == 63 && ((uffds(t->pid, &fd, &ino) >=
			    2) == (m == MODE_CREATE) ||
			    (reaped = waitpid(s, &status, WNOHANG) == s)))
				break;
		}
		spin_us((unsigned)(random() % 301));
		break;
	case MODE_RANDOM:
		sleep_s((double)(random() % 301) / 1e3);
		break;
	}
	tracer = tracer_of(t->pid);
	if (tracer != 0)
		in_window++;
	/* The tracer is the injector: it is killed while it holds the target. */
	if (injector && tracer != 0)
		kill((pid_t)tracer, SIGKILL);
	/* Never signal a PID (or group) that may have been reused. */
	if (!reaped) {
		kill(group ? -s : s, SIGKILL);
		waitpid(s, &status, 0);
	}

	/* What sdtop left running (its injector) must finish on its own. */
	deadline = mono() + 10;
	while (!only_target_left(t->pid) && mono() < deadline)
		sleep_s(0.002);
	if (!only_target_left(t->pid)) {
		harm(t, "a process sdtop left did not finish", NULL);
		return (false);
	}
	return (target_check(t));
}

static void
usage(void)
{
	fprintf(stderr, "usage: harm [--group] [--no-filter] [--injector] "
	    "[--mode create|remove|random] [--attacks N] [--per-target K] "
	    "[--seed S] SDTOP WORKLOAD\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	struct target	 t;
	enum mode	 m = MODE_CREATE;
	bool		 group = false, ok;
	unsigned long	 attacks = 100, per = 10, seed, i, done = 0;
	int		 a;

	seed = (unsigned long)time(NULL) ^ (unsigned long)getpid();
	for (a = 1; a < argc && argv[a][0] == '-'; a++) {
		if (strcmp(argv[a], "--group") == 0)
			group = true;
		else if (strcmp(argv[a], "--no-filter") == 0)
			filter = false;
		else if (strcmp(argv[a], "--injector") == 0)
			injector = true;
		else if (a + 1 >= argc)
			usage();
		else if (strcmp(argv[a], "--mode") == 0) {
			a++;
			if (strcmp(argv[a], "create") == 0)
				m = MODE_CREATE;
			else if (strcmp(argv[a], "remove") == 0)
				m = MODE_REMOVE;
			else if (strcmp(argv[a], "random") == 0)
				m = MODE_RANDOM;
			else
				usage();
		} else if (strcmp(argv[a], "--attacks") == 0)
			attacks = strtoul(argv[++a], NULL, 10);
		else if (strcmp(argv[a], "--per-target") == 0)
			per = strtoul(argv[++a], NULL, 10);
		else if (strcmp(argv[a], "--seed") == 0)
			seed = strtoul(argv[++a], NULL, 10);
		else
			usage();
	}
	if (argc - a != 2 || per == 0)
		usage();
	sdtop = argv[a];
	workload = argv[a + 1];
	srandom((unsigned)seed);
	setvbuf(stdout, NULL, _IOLBF, 0);
	/* The injector of a killed sdtop becomes our child: we see it end. */
	prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
	signal(SIGPIPE, SIG_IGN);

	/*
	 * Aimed attacks count when they land inside the window (a poll can
	 * miss it, more often on a loaded machine), at most ten tries for
	 * each; random ones all count.
	 */
	while (m == MODE_RANDOM ? done < attacks :
	    in_window < attacks && done < 10 * attacks) {
		if (target_start(&t) == -1) {
			fprintf(stderr, "harm: cannot start %s\n", workload);
			return (2);
		}
		ok = true;
		for (i = 0; i < per && ok && (m == MODE_RANDOM ? done < attacks :
		    in_window < attacks); i++, done++)
			ok = attack(&t, m, group);
		target_end(&t, ok);
	}
	printf("mode %s%s%s, seed %lu: %lu attacks, %lu inside the injection "
	    "window, %lu harmed\n", m == MODE_CREATE ? "create" :
	    m == MODE_REMOVE ? "remove" : "random", group ? " (group)" : "",
	    injector ? " (the injector killed)" : "", seed, done, in_window,
	    harmed);
	if (m != MODE_RANDOM && in_window < attacks / 4 && harmed == 0) {
		printf("only %lu of %lu attacks landed inside the injection "
		    "window in %lu tries: too few to prove anything\n",
		    in_window, attacks, done);
		return (1);
	}
	return (harmed == 0 ? 0 : 1);
}
