/*
 * sigflood.c - a target that counts the signals it is sent, for checking
 * that an injection never loses, duplicates or strips a signal.
 *
 * Usage: sigflood N
 *
 * It forks: the child is the target, the parent sends it N real-time
 * signals (SIGRTMIN) with sigqueue(), carrying the values 1..N in order,
 * with a pause of 20 us after each (a few seconds for 100,000). The target prints "ready PID" first;
 * it checks each signal as it arrives: sent with sigqueue (si_code
 * SI_QUEUE) by the sender, carrying the next value. When all N have come
 * (or 60 s have passed) it prints
 *     got G badcode B badpid P outoforder O missing M
 * and exits 0 when G is N and the others are 0, else 1.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t	got, badcode, badpid, outoforder;
static volatile int		last;
static pid_t			sender;

/* Check one signal: its origin and its value. */
static void
on_rt(int sig, siginfo_t *si, void *uc)
{
	if (si->si_code != SI_QUEUE)
		badcode++;
	else if (si->si_pid != sender)
		badpid++;
	else if (si->si_value.sival_int != last + 1)
		outoforder++;
	if (si->si_code == SI_QUEUE)
		last = si->si_value.sival_int;
	got++;
}

int
main(int argc, char **argv)
{
	struct sigaction	 sa;
	struct timespec		 pause_ts = { 0, 1000000 }, gap = { 0, 20000 };
	union sigval		 v;
	sigset_t		 set;
	pid_t			 target;
	time_t			 end;
	long			 n, i;
	int			 status;

	if (argc != 2 || (n = strtol(argv[1], NULL, 10)) <= 0) {
		fprintf(stderr, "usage: sigflood N\n");
		return (2);
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	sender = getpid();
	/* Blocked until the handler is in place, in the child too. */
	sigemptyset(&set);
	sigaddset(&set, SIGRTMIN);
	sigprocmask(SIG_BLOCK, &set, NULL);
	if ((target = fork()) == -1)
		return (2);
	if (target == 0) {
		memset(&sa, 0, sizeof sa);
		sa.sa_sigaction = on_rt;
		sa.sa_flags = SA_SIGINFO | SA_RESTART;
		sigemptyset(&sa.sa_mask);
		sigaction(SIGRTMIN, &sa, NULL);
		sigprocmask(SIG_UNBLOCK, &set, NULL);
		printf("ready %ld\n", (long)getpid());
		end = time(NULL) + 60;
		while (got < n && time(NULL) < end)
			nanosleep(&pause_ts, NULL);
		printf("got %ld badcode %ld badpid %ld outoforder %ld "
		    "missing %ld\n", (long)got, (long)badcode, (long)badpid,
		    (long)outoforder, n - (long)got);
		return (got == n && badcode == 0 && badpid == 0 &&
		    outoforder == 0 ? 0 : 1);
	}
	for (i = 1; i <= n; i++) {
		v.sival_int = (int)i;
		while (sigqueue(target, SIGRTMIN, v) == -1) {
			if (errno != EAGAIN)
				return (2);
			nanosleep(&pause_ts, NULL);
		}
		nanosleep(&gap, NULL);
	}
	if (waitpid(target, &status, 0) != target)
		return (2);
	return (WIFEXITED(status) ? WEXITSTATUS(status) : 1);
}
