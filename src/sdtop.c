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
#include <getopt.h>
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

#include "maps.h"
#include "output.h"
#include "precopy.h"
#include "probe.h"
#include "proc.h"
#include "render.h"
#include "replay.h"
#include "session.h"
#include "snapshot.h"
#include "track.h"
#include "track-softdirty.h"
#include "view.h"

#define EXIT_RUNTIME		1
#define EXIT_USAGE		2
#define EXIT_NOT_CONVERGED	3

struct options {
	bool		 batch;
	bool		 json;
	bool		 list;
	bool		 probe;
	bool		 until_converged;
	unsigned long	 cycles;		/* 0: no limit */
	uint64_t	 width;
	const char	*record;
	const char	*replay;
	char	       **command;		/* after "--", or NULL */
	struct session_options s;
};

/* The child sdtop started (the demo or "-- CMD"), or 0. */
static pid_t	 child;

static void
usage(FILE *f)
{
	fprintf(f,
"usage: sdtop [OPTIONS] [PID]\n"
"       sdtop [OPTIONS] -- COMMAND [ARGS...]\n"
"Show, live, which memory pages a process writes. With no PID and no\n"
"command, sdtop starts its demo workload (sdtop-demo) and watches it.\n"
"\n"
"  -b, --batch            no screen: print every cycle to stdout\n"
"      --json             with --batch: one JSON object per cycle (JSON Lines)\n"
"  -i, --interval SECONDS time between clear and scan (default 1; 0.05..3600)\n"
"  -n, --cycles N         stop after N cycles\n"
"      --until-converged  stop at convergence (exit 0); exit 3 if -n ran out\n"
"      --window W         convergence window in cycles (default %d)\n"
"      --tolerance PCT    convergence tolerance in %% of the mean (default %g)\n"
"  -m, --method NAME      auto (default) | soft-dirty | uffd-wp | hash\n"
"  -l, --list             print the pages whose soft-dirty bit is set now,\n"
"                         without clearing, and exit\n"
"  -a, --all              track read-only regions too\n"
"  -w, --width CELLS      text rows: at most CELLS cells, a cell standing for\n"
"                         several pages when needed (default 0: a cell a page)\n"
"      --record FILE      also write every cycle to FILE as JSON Lines\n"
"      --replay FILE      show a recording instead of a live process\n"
"      --bandwidth RATE   model pre-copy migration over a link of RATE\n"
"                         (1Gbit, 100Mbit, 50MB, 2GiB: per second)\n"
"      --probe            print what this kernel and user can do, and exit\n"
"  -h, --help             this help\n"
"  -V, --version          the version\n"
"\n"
"Each cycle clears the tracking, waits the interval, and rescans. A region\n"
"row shows one cell per page: X written during the cycle, . not written.\n"
"Only writable regions are tracked unless -a is given; regions that appeared\n"
"since the last clear are \"new\" and not judged until the next cycle.\n"
"\n"
"Convergence: the run has converged when the dirty counts of the last W\n"
"cycles all lie within +-PCT %% of their mean (all zero counts converge).\n"
"\n"
"Methods: soft-dirty (bit 55 of /proc/PID/pagemap after writing 4 to\n"
"clear_refs; needs CONFIG_MEM_SOFT_DIRTY), uffd-wp (userfaultfd write-protect\n"
"created inside the target with ptrace, read with PAGEMAP_SCAN; Linux 6.7+),\n"
"hash (compares page contents: it sees pages that CHANGED, not a write of\n"
"the same value). auto picks the first that works, in that order.\n"
"\n"
"Exit status: 0 done (also when the process exits), 1 runtime error,\n"
"2 usage error, 3 --until-converged ran out of cycles.\n",
	    HISTORY_WINDOW, HISTORY_TOLERANCE * 100);
}

static void __attribute__((noreturn, format(printf, 1, 2)))
usage_error(const char *fmt, ...)
{
	va_list	 ap;

	fputs("sdtop: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\nTry 'sdtop --help'.\n", stderr);
	exit(EXIT_USAGE);
}

/* Parse a number in [lo, hi] for option name, or exit with a usage error. */
static double
parse_number(const char *name, const char *arg, double lo, double hi)
{
	char	*end;
	double	 v;

	errno = 0;
	v = strtod(arg, &end);
	if (end == arg || *end != '\0' || errno != 0 || v != v)
		usage_error("%s: not a number: '%s'", name, arg);
	if (v < lo || v > hi)
		usage_error("%s: %s is out of range (%g..%g)", name, arg, lo, hi);
	return (v);
}

/* Parse a whole number in [lo, hi] for option name. */
static unsigned long
parse_count(const char *name, const char *arg, unsigned long lo,
    unsigned long hi)
{
	unsigned long	 v;
	char		*end;

	errno = 0;
	v = strtoul(arg, &end, 10);
	if (end == arg || *end != '\0' || errno != 0 || arg[0] == '-')
		usage_error("%s: not a whole number: '%s'", name, arg);
	if (v < lo || v > hi)
		usage_error("%s: %s is out of range (%lu..%lu)", name, arg, lo,
		    hi);
	return (v);
}

static void
parse_options(int argc, char **argv, struct options *o)
{
	enum { OPT_JSON = 256, OPT_UNTIL, OPT_WINDOW, OPT_TOLERANCE,
	    OPT_RECORD, OPT_REPLAY, OPT_BANDWIDTH, OPT_PROBE, OPT_ROOT };
	static const struct option longopts[] = {
		{ "batch",		no_argument,		NULL, 'b' },
		{ "json",		no_argument,		NULL, OPT_JSON },
		{ "interval",		required_argument,	NULL, 'i' },
		{ "cycles",		required_argument,	NULL, 'n' },
		{ "until-converged",	no_argument,		NULL, OPT_UNTIL },
		{ "window",		required_argument,	NULL, OPT_WINDOW },
		{ "tolerance",		required_argument,	NULL, OPT_TOLERANCE },
		{ "method",		required_argument,	NULL, 'm' },
		{ "list",		no_argument,		NULL, 'l' },
		{ "all",		no_argument,		NULL, 'a' },
		{ "width",		required_argument,	NULL, 'w' },
		{ "record",		required_argument,	NULL, OPT_RECORD },
		{ "replay",		required_argument,	NULL, OPT_REPLAY },
		{ "bandwidth",		required_argument,	NULL, OPT_BANDWIDTH },
		{ "probe",		no_argument,		NULL, OPT_PROBE },
		{ "proc-root",		required_argument,	NULL, OPT_ROOT },
		{ "help",		no_argument,		NULL, 'h' },
		{ "version",		no_argument,		NULL, 'V' },
		{ NULL,			0,			NULL, 0 }
	};
	const char	*why;
	int		 c;

	memset(o, 0, sizeof *o);
	o->s.proc_root = "/proc";
	o->s.method = "auto";
	o->s.interval = 1;
	o->s.window = HISTORY_WINDOW;
	o->s.tolerance = HISTORY_TOLERANCE;

	while ((c = getopt_long(argc, argv, "+bi:n:m:law:hV", longopts,
	    NULL)) != -1) {
		switch (c) {
		case 'b':
			o->batch = true;
			break;
		case OPT_JSON:
			o->json = true;
			break;
		case 'i':
			o->s.interval = parse_number("--interval", optarg,
			    0.05, 3600);
			break;
		case 'n':
			o->cycles = parse_count("--cycles", optarg, 1,
			    ULONG_MAX - 1);
			break;
		case OPT_UNTIL:
			o->until_converged = true;
			break;
		case OPT_WINDOW:
			o->s.window = (unsigned)parse_count("--window", optarg,
			    2, 1000);
			break;
		case OPT_TOLERANCE:
			o->s.tolerance = parse_number("--tolerance", optarg,
			    0, 100) / 100;
			break;
		case 'm':
			if (strcmp(optarg, "auto") != 0 &&
			    track_find(optarg) == NULL)
				usage_error("unknown method '%s' (auto, "
				    "soft-dirty, uffd-wp, hash)", optarg);
			o->s.method = optarg;
			break;
		case 'l':
			o->list = true;
			break;
		case 'a':
			o->s.all_vmas = true;
			break;
		case 'w':
			o->width = parse_count("--width", optarg, 0, 1000000);
			break;
		case OPT_RECORD:
			o->record = optarg;
			break;
		case OPT_REPLAY:
			o->replay = optarg;
			break;
		case OPT_BANDWIDTH:
			if (precopy_parse_rate(optarg, &o->s.bandwidth_bps,
			    &why) == -1)
				usage_error("--bandwidth: %s: '%s'", why, optarg);
			break;
		case OPT_PROBE:
			o->probe = true;
			break;
		case OPT_ROOT:
			o->s.proc_root = optarg;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		case 'V':
			printf("sdtop %s\n", PACKAGE_VERSION);
			exit(0);
		default:
			fputs("Try 'sdtop --help'.\n", stderr);
			exit(EXIT_USAGE);
		}
	}

	/* "--" before a command; a PID otherwise. */
	if (optind < argc && strcmp(argv[optind - 1], "--") == 0)
		o->command = &argv[optind];
	else if (optind < argc) {
		if (optind + 1 < argc)
			usage_error("too many arguments (a command goes after "
			    "'--')");
		o->s.pid = (pid_t)parse_count("PID", argv[optind], 1, INT_MAX);
	}
	if (o->json && !o->batch)
		usage_error("--json goes with --batch (use --record FILE to "
		    "save JSON from the screen)");
	if (o->replay != NULL && (o->s.pid != 0 || o->command != NULL))
		usage_error("--replay shows a recording: give no PID or "
		    "command");
	if (o->list && o->s.pid == 0)
		usage_error("--list needs a PID");
}

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
	printf("0x%016" PRIx64 "-0x%016" PRIx64 " %6" PRIu64 " pages  %s %s\n",
	    start, end, (end - start) >> page_shift(), v->perms, v->name);
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
	int	 status, go[2], err, fd;
	char	 c = 0;

	if (pipe2(go, O_CLOEXEC) == -1) {
		*cause = cause_errno(errno, "pipe");
		return (-1);
	}
	if ((child = fork()) == -1) {
		child = 0;
		*cause = cause_errno(errno, "cannot fork");
		close(go[0]);
		close(go[1]);
		return (-1);
	}
	if (child == 0) {
		close(go[1]);
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
		fprintf(stderr, "sdtop: cannot run %s: %s\n", argv[0],
		    strerror(err));
		_exit(127);
	}
	close(go[0]);
	if (ptrace(PTRACE_SEIZE, child, NULL,
	    (void *)(long)(PTRACE_O_TRACEEXEC | PTRACE_O_EXITKILL)) == -1) {
		/* Not allowed to trace: start it untraced, a little late. */
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
		return (-1);
	}
	close(go[1]);
	for (;;) {
		if (waitpid(child, &status, 0) == -1) {
			*cause = cause_errno(errno, "waitpid");
			return (-1);
		}
		if (WIFEXITED(status) || WIFSIGNALED(status)) {
			child = 0;
			*cause = cause_fmt("%s exited at once (status %d)",
			    argv[0], WIFEXITED(status) ? WEXITSTATUS(status) :
			    128 + WTERMSIG(status));
			return (-1);
		}
		if (WIFSTOPPED(status) &&
		    status >> 8 == (SIGTRAP | (PTRACE_EVENT_EXEC << 8)))
			break;
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

	parse_options(argc, argv, &o);
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
		if (why != NULL && !o.json)
			fprintf(stderr, "sdtop: using %s (%s)\n",
			    s.tracker.method->name, why);
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
