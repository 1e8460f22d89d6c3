/*
 * cli.c - parse sdtop's command line into struct options: every number
 * with its bounds, every combination that makes no sense refused with
 * one line. Nothing here prints or exits (see cli.h).
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cost.h"
#include "history.h"
#include "num.h"
#include "opt-error.h"
#include "precopy.h"
#include "proc.h"
#include "render.h"
#include "snapshot.h"
#include "str-escape.h"
#include "track.h"

void
cli_usage(FILE *f)
{
	fprintf(f,
"usage: sdtop [OPTIONS] [-T] [PID...]\n"
"       sdtop [OPTIONS] [-T] -- COMMAND [ARGS...]\n"
"       sdtop [OPTIONS] --cgroup DIR\n"
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
"      --max-cost PCT     keep the cost of watching under PCT %% of a CPU\n"
"                         (%g..%g) by lengthening the interval, up to %g\n"
"                         times -i\n"
"  -T, --tree             watch the processes given and all their\n"
"                         descendants, as they fork and exit\n"
"      --cgroup DIR       watch every process of the cgroup directory DIR\n"
"                         and of the directories below it (v1 or v2)\n"
"      --probe            print what this kernel and user can do, and exit\n"
"  -h, --help             this help\n"
"  -V, --version          the version\n"
"\n"
"With -- COMMAND, sdtop starts COMMAND and watches that one process, also\n"
"through the programs it runs with exec, but not its children: for gcc, the\n"
"driver, not cc1 or as. With -T, its children too.\n"
"\n"
"A set (several PIDs, -T or --cgroup) is watched as one application: each\n"
"process with its own method, and the totals, convergence and pre-copy\n"
"model for the whole set, where a page of a shared mapping (shared memory,\n"
"memfd, tmpfs, a shared file) that several processes write counts once.\n"
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
"Cost: each cycle estimates what watching costs the target: the pages it\n"
"wrote times the cost of one write-protect fault (measured at start) over\n"
"the interval, in %% of one CPU; for hash, sdtop's own CPU time instead.\n"
"\n"
"Exit status: 0 done (also when the process exits), 1 runtime error,\n"
"2 usage error, 3 --until-converged ran out of cycles.\n",
	    HISTORY_WINDOW, HISTORY_TOLERANCE * 100, COST_MIN_PERCENT,
	    COST_MAX_PERCENT, COST_INTERVAL_CAP);
}

/*
 * The cause of a usage error; an argument quoted in it is escaped (it is
 * echoed to a terminal).
 */
static int __attribute__((format(printf, 2, 3)))
cli_error(char **cause, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	if (vasprintf(cause, fmt, ap) == -1)
		*cause = NULL;
	va_end(ap);
	return (-1);
}

/* A number in [lo, hi] for option name into *v; -1 with *cause. */
static int
parse_number(const char *name, const char *arg, double lo, double hi,
    double *v, char **cause)
{
	char	*q;
	int	 rc = 0;

	if (num_double(arg, lo, hi, v) == 0)
		return (0);
	if (errno != ERANGE) {
		q = str_escape_dup(arg, 0);
		rc = cli_error(cause, "%s: not a number: '%s'", name,
		    q != NULL ? q : "?");
		free(q);
	} else {
		q = str_escape_dup(arg, 0);
		rc = cli_error(cause, "%s: %s is out of range (%g..%g)", name,
		    q != NULL ? q : "?", lo, hi);
		free(q);
	}
	return (rc);
}

/*
 * A whole number in [lo, hi] for option name into *v; -1 with *cause,
 * which names the bound that was crossed (the other may be a number
 * nobody wants to read, as ULONG_MAX).
 */
static int
parse_count(const char *name, const char *arg, unsigned long lo,
    unsigned long hi, unsigned long *v, char **cause)
{
	uint64_t u;
	char	*q;
	int	 rc, parsed, low;

	/* Any unsigned long first; the bounds are checked after. */
	if ((parsed = num_u64(arg, 10, 0, ULONG_MAX, &u)) == 0 && (*v =
	    (unsigned long)u) >= lo && *v <= hi)
		return (0);
	q = str_escape_dup(arg, 0);
	if (parsed == -1 && errno != ERANGE)
		rc = cli_error(cause, "%s: not a whole number: '%s'", name,
		    q != NULL ? q : "?");
	else {
		/* Too many digits for any count is above hi too. */
		low = parsed == 0 && *v < lo;
		rc = cli_error(cause, "%s: must be at %s %lu, not %s", name,
		    low ? "least" : "most", low ? lo : hi,
		    q != NULL ? q : "?");
	}
	free(q);
	return (rc);
}

/* The usage error "BEFORE'ARG'AFTER", the argument escaped. */
static int
cli_error_arg(char **cause, const char *before, const char *arg,
    const char *after)
{
	char	*q;
	int	 rc;

	q = str_escape_dup(arg, 0);
	rc = cli_error(cause, "%s'%s'%s", before, q != NULL ? q : "?", after);
	free(q);
	return (rc);
}

enum {
	OPT_JSON = 256, OPT_UNTIL, OPT_WINDOW, OPT_TOLERANCE, OPT_RECORD,
	OPT_REPLAY, OPT_BANDWIDTH, OPT_PROBE, OPT_ROOT, OPT_MAX_COST,
	OPT_CGROUP
};

static const struct option cli_longopts[] = {
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
	{ "max-cost",		required_argument,	NULL, OPT_MAX_COST },
	{ "probe",		no_argument,		NULL, OPT_PROBE },
	{ "proc-root",		required_argument,	NULL, OPT_ROOT },
	{ "tree",		no_argument,		NULL, 'T' },
	{ "cgroup",		required_argument,	NULL, OPT_CGROUP },
	{ "help",		no_argument,		NULL, 'h' },
	{ "version",		no_argument,		NULL, 'V' },
	{ NULL,			0,			NULL, 0 }
};

/* The PIDs of argv[0..n) into o; -1 with *cause. */
static int
cli_pids(struct options *o, int n, char **argv, char **cause)
{
	unsigned long	 pid;
	int		 i;

	if (n <= 0)
		return (0);
	if ((o->pids = calloc((size_t)n, sizeof *o->pids)) == NULL)
		return (cli_error(cause, "out of memory"));
	for (i = 0; i < n; i++) {
		if (parse_count("PID", argv[i], 1, INT_MAX, &pid, cause) == -1)
			return (-1);
		o->pids[o->npids++] = (pid_t)pid;
	}
	o->s.pid = o->pids[0];
	return (0);
}

/* What goes with a set (-T, --cgroup, several PIDs); -1 with *cause. */
static int
cli_check_set(const struct options *o, char **cause)
{
	if (o->cgroup != NULL && (o->npids > 0 || o->command != NULL))
		return (cli_error(cause, "--cgroup watches the processes of "
		    "a cgroup: give no PID or command"));
	if (o->cgroup != NULL && o->tree)
		return (cli_error(cause, "--cgroup and -T: a cgroup's "
		    "processes are all of it already, give one or the other"));
	if (o->npids > 1 && o->command != NULL)
		return (cli_error(cause, "too many arguments (a command "
		    "goes after '--')"));
	if ((o->tree || o->cgroup != NULL) && o->replay != NULL)
		return (cli_error(cause, "-T and --cgroup choose what a live "
		    "run watches: not with --replay"));
	if (cli_is_set(o) && o->list)
		return (cli_error(cause, "--list reads one process: give one "
		    "PID, without -T or --cgroup"));
	if (o->tree && o->npids == 0 && o->command == NULL)
		return (cli_error(cause, "-T needs a PID or a command after "
		    "'--'"));
	return (0);
}

bool
cli_is_set(const struct options *o)
{
	return (o->tree || o->cgroup != NULL || o->npids > 1);
}

void
cli_free(struct options *o)
{
	free(o->pids);
	o->pids = NULL;
	o->npids = 0;
}

/* Apply option c (with its argument arg); -1 with *cause. */
static int
cli_option(int c, const char *arg, struct options *o, char **cause)
{
	unsigned long	 n;
	double		 d;
	const char	*why;
	char		*q;

	switch (c) {
	case 'b':
		o->batch = true;
		return (0);
	case OPT_JSON:
		o->json = true;
		return (0);
	case 'i':
		return (parse_number("--interval", arg, SNAPSHOT_MIN_INTERVAL,
		    SNAPSHOT_MAX_INTERVAL, &o->s.interval, cause));
	case 'n':
		return (parse_count("--cycles", arg, 1, ULONG_MAX - 1,
		    &o->cycles, cause));
	case OPT_UNTIL:
		o->until_converged = true;
		return (0);
	case OPT_WINDOW:
		if (parse_count("--window", arg, 2, 1000, &n, cause) == -1)
			return (-1);
		o->s.window = (unsigned)n;
		return (0);
	case OPT_TOLERANCE:
		if (parse_number("--tolerance", arg, 0, 100, &d, cause) == -1)
			return (-1);
		o->s.tolerance = d / 100;
		return (0);
	case 'm':
		if (strcmp(arg, "auto") != 0 && track_find(arg) == NULL)
			return (cli_error_arg(cause, "unknown method ", arg,
			    " (auto, soft-dirty, uffd-wp, hash)"));
		o->s.method = arg;
		return (0);
	case 'l':
		o->list = true;
		return (0);
	case 'a':
		o->s.all_vmas = true;
		return (0);
	case 'w':
		return (parse_count("--width", arg, 0, RENDER_MAX_CELLS,
		    &o->width, cause));
	case OPT_RECORD:
		o->record = arg;
		return (0);
	case OPT_REPLAY:
		o->replay = arg;
		return (0);
	case OPT_BANDWIDTH:
		if (precopy_parse_rate(arg, &o->s.bandwidth_bps, &why) == -1) {
			q = str_escape_dup(arg, 0);
			cli_error(cause, "--bandwidth: %s: '%s'", why,
			    q != NULL ? q : "?");
			free(q);
			return (-1);
		}
		return (0);
	case OPT_MAX_COST:
		return (parse_number("--max-cost", arg, COST_MIN_PERCENT,
		    COST_MAX_PERCENT, &o->s.max_cost, cause));
	case OPT_PROBE:
		o->probe = true;
		return (0);
	case OPT_ROOT:
		o->s.proc_root = arg;
		return (0);
	case 'T':
		o->tree = true;
		return (0);
	case OPT_CGROUP:
		if (*arg == '\0')
			return (cli_error(cause, "--cgroup needs a directory"));
		if (o->cgroup != NULL)
			return (cli_error(cause, "--cgroup given twice: a set "
			    "is of one cgroup (and the directories below it)"));
		o->cgroup = arg;
		return (0);
	default:
		return (cli_error(cause, "unknown option"));
	}
}

static int
cli_parse_args(int argc, char **argv, struct options *o, char **cause)
{
	int		 c, at;

	*cause = NULL;
	memset(o, 0, sizeof *o);
	o->s.proc_root = "/proc";
	o->s.method = "auto";
	o->s.interval = 1;
	o->s.window = HISTORY_WINDOW;
	o->s.tolerance = HISTORY_TOLERANCE;

	/*
	 * Zero restarts getopt (glibc); errors are ours to word. at is the
	 * element the next call reads: getopt_long() leaves optind on an
	 * element of short options until its last one is read.
	 */
	optind = 0;
	opterr = 0;
	for (at = 1; (c = getopt_long(argc, argv, "+:bi:n:m:law:ThV",
	    cli_longopts, NULL)) != -1; at = optind) {
		switch (c) {
		case 'h':
			return (CLI_HELP);
		case 'V':
			return (CLI_VERSION);
		case '?':
		case ':':
			return (opt_error(c, argv, at, cli_longopts, cause));
		default:
			if (cli_option(c, optarg, o, cause) == -1)
				return (-1);
		}
	}

	/* "--" before a command; PIDs otherwise. */
	if (optind < argc && optind > 0 && strcmp(argv[optind - 1], "--") == 0)
		o->command = &argv[optind];
	else if (cli_pids(o, argc - optind, &argv[optind], cause) == -1)
		return (-1);
	if (cli_check_set(o, cause) == -1)
		return (-1);
	if (o->json && !o->batch)
		return (cli_error(cause, "--json goes with --batch (use "
		    "--record FILE to save JSON from the screen)"));
	if (o->replay != NULL && (o->npids > 0 || o->command != NULL))
		return (cli_error(cause, "--replay shows a recording: give no "
		    "PID or command"));
	if (o->replay != NULL && o->record != NULL)
		return (cli_error(cause, "--record saves a live run; --replay "
		    "shows one already saved: not both"));
	if (o->replay != NULL && o->s.max_cost > 0)
		return (cli_error(cause, "--max-cost sets the interval of a "
		    "live run: not with --replay"));
	/* A recording says its own method and pre-copy figures. */
	if (o->replay != NULL && strcmp(o->s.method, "auto") != 0)
		return (cli_error(cause, "--method chooses how a live run "
		    "tracks: not with --replay"));
	if (o->replay != NULL && o->s.bandwidth_bps > 0)
		return (cli_error(cause, "--bandwidth models a live run: a "
		    "recording holds its own pre-copy figures, not with "
		    "--replay"));
	if (o->list && o->s.pid == 0)
		return (cli_error(cause, "--list needs a PID"));
	return (CLI_RUN);
}

int
cli_parse(int argc, char **argv, struct options *o, char **cause)
{
	int	 rc;

	if ((rc = cli_parse_args(argc, argv, o, cause)) != CLI_RUN)
		cli_free(o);
	return (rc);
}
