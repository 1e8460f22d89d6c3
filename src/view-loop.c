/*
 * view-loop.c - the loop of the screen, for a live process and a
 * recording alike (source.h): wait the interval while reading keys, take
 * the next cycle, draw; and the life of the terminal around it. A live
 * process clears at the start of each cycle and can be cleared and
 * rescanned; a recording can be stepped through both ways.
 *
 * Sample, then draw: a cycle makes a new snapshot, the drawing only reads
 * it. The terminal is restored on every way out: q, SIGINT and SIGTERM
 * (session_stop), errors, and around a suspension (SIGTSTP).
 *
 * Units: seconds for intervals and deadlines (monotonic clock).
 */
#include "config.h"

#include <curses.h>
#include <errno.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cause.h"
#include "out-json.h"
#include "proc.h"
#include "now.h"
#include "session.h"
#include "snapshot.h"
#include "source.h"
#include "str-escape.h"
#include "tail-file.h"
#include "view.h"
#include "view-draw.h"
#include "view-keys.h"
#include "view-loop.h"
#include "view-paint.h"

/* Set by the SIGTSTP handler; the loop suspends at its next turn. */
static volatile sig_atomic_t view_tstp;

static struct sigaction view_old_tstp;

static void
view_on_tstp(int sig)
{
	(void)sig;
	view_tstp = 1;
}

/* Catch SIGTSTP into a flag; no SA_RESTART, so getch() returns early. */
static void
view_catch_tstp(void)
{
	struct sigaction	sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = view_on_tstp;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTSTP, &sa, NULL);
}

/*
 * A crash (a bug of ours) must not leave the terminal raw: give it back,
 * then die of the same signal, with the default action (SA_RESETHAND), as
 * htop does. endwin() is not async-signal-safe, but the process is lost
 * anyway and a usable terminal is worth the risk.
 */
static void
view_on_crash(int sig)
{
	endwin();
	raise(sig);
}

/* Catch the fatal signals of a crash while curses owns the terminal. */
static void
view_catch_crash(void)
{
	static const int	 fatal[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL,
				     SIGABRT };
	struct sigaction	 sa;
	size_t			 i;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = view_on_crash;
	sa.sa_flags = SA_RESETHAND | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof fatal / sizeof fatal[0]; i++)
		sigaction(fatal[i], &sa, NULL);
}

/* Start curses on the terminal; -1 with *cause when there is none. */
static int
view_term_start(struct view *v, SCREEN **scr, char **cause)
{
	const char	*term;

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		*cause = cause_fmt("the screen needs a terminal (use --batch"
		    " to print cycles instead)");
		return (-1);
	}
	/* Only the character set: numbers in JSON must keep their dot. */
	setlocale(LC_CTYPE, "");
	term = getenv("TERM");
	*scr = newterm(NULL, stdout, stdin);
	if (*scr == NULL) {
		*cause = cause_fmt("cannot use the terminal \"%s\"",
		    term != NULL ? term : "(TERM is not set)");
		return (-1);
	}
	set_term(*scr);
	cbreak();
	noecho();
	nonl();
	intrflush(stdscr, FALSE);
	keypad(stdscr, TRUE);
	curs_set(0);
	set_escdelay(25);
#ifdef BUTTON5_PRESSED
	mousemask(BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
#else
	mousemask(BUTTON4_PRESSED, NULL);
#endif
	view_paint_setup(v);

	sigaction(SIGTSTP, NULL, &view_old_tstp);
	view_tstp = 0;
	view_catch_tstp();
	view_catch_crash();
	return (0);
}

/* Give the terminal back as it was. */
static void
view_term_end(SCREEN *scr)
{
	endwin();
	delscreen(scr);
	sigaction(SIGTSTP, &view_old_tstp, NULL);
}

/* Ctrl-Z: restore the terminal, stop, and take it again on SIGCONT. */
static void
view_suspend(struct view *v)
{
	struct sigaction	sa;

	view_tstp = 0;
	endwin();
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTSTP, &sa, NULL);
	raise(SIGTSTP);
	/* Here after SIGCONT. */
	view_catch_tstp();
	clearok(curscr, TRUE);
	view_draw(v);
}

/* A key within seconds (ERR if none); never waits long, to see signals. */
static int
view_getch(double seconds)
{
	int	ms;

	if (seconds > 0.2)
		seconds = 0.2;
	ms = (int)(seconds * 1000);
	if (ms < 1)
		ms = 1;
	timeout(ms);
	return (getch());
}

/*
 * Wait for a key until the deadline (a moment when the cycles are not
 * running) and do what a live process and a recording do alike with it:
 * pause, or say in over that there is nothing to pause. false when no key came; else true with
 * the action left to the loop, ACT_RESUME when a pause ends (the loop
 * then restarts its clock).
 */
static bool
view_next_action(struct view *v, double deadline, const char *paused,
    const char *over, enum view_action *act)
{
	int	key;

	key = view_getch(v->state == VIEW_RUNNING ? deadline - now_mono() : 1);
	if (key == ERR)
		return (false);
	*act = view_key(v, key);
	if (*act != ACT_PAUSE)
		return (true);
	*act = ACT_NONE;
	if (v->state == VIEW_RUNNING) {
		v->state = VIEW_PAUSED;
		view_status(v, false, "%s", paused);
	} else if (v->state == VIEW_PAUSED) {
		v->state = VIEW_RUNNING;
		*act = ACT_RESUME;
	} else
		view_status(v, false, "%s", over);
	return (true);
}

/* The screen's loop: the view, its source and the frame it shows. */
struct view_loop {
	struct view			 v;
	struct source			*src;
	const struct view_options	*o;
	struct snapshot			*cur;		/* the frame shown */
	double				 deadline;	/* of the cycle running */
	char				*error;		/* a recording's read
							   error, said at the end */
	bool				 exit_known;	/* how the process
							   ended is said */
};

/* Write a cycle to the recording; a failure shows in the status line. */
static void
view_loop_record(struct view_loop *l, const struct snapshot *snap)
{
	if (l->o->record == NULL)
		return;
	if (out_json_line(l->o->record, snap) == -1)
		view_status(&l->v, true, "cannot write the recording: %s",
		    strerror(errno));
}

/* Show the source's history in the view. */
static void
view_loop_history(struct view_loop *l)
{
	struct source_history	h;

	source_history(l->src, &h);
	l->v.counts = h.counts;
	l->v.ncounts = h.n;
	l->v.converged_at = h.converged_at;
	l->v.window = h.window;
}

/*
 * Say on the status line how the live process ended. A child of sdtop
 * (the demo, the command after --) is asked without being reaped
 * (WNOWAIT: child_stop() reaps it), and when it failed, the last line of
 * its stderr says why, as it would in batch mode. Returns whether that
 * is all known: a process that has just exited may not be a zombie yet.
 */
static bool
view_loop_exit_status(struct view_loop *l)
{
	struct view	*v = &l->v;
	siginfo_t	 si;
	const char	*last = NULL;
	char		 how[96], esc[256] = "";

	if (v->set)
		view_status(v, false, "every process has exited; q quits");
	else
		view_status(v, false, "process %ld exited; q quits",
		    (long)v->pid);
	memset(&si, 0, sizeof si);
	if (waitid(P_PID, (id_t)v->pid, &si, WEXITED | WNOHANG | WNOWAIT) ==
	    -1)
		return (true);
	if (si.si_pid == 0)
		return (false);
	if (si.si_code == CLD_EXITED && si.si_status == 0)
		return (true);
	if (si.si_code == CLD_EXITED)
		snprintf(how, sizeof how, "exited with status %d",
		    si.si_status);
	else
		snprintf(how, sizeof how, "killed by signal %d (%s)",
		    si.si_status, strsignal(si.si_status));
	if (l->o->child_err != NULL) {
		tail_file_poll(l->o->child_err);
		last = tail_file_last(l->o->child_err);
	}
	if (last != NULL)
		str_escape(esc, sizeof esc, last, v->unicode ? 0 :
		    STR_ESCAPE_ASCII);
	view_status(v, true, "%s%s%s", how, last != NULL ? ": " :
	    "; q quits", esc);
	/* It stays: it is why the screen stopped. */
	v->status_until = 0;
	return (true);
}

/* The source has no cycle left: the last frame stays. */
static void
view_loop_end(struct view_loop *l)
{
	struct view	*v = &l->v;

	if (!v->replay) {
		v->state = VIEW_EXITED;
		l->exit_known = view_loop_exit_status(l);
		return;
	}
	v->state = l->src->exited ? VIEW_EXITED : VIEW_ENDED;
	view_status(v, false, "%s after %zu %s; , steps back, q quits",
	    !l->src->exited ? "end of the recording" : v->set ?
	    "every process exited" : "the process exited",
	    l->src->ncycles, l->src->ncycles == 1 ? "cycle" : "cycles");
}

/*
 * Show the snapshot of a set: what the set is (its comm says it, else
 * its source, else its kind and roots), its list of processes, their
 * sparklines fed when history, and what became of the process opened.
 */
static void
view_loop_set(struct view_loop *l, const struct snapshot *snap,
    bool history)
{
	struct view		*v = &l->v;
	enum view_procs_took	 took;
	pid_t			 open = v->procs.open;

	if (snap->comm[0] != '\0')
		snprintf(v->comm, sizeof v->comm, "%s", snap->comm);
	else if (l->src->comm[0] != '\0')
		snprintf(v->comm, sizeof v->comm, "%s", l->src->comm);
	else
		view_procs_label(snap, v->comm, sizeof v->comm);
	if (view_procs_take(&v->procs, snap, history, &took) == -1)
		view_status(v, true, "out of memory: %s", strerror(errno));
	if (took == VIEW_PROCS_EXITED)
		view_status(v, false, "process %ld exited; back to the list of"
		    " processes", (long)open);
	else if (took == VIEW_PROCS_GONE)
		view_status(v, false, "process %ld is not in cycle %lu; back"
		    " to the list of processes", (long)open, snap->cycle);
	else if (took == VIEW_PROCS_LOST)
		view_status(v, false, "process %ld is not watched any more;"
		    " back to the list of processes", (long)open);
}

/*
 * Take what the source gave (rc, snap and err of source_next() and its
 * kin): record it and show it; a set's processes' sparklines take it
 * when history (not a rescan). Returns whether a snapshot came.
 */
static bool
view_loop_take(struct view_loop *l, int rc, struct snapshot *snap,
    char *err, bool history)
{
	struct view		*v = &l->v;
	enum view_procs_took	 took;

	if (rc == -1) {
		view_status(v, true, "%s", err != NULL ? err : v->replay ?
		    "read failed" : "collect failed");
		if (!v->replay) {
			free(err);
			return (false);
		}
		/* The recording ends here: this is why, it stays. */
		v->status_until = 0;
		/* It ends a recording; said again on stderr at the end. */
		if (l->error == NULL)
			l->error = err;
		else
			free(err);
		v->state = VIEW_ENDED;
		return (false);
	}
	if (rc == 0) {
		view_loop_end(l);
		return (false);
	}
	view_loop_record(l, snap);
	view_loop_history(l);
	if (snap->exited) {
		/* The exited snapshot has no VMAs: the last frame stays. */
		snapshot_free(snap);
		view_loop_end(l);
		return (true);
	}
	snapshot_free(l->cur);
	l->cur = snap;
	v->snap = snap;
	v->pid = snap->pid;
	snprintf(v->method, sizeof v->method, "%s", snap->method);
	v->set = snap->set != SNAP_SET_NONE;
	if (v->set) {
		view_loop_set(l, snap, history);
		return (true);
	}
	view_procs_take(&v->procs, NULL, false, &took);
	snprintf(v->comm, sizeof v->comm, "%s", snap->comm);
	if (snap->exec && !v->replay)
		view_status(v, false, "process %ld ran a new program, %s: its "
		    "regions are new, the history starts again", (long)v->pid,
		    snap->comm);
	return (true);
}

/* Start the next cycle of a live process; a failure shows. */
static void
view_loop_clear(struct view_loop *l)
{
	char	*err = NULL;

	if (source_clear(l->src, &err) == -1) {
		view_status(&l->v, true, "%s", err != NULL ? err :
		    "clear failed");
		free(err);
	}
}

/* Start a new cycle now, with a fresh history; false on failure. */
static bool
view_loop_restart(struct view_loop *l)
{
	char	*err = NULL;
	int	 rc;

	rc = source_restart(l->src, &err);
	view_loop_history(l);
	view_procs_reset(&l->v.procs);
	if (rc == -1) {
		view_status(&l->v, true, "%s", err != NULL ? err :
		    "clear failed");
		free(err);
		return (false);
	}
	l->deadline = now_mono() + l->v.interval;
	return (true);
}

/*
 * A new interval from a key: a live process restarts its cycle and its
 * history; a recording plays faster or slower.
 */
static void
view_loop_interval(struct view_loop *l, double seconds)
{
	struct view	*v = &l->v;
	char		 iv[32];

	v->interval = seconds;
	source_set_interval(l->src, seconds);
	if (v->replay) {
		l->deadline = now_mono() + seconds;
		view_status(v, false, "%g s per cycle", seconds);
		return;
	}
	if (v->state == VIEW_EXITED)
		return;
	snprintf(iv, sizeof iv, "%g", seconds);
	if (view_loop_restart(l))
		view_status(v, false, "interval %s s; the history restarts",
		    iv);
}

/* Whether the -n cycles have all been shown. */
static bool
view_loop_done(const struct view_loop *l)
{
	return (l->o->max_cycles != 0 && l->src->at >= l->o->max_cycles);
}

/*
 * The cycle's time is up: take the next one and, live, start the one
 * after. A recorded cycle has been shown for its interval before -n ends
 * the run; a live one ends it once collected. Returns whether to stop.
 */
static bool
view_loop_tick(struct view_loop *l)
{
	struct snapshot	*snap = NULL;
	char		*err = NULL;
	int		 rc;

	if (view_loop_done(l))
		return (true);
	rc = source_next(l->src, &snap, &err);
	view_loop_take(l, rc, snap, err, true);
	/* Live, --max-cost may have chosen another interval. */
	if (!l->v.replay)
		l->v.interval = l->src->interval;
	if (!l->v.replay && l->v.state != VIEW_EXITED)
		view_loop_clear(l);
	l->deadline = now_mono() + l->v.interval;
	view_draw(&l->v);
	return (!l->v.replay && view_loop_done(l));
}

/* Step through a recording: one cycle on (dir > 0) or back. */
static void
view_loop_step(struct view_loop *l, int dir)
{
	struct view	*v = &l->v;
	struct snapshot	*snap = NULL;
	char		*err = NULL;
	int		 rc;

	if (dir > 0 && v->state != VIEW_RUNNING && v->state != VIEW_PAUSED)
		return;
	if (dir < 0 && (l->cur == NULL || l->src->at <= 1)) {
		view_status(v, false, "at the first cycle");
		return;
	}
	v->state = VIEW_PAUSED;
	if (dir > 0)
		rc = source_next(l->src, &snap, &err);
	else
		rc = source_prev(l->src, &snap, &err);
	/* What the cycle taken said (of a process opened) comes first. */
	v->status[0] = '\0';
	if (view_loop_take(l, rc, snap, err, true) &&
	    v->state == VIEW_PAUSED && v->status[0] == '\0')
		view_status(v, false, "cycle %lu of %zu read", l->src->at,
		    l->src->ncycles);
}

/*
 * Do what a key asks of the cycles (the loop's part of the keys).
 * Returns whether to stop.
 */
static bool
view_loop_act(struct view_loop *l, enum view_action act)
{
	struct view	*v = &l->v;
	struct snapshot	*snap = NULL;
	char		*err = NULL;
	int		 rc;

	if (v->state == VIEW_EXITED && (act == ACT_CLEAR ||
	    act == ACT_RESCAN)) {
		view_status(v, false, "the process has exited");
		return (false);
	}
	switch (act) {
	case ACT_RESUME:
		if (v->replay)
			l->deadline = now_mono() + v->interval;
		else if (view_loop_restart(l))
			view_status(v, false, "resumed");
		break;
	case ACT_CLEAR:
		v->state = VIEW_RUNNING;
		if (view_loop_restart(l))
			view_status(v, false, "cleared: a new cycle starts now");
		break;
	case ACT_RESCAN:
		rc = source_rescan(l->src, &snap, &err);
		if (view_loop_take(l, rc, snap, err, false))
			view_status(v, false, "rescanned: the writes since the"
			    " last clear");
		return (view_loop_done(l));
	case ACT_STEP_NEXT:
	case ACT_STEP_PREV:
		view_loop_step(l, act == ACT_STEP_NEXT ? 1 : -1);
		break;
	case ACT_SLOWER:
	case ACT_FASTER:
		view_loop_interval(l, view_interval_step(v->interval,
		    act == ACT_SLOWER ? 1 : -1));
		break;
	case ACT_INTERVAL:
		view_loop_interval(l, v->typed_value);
		break;
	default:
		break;
	}
	return (false);
}

/* Set up the view from what the source knows before its first cycle. */
static void
view_loop_init(struct view_loop *l, struct source *src,
    const struct view_options *o)
{
	memset(l, 0, sizeof *l);
	l->src = src;
	l->o = o;
	view_init(&l->v);
	l->v.replay = !source_can_clear(src);
	l->v.source = src->path;
	l->v.why_method = o->why_method;
	l->v.pid = src->pid;
	snprintf(l->v.comm, sizeof l->v.comm, "%s", src->comm);
	snprintf(l->v.method, sizeof l->v.method, "%s", src->method);
	l->v.interval = src->interval;
	l->v.writable_only = !src->all_vmas;
	l->v.set = src->set;
	view_loop_history(l);
}

/*
 * The first cycle: a live process starts clearing; a recording shows its
 * first cycle at once, and plays at its interval. -1 with *cause.
 */
static int
view_loop_start(struct view_loop *l, char **cause)
{
	struct snapshot	*snap = NULL;
	char		*err = NULL;
	int		 rc;

	if (!l->v.replay) {
		if (source_clear(l->src, cause) == -1)
			return (-1);
	} else {
		rc = source_next(l->src, &snap, &err);
		view_loop_take(l, rc, snap, err, true);
		l->v.interval = l->cur != NULL && l->cur->interval > 0 ?
		    l->cur->interval : 1;
	}
	l->deadline = now_mono() + l->v.interval;
	view_draw(&l->v);
	return (0);
}

/*
 * What the loop does at every turn, keys or not: read the stderr of the
 * program sdtop started (so that its file stays small), take away an
 * error shown long enough, and say how the process ended once that is
 * known; redraw if any of it changed the screen.
 */
static void
view_loop_turn(struct view_loop *l)
{
	bool	changed;

	if (l->o->child_err != NULL)
		tail_file_poll(l->o->child_err);
	changed = view_status_expire(&l->v, now_mono());
	if (!l->v.replay && l->v.state == VIEW_EXITED && !l->exit_known) {
		l->exit_known = view_loop_exit_status(l);
		changed = true;
	}
	if (changed)
		view_draw(&l->v);
}

int
view_run(struct source *src, const struct view_options *o, char **cause)
{
	struct view_loop	 l;
	SCREEN			*scr;
	enum view_action	 act;
	bool			 stop;

	view_loop_init(&l, src, o);
	if (view_term_start(&l.v, &scr, cause) == -1)
		return (-1);
	if (view_loop_start(&l, cause) == -1) {
		view_term_end(scr);
		view_free(&l.v);
		return (-1);
	}
	while (!session_stop) {
		if (view_tstp)
			view_suspend(&l.v);
		view_loop_turn(&l);
		if (l.v.state == VIEW_RUNNING && now_mono() >= l.deadline) {
			if (view_loop_tick(&l))
				break;
			continue;
		}
		if (!view_next_action(&l.v, l.deadline, l.v.replay ?
		    "paused; space plays, . and , step" :
		    "paused; space resumes", l.v.replay ?
		    "at the end; , steps back" : "the process has exited",
		    &act))
			continue;
		if (act == ACT_QUIT)
			break;
		stop = view_loop_act(&l, act);
		view_draw(&l.v);
		if (stop)
			break;
	}
	view_term_end(scr);
	view_free(&l.v);
	snapshot_free(l.cur);
	if (l.error != NULL) {
		*cause = l.error;
		return (-1);
	}
	return (0);
}
