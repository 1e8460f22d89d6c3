/*
 * view-loop.c - the loops of the screen: a live process (clear, wait the
 * interval while reading keys, collect, draw) and a recording (read the
 * next cycle, wait, draw), and the life of the terminal around them.
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
#include <unistd.h>

#include "history.h"
#include "out-json.h"
#include "proc.h"
#include "replay.h"
#include "session.h"
#include "snapshot.h"
#include "track.h"
#include "view.h"
#include "view-draw.h"
#include "view-keys.h"
#include "view-loop.h"

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
	view_draw_setup(v);

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
 * running) and do what both loops do alike with it: pause, or say in over
 * that there is nothing to pause. false when no key came; else true with
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

/* Write a cycle to the recording; a failure shows in the status line. */
static void
view_record(struct view *v, const struct view_options *o,
    const struct snapshot *snap)
{
	if (o->record == NULL)
		return;
	if (out_json(o->record, snap) == -1 || fflush(o->record) == EOF)
		view_status(v, true, "cannot write the recording: %s",
		    strerror(errno));
}

/* Show the session's history in the view. */
static void
view_live_history(struct view *v, const struct session *s)
{
	v->counts = s->history.counts;
	v->ncounts = s->history.n;
	v->converged_at = s->history.converged_at;
	v->window = s->history.window;
}

/*
 * End the cycle: collect a snapshot, record it and show it. When clear is
 * set, start the next cycle at once. Returns 1 when a snapshot came.
 */
static int
view_live_collect(struct view *v, struct session *s,
    const struct view_options *o, struct snapshot **cur, bool clear)
{
	struct snapshot	*snap = NULL;
	char		*err = NULL;

	if (session_collect(s, &snap, &err) == -1) {
		view_status(v, true, "%s", err != NULL ? err : "collect failed");
		free(err);
		err = NULL;
		if (clear && session_clear(s, &err) == -1) {
			view_status(v, true, "%s", err != NULL ? err :
			    "clear failed");
			free(err);
		}
		return (0);
	}
	view_record(v, o, snap);
	view_live_history(v, s);
	if (snap->exited) {
		/* The last frame stays; the exited snapshot has no VMAs. */
		v->state = VIEW_EXITED;
		view_status(v, false, "process %ld exited; q quits",
		    (long)v->pid);
		snapshot_free(snap);
		return (1);
	}
	snapshot_free(*cur);
	*cur = snap;
	v->snap = snap;
	snprintf(v->comm, sizeof v->comm, "%s", snap->comm);
	snprintf(v->method, sizeof v->method, "%s", snap->method);
	if (snap->exec)
		view_status(v, false, "process %ld ran a new program, %s: its "
		    "regions are new, the history starts again", (long)v->pid,
		    snap->comm);
	if (clear && session_clear(s, &err) == -1) {
		view_status(v, true, "%s", err != NULL ? err : "clear failed");
		free(err);
	}
	return (1);
}

/* Start a new cycle now, with a fresh history; false on failure. */
static bool
view_live_restart(struct view *v, struct session *s, double *deadline)
{
	char	*err = NULL;

	history_reset(&s->history);
	view_live_history(v, s);
	if (session_clear(s, &err) == -1) {
		view_status(v, true, "%s", err != NULL ? err : "clear failed");
		free(err);
		return (false);
	}
	*deadline = now_mono() + s->interval;
	return (true);
}

/* A new interval from a key: restarts the cycle and the history. */
static void
view_live_interval(struct view *v, struct session *s, double seconds,
    double *deadline)
{
	char	iv[32];

	s->interval = seconds;
	v->interval = seconds;
	if (v->state == VIEW_EXITED)
		return;
	snprintf(iv, sizeof iv, "%g", seconds);
	if (view_live_restart(v, s, deadline))
		view_status(v, false, "interval %s s; the history restarts",
		    iv);
}

int
view_live(struct session *s, const struct view_options *o, char **cause)
{
	struct view		 v;
	struct snapshot		*cur = NULL;
	SCREEN			*scr;
	enum view_action	 act;
	unsigned long		 cycles = 0;
	double			 deadline;
	char			*err = NULL;
	size_t			 hn;
	long			 hconv;

	view_init(&v);
	v.pid = s->target.pid;
	snprintf(v.comm, sizeof v.comm, "%s", s->comm);
	snprintf(v.method, sizeof v.method, "%s", s->tracker.method != NULL ?
	    s->tracker.method->name : "?");
	v.why_method = o->why_method;
	v.interval = s->interval;
	v.writable_only = !s->all_vmas;
	view_live_history(&v, s);

	if (view_term_start(&v, &scr, cause) == -1)
		return (-1);
	if (session_clear(s, &err) == -1) {
		view_term_end(scr);
		*cause = err;
		return (-1);
	}
	deadline = now_mono() + s->interval;
	view_draw(&v);

	while (!session_stop) {
		if (view_tstp)
			view_suspend(&v);
		if (v.state == VIEW_RUNNING && now_mono() >= deadline) {
			if (view_live_collect(&v, s, o, &cur, true))
				cycles++;
			deadline = now_mono() + s->interval;
			view_draw(&v);
			if (o->max_cycles != 0 && cycles >= o->max_cycles)
				break;
			continue;
		}
		if (!view_next_action(&v, deadline, "paused; space resumes",
		    "the process has exited", &act))
			continue;
		if (act == ACT_QUIT)
			break;
		if (v.state == VIEW_EXITED && (act == ACT_CLEAR ||
		    act == ACT_RESCAN)) {
			view_status(&v, false, "the process has exited");
			act = ACT_NONE;
		}
		switch (act) {
		case ACT_RESUME:
			if (view_live_restart(&v, s, &deadline))
				view_status(&v, false, "resumed");
			break;
		case ACT_CLEAR:
			v.state = VIEW_RUNNING;
			if (view_live_restart(&v, s, &deadline))
				view_status(&v, false, "cleared: a new cycle"
				    " starts now");
			break;
		case ACT_RESCAN:
			/*
			 * A rescan sees part of a cycle: keep its count out
			 * of the history, which judges whole cycles only.
			 */
			hn = s->history.n;
			hconv = s->history.converged_at;
			if (view_live_collect(&v, s, o, &cur, false)) {
				cycles++;
				view_status(&v, false, "rescanned: the writes"
				    " since the last clear");
			}
			if (s->history.n > hn) {
				s->history.n = hn;
				s->history.converged_at = hconv;
				view_live_history(&v, s);
			}
			break;
		case ACT_SLOWER:
		case ACT_FASTER:
			view_live_interval(&v, s, view_interval_step(
			    s->interval, act == ACT_SLOWER ? 1 : -1),
			    &deadline);
			break;
		case ACT_INTERVAL:
			view_live_interval(&v, s, v.typed_value, &deadline);
			break;
		default:
			break;
		}
		view_draw(&v);
		if (o->max_cycles != 0 && cycles >= o->max_cycles)
			break;
	}
	view_term_end(scr);
	view_free(&v);
	snapshot_free(cur);
	return (0);
}

/*
 * A recording read so far: where each cycle starts in the file, so that
 * stepping back re-reads it instead of keeping every snapshot in memory.
 */
struct view_tape {
	struct replay	*r;
	off_t		*offs;
	unsigned long	*lines;
	uint64_t	*counts;
	bool		*conv;
	size_t		 n;
	size_t		 cap;
	off_t		 end_off;	/* just past the last cycle read */
	unsigned long	 end_line;
	unsigned long	 end_cycle;	/* the number of the last cycle read */
	bool		 eof;
	bool		 exited;	/* the recording ends with an exit */
	char		*error;		/* why the reading stopped, or NULL */
};

/* Append the position and count of a cycle just read; -1 if no memory. */
static int
view_tape_push(struct view_tape *t, off_t off, unsigned long line,
    const struct snapshot *s)
{
	size_t	cap;
	void	*p;

	if (t->n == t->cap) {
		cap = t->cap == 0 ? 64 : t->cap * 2;
		if ((p = reallocarray(t->offs, cap, sizeof *t->offs)) == NULL)
			return (-1);
		t->offs = p;
		if ((p = reallocarray(t->lines, cap, sizeof *t->lines)) == NULL)
			return (-1);
		t->lines = p;
		if ((p = reallocarray(t->counts, cap, sizeof *t->counts)) ==
		    NULL)
			return (-1);
		t->counts = p;
		if ((p = reallocarray(t->conv, cap, sizeof *t->conv)) == NULL)
			return (-1);
		t->conv = p;
		t->cap = cap;
	}
	t->offs[t->n] = off;
	t->lines[t->n] = line;
	t->counts[t->n] = s->dirty_pages;
	t->conv[t->n] = s->converged;
	t->n++;
	return (0);
}

static void
view_tape_free(struct view_tape *t)
{
	free(t->offs);
	free(t->lines);
	free(t->counts);
	free(t->conv);
	free(t->error);
}

/*
 * Cycle i of the recording into *out: re-read when already seen, else
 * read on. 1 with *out, 0 past the end, -1 with *cause.
 */
static int
view_tape_read(struct view_tape *t, size_t i, struct snapshot **out,
    char **cause)
{
	struct snapshot	*s = NULL;
	off_t		 off;
	unsigned long	 line;
	int		 rc;

	if (i < t->n) {
		if (fseeko(t->r->f, t->offs[i], SEEK_SET) == -1) {
			*cause = cause_errno(errno, "%s", t->r->path);
			return (-1);
		}
		t->r->line = t->lines[i];
		/* Read before: its order was checked then. */
		t->r->last_cycle = 0;
		rc = replay_next(t->r, out, cause);
		return (rc == 0 ? -1 : rc);
	}
	if (t->eof || i != t->n)
		return (0);
	if (t->n > 0 && fseeko(t->r->f, t->end_off, SEEK_SET) == -1) {
		*cause = cause_errno(errno, "%s", t->r->path);
		return (-1);
	}
	if (t->n > 0) {
		t->r->line = t->end_line;
		t->r->last_cycle = t->end_cycle;
	}
	off = ftello(t->r->f);
	line = t->r->line;
	rc = replay_next(t->r, &s, cause);
	if (rc <= 0) {
		t->eof = true;
		return (rc);
	}
	t->end_off = ftello(t->r->f);
	t->end_line = t->r->line;
	t->end_cycle = s->cycle;
	if (s->exited) {
		t->eof = true;
		t->exited = true;
		snapshot_free(s);
		return (0);
	}
	if (view_tape_push(t, off, line, s) == -1) {
		snapshot_free(s);
		*cause = cause_fmt("out of memory");
		return (-1);
	}
	*out = s;
	return (1);
}

/* Show cycle i of the tape; false when there is none. */
static bool
view_tape_show(struct view *v, struct view_tape *t, size_t i,
    struct snapshot **cur, size_t *shown)
{
	struct snapshot	*s = NULL;
	char		*err = NULL;
	size_t		 k;
	int		 rc;

	rc = view_tape_read(t, i, &s, &err);
	if (rc == -1) {
		view_status(v, true, "%s", err != NULL ? err : "read failed");
		/* Said again on stderr, with a failing status, at the end. */
		if (t->error == NULL)
			t->error = err;
		else
			free(err);
		v->state = VIEW_ENDED;
		return (false);
	}
	if (rc == 0) {
		v->state = t->exited ? VIEW_EXITED : VIEW_ENDED;
		view_status(v, false, "%s after %zu cycles; , steps back,"
		    " q quits", t->exited ? "the process exited" :
		    "end of the recording", t->n);
		return (false);
	}
	snapshot_free(*cur);
	*cur = s;
	*shown = i;
	v->snap = s;
	v->pid = s->pid;
	snprintf(v->comm, sizeof v->comm, "%s", s->comm);
	snprintf(v->method, sizeof v->method, "%s", s->method);
	v->counts = t->counts;
	v->ncounts = i + 1;
	v->converged_at = -1;
	for (k = 0; k <= i; k++) {
		if (t->conv[k]) {
			v->converged_at = (long)k;
			break;
		}
	}
	return (true);
}

int
view_replay(struct replay *r, const struct view_options *o, char **cause)
{
	struct view		 v;
	struct view_tape	 t;
	struct snapshot		*cur = NULL;
	SCREEN			*scr;
	enum view_action	 act;
	size_t			 shown = 0;
	double			 deadline;

	view_init(&v);
	v.replay = true;
	v.source = r->path;
	v.why_method = o->why_method;
	memset(&t, 0, sizeof t);
	t.r = r;

	if (view_term_start(&v, &scr, cause) == -1)
		return (-1);
	if (view_tape_show(&v, &t, 0, &cur, &shown))
		v.interval = cur->interval > 0 ? cur->interval : 1;
	else
		v.interval = 1;
	deadline = now_mono() + v.interval;
	view_draw(&v);

	while (!session_stop) {
		if (view_tstp)
			view_suspend(&v);
		if (v.state == VIEW_RUNNING && now_mono() >= deadline) {
			if (o->max_cycles != 0 && shown + 1 >= o->max_cycles)
				break;
			view_tape_show(&v, &t, shown + 1, &cur, &shown);
			deadline = now_mono() + v.interval;
			view_draw(&v);
			continue;
		}
		if (!view_next_action(&v, deadline, "paused; space plays, . and"
		    " , step", "at the end; , steps back", &act))
			continue;
		if (act == ACT_QUIT)
			break;
		switch (act) {
		case ACT_RESUME:
			deadline = now_mono() + v.interval;
			break;
		case ACT_STEP_NEXT:
			if (v.state != VIEW_RUNNING && v.state != VIEW_PAUSED)
				break;
			v.state = VIEW_PAUSED;
			if (view_tape_show(&v, &t, shown + 1, &cur, &shown))
				view_status(&v, false, "cycle %zu of %zu read",
				    shown + 1, t.n);
			break;
		case ACT_STEP_PREV:
			if (cur == NULL || shown == 0) {
				view_status(&v, false, "at the first cycle");
				break;
			}
			v.state = VIEW_PAUSED;
			if (view_tape_show(&v, &t, shown - 1, &cur, &shown))
				view_status(&v, false, "cycle %zu of %zu read",
				    shown + 1, t.n);
			break;
		case ACT_SLOWER:
		case ACT_FASTER:
			v.interval = view_interval_step(v.interval,
			    act == ACT_SLOWER ? 1 : -1);
			deadline = now_mono() + v.interval;
			view_status(&v, false, "%g s per cycle", v.interval);
			break;
		case ACT_INTERVAL:
			v.interval = v.typed_value;
			deadline = now_mono() + v.interval;
			view_status(&v, false, "%g s per cycle", v.interval);
			break;
		default:
			break;
		}
		view_draw(&v);
	}
	view_term_end(scr);
	view_free(&v);
	if (t.error != NULL) {
		*cause = t.error;
		t.error = NULL;
	}
	view_tape_free(&t);
	snapshot_free(cur);
	return (*cause != NULL ? -1 : 0);
}
