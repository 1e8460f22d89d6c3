/*
 * test-inject.c - system calls injected into real child processes.
 *
 * Each child reports over a pipe what it saw (a checksum of its work, how
 * its sleep ended, how many signals it got), and the tests compare that with
 * what an untouched process computes, so an injection that corrupts a
 * register, loses a signal or breaks a restarted sleep fails here.
 */
#include "config.h"

#include <sys/syscall.h>
#include <sys/wait.h>

#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "inject.h"
#include "proc.h"

/* What a child writes back when it is done. */
struct report {
	uint64_t	checksum;
	long		sleep_ret;	/* 0, or errno of the sleep */
	double		slept;		/* seconds */
	long		signals;
	long		extra;
};

static volatile sig_atomic_t	got_signals;

static void
on_usr1(int sig)
{
	got_signals++;
}

static double
mono(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (ts.tv_sec + ts.tv_nsec / 1e9);
}

/* A fixed amount of register-heavy work whose result is known. */
static uint64_t
work(uint64_t seed, unsigned long n)
{
	uint64_t	x = seed, acc = 0;
	unsigned long	i;

	for (i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		acc += x * (i | 1);
	}
	return (acc);
}

#define WORK_N		60000000UL
#define SLEEP_S		0.4

struct child {
	pid_t	pid;
	int	rd;		/* reports from the child */
	int	wr;		/* a pipe the child may read */
};

/* Start fn(report pipe, input pipe) in a child; wait for its "started" byte. */
static void
child_start(struct child *c, void (*fn)(int, int))
{
	int	up[2], down[2];
	char	b;

	assert_int_equal(pipe(up), 0);
	assert_int_equal(pipe(down), 0);
	c->pid = fork();
	assert_true(c->pid != -1);
	if (c->pid == 0) {
		close(up[0]);
		close(down[1]);
		fn(up[1], down[0]);
		_exit(0);
	}
	close(up[1]);
	close(down[0]);
	c->rd = up[0];
	c->wr = down[1];
	assert_int_equal(read(c->rd, &b, 1), 1);
}

/* Read the child's report and reap it; it must exit 0. */
static void
child_finish(struct child *c, struct report *r)
{
	int	status;

	assert_int_equal(read(c->rd, r, sizeof *r), (ssize_t)sizeof *r);
	assert_int_equal(waitpid(c->pid, &status, 0), c->pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	close(c->rd);
	close(c->wr);
}

static void
pause_ms(long ms)
{
	struct timespec	ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/* Run nr with no arguments in pid and return its result. */
static long
inject_one(pid_t pid, long nr)
{
	struct inject_call	c = { .nr = nr };
	struct proc_target	t;
	char			*cause = NULL;

	if (proc_open(&t, "/proc", pid, &cause) == -1 ||
	    inject_calls(&t, &c, 1, &cause) == -1) {
		fprintf(stderr, "%s\n", cause);
		free(cause);
		fail();
	}
	proc_close(&t);
	return (c.ret);
}

static void
child_sleeper(int up, int down)
{
	struct report	r = { 0 };
	struct timespec	ts = { 0, (long)(SLEEP_S * 1e9) };
	double		t0;

	signal(SIGUSR1, on_usr1);
	write(up, "s", 1);
	t0 = mono();
	r.sleep_ret = nanosleep(&ts, NULL) == 0 ? 0 : errno;
	r.slept = mono() - t0;
	r.checksum = work(7, 1000);
	r.signals = got_signals;
	write(up, &r, sizeof r);
}

static void
inject__sleeping_child__getpid_and_sleep_restarts(void **state)
{
	struct child	c;
	struct report	r;

	child_start(&c, child_sleeper);
	pause_ms(50);		/* let it enter nanosleep */
	assert_int_equal(inject_one(c.pid, SYS_getpid), c.pid);
	assert_int_equal(inject_one(c.pid, SYS_getppid), getpid());
	child_finish(&c, &r);
	assert_int_equal(r.sleep_ret, 0);
	assert_true(r.slept >= SLEEP_S);
	assert_true(r.checksum == work(7, 1000));
}

static void
child_reader(int up, int down)
{
	struct report	r = { 0 };
	char		buf[8];
	ssize_t		n;

	write(up, "s", 1);
	n = read(down, buf, sizeof buf);
	r.sleep_ret = n == -1 ? errno : 0;
	r.extra = n;
	r.checksum = n > 0 ? (uint64_t)buf[0] : 0;
	write(up, &r, sizeof r);
}

static void
inject__child_blocked_in_read__read_restarts_and_gets_data(void **state)
{
	struct child	c;
	struct report	r;

	child_start(&c, child_reader);
	pause_ms(50);
	assert_int_equal(inject_one(c.pid, SYS_getpid), c.pid);
	assert_int_equal(write(c.wr, "Q", 1), 1);
	child_finish(&c, &r);
	assert_int_equal(r.sleep_ret, 0);
	assert_int_equal(r.extra, 1);
	assert_int_equal(r.checksum, 'Q');
}

static void
child_spinner(int up, int down)
{
	struct report	r = { 0 };

	write(up, "s", 1);
	r.checksum = work(42, WORK_N);
	write(up, &r, sizeof r);
}

static void
inject__spinning_child__result_and_work_intact(void **state)
{
	struct child	c;
	struct report	r;
	int		i;

	child_start(&c, child_spinner);
	for (i = 0; i < 5; i++) {
		pause_ms(10);
		assert_int_equal(inject_one(c.pid, SYS_getpid), c.pid);
	}
	child_finish(&c, &r);
	assert_true(r.checksum == work(42, WORK_N));
}

static void *
thread_work(void *arg)
{
	uint64_t	*out = arg;

	*out = work(*out, WORK_N / 4);
	return (NULL);
}

static void
child_threads(int up, int down)
{
	struct report	r = { 0 };
	pthread_t	th[3];
	uint64_t	res[3] = { 1, 2, 3 };
	struct timespec	ts = { 0, 200000000L };
	int		i;

	for (i = 0; i < 3; i++)
		pthread_create(&th[i], NULL, thread_work, &res[i]);
	write(up, "s", 1);
	r.sleep_ret = nanosleep(&ts, NULL) == 0 ? 0 : errno;
	for (i = 0; i < 3; i++) {
		pthread_join(th[i], NULL);
		r.checksum += res[i];
	}
	r.extra = syscall(SYS_gettid);
	write(up, &r, sizeof r);
}

static void
inject__threaded_child__runs_in_leader_and_threads_intact(void **state)
{
	struct child	c;
	struct report	r;
	int		i;

	child_start(&c, child_threads);
	for (i = 0; i < 4; i++) {
		pause_ms(20);
		assert_int_equal(inject_one(c.pid, SYS_getpid), c.pid);
		assert_int_equal(inject_one(c.pid, SYS_gettid), c.pid);
	}
	child_finish(&c, &r);
	assert_int_equal(r.sleep_ret, 0);
	assert_int_equal(r.extra, c.pid);
	assert_true(r.checksum == work(1, WORK_N / 4) + work(2, WORK_N / 4) +
	    work(3, WORK_N / 4));
}

static void
inject__signal_sent_while_attached__delivered_once(void **state)
{
	struct child	 c;
	struct report	 r;
	struct inject	*in;
	struct proc_target t;
	long		 args[6] = { 0 }, ret = 0;
	char		*cause = NULL;

	child_start(&c, child_sleeper);
	pause_ms(50);
	assert_int_equal(proc_open(&t, "/proc", c.pid, &cause), 0);
	in = inject_attach(&t, &cause);
	assert_non_null(in);
	assert_int_equal(kill(c.pid, SIGUSR1), 0);
	assert_int_equal(inject_syscall(in, SYS_getpid, args, &ret, &cause),
	    0);
	assert_int_equal(ret, c.pid);
	assert_int_equal(inject_detach(in), 0);
	proc_close(&t);
	child_finish(&c, &r);
	assert_int_equal(r.signals, 1);
	/* A signal with a handler interrupts nanosleep: EINTR is right here. */
	assert_int_equal(r.sleep_ret, EINTR);
}

#define NSIG_SENT	20

static void
child_counter(int up, int down)
{
	struct report	r = { 0 };
	double		t0 = mono();

	signal(SIGRTMIN, on_usr1);
	write(up, "s", 1);
	/* Real-time signals queue and never merge: all must arrive. */
	while (got_signals < NSIG_SENT && mono() - t0 < 10)
		r.checksum += work(r.checksum, 1000);
	r.signals = got_signals;
	/* Stay until told, so that the last injection finds it alive. */
	while (read(down, &r.extra, 1) == -1 && errno == EINTR)
		;
	write(up, &r, sizeof r);
}

static void
inject__signals_racing_injections__each_delivered_once(void **state)
{
	struct child	c;
	struct report	r;
	int		i;

	child_start(&c, child_counter);
	for (i = 0; i < NSIG_SENT; i++) {
		assert_int_equal(kill(c.pid, SIGRTMIN), 0);
		assert_int_equal(inject_one(c.pid, SYS_getpid), c.pid);
	}
	assert_int_equal(write(c.wr, "x", 1), 1);
	child_finish(&c, &r);
	assert_int_equal(r.signals, NSIG_SENT);
}

/* The state letter of /proc/PID/stat. */
static char
proc_state(pid_t pid)
{
	char	 path[64], buf[512], *p;
	FILE	*f;

	snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
	if ((f = fopen(path, "r")) == NULL)
		return ('?');
	if (fgets(buf, sizeof buf, f) == NULL)
		buf[0] = '\0';
	fclose(f);
	if ((p = strrchr(buf, ')')) == NULL || p[1] == '\0')
		return ('?');
	return (p[2]);
}

static void
inject__stopped_child__stays_stopped_then_continues(void **state)
{
	struct child	c;
	struct report	r;
	int		status;

	child_start(&c, child_spinner);
	assert_int_equal(kill(c.pid, SIGSTOP), 0);
	assert_int_equal(waitpid(c.pid, &status, WUNTRACED), c.pid);
	assert_true(WIFSTOPPED(status));
	assert_int_equal(inject_one(c.pid, SYS_getpid), c.pid);
	pause_ms(50);
	assert_int_equal(proc_state(c.pid), 'T');
	assert_int_equal(kill(c.pid, SIGCONT), 0);
	child_finish(&c, &r);
	assert_true(r.checksum == work(42, WORK_N));
}

static void
inject__child_killed_while_attached__esrch_no_hang(void **state)
{
	struct child	 c;
	struct inject	*in;
	struct proc_target t;
	long		 args[6] = { 0 }, ret = 0;
	char		*cause = NULL;
	int		 status;

	child_start(&c, child_spinner);
	assert_int_equal(proc_open(&t, "/proc", c.pid, &cause), 0);
	in = inject_attach(&t, &cause);
	assert_non_null(in);
	assert_int_equal(kill(c.pid, SIGKILL), 0);
	pause_ms(20);
	assert_int_equal(inject_syscall(in, SYS_getpid, args, &ret, &cause),
	    -1);
	assert_int_equal(errno, ESRCH);
	free(cause);
	inject_detach(in);
	proc_close(&t);
	assert_int_equal(waitpid(c.pid, &status, 0), c.pid);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGKILL);
	close(c.rd);
	close(c.wr);
}

static void
inject__no_such_process__esrch_with_cause(void **state)
{
	struct inject_call	 call = { .nr = SYS_getpid };
	struct proc_target	 t;
	char			*cause = NULL;
	pid_t			 pid;
	int			 status;

	/* Opened while it lived, reaped before the injection. */
	if ((pid = fork()) == 0) {
		pause();
		_exit(0);
	}
	assert_int_equal(proc_open(&t, "/proc", pid, &cause), 0);
	kill(pid, SIGKILL);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(inject_calls(&t, &call, 1, &cause), -1);
	assert_int_equal(errno, ESRCH);
	assert_non_null(cause);
	free(cause);
	proc_close(&t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(inject__sleeping_child__getpid_and_sleep_restarts),
		cmocka_unit_test(inject__child_blocked_in_read__read_restarts_and_gets_data),
		cmocka_unit_test(inject__spinning_child__result_and_work_intact),
		cmocka_unit_test(inject__threaded_child__runs_in_leader_and_threads_intact),
		cmocka_unit_test(inject__signal_sent_while_attached__delivered_once),
		cmocka_unit_test(inject__signals_racing_injections__each_delivered_once),
		cmocka_unit_test(inject__stopped_child__stays_stopped_then_continues),
		cmocka_unit_test(inject__child_killed_while_attached__esrch_no_hang),
		cmocka_unit_test(inject__no_such_process__esrch_with_cause),
	};

#if !defined(__x86_64__)
	printf("system call injection is only built for x86_64\n");
	return (77);
#endif
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
