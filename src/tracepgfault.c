/*
 * tracepgfault.c - record the page faults and address-space changes of a
 * command into a trace file, or print the report of such a trace.
 *
 *	tracepgfault [OPTIONS] OUTFILE CMD [ARGS...]
 *	tracepgfault --report [OPTIONS] TRACEFILE
 *
 * Exit: 0 done (recording: the command's own failure is reported but not
 * ours); 1 runtime error (one line on stderr); 2 usage.
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/wait.h>

#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "num.h"
#include "opt-error.h"
#include "pftrace-record.h"
#include "pftrace-report.h"

static volatile sig_atomic_t stop_signal;

enum {
	OPT_REPORT = 256,
	OPT_FROM,
	OPT_TO,
	OPT_TID,
	OPT_PID,
	OPT_WRITES,
	OPT_TIMELINE,
	OPT_JSON,
	OPT_NO_SECCOMP,
	OPT_NO_KINDS,
	OPT_STATS,
};

static const struct option long_options[] = {
	{ "follow", no_argument, NULL, 'f' },
	{ "ring-pages", required_argument, NULL, 'm' },
	{ "no-seccomp", no_argument, NULL, OPT_NO_SECCOMP },
	{ "no-kinds", no_argument, NULL, OPT_NO_KINDS },
	{ "stats", no_argument, NULL, OPT_STATS },
	{ "report", no_argument, NULL, OPT_REPORT },
	{ "from", required_argument, NULL, OPT_FROM },
	{ "to", required_argument, NULL, OPT_TO },
	{ "tid", required_argument, NULL, OPT_TID },
	{ "pid", required_argument, NULL, OPT_PID },
	{ "writes", no_argument, NULL, OPT_WRITES },
	{ "timeline", required_argument, NULL, OPT_TIMELINE },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

static void
usage(FILE *f)
{
	fprintf(f,
"usage: tracepgfault [-f] [-m PAGES] [--no-seccomp] [--no-kinds] [--stats]\n"
"                    OUTFILE CMD [ARGS...]\n"
"       tracepgfault --report [--from S] [--to S] [--tid TID] [--pid PID]\n"
"                    [--writes] [--timeline S] [--json] TRACEFILE\n"
"  -f, --follow        also record children (fork, vfork, clone)\n"
"  -m, --ring-pages N  perf ring buffer per thread, pages (power of 2; 64)\n"
"      --no-seccomp    stop at every system call instead of a filter\n"
"      --no-kinds      do not try the tracepoint for read/write/exec\n"
"      --stats         print what was recorded on stderr\n"
"      --report        print the report of TRACEFILE\n"
"      --from/--to S   only faults in this window (seconds from start)\n"
"      --tid/--pid N   only faults of this thread / regions of this process\n"
"      --writes        only write faults\n"
"      --timeline S    faults per interval of S seconds per region\n"
"      --json          the report as one JSON object\n"
"  -h, --help          this help\n"
"  -V, --version       the version\n");
}

static void
on_signal(int sig)
{
	/* A second signal ends the command for good. */
	stop_signal = stop_signal != 0 ? SIGKILL : sig;
}

/* A whole decimal number in [min, max]; exits with usage status if not. */
static uint64_t
parse_num(const char *s, const char *what, uint64_t min, uint64_t max)
{
	uint64_t	v;

	if (num_u64(s, 10, min, max, &v) != 0) {
		warnx("bad %s \"%s\": want a whole number from %" PRIu64
		    " to %" PRIu64, what, s, min, max);
		exit(2);
	}
	return (v);
}

/* Seconds (a non-negative decimal) as nanoseconds. */
static uint64_t
parse_secs(const char *s, const char *what)
{
	double	 v;

	if (num_double(s, 0, 1e9, &v) != 0) {
		warnx("bad %s \"%s\": want seconds, e.g. 0.5", what, s);
		exit(2);
	}
	return ((uint64_t)llround(v * 1e9));
}

static int
do_report(const char *path, const struct pfreport_options *o)
{
	struct pfreport	 rep;
	FILE		*f;
	char		*cause = NULL;

	if ((f = fopen(path, "r")) == NULL) {
		warn("%s", path);
		return (1);
	}
	if (pfreport_load(&rep, f, o, &cause) != 0) {
		/* "FILE:LINE: FIELD: reason" */
		warnx("%s:%s", path, cause != NULL ? cause : " out of memory");
		free(cause);
		fclose(f);
		return (1);
	}
	fclose(f);
	if (o->writes && !rep.have_kind)
		warnx("%s: this trace does not know read from write "
		    "(recorded without the tracepoint): --writes shows nothing",
		    path);
	errno = 0;
	if (pfreport_print(stdout, &rep, o) != 0) {
		if (errno != 0)
			warn("writing the report");
		else
			warnx("writing the report failed");
		pfreport_free(&rep);
		return (1);
	}
	pfreport_free(&rep);
	return (0);
}

static int
do_record(const char *path, char *const argv[], const struct pfrec_options *o,
    bool stats)
{
	struct pfrec_stats	 st;
	struct sigaction	 sa;
	struct stat		 sb;
	FILE			*f;
	char			*cause = NULL;
	bool			 regular;

	if ((f = fopen(path, "w")) == NULL) {
		warn("%s", path);
		return (1);
	}
	/* Only a file can be removed on failure: never /dev/full or a fifo. */
	regular = fstat(fileno(f), &sb) == 0 && S_ISREG(sb.st_mode);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	if (pfrec_run(argv, f, o, &st, &cause) != 0) {
		/* No half trace is left behind to be mistaken for one. */
		warnx("%s", cause);
		free(cause);
		fclose(f);
		if (regular)
			unlink(path);
		return (1);
	}
	if (fclose(f) != 0) {
		warn("%s", path);
		return (1);
	}
	if (st.lost != 0)
		warnx("the kernel dropped %" PRIu64 " fault records (ring "
		    "buffers too small for the fault rate: try -m %u)",
		    st.lost, st.ring_pages * 4);
	if (stats) {
		fprintf(stderr, "tracepgfault: %" PRIu64 " faults, %" PRIu64
		    " lost, %" PRIu64 " region records, %" PRIu64 " stops, %u "
		    "processes, %u threads, ring %u pages, %s, kinds: %s%s%s, "
		    "faults in system calls: %s\n", st.faults, st.lost,
		    st.region_records, st.stops, st.procs, st.threads,
		    st.ring_pages, st.seccomp ? "seccomp" : "all syscalls",
		    st.have_kind ? "yes" : "no", st.have_kind ? "" : " - ",
		    st.have_kind ? "" : st.kind_why,
		    st.kernel_faults ? "yes" : "no");
	} else if (!st.have_kind && o->kinds)
		warnx("no read/write/exec kinds: %s", st.kind_why);
	if (WIFSIGNALED(st.status))
		warnx("the command was killed by signal %d",
		    WTERMSIG(st.status));
	return (0);
}

/* What the command line asks for. */
struct cli {
	struct pfrec_options	 ro;
	struct pfreport_options	 po;
	bool			 report, stats;
	bool			 report_only;	/* an option of --report */
};

/*
 * Take option c, one of the options of --report, or a bad one: -1 to go
 * on, else the exit status.
 */
static int
cli_report_option(struct cli *cl, int c)
{
	switch (c) {
	case OPT_FROM:
		cl->po.from = parse_secs(optarg, "--from");
		break;
	case OPT_TO:
		cl->po.to = parse_secs(optarg, "--to");
		break;
	case OPT_TID:
		cl->po.tid = (int)parse_num(optarg, "thread id", 1, INT32_MAX);
		break;
	case OPT_PID:
		cl->po.pid = (int)parse_num(optarg, "process id", 1,
		    INT32_MAX);
		break;
	case OPT_WRITES:
		cl->po.writes = true;
		break;
	case OPT_TIMELINE:
		cl->po.timeline = parse_secs(optarg, "--timeline");
		if (cl->po.timeline == 0) {
			warnx("bad --timeline %s: want more than 0 seconds",
			    optarg);
			return (2);
		}
		break;
	case OPT_JSON:
		cl->po.json = true;
		break;
	default:
		usage(stderr);
		return (2);
	}
	cl->report_only = true;
	return (-1);
}

/* Take option c of the command line: -1 to go on, else the exit status. */
static int
cli_option(struct cli *cl, int c)
{
	switch (c) {
	case 'f':
		cl->ro.follow = true;
		break;
	case 'm':
		cl->ro.ring_pages = (unsigned int)parse_num(optarg,
		    "ring size", 1, 65536);
		if ((cl->ro.ring_pages & (cl->ro.ring_pages - 1)) != 0) {
			warnx("bad ring size %s: want a power of 2", optarg);
			return (2);
		}
		break;
	case OPT_NO_SECCOMP:
		cl->ro.seccomp = false;
		break;
	case OPT_NO_KINDS:
		cl->ro.kinds = false;
		break;
	case OPT_STATS:
		cl->stats = true;
		break;
	case OPT_REPORT:
		cl->report = true;
		break;
	case 'h':
		usage(stdout);
		return (0);
	case 'V':
		printf("tracepgfault (%s) %s, trace format %d\n",
		    PACKAGE_NAME, PACKAGE_VERSION, 1);
		return (0);
	default:
		return (cli_report_option(cl, c));
	}
	return (-1);
}

int
main(int argc, char *argv[])
{
	struct cli	 cl;
	char		*cause = NULL;
	int		 c, st, at;

	memset(&cl, 0, sizeof cl);
	cl.ro.seccomp = true;
	cl.ro.kinds = true;
	cl.ro.ring_pages = 64;
	cl.ro.stop = &stop_signal;
	cl.po.to = UINT64_MAX;

	/* Errors are ours to word; at is the element getopt reads next. */
	opterr = 0;
	for (at = 1; (c = getopt_long(argc, argv, "+:fm:hV", long_options,
	    NULL)) != -1; at = optind) {
		if (c == '?' || c == ':') {
			opt_error(c, argv, at, long_options, &cause);
			warnx("%s (see tracepgfault --help)", cause != NULL ?
			    cause : "bad command line");
			free(cause);
			return (2);
		}
		if ((st = cli_option(&cl, c)) != -1)
			return (st);
	}
	argc -= optind;
	argv += optind;
	if (cl.report) {
		if (argc != 1) {
			warnx("--report wants exactly one trace file");
			return (2);
		}
		if (cl.po.from >= cl.po.to) {
			warnx("--from must come before --to");
			return (2);
		}
		return (do_report(argv[0], &cl.po));
	}
	if (cl.report_only) {
		warnx("--from, --to, --tid, --pid, --writes, --timeline and "
		    "--json go with --report");
		return (2);
	}
	if (argc < 2) {
		warnx("want an output file and a command (see --help)");
		return (2);
	}
	return (do_record(argv[0], argv + 1, &cl.ro, cl.stats));
}
