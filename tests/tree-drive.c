/*
 * tree-drive.c - run the tree of tree-target.c under sdtop -T, and change
 * the tree while sdtop is held between two of its cycles, so that every
 * change falls in a known cycle.
 *
 * Usage: tree-target --drive --truth FILE [--pad N] SDTOP [ARGS...]
 *
 * The driver (a subreaper: the tree's orphans become its children) starts
 * the root of the tree, waits until the processes of the start are
 * ready, then runs SDTOP ARGS -T ROOT with its stdout on a pipe of one
 * page (F_SETPIPE_SZ), copies every line sdtop writes to its own stdout,
 * and in the hold after cycle K does the events of the schedule
 * (tree_events): forks (SIGUSR1 to the parent; the new processes are
 * ready, their regions mapped and written, before the hold ends), exits
 * (SIGTERM; the process is a zombie or gone before the hold ends) and
 * reaps (SIGHUP to the parent). sdtop prints a cycle right after it
 * collects it and clears the next one after that print: the driver
 * holds it by not reading the pipe once the line of cycle K has begun,
 * and proves it afterwards: the line being L bytes long, X of them read
 * when the hold began and the pipe holding C, sdtop was still inside
 * the write(2) of that line through the whole hold when L > X + C.
 * At the end (sdtop exited) every process of the tree is told to finish
 * (SIGUSR2), each checks its memory, and the driver reaps them.
 *
 * The truth file holds every line the tree printed (tree-target.c) and
 * the driver's own:
 *     driver PID
 *     pagesize BYTES
 *     event K fork|exit|reap NAME PID     in the hold after cycle K
 *     ppid K NAME PPID                    the parent from cycle K+1 on
 *     hold K X L C
 *     sdtop STATUS                        its wait status
 *     status NAME PID STATUS              a process the driver reaped
 *     error TEXT
 * tests/treecheck judges it against sdtop's lines. Exits 0 once the
 * scenario ran (whatever sdtop did), 2 when it could not be run.
 */
#define _GNU_SOURCE

#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tree-target.h"

#define WAIT_MS		30000	/* longest wait for the tree (a guard) */
#define RUN_MS		300000	/* longest run of sdtop (a guard) */

struct drive {
	FILE	*truth;
	int	 tree_fd, sd_fd;
	pid_t	 self, sdtop;
	int	 sdtop_status;
	bool	 sdtop_done;
	pid_t	 pid[TREE_NODES], ppid[TREE_NODES];
	bool	 ready[TREE_NODES], exited[TREE_NODES], reaped[TREE_NODES];
	bool	 final[TREE_NODES];
	char	 tline[1024];	/* the tree's line being read */
	size_t	 tlen;
	char	*sline;		/* sdtop's line being read */
	size_t	 slen, scap;
	bool	 seen;		/* the current line's cycle was looked at */
	int	 held, held_x;	/* the cycle held in this line, and X */
	int	 pipe_size;
	int	 done_holds;
};

static struct drive	 D;

/* Milliseconds on the monotonic clock. */
static long
mono_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

/* Give up: say why, end what was started, exit 2. */
static void __attribute__((noreturn, format(printf, 1, 2)))
fatal(const char *fmt, ...)
{
	char	 msg[512];
	va_list	 ap;
	int	 i;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	fprintf(stderr, "tree-target: %s\n", msg);
	if (D.truth != NULL) {
		fprintf(D.truth, "error driver %s\n", msg);
		fflush(D.truth);
	}
	if (D.sdtop > 0 && !D.sdtop_done)
		kill(D.sdtop, SIGTERM);
	for (i = 0; i < TREE_NODES; i++)
		if (D.pid[i] > 0)
			kill(D.pid[i], SIGKILL);
	exit(2);
}

/* The node called name, or -1. */
static int
node_by_name(const char *name)
{
	int	 i;

	for (i = 0; i < TREE_NODES; i++)
		if (strcmp(tree_nodes[i].name, name) == 0)
			return (i);
	return (-1);
}

/* One line of the tree: into the truth, and what it says. */
static void
tree_line(const char *line)
{
	char	 word[16], name[16];
	long	 pid;
	int	 i;

	fprintf(D.truth, "%s\n", line);
	if (sscanf(line, "%15s %15s %ld", word, name, &pid) != 3 ||
	    (i = node_by_name(name)) == -1) {
		if (strncmp(line, "error ", 6) == 0 ||
		    strncmp(line, "corrupt ", 8) == 0)
			fprintf(stderr, "tree-target: %s\n", line);
		return;
	}
	if (strcmp(word, "ready") == 0) {
		D.pid[i] = (pid_t)pid;
		D.ready[i] = true;
	} else if (strcmp(word, "exit") == 0)
		D.exited[i] = true;
	else if (strcmp(word, "reaped") == 0)
		D.reaped[i] = true;
	else if (strcmp(word, "final") == 0)
		D.final[i] = true;
}

/* Read what the tree printed; its lines into tree_line(). */
static void
tree_read(void)
{
	char	 buf[4096];
	ssize_t	 n, i;

	while (D.tree_fd != -1) {
		n = read(D.tree_fd, buf, sizeof buf);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return;
		if (n == 0) {
			close(D.tree_fd);
			D.tree_fd = -1;
			return;
		}
		for (i = 0; i < n; i++) {
			if (buf[i] != '\n') {
				if (D.tlen < sizeof D.tline - 1)
					D.tline[D.tlen++] = buf[i];
				continue;
			}
			D.tline[D.tlen] = '\0';
			tree_line(D.tline);
			D.tlen = 0;
		}
	}
}

/* Reap the driver's children: sdtop, the root and the orphans. */
static void
reap(void)
{
	pid_t	 p;
	int	 st, i;

	while ((p = waitpid(-1, &st, WNOHANG)) > 0) {
		if (p == D.sdtop) {
			D.sdtop_status = st;
			D.sdtop_done = true;
			continue;
		}
		for (i = 0; i < TREE_NODES; i++) {
			if (D.pid[i] != p)
				continue;
			D.reaped[i] = true;
			fprintf(D.truth, "status %s %ld %d\n",
			    tree_nodes[i].name, (long)p, st);
		}
	}
}

/* Whether the process has exited: a zombie, or gone. */
static bool
proc_dead(pid_t pid)
{
	char	 path[64], buf[512], *p;
	ssize_t	 n;
	int	 fd;

	snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
	if ((fd = open(path, O_RDONLY)) == -1)
		return (true);
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return (true);
	buf[n] = '\0';
	if ((p = strrchr(buf, ')')) == NULL || p[1] == '\0')
		return (false);
	return (p[2] == 'Z' || p[2] == 'X');
}

/* The parent of pid now, or 0. */
static pid_t
proc_ppid(pid_t pid)
{
	char	 path[64], buf[512], *p, state;
	long	 ppid;
	ssize_t	 n;
	int	 fd;

	snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
	if ((fd = open(path, O_RDONLY)) == -1)
		return (0);
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return (0);
	buf[n] = '\0';
	if ((p = strrchr(buf, ')')) == NULL ||
	    sscanf(p + 1, " %c %ld", &state, &ppid) != 2)
		return (0);
	return ((pid_t)ppid);
}

static void	sd_read(void);

/*
 * Wait up to ms for what there is to read (sdtop's lines too when
 * with_sdtop), and read it.
 */
static void
pump(bool with_sdtop, int ms)
{
	struct pollfd	 pfd[2];
	nfds_t		 n = 0;

	if (D.tree_fd != -1) {
		pfd[n].fd = D.tree_fd;
		pfd[n++].events = POLLIN;
	}
	if (with_sdtop && D.sd_fd != -1) {
		pfd[n].fd = D.sd_fd;
		pfd[n++].events = POLLIN;
	}
	if (n == 0 || poll(pfd, n, ms) == -1) {
		struct timespec	 ts = { 0, 1000000L * ms };

		nanosleep(&ts, NULL);
	}
	tree_read();
	reap();
	if (with_sdtop)
		sd_read();
}

/* Node i and the nodes it forks as it starts are ready. */
static bool
ready_with_kids(int i)
{
	int	 k;

	if (!D.ready[i])
		return (false);
	for (k = 0; k < TREE_NODES; k++)
		if (tree_nodes[k].parent == i && tree_nodes[k].hold == 0 &&
		    !ready_with_kids(k))
			return (false);
	return (true);
}

/* Wait (the tree only: sdtop stays held) until cond(i), or give up. */
static void
wait_tree(bool (*cond)(int), int i, const char *what)
{
	long	 end = mono_ms() + WAIT_MS;

	while (!cond(i)) {
		if (mono_ms() > end)
			fatal("%s %s: not within %d ms", what,
			    tree_nodes[i].name, WAIT_MS);
		pump(false, 5);
	}
}

/* Node i said it exited and has: a zombie, or gone. */
static bool
exit_done(int i)
{
	return (D.exited[i] && proc_dead(D.pid[i]));
}

/* Node i was reaped by its parent. */
static bool
reap_done(int i)
{
	return (D.reaped[i]);
}

/* Note each live process's parent that changed, from cycle k+1 on. */
static void
ppid_note(int k)
{
	pid_t	 p;
	int	 i;

	for (i = 0; i < TREE_NODES; i++) {
		if (!D.ready[i] || D.exited[i] ||
		    (p = proc_ppid(D.pid[i])) == 0 || p == D.ppid[i])
			continue;
		D.ppid[i] = p;
		fprintf(D.truth, "ppid %d %s %ld\n", k, tree_nodes[i].name,
		    (long)p);
	}
}

/* Node i (and those it forked as it started) forked in hold k. */
static void
fork_note(int k, int i)
{
	int	 c;

	fprintf(D.truth, "event %d fork %s %ld\n", k, tree_nodes[i].name,
	    (long)D.pid[i]);
	for (c = 0; c < TREE_NODES; c++)
		if (tree_nodes[c].parent == i && tree_nodes[c].hold == 0)
			fork_note(k, c);
}

/* The events of the hold after cycle k, sdtop held. */
static void
hold(int k)
{
	const struct tree_event	*e;
	const char		*kind;
	int			 j, i, parent;

	for (j = 0; j < tree_nevents; j++) {
		e = &tree_events[j];
		if (e->hold != k)
			continue;
		i = e->node;
		parent = tree_nodes[i].parent;
		if (e->kind == EV_FORK) {
			kill(D.pid[parent], SIGUSR1);
			wait_tree(ready_with_kids, i, "fork of");
			fork_note(k, i);
			continue;
		} else if (e->kind == EV_EXIT) {
			kind = "exit";
			kill(D.pid[i], SIGTERM);
			wait_tree(exit_done, i, "exit of");
		} else {
			kind = "reap";
			kill(D.pid[parent], SIGHUP);
			wait_tree(reap_done, i, "reaping of");
		}
		fprintf(D.truth, "event %d %s %s %ld\n", k, kind,
		    tree_nodes[i].name, (long)D.pid[i]);
	}
	ppid_note(k);
	D.done_holds = k;
}

/* Whether hold k has events not done yet. */
static bool
hold_due(int k)
{
	int	 j;

	if (k <= D.done_holds)
		return (false);
	for (j = 0; j < tree_nevents; j++)
		if (tree_events[j].hold == k)
			return (true);
	return (false);
}

/*
 * The start of a line of sdtop's: once its cycle number is in, hold
 * there if that cycle's hold is due.
 */
static void
sd_line_start(void)
{
	const char	*p;
	char		 head[65], *end;
	long		 k;

	D.seen = true;
	memcpy(head, D.sline, D.slen < 64 ? D.slen : 64);
	head[D.slen < 64 ? D.slen : 64] = '\0';
	if ((p = strstr(head, "\"cycle\":")) == NULL)
		return;
	k = strtol(p + 8, &end, 10);
	if (*end != ',' || k < 1 || k > 1000000 || !hold_due((int)k))
		return;
	D.held = (int)k;
	D.held_x = (int)D.slen;
	hold((int)k);
}

/* A whole line of sdtop's: to stdout, and the proof of its hold. */
static void
sd_line_end(void)
{
	fwrite(D.sline, 1, D.slen, stdout);
	fflush(stdout);
	if (D.held > 0)
		fprintf(D.truth, "hold %d %d %zu %d\n", D.held, D.held_x,
		    D.slen, D.pipe_size);
	D.slen = 0;
	D.seen = false;
	D.held = 0;
}

/*
 * Read what sdtop wrote, a byte at a time into its line: a line whose
 * cycle is to be held is held as soon as its first 64 bytes are in.
 */
static void
sd_read(void)
{
	char	 buf[4096];
	ssize_t	 n, i;

	while (D.sd_fd != -1) {
		n = read(D.sd_fd, buf, sizeof buf);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return;
		if (n == 0) {
			close(D.sd_fd);
			D.sd_fd = -1;
			return;
		}
		for (i = 0; i < n; i++) {
			if (D.slen + 2 > D.scap) {
				D.scap = D.scap * 2 + 65536;
				if ((D.sline = realloc(D.sline, D.scap)) ==
				    NULL)
					fatal("out of memory");
			}
			D.sline[D.slen++] = buf[i];
			if (buf[i] == '\n')
				sd_line_end();
			else if (!D.seen && D.slen == 64)
				sd_line_start();
		}
	}
}

/* Start the root of the tree and wait for the processes of the start. */
static void
tree_start(void)
{
	int	 tp[2], i, up;

	if (pipe2(tp, O_CLOEXEC) == -1)
		fatal("pipe: %s", strerror(errno));
	if ((D.pid[0] = fork()) == -1)
		fatal("fork: %s", strerror(errno));
	if (D.pid[0] == 0) {
		close(tp[0]);
		tree_node_run(0, tp[1], true, D.self);
	}
	close(tp[1]);
	D.tree_fd = tp[0];
	fcntl(D.tree_fd, F_SETFL, O_NONBLOCK);
	for (i = 0; i < TREE_NODES; i++) {
		/* The processes of the start: no hold on the way up. */
		for (up = i; up != -1 && tree_nodes[up].hold == 0;
		    up = tree_nodes[up].parent)
			;
		if (up == -1)
			wait_tree(ready_with_kids, i, "start of");
	}
	ppid_note(0);
}

/* Run sdtop with its stdout on a pipe of one page; -T ROOT at the end. */
static void
sdtop_start(int argc, char **argv)
{
	char	**av, root[32];
	int	  sp[2], i;

	if (pipe2(sp, O_CLOEXEC) == -1)
		fatal("pipe: %s", strerror(errno));
	fcntl(sp[0], F_SETPIPE_SZ, (int)sysconf(_SC_PAGESIZE));
	if ((D.pipe_size = fcntl(sp[0], F_GETPIPE_SZ)) == -1)
		fatal("F_GETPIPE_SZ: %s", strerror(errno));
	if ((av = calloc((size_t)argc + 3, sizeof *av)) == NULL)
		fatal("out of memory");
	for (i = 0; i < argc; i++)
		av[i] = argv[i];
	snprintf(root, sizeof root, "%ld", (long)D.pid[0]);
	av[argc] = "-T";
	av[argc + 1] = root;
	if ((D.sdtop = fork()) == -1)
		fatal("fork: %s", strerror(errno));
	if (D.sdtop == 0) {
		dup2(sp[1], STDOUT_FILENO);
		execv(av[0], av);
		fprintf(stderr, "tree-target: %s: %s\n", av[0],
		    strerror(errno));
		_exit(127);
	}
	free(av);
	close(sp[1]);
	D.sd_fd = sp[0];
	fcntl(D.sd_fd, F_SETFL, O_NONBLOCK);
}

/* Whether the driver has children left, exited or not. */
static bool
has_children(void)
{
	siginfo_t	 si;

	memset(&si, 0, sizeof si);
	return (waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT) == 0);
}

/* Tell every process left to finish, and wait until all have. */
static void
tree_finish(void)
{
	long	 end = mono_ms() + WAIT_MS;
	int	 i;

	for (i = 0; i < TREE_NODES; i++)
		if (D.ready[i] && !D.exited[i])
			kill(D.pid[i], SIGUSR2);
	/* The pipe ends when the last process of the tree has exited. */
	while (D.tree_fd != -1 && mono_ms() < end)
		pump(false, 20);
	while (has_children() && mono_ms() < end)
		pump(false, 20);
	if (D.tree_fd != -1)
		fatal("the tree did not finish within %d ms", WAIT_MS);
}

int
tree_drive(int argc, char **argv)
{
	const char	*truth = NULL;
	long		 end;
	int		 i;

	for (i = 1; i < argc - 1 && argv[i][0] == '-'; i += 2) {
		if (strcmp(argv[i], "--truth") == 0)
			truth = argv[i + 1];
		else if (strcmp(argv[i], "--pad") == 0)
			tree_pad = atoi(argv[i + 1]);
		else
			break;
	}
	if (truth == NULL || i >= argc) {
		fprintf(stderr, "usage: tree-target --drive --truth FILE "
		    "[--pad N] SDTOP [ARGS...]\n");
		return (2);
	}
	D.tree_fd = D.sd_fd = -1;
	D.self = getpid();
	if ((D.truth = fopen(truth, "w")) == NULL)
		fatal("%s: %s", truth, strerror(errno));
	setvbuf(D.truth, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == -1)
		fatal("PR_SET_CHILD_SUBREAPER: %s", strerror(errno));
	fprintf(D.truth, "driver %ld\npagesize %ld\n", (long)D.self,
	    sysconf(_SC_PAGESIZE));
	tree_start();
	sdtop_start(argc - i, argv + i);
	end = mono_ms() + RUN_MS;
	while ((D.sd_fd != -1 || !D.sdtop_done) && mono_ms() < end)
		pump(true, 20);
	if (D.sd_fd != -1 || !D.sdtop_done)
		fatal("sdtop did not end within %d ms", RUN_MS);
	if (D.slen > 0)
		fprintf(D.truth, "error driver sdtop's output ends in the "
		    "middle of a line\n");
	for (i = 0; i < tree_nevents; i++)
		if (tree_events[i].hold > D.done_holds)
			fprintf(D.truth, "error driver the hold after cycle %d "
			    "never came\n", tree_events[i].hold);
	fprintf(D.truth, "sdtop %d\n", D.sdtop_status);
	tree_finish();
	fclose(D.truth);
	return (0);
}
