/*
 * sdtop.c - the command line: parse options, start or find the target,
 * make it a source of cycles (or open a recording as one), run the
 * screen or the batch loop on it, and turn every failure into one line
 * on stderr and an exit status.
 *
 * Exit status: 0 done, 1 runtime error, 2 usage error, 3 --until-converged
 * ran out of cycles first.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "batch.h"
#include "child.h"
#include "cli.h"
#include "injector.h"
#include "page.h"
#include "probe.h"
#include "procset.h"
#include "proc.h"
#include "proc-maps.h"
#include "session.h"
#include "source.h"
#include "source-live.h"
#include "source-replay.h"
#include "source-set.h"
#include "str-escape.h"
#include "tail-file.h"
#include "track-softdirty.h"
#include "view-loop.h"

#define EXIT_RUNTIME		1
#define EXIT_USAGE		2
#define EXIT_NOT_CONVERGED	3

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

/*
 * Course part 1: the pages whose soft-dirty bit is set now, as ranges.
 * On a kernel without soft-dirty, the one line says what to run instead.
 */
static int
run_list(const struct options *o)
{
	struct proc_target	 t;
	struct vma_list		 vl = { 0 };
	char			*cause = NULL;
	int			 rc = EXIT_RUNTIME, unsupported = 0;

	if (proc_open(&t, o->s.proc_root, o->s.pid, &cause) == -1)
		goto out;
	if (maps_read(&t, &vl, &cause) == 0) {
		if (softdirty_list(&t, &vl, list_run, NULL, &cause) == 0)
			rc = 0;
		else
			unsupported = errno == ENOTSUP;
	}
	vma_list_free(&vl);
	proc_close(&t);
out:
	if (unsupported)
		fprintf(stderr, "sdtop: soft-dirty is not available on this "
		    "kernel, and -l reads soft-dirty bits: for the pages "
		    "written in one cycle, run sdtop -b -n 1 %ld\n",
		    (long)o->s.pid);
	else if (rc != 0)
		fprintf(stderr, "sdtop: %s\n", cause != NULL ? cause : "error");
	free(cause);
	return (rc);
}

/*
 * Run the batch loop or the screen on src; returns the exit status. err
 * is the stderr of the program sdtop started, for the screen, or NULL.
 */
static int
run_source(struct source *src, const struct options *o, FILE *record,
    const char *why, struct tail_file *err)
{
	struct batch_options	 bo = { 0 };
	struct view_options	 vo = { 0 };
	char			*cause = NULL;
	int			 rc;

	if (o->batch) {
		bo.out = stdout;
		bo.record = record;
		bo.json = o->json;
		bo.width = o->width;
		/* A recording is printed whole, as it was recorded. */
		if (o->replay == NULL) {
			bo.cycles = o->cycles;
			bo.until_converged = o->until_converged;
		}
		if ((rc = batch_run(src, &bo, &cause)) == BATCH_NOT_CONVERGED)
			return (EXIT_NOT_CONVERGED);
	} else {
		vo.record = record;
		vo.why_method = why;
		vo.max_cycles = o->cycles;
		vo.child_err = err;
		rc = view_run(src, &vo, &cause);
	}
	if (rc == -1) {
		fprintf(stderr, "sdtop: %s\n", cause != NULL ? cause : "error");
		free(cause);
		return (EXIT_RUNTIME);
	}
	return (0);
}

/* Play a recording: on the screen, or printed in the batch format. */
static int
run_replay(const struct options *o)
{
	struct source	 src;
	char		*cause = NULL;
	int		 rc;

	if (source_replay_open(&src, o->replay, o->s.interval, o->batch,
	    &cause) == -1) {
		fprintf(stderr, "sdtop: %s\n", cause);
		free(cause);
		return (EXIT_RUNTIME);
	}
	rc = run_source(&src, o, NULL, NULL, NULL);
	free(source_close(&src));
	return (rc);
}

/*
 * Watch the session s: say first, in batch mode, what the method chosen
 * leaves out (why), then run (err as run_source() takes it). Returns the
 * exit status.
 */
static int
run_session(struct session *s, const struct options *o, FILE *record,
    const char *why, struct tail_file *err)
{
	struct source	 src;
	char		*left;
	int		 rc;

	if (o->batch && why != NULL && !o->json && s->auto_method)
		fprintf(stderr, "sdtop: using %s (%s)\n",
		    s->tracker.method->name, why);
	else if (o->batch && why != NULL && !o->json)
		fprintf(stderr, "sdtop: note: %s\n", why);
	source_live(&src, s);
	rc = run_source(&src, o, record, why, err);
	if ((left = source_close(&src)) != NULL) {
		fprintf(stderr, "sdtop: %s\n", left);
		free(left);
		if (rc == 0)
			rc = EXIT_RUNTIME;
	}
	return (rc);
}

/* Make the child sdtop started the one root of -T. */
static int
cli_set_pids(struct options *o, pid_t child)
{
	free(o->pids);
	if ((o->pids = calloc(1, sizeof *o->pids)) == NULL)
		return (-1);
	o->pids[0] = child;
	o->npids = 1;
	return (0);
}

/*
 * Watch a set of processes (several PIDs, -T, --cgroup); child, when not
 * 0, is the command sdtop started, stopped until the set is open. Returns
 * the exit status.
 */
static int
run_set(const struct options *o, pid_t child, FILE *record,
    struct tail_file *err)
{
	struct procset	 set;
	struct source	 src;
	struct rlimit	 rl;
	enum snap_set	 kind = SNAP_SET_PIDS;
	char		*cause = NULL, *left;
	int		 rc;

	/* Each process holds a few descriptors: allow as many as may be. */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	if (o->cgroup != NULL)
		kind = SNAP_SET_CGROUP;
	else if (o->tree)
		kind = SNAP_SET_TREE;
	if (procset_open(&set, &o->s, kind, o->pids, o->npids, o->cgroup,
	    &cause) == -1) {
		fprintf(stderr, "sdtop: %s\n", cause);
		free(cause);
		return (EXIT_RUNTIME);
	}
	if (child != 0)
		kill(child, SIGCONT);
	source_set(&src, &set);
	if (o->batch && set.why_method != NULL && !o->json &&
	    strcmp(o->s.method, "auto") == 0)
		fprintf(stderr, "sdtop: using %s (%s)\n", src.method,
		    set.why_method);
	else if (o->batch && set.why_method != NULL && !o->json)
		fprintf(stderr, "sdtop: note: %s\n", set.why_method);
	rc = run_source(&src, o, record, set.why_method, err);
	if ((left = source_close(&src)) != NULL) {
		fprintf(stderr, "sdtop: %s\n", left);
		free(left);
		if (rc == 0)
			rc = EXIT_RUNTIME;
	}
	return (rc);
}

/*
 * Watch a live process: the one of -p, or a child started from the
 * command after "--" (the demo when there is none).
 */
static int
run_live(struct options *o)
{
	struct session	 s;
	struct tail_file err = { .fd = -1 };
	FILE		*record = NULL;
	char		*cause = NULL, *why = NULL, *demo = NULL;
	char		*demo_argv[2];
	const char	*tmpdir;
	pid_t		 child = 0;
	int		 rc = EXIT_RUNTIME;

	if (o->s.pid == 0 && o->cgroup == NULL) {
		if (o->command == NULL) {
			demo = child_sibling("sdtop-demo");
			demo_argv[0] = demo;
			demo_argv[1] = NULL;
			o->command = demo_argv;
		}
		/* Under the screen, its stderr says why it ended, if it did. */
		if (!o->batch) {
			if ((tmpdir = getenv("TMPDIR")) == NULL ||
			    *tmpdir == '\0')
				tmpdir = "/tmp";
			tail_file_open(&err, tmpdir);
		}
		if ((child = child_start(o->command, !o->batch, err.fd,
		    &cause)) == -1) {
			fprintf(stderr, "sdtop: %s\n", cause);
			free(cause);
			free(demo);
			tail_file_close(&err);
			return (EXIT_RUNTIME);
		}
		o->s.pid = child;
		if (o->tree && cli_set_pids(o, child) == -1) {
			fprintf(stderr, "sdtop: out of memory\n");
			child_stop(child);
			tail_file_close(&err);
			free(demo);
			return (EXIT_RUNTIME);
		}
	}
	if (o->record != NULL && (record = fopen(o->record, "w")) == NULL)
		fprintf(stderr, "sdtop: cannot write %s: %s\n", o->record,
		    strerror(errno));
	else if (cli_is_set(o))
		rc = run_set(o, child, record, err.fd != -1 ? &err : NULL);
	else if (session_open(&s, &o->s, &why, &cause) == -1) {
		fprintf(stderr, "sdtop: %s\n", cause);
		free(cause);
	} else {
		if (child != 0)
			kill(child, SIGCONT);
		rc = run_session(&s, o, record, why, err.fd != -1 ? &err :
		    NULL);
	}
	child_stop(child);
	tail_file_close(&err);
	if (record != NULL)
		fclose(record);
	free(why);
	free(demo);
	return (rc);
}

int
main(int argc, char **argv)
{
	struct options	 o;
	char		*cause = NULL;
	int		 rc;

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
		rc = probe_print(stdout, o.s.pid) == -1 ? EXIT_RUNTIME : 0;
	else if (o.list)
		rc = run_list(&o);
	else if (o.replay != NULL)
		rc = run_replay(&o);
	else
		rc = run_live(&o);
	cli_free(&o);
	return (rc);
}
