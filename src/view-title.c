/*
 * view-title.c - the title row of a region on the screen, as pmap(1) and
 * htop would have it: the parts that fit, aligned from row to row, and
 * the name never lost. Addresses have the digits the largest one needs
 * (as /proc/PID/maps writes them, 12 on x86_64), counts the digits of
 * the largest count. On a narrow screen the end address goes first, then
 * the size in bytes (the page count says it), then the start address,
 * then the page count; what is left is the name's, shortened from the
 * left when it must be, so that its end (a file's own name) stays.
 *
 * A region not tracked says so instead of a dirty count, and why after
 * its name when that is known: read-only (or no access at all, as a
 * guard page), huge pages (which uffd-wp leaves alone), or the error
 * that stopped its tracking.
 *
 * Units: columns, not bytes: names are measured once escaped (a CJK
 * character takes two columns, an escaped byte four).
 */
#include "config.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "proc-maps.h"
#include "render.h"
#include "snapshot.h"
#include "str-escape.h"
#include "view-title.h"

/* The formats tried, richest first. */
static const int view_title_ladder[] = {
	VIEW_TITLE_START | VIEW_TITLE_END | VIEW_TITLE_PAGES | VIEW_TITLE_BYTES,
	VIEW_TITLE_START | VIEW_TITLE_PAGES | VIEW_TITLE_BYTES,
	VIEW_TITLE_START | VIEW_TITLE_PAGES,
	VIEW_TITLE_PAGES,
	0,
};

#define NLADDER	(sizeof view_title_ladder / sizeof view_title_ladder[0])

/* What an untracked region says instead of a dirty count. */
#define STATE_UNTRACKED	"not tracked"
#define STATE_NEW	"new region"

/* Columns between the fixed part and the name, and the name and its note. */
#define NAME_GAP	2

/* The least of a name a note leaves it ("…/libc.so.6" and one more). */
#define NOTE_NAME_MIN	12

/* A region's name, "[anon]" when it has none. */
static const char *
view_title_name(const struct snap_vma *sv)
{
	if (sv->vma.name == NULL || *sv->vma.name == '\0')
		return ("[anon]");
	return (sv->vma.name);
}

/* Why a region is not tracked, in a few words, or NULL. */
static const char *
view_title_why(const struct snap_vma *sv, char *buf, size_t size)
{
	if (sv->is_new || sv->tracked)
		return (NULL);
	if (sv->error == SNAP_EHUGE)
		return ("(huge pages)");
	if (sv->error != 0) {
		snprintf(buf, size, "(error: %s)", snap_vma_error(sv));
		return (buf);
	}
	if (sv->vma.prot & VMA_WRITE)
		return (NULL);
	if (sv->vma.prot & VMA_READ)
		return ("(read-only)");
	return (sv->vma.prot & VMA_EXEC ? "(not writable)" : "(no access)");
}

/* The columns the unit of n bytes at p takes once escaped. */
static size_t
view_unit_width(const char *p, size_t n, int flags)
{
	char	unit[8], esc[32];

	memcpy(unit, p, n);
	unit[n] = '\0';
	str_escape(esc, sizeof esc, unit, flags);
	return (str_width(esc));
}

/* The length of the unit at the start of the n bytes at p (1 at least). */
static size_t
view_unit_len(const char *p, size_t n)
{
	uint32_t	cp;
	size_t		len;

	if ((len = str_utf8_next(p, n > 4 ? 4 : n, &cp)) == 0)
		len = 1;
	return (len);
}

/* The columns s takes once escaped. */
static size_t
view_escaped_width(const char *s, int flags)
{
	size_t	off = 0, len = strlen(s), n, w = 0;

	while (off < len) {
		n = view_unit_len(s + off, len - off);
		w += view_unit_width(s + off, n, flags);
		off += n;
	}
	return (w);
}

/*
 * Where the tail of s that fits in cols columns once escaped starts,
 * s taking width columns: past whole units, and at a '/' of that tail
 * when there is one with something after it.
 */
static size_t
view_tail(const char *s, int flags, size_t width, size_t cols)
{
	const char	*slash;
	size_t		 off = 0, len = strlen(s), n;

	while (width > cols && off < len) {
		n = view_unit_len(s + off, len - off);
		width -= view_unit_width(s + off, n, flags);
		off += n;
	}
	if (off > 0 && (slash = strchr(s + off, '/')) != NULL &&
	    slash[1] != '\0')
		off = (size_t)(slash - s);
	return (off);
}

/* The columns of the fixed part (all but the name) of format parts. */
static int
view_title_fixed(const struct view_title_fmt *f, int parts)
{
	int	w = 0;

	if (parts & VIEW_TITLE_START)
		w += f->addr_digits + 1;
	if (parts & VIEW_TITLE_END)
		w += f->addr_digits + 1;
	w += 5;
	if (parts & VIEW_TITLE_PAGES)
		w += f->pages_w + 7;
	if (parts & VIEW_TITLE_BYTES)
		w += f->bytes_w + 1;
	return (w + f->state_w + NAME_GAP);
}

/* The digits of x in base (1 at least). */
static int
view_digits(uint64_t x, unsigned base)
{
	int	n = 1;

	while (x >= base) {
		x /= base;
		n++;
	}
	return (n);
}

/* The columns of the widest name of the regions shown. */
static size_t
view_title_need(const struct snapshot *s, const size_t *order, size_t n,
    int flags)
{
	size_t	i, w, need = 0;

	for (i = 0; i < n; i++) {
		w = view_escaped_width(view_title_name(&s->vmas[order[i]]),
		    flags);
		if (w > need)
			need = w;
	}
	return (need);
}

void
view_title_fmt(struct view_title_fmt *f, const struct snapshot *s,
    const size_t *order, size_t n, int cols, bool ascii)
{
	const struct snap_vma	*sv;
	uint64_t		 top = 0, pages = 0;
	char			 b[32];
	size_t			 i, need, want;
	int			 w, room;

	memset(f, 0, sizeof *f);
	f->ascii = ascii;
	f->bytes_w = 1;
	for (i = 0; i < n; i++) {
		sv = &s->vmas[order[i]];
		if (sv->vma.start > top)
			top = sv->vma.start;
		if (sv->vma.end > top)
			top = sv->vma.end;
		if (sv->npages > pages)
			pages = sv->npages;
		w = (int)strlen(render_bytes(sv->npages * s->page_size, b,
		    sizeof b));
		if (w > f->bytes_w)
			f->bytes_w = w;
	}
	f->addr_digits = view_digits(top, 16);
	if (f->addr_digits < 8)
		f->addr_digits = 8;
	f->pages_w = view_digits(pages, 10);
	f->state_w = f->pages_w + 6;
	if (f->state_w < (int)strlen(STATE_UNTRACKED))
		f->state_w = (int)strlen(STATE_UNTRACKED);

	need = view_title_need(s, order, n, ascii ? STR_ESCAPE_ASCII : 0);
	want = need < VIEW_TITLE_NAME_MIN ? need : VIEW_TITLE_NAME_MIN;
	for (i = 0; i < NLADDER - 1; i++) {
		room = cols - view_title_fixed(f, view_title_ladder[i]);
		if (room >= 0 && (size_t)room >= want)
			break;
	}
	f->parts = view_title_ladder[i];
	f->room = cols - view_title_fixed(f, f->parts);
	/* Below 40 columns a name may be cut at the screen's edge. */
	if (f->room < 8)
		f->room = 8;
}

/* Append to buf (of size, holding *len bytes) as printf does. */
static void __attribute__((format(printf, 4, 5)))
view_cat(char *buf, size_t size, size_t *len, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	if (*len + 1 >= size)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf + *len, size - *len, fmt, ap);
	va_end(ap);
	if (n > 0)
		*len += (size_t)n < size - *len ? (size_t)n : size - *len - 1;
}

/* The fixed part of a title: address, perms, size, and its state. */
static void
view_title_head(const struct snap_vma *sv, uint64_t page_size,
    const struct view_title_fmt *f, char *buf, size_t size, size_t *len)
{
	char	b[32];

	if (f->parts & VIEW_TITLE_START)
		view_cat(buf, size, len, "%0*" PRIx64 "%s", f->addr_digits,
		    sv->vma.start, f->parts & VIEW_TITLE_END ? "-" : " ");
	if (f->parts & VIEW_TITLE_END)
		view_cat(buf, size, len, "%0*" PRIx64 " ", f->addr_digits,
		    sv->vma.end);
	view_cat(buf, size, len, "%.4s ", sv->vma.perms);
	if (f->parts & VIEW_TITLE_PAGES)
		view_cat(buf, size, len, "%*" PRIu64 " %s ", f->pages_w,
		    sv->npages, sv->npages == 1 ? "page " : "pages");
	if (f->parts & VIEW_TITLE_BYTES)
		view_cat(buf, size, len, "%*s ", f->bytes_w,
		    render_bytes(sv->npages * page_size, b, sizeof b));
	if (sv->is_new)
		view_cat(buf, size, len, "%*s", f->state_w, STATE_NEW);
	else if (!sv->tracked)
		view_cat(buf, size, len, "%*s", f->state_w, STATE_UNTRACKED);
	else
		view_cat(buf, size, len, "%*" PRIu64 " dirty", f->state_w - 6,
		    sv->dirty);
	view_cat(buf, size, len, "%*s", NAME_GAP, "");
}

int
view_title(const struct snap_vma *sv, uint64_t page_size,
    const struct view_title_fmt *f, char *buf, size_t size)
{
	const char	*name, *why;
	const char	*dots = f->ascii ? "..." : "\xe2\x80\xa6";
	char		 b[128];
	size_t		 len = 0, width, room, whyw = 0, off;
	int		 flags = f->ascii ? STR_ESCAPE_ASCII : 0;

	if (size == 0)
		return (0);
	buf[0] = '\0';
	view_title_head(sv, page_size, f, buf, size, &len);
	name = view_title_name(sv);
	width = view_escaped_width(name, flags);
	room = (size_t)f->room;
	if ((why = view_title_why(sv, b, sizeof b)) != NULL)
		whyw = NAME_GAP + strlen(why);
	/* The note keeps its place if the name still gets enough of it. */
	if (why != NULL && width + whyw > room && (room < whyw ||
	    room - whyw < (width < NOTE_NAME_MIN ? width : NOTE_NAME_MIN)))
		why = NULL;
	if (why != NULL)
		room -= whyw;
	if (width > room) {
		off = view_tail(name, flags, width, room - (f->ascii ? 3 : 1));
		view_cat(buf, size, &len, "%s", dots);
		name += off;
	}
	/* Escaped, and cut if buf is short between whole characters. */
	str_escape(buf + len, size - len, name, flags);
	len += strlen(buf + len);
	if (why != NULL)
		view_cat(buf, size, &len, "%*s%s", NAME_GAP, "", why);
	return ((int)str_width(buf));
}
