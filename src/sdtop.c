/*
 * sdtop.c - the command line: parse options, start or find the target,
 * run the screen or the batch loop, and turn every failure into one line
 * on stderr and an exit status.
 *
 * Exit status: 0 done, 1 runtime error, 2 usage error, 3 --until-converged
 * ran out of cycles first.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "injector.h"
#include "proc-maps.h"
#include "out-json.h"
#include "out-text.h"
#include "precopy.h"
#include "probe.h"
#include "proc.h"
#include "render.h"
#include "replay.h"
#include "session.h"
#include "snapshot.h"
#include "str-escape.h"
#include "track.h"
#include "track-softdirty.h"
#include "view-loop.h"

#define EXIT_RUNTIME		1
#define EXIT_USAGE		2
#define EXIT_NOT_CONVERGED	3

/* The child sdtop started (the demo or "-- CMD"), or 0. */
static pid_t	 child;

/* Ask every waiting loop to end. */
static void
on_signal(int sig)
{
	session_stop = 1;
}

static void
install_signals(void)
{
	struct sigaction	 sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGQUIT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	/* A stuck injector must not keep sdtop from ending. */
	injector_give_up_on(&session_stop);
}

/* Sleep for seconds, returning early when a stop was asked for. */
static void
sleep_interval(double seconds)
{
	double		 end = now_mono() + seconds, left;
	struct timespec	 ts;

	while (!session_stop && (left = end - now_mono()) > 0) {
		if (left > 0.1)
			left = 0.1;
		ts.tv_sec = (time_t)left;
		ts.tv_nsec = (long)((left - (double)ts.tv_sec) * 1e9);
		nanosleep(&ts, NULL);
	}
}

/*
 * Write one JSON line with a single write(2), so that a reader (or a
 * recording cut short by a signal) never sees half an object.
 */
static int
write_json(FILE *f, const struct snapshot *s)
{
	char	*buf = NULL;
	size_t	 len = 0, off = 0;
	ssize_t	 r;
	FILE	*m;

	if ((m = open_memstream(&buf, &len)) == NULL)
		return (-1);
	if (out_json(m, s) == -1 || fclose(m) != 0) {
		free(buf);
		return (-1);
	}
	fflush(f);
	while (off < len) {
		r = write(fileno(f), buf + off, len - off);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0) {
			free(buf);
			return (-1);
		}
		off += (size_t)r;
	}
	free(buf);
	return (0);
}

/* Print one snapshot in the batch format chosen. */
static int
batch_print(const struct options *o, const struct snapshot *s, FILE *record)
{
	struct text_options	 to = { .width = o->width };

	if (record != NULL && write_json(record, s) == -1)
		return (-1);
	if (o->json)
		return (write_json(stdout, s));
	if (out_text(stdout, s, &to) == -1 || fflush(stdout) == EOF)
		return (-1);
	return (0);
}

/* Reap the child if it has exited; returns whether it has. */
static bool
reap_child(int *status)
{
	pid_t	 r;

	if (child == 0)
		return (false);
	r = waitpid(child, status, WNOHANG);
	if (r == child) {
		child = 0;
		return (true);
	}
	return (false);
}

/* The batch loop: clear, wait, collect, print, until told to stop. */
static int
run_batch(struct session *s, const struct options *o, FILE *record)
{
	struct snapshot	*snap;
	char		*cause = NULL;
	int		 status;

	if (session_clear(s, &cause) == -1 && !proc_gone(errno))
		goto fail;
	free(cause);
	cause = NULL;
	for (;;) {
		sleep_interval(s->interval);
		if (session_stop)
			return (0);
		if (session_collect(s, &snap, &cause) == -1)
			goto fail;
		if (batch_print(o, snap, record) == -1) {
			snapshot_free(snap);
			if (errno == EPIPE)
				return (0);
			cause = cause_errno(errno, "cannot write the output");
			goto fail;
		}
		if (snap->exited) {
			snapshot_free(snap);
			reap_child(&status);
			return (0);
		}
		if (o->until_converged && snap->converged) {
			snapshot_free(snap);
			return (0);
		}
		if (o->cycles != 0 && snap->cycle >= o->cycles) {
			snapshot_free(snap);
			return (o->until_converged ? EXIT_NOT_CONVERGED : 0);
		}
		snapshot_free(snap);
		if (session_clear(s, &cause) == -1) {
			if (!proc_gone(errno))
				goto fail;
			/* Gone: the next collect reports it. */
			free(cause);
			cause = NULL;
		}
	}

fail:
	fprintf(stderr, "sdtop: %s\n", cause != NULL ? cause : "error");
	free(cause);
	return (EXIT_RUNTIME);
}

/* Print one run of soft-dirty pages for --list. */
static int
list_run(const struct vma *v, uint64_t start, uint64_t end, void *arg)
{
	printf("0x%016" PRIx64 "-0x%016" PRIx64 " %6" PRIu64 " pages  %s ",
	    start, end, (end - start) >> page_shift(), v->perms);
	str_escape_put(stdout, v->name);
	putchar('\n');
	return (0);
}

/* Course part 1: the pages whose soft-dirty bit is set now, as ranges. */
static int
run_list(const struct options *o)
{
	struct proc_target	 t;
	struct vma_list		 vl = { 0 };
	char			*cause = NULL;
	int			 rc = EXIT_RUNTIME;

	if (proc_open(&t, o->s.proc_root, o->s.pid, &cause) == -1)
		goto out;
	if (maps_read(&t, &vl, &cause) == 0 &&
	    softdirty_list(&t, &vl, list_run, NULL, &cause) == 0)
		rc = 0;
	vma_list_free(&vl);
	proc_close(&t);
out:
	if (rc != 0)
		fprintf(stderr, "sdtop: %s\n", cause != NULL ? cause : "error");
	free(cause);
	return (rc);
}

/* Play a recording: on the screen, or printed in the batch format. */
static int
run_replay(const struct options *o)
{
	struct view_options	 vo = { 0 };
	struct replay		 r;
	struct snapshot		*snap;
	char			*cause = NULL;
	int			 got, rc = 0;

	if (replay_open_window(&r, o->replay, o->s.interval,
	    &cause) == -1) {
		fprintf(stderr, "sdtop: %s\n", cause);
		free(cause);
		return (EXIT_RUNTIME);
	}
	if (!o->batch) {
		vo.max_cycles = o->cycles;
		if (view_replay(&r, &vo, &cause) == -1)
			rc = EXIT_RUNTIME;
	} else {
		while ((got = replay_next(&r, &snap, &cause)) == 1) {
			if (batch_print(o, snap, NULL) == -1)
				got = 0;
			snapshot_free(snap);
			if (got == 0 || session_stop)
				break;
		}
		if (got == -1)
			rc = EXIT_RUNTIME;
	}
	if (rc != 0)
		fprintf(stderr, "sdtop: %s\n", cause != NULL ? cause : "error");
	free(cause);
	replay_close(&r);
	return (rc);
}

/* The path of a program installed beside this one, or its bare name. */
static char *
sibling_program(const char *name)
{
	char	 self[PATH_MAX], *slash, *path;
	ssize_t	 n;

	n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n > 0) {
		self[n] = '\0';
		if ((slash = strrchr(self, '/')) != NULL) {
			*slash = '\0';
			path = cause_fmt("%s/%s", self, name);
			if (path != NULL && access(path, X_OK) == 0)
				return (path);
			free(path);
		}
	}
	return (strdup(name));
}

/*
 * Start argv as a child and return when it has just executed its program:
 * it is traced across exec and left stopped (SIGSTOP) at its first
 * instruction, so tracking starts before it runs. Its output must not
 * land on the screen or in the batch output: with a screen it goes to
 * /dev/null, in batch mode its stdout joins stderr. -1 with *cause.
 */
static int
start_child(char **argv, bool screen, char **cause)
{
	int	 status, go[2], ep[2], err, fd;
	char	 c = 0;

	/* go: the child waits for it; ep: it says why its exec failed. */
	if (pipe2(go, O_CLOEXEC) == -1) {
		*cause = cause_errno(errno, "pipe");
		return (-1);
	}
	if (pipe2(ep, O_CLOEXEC) == -1) {
		*cause = cause_errno(errno, "pipe");
		close(go[0]);
		close(go[1]);
		return (-1);
	}
	if ((child = fork()) == -1) {
		child = 0;
		*cause = cause_errno(errno, "cannot fork");
		close(go[0]);
		close(go[1]);
		close(ep[0]);
		close(ep[1]);
		return (-1);
	}
	if (child == 0) {
		close(go[1]);
		close(ep[0]);
		if (screen) {
			if ((fd = open("/dev/null", O_RDWR)) != -1) {
				dup2(fd, STDIN_FILENO);
				dup2(fd, STDOUT_FILENO);
				dup2(fd, STDERR_FILENO);
				if (fd > STDERR_FILENO)
					close(fd);
			}
		} else
			dup2(STDERR_FILENO, STDOUT_FILENO);
		/* It ends with us, even if we are killed or crash. */
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		/* Wait until the parent traces us, then run the command. */
		if (read(go[0], &c, 1) != 1)
			_exit(127);
		execvp(argv[0], argv);
		err = errno;
		if (write(ep[1], &err, sizeof err) != sizeof err)
			_exit(126);
		_exit(127);
	}
	close(go[0]);
	close(ep[1]);
	if (ptrace(PTRACE_SEIZE, child, NULL,
	    (void *)(long)(PTRACE_O_TRACEEXEC | PTRACE_O_EXITKILL)) == -1) {
		/* Not allowed to trace: start it untraced, a little late. */
		close(ep[0]);
		if (write(go[1], &c, 1) != 1) {
			*cause = cause_errno(errno, "cannot start %s", argv[0]);
			close(go[1]);
			return (-1);
		}
		close(go[1]);
		return (0);
	}
	if (write(go[1], &c, 1) != 1) {
		*cause = cause_errno(errno, "cannot start %s", argv[0]);
		close(go[1]);
		close(ep[0]);
		return (-1);
	}
	close(go[1]);
	for (;;) {
		if (waitpid(child, &status, 0) == -1) {
			*cause = cause_errno(errno, "waitpid");
			close(ep[0]);
			return (-1);
		}
		if (WIFEXITED(status) || WIFSIGNALED(status)) {
			child = 0;
			if (read(ep[0], &err, sizeof err) == sizeof err)
				*cause = cause_errno(err, "cannot run %s",
				    argv[0]);
			else
				*cause = cause_fmt("%s exited at once (status "
				    "%d)", argv[0], WIFEXITED(status) ?
				    WEXITSTATUS(status) : 128 +
				    WTERMSIG(status));
			close(ep[0]);
			return (-1);
		}
		if (WIFSTOPPED(status) &&
		    status >> 8 == (SIGTRAP | (PTRACE_EVENT_EXEC << 8))) {
			close(ep[0]);
			break;
		}
		/* Pass any other signal on. */
		ptrace(PTRACE_CONT, child, NULL,
		    (void *)(long)(WIFSTOPPED(status) &&
		    WSTOPSIG(status) != SIGTRAP ? WSTOPSIG(status) : 0));
	}
	/*
	 * Leave it stopped at its first instruction, no longer traced. A
	 * signal given with PTRACE_DETACH is dropped in an exec event stop,
	 * so SIGSTOP is queued first: it is taken on the way back to user
	 * mode, before the program's first instruction.
	 */
	kill(child, SIGSTOP);
	ptrace(PTRACE_DETACH, child, NULL, NULL);
	while (waitpid(child, &status, WUNTRACED) == -1 && errno == EINTR)
		;
	if (WIFEXITED(status) || WIFSIGNALED(status)) {
		child = 0;
		*cause = cause_fmt("%s exited at once", argv[0]);
		return (-1);
	}
	return (0);
}

/* End the child sdtop started, if it still runs, and reap it. */
static void
stop_child(void)
{
	int	 status;

	if (child <= 0)
		return;
	kill(child, SIGTERM);
	kill(child, SIGCONT);
	waitpid(child, &status, 0);
	child = 0;
}

int
main(int argc, char **argv)
{
	struct options		 o;
	struct session		 s;
	struct view_options	 vo = { 0 };
	FILE			*record = NULL;
	char			*cause = NULL, *why = NULL, *demo = NULL;
	char			*left;
	char			*demo_argv[2];
	int			 rc;

	switch (cli_parse(argc, argv, &o, &cause)) {
	case CLI_RUN:
		break;
	case CLI_HELP:
		cli_usage(stdout);
		return (0);
	case CLI_VERSION:
		printf("sdtop %s\n", PACKAGE_VERSION);
		return (0);
	default:
		fprintf(stderr, "sdtop: %s (see sdtop --help)\n",
		    cause != NULL ? cause : "bad command line");
		free(cause);
		return (EXIT_USAGE);
	}
	install_signals();

	if (o.probe)
		return (probe_print(stdout, o.s.pid) == -1 ? EXIT_RUNTIME : 0);
	if (o.list)
		return (run_list(&o));
	if (o.replay != NULL)
		return (run_replay(&o));

	if (o.s.pid == 0) {
		if (o.command == NULL) {
			demo = sibling_program("sdtop-demo");
			demo_argv[0] = demo;
			demo_argv[1] = NULL;
			o.command = demo_argv;
		}
		if (start_child(o.command, !o.batch, &cause) == -1) {
			fprintf(stderr, "sdtop: %s\n", cause);
			free(cause);
			free(demo);
			return (EXIT_RUNTIME);
		}
		o.s.pid = child;
	}
	if (o.record != NULL && (record = fopen(o.record, "w")) == NULL) {
		fprintf(stderr, "sdtop: cannot write %s: %s\n", o.record,
		    strerror(errno));
		stop_child();
		free(demo);
		return (EXIT_RUNTIME);
	}

	if (session_open(&s, &o.s, &why, &cause) == -1) {
		fprintf(stderr, "sdtop: %s\n", cause);
		free(cause);
		stop_child();
		free(demo);
		if (record != NULL)
			fclose(record);
		return (EXIT_RUNTIME);
	}
	if (child != 0)
		kill(child, SIGCONT);

	if (o.batch) {
		if (why != NULL && !o.json && s.auto_method)
			fprintf(stderr, "sdtop: using %s (%s)\n",
			    s.tracker.method->name, why);
		else if (why != NULL && !o.json)
			fprintf(stderr, "sdtop: note: %s\n", why);
		rc = run_batch(&s, &o, record);
	} else {
		vo.record = record;
		vo.why_method = why;
		vo.max_cycles = o.cycles;
		rc = view_live(&s, &vo, &cause) == -1 ? EXIT_RUNTIME : 0;
		if (rc != 0) {
			fprintf(stderr, "sdtop: %s\n",
			    cause != NULL ? cause : "error");
			free(cause);
		}
	}
	if ((left = session_close(&s)) != NULL) {
		fprintf(stderr, "sdtop: %s\n", left);
		free(left);
		if (rc == 0)
			rc = EXIT_RUNTIME;
	}
	stop_child();
	if (record != NULL)
		fclose(record);
	free(why);
	free(demo);
	return (rc);
}
