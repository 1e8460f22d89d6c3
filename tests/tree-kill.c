/*
 * tree-kill.c - kill sdtop while it injects into a process of a set:
 * tree-target --kill-traced [--first SIG] SIG SDTOP_PID PID...
 *
 * Prints "watching", sends --first SIG (if given) to SDTOP_PID, then
 * watches the PIDs (reading their TracerPid as fast as it can) and sends
 * SIG to SDTOP_PID as soon as one of them has a tracer: sdtop's injector
 * is inside it.
 * Prints "inside PID" and exits 0 when it did; "missed" and exits 3
 * when it did not: SDTOP_PID exited first, or each PID's userfaultfds
 * changed without a tracer seen (sdtop got through its injections into
 * them), or 10 s passed. 2 on a usage error.
 * Signals by number or name (KILL, TERM, INT).
 */
#define _GNU_SOURCE

#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <fcntl.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tree-target.h"

#define GIVE_UP_S	10
#define MAX_PIDS	64
#define SIG_LEN		256

/* A signal by name or number, or -1. */
static int
sig_parse(const char *s)
{
	static const struct {
		const char	*name;
		int		 sig;
	} names[] = { { "KILL", SIGKILL }, { "TERM", SIGTERM },
	    { "INT", SIGINT } };
	size_t	 i;
	char	*end;
	long	 n;

	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcmp(s, names[i].name) == 0)
			return (names[i].sig);
	n = strtol(s, &end, 10);
	return (*end == '\0' && n > 0 && n < 65 ? (int)n : -1);
}

/* The value of a "Key:" line of /proc/PID/status, or -1. */
static long
status_field(pid_t pid, const char *key, char *state)
{
	char	 path[64], buf[4096], *p;
	ssize_t	 n;
	int	 fd;

	snprintf(path, sizeof path, "/proc/%ld/status", (long)pid);
	if ((fd = open(path, O_RDONLY)) == -1)
		return (-1);
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return (-1);
	buf[n] = '\0';
	if (state != NULL && (p = strstr(buf, "\nState:")) != NULL)
		*state = p[strspn(p + 7, " \t") + 7];
	if ((p = strstr(buf, key)) == NULL)
		return (-1);
	return (strtol(p + strlen(key), NULL, 10));
}

/* The userfaultfds of pid, as "fd:inode " words, into sig. */
static void
uffd_sig(pid_t pid, char *sig, size_t size)
{
	char		 path[320], link[64];
	struct dirent	*d;
	struct stat	 st;
	size_t		 len = 0;
	ssize_t		 n;
	DIR		*dir;

	sig[0] = '\0';
	snprintf(path, sizeof path, "/proc/%ld/fd", (long)pid);
	if ((dir = opendir(path)) == NULL)
		return;
	while ((d = readdir(dir)) != NULL) {
		snprintf(path, sizeof path, "/proc/%ld/fd/%s", (long)pid,
		    d->d_name);
		if ((n = readlink(path, link, sizeof link - 1)) <= 0)
			continue;
		link[n] = '\0';
		if (strcmp(link, "anon_inode:[userfaultfd]") != 0 ||
		    stat(path, &st) == -1 || len >= size)
			continue;
		len += (size_t)snprintf(sig + len, size - len, "%s:%lu ",
		    d->d_name, (unsigned long)st.st_ino);
	}
	closedir(dir);
}

/* Whether the userfaultfds of every PID changed since sigs were taken. */
static bool
all_changed(char **pids, int n, char sigs[][SIG_LEN])
{
	char	 now[SIG_LEN];
	int	 j;

	for (j = 0; j < n; j++) {
		uffd_sig((pid_t)atol(pids[j]), now, sizeof now);
		if (strcmp(now, sigs[j]) == 0)
			return (false);
	}
	return (true);
}

int
tree_kill(int argc, char **argv)
{
	static char	 sigs[MAX_PIDS][SIG_LEN];
	pid_t		 sdtop, pid;
	time_t		 end = time(NULL) + GIVE_UP_S;
	unsigned long	 loops = 0;
	char		 state;
	int		 sig, first = 0, i = 1, j;

	if (argc > 2 && strcmp(argv[1], "--first") == 0) {
		first = sig_parse(argv[2]);
		i = 3;
	}
	if (argc - i < 3 || first == -1 || (sig = sig_parse(argv[i])) == -1 ||
	    (sdtop = (pid_t)atol(argv[i + 1])) <= 0) {
		fprintf(stderr, "usage: tree-target --kill-traced [--first "
		    "SIG] SIG SDTOP_PID PID...\n");
		return (2);
	}
	i += 2;
	if (argc - i > MAX_PIDS)
		argc = i + MAX_PIDS;
	for (j = i; j < argc; j++)
		uffd_sig((pid_t)atol(argv[j]), sigs[j - i], SIG_LEN);
	printf("watching\n");
	fflush(stdout);
	if (first > 0)
		kill(sdtop, first);
	while (time(NULL) < end) {
		state = '?';
		if (status_field(sdtop, "\nTgid:", &state) == -1 ||
		    state == 'Z' || (++loops % 256 == 0 &&
		    all_changed(argv + i, argc - i, sigs)))
			break;
		for (j = i; j < argc; j++) {
			pid = (pid_t)atol(argv[j]);
			if (status_field(pid, "\nTracerPid:", NULL) > 0) {
				kill(sdtop, sig);
				printf("inside %ld\n", (long)pid);
				return (0);
			}
		}
	}
	printf("missed\n");
	return (3);
}
