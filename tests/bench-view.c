/*
 * bench-view.c - what one frame of the screen costs (make bench, case 7).
 *
 *	tests/bench-view [MIB] [FRAMES]	(default 4096 MiB, 20 frames)
 *
 * A synthetic cycle of a target with a MIB MiB region (one page in ten
 * written, in runs of six pages every 64) and a few small ones is made
 * from a JSON line, as a replay makes it. The screen (newterm() on
 * /dev/null, TERM=xterm-256color, 200 columns by 60 lines) is laid out
 * and drawn at each zoom from 1 page a cell up, and with auto-zoom; the
 * same is done for a 64 MiB target, whose map (at one page a cell) just
 * fills the screen: the ratio at zoom 1 shows whether drawing grows with
 * what is off screen. Units:
 * milliseconds per frame; asserts nothing.
 */
#include "config.h"

#include <curses.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench-lib.h"
#include "replay.h"
#include "snapshot.h"
#include "view.h"
#include "view-draw.h"
#include "view-layout.h"
#include "view-paint.h"

#define COLS_	200
#define LINES_	60
#define BASE	0x7f0000000000ULL

/* One VMA of a JSON line, its written ranges every 64 pages. */
static void
json_vma(FILE *f, uint64_t start, uint64_t pages, const char *name,
    int comma)
{
	uint64_t	p;

	fprintf(f, "%s{\"start\":\"0x%" PRIx64 "\",\"end\":\"0x%" PRIx64
	    "\",\"perms\":\"rw-p\",\"name\":\"%s\",\"pages\":%" PRIu64
	    ",\"tracked\":true,\"new\":false,\"dirty\":[", comma ? "," : "",
	    start, start + pages * 4096, name, pages);
	for (p = 0; p + 6 <= pages; p += 64)
		fprintf(f, "%s[\"0x%" PRIx64 "\",\"0x%" PRIx64 "\"]",
		    p == 0 ? "" : ",", start + p * 4096,
		    start + (p + 6) * 4096);
	fputs("]}", f);
}

/* The snapshot of a target with a mib MiB region and three small ones. */
static struct snapshot *
make_snapshot(uint64_t mib)
{
	struct snapshot	*s = NULL;
	char		*line = NULL, *cause = NULL;
	size_t		 len = 0;
	FILE		*f;

	if ((f = open_memstream(&line, &len)) == NULL)
		exit(1);
	fprintf(f, "{\"cycle\":2,\"time\":2,\"pid\":7,\"comm\":\"big\","
	    "\"method\":\"uffd-wp\",\"interval\":1,\"page_size\":4096,"
	    "\"vmas\":[");
	json_vma(f, 0x400000, 16, "/usr/bin/big", 0);
	json_vma(f, 0x1000000, 200, "[heap]", 1);
	json_vma(f, BASE, mib * 256, "", 1);
	json_vma(f, 0x7ffd00000000ULL, 33, "[stack]", 1);
	fputs("]}\n", f);
	fclose(f);
	if (replay_parse_line(line, &s, &cause) == -1) {
		fprintf(stderr, "bench-view: %s\n", cause);
		exit(1);
	}
	free(line);
	return (s);
}

/* Lay out and draw frames frames at zoom (0: auto); ms[] each, in ms. */
static int
frames_ms(struct view *v, uint64_t zoom, int frames, double *ms)
{
	double	t0;
	int	i;

	for (i = 0; i < frames; i++) {
		v->autozoom = zoom == 0;
		if (zoom != 0)
			v->zoom = zoom;
		clearok(curscr, TRUE);
		t0 = bench_now();
		view_layout(v, COLS, LINES - 4);
		view_draw(v);
		ms[i] = (bench_now() - t0) * 1e3;
	}
	return (frames);
}

/* Set up a view of s. */
static void
view_of(struct view *v, const struct snapshot *s)
{
	view_init(v);
	v->snap = s;
	v->pid = s->pid;
	snprintf(v->comm, sizeof v->comm, "%s", s->comm);
	snprintf(v->method, sizeof v->method, "%s", s->method);
	v->interval = s->interval;
	v->state = VIEW_RUNNING;
}

/* One row: the big target at zoom against the small one; the median. */
static double
zoom_row(struct view *big, struct view *small, uint64_t zoom, int frames,
    uint64_t pages, double *ratio1)
{
	double	ms[64], ref[64], ratio[64], r;
	char	label[64], note[64];
	int	i;

	frames_ms(small, zoom, frames, ref);
	r = bench_median(ref, (size_t)frames);
	frames_ms(big, zoom, frames, ms);
	for (i = 0; i < frames; i++)
		ratio[i] = ms[i] / r;
	if (zoom == 0)
		snprintf(label, sizeof label, "screen frame, auto-zoom (%"
		    PRIu64 ")", big->zoom);
	else
		snprintf(label, sizeof label, "screen frame, zoom %" PRIu64,
		    zoom);
	snprintf(note, sizeof note, "64 MiB target %.3f ms", r);
	bench_row(label, pages, ms, ratio, (size_t)frames, note);
	if (zoom == 1)
		*ratio1 = bench_median(ratio, (size_t)frames);
	return (bench_median(ms, (size_t)frames));
}

int
main(int argc, char **argv)
{
	struct snapshot	*sb, *ss;
	struct view	 vb, vs;
	SCREEN		*scr;
	FILE		*null;
	uint64_t	 mib, z;
	double		 worst = 0, m, ratio1 = 0;
	int		 frames;

	mib = argc > 1 ? strtoull(argv[1], NULL, 10) : 4096;
	frames = argc > 2 ? atoi(argv[2]) : 20;
	if (mib == 0 || frames < 1 || frames > 64)
		return (2);
	sb = make_snapshot(mib);
	ss = make_snapshot(64);
	setenv("TERM", "xterm-256color", 1);
	setenv("COLUMNS", "200", 1);
	setenv("LINES", "60", 1);
	if ((null = fopen("/dev/null", "r+")) == NULL ||
	    (scr = newterm("xterm-256color", null, null)) == NULL) {
		bench_skip("screen", "no terminal xterm-256color");
		return (0);
	}
	set_term(scr);
	view_of(&vb, sb);
	view_of(&vs, ss);
	view_paint_setup(&vb);
	for (z = 0; z <= 16384; z = z == 0 ? 1 : z * 4)
		if ((m = zoom_row(&vb, &vs, z, frames, mib * 256,
		    &ratio1)) > worst)
			worst = m;
	endwin();
	delscreen(scr);
	fclose(null);
	bench_verdict("7 one frame of a 4 GiB target, worst zoom", worst, 10,
	    0, " ms");
	bench_verdict("7 frame at zoom 1, 4 GiB vs 64 MiB target (off "
	    "screen)", ratio1, 1.5, 0, " x");
	view_free(&vb);
	view_free(&vs);
	snapshot_free(sb);
	snapshot_free(ss);
	return (0);
}
