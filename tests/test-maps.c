/*
 * test-maps.c - parsing /proc/PID/maps: golden fixture files checked field
 * by field, malformed lines rejected with their reason and line number,
 * vma_list_find() and vma_trackable().
 *
 * Addresses are bytes; the fixtures are written for 4 KiB pages and the
 * tests that read them skip on other page sizes.
 */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fixture.h"

#include "page.h"
#include "proc-maps.h"

/* Read tests/fixtures/NAME into a malloc'd string. */
static char *
fixture_read(const char *name)
{
	const char	*path = fixture_path(name, NULL);
	char		*buf;
	FILE		*f;
	long		 len;

	f = fopen(path, "r");
	if (f == NULL)
		fail_msg("cannot open %s: %s", path, strerror(errno));
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	len = ftell(f);
	assert_true(len > 0);
	rewind(f);
	buf = malloc((size_t)len + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)len, f), (size_t)len);
	buf[len] = '\0';
	fclose(f);
	return (buf);
}

/* Skip a test whose fixture addresses assume 4 KiB pages. */
static void
need_4k_pages(void)
{
	if (page_size() != 4096)
		skip();
}

/* What one line of a fixture must parse into. */
struct want {
	uint64_t	 start, end, offset;
	unsigned int	 major, minor;
	uint64_t	 inode;
	const char	*perms;
	unsigned int	 prot;
	bool		 deleted;
	const char	*name;
};

#define R	VMA_READ
#define W	VMA_WRITE
#define X	VMA_EXEC
#define S	VMA_SHARED

/* tests/fixtures/maps/typical.maps, line by line. */
static const struct want typical[] = {
	{ 0x55d0c8a00000, 0x55d0c8a02000, 0, 0xfd, 0x01, 1835123, "r--p", R,
	  false, "/usr/bin/demo prog" },
	{ 0x55d0c8a02000, 0x55d0c8a05000, 0x2000, 0xfd, 0x01, 1835123, "r-xp",
	  R | X, false, "/usr/bin/demo prog" },
	{ 0x55d0c8c04000, 0x55d0c8c25000, 0, 0, 0, 0, "rw-p", R | W, false,
	  "[heap]" },
	{ 0x7f2c1a000000, 0x7f2c1a012000, 0, 0, 0, 0, "rw-p", R | W, false,
	  "" },
	{ 0x7f2c1a012000, 0x7f2c1a013000, 0, 0, 0x05, 4097, "rw-s",
	  R | W | S, true, "/dev/shm/my segment" },
	{ 0x7f2c1a013000, 0x7f2c1a015000, 0x1f000, 0x103, 0x02, 42, "r--s",
	  R | S, false, "/tmp/a (deleted) b" },
	{ 0x7f2c1a015000, 0x7f2c1a016000, 0, 0, 0, 0, "-w-p", W, false, "" },
	{ 0x7f2c1a016000, 0x7f2c1a017000, 0, 0x08, 0x02, 7, "rw-p", R | W,
	  true, "/tmp/x (deleted)" },
	{ 0x7ffd5e7c0000, 0x7ffd5e7e1000, 0, 0, 0, 0, "rw-p", R | W, false,
	  "[stack]" },
	{ 0x7ffd5e7f0000, 0x7ffd5e7f4000, 0, 0, 0, 0, "r--p", R, false,
	  "[vvar]" },
	{ 0x7ffd5e7f4000, 0x7ffd5e7f6000, 0, 0, 0, 0, "r-xp", R | X, false,
	  "[vdso]" },
	{ 0xffffffffff600000, 0xffffffffff601000, 0, 0, 0, 0, "--xp", X, false,
	  "[vsyscall]" },
};

/* Check every field of v against w. */
static void
vma_check(const struct vma *v, const struct want *w)
{
	assert_int_equal(v->start, w->start);
	assert_int_equal(v->end, w->end);
	assert_int_equal(v->offset, w->offset);
	assert_int_equal(v->dev_major, w->major);
	assert_int_equal(v->dev_minor, w->minor);
	assert_int_equal(v->inode, w->inode);
	assert_string_equal(v->perms, w->perms);
	assert_int_equal(v->prot, w->prot);
	assert_int_equal(v->deleted, w->deleted);
	assert_non_null(v->name);
	assert_string_equal(v->name, w->name);
}

static void
maps_parse__typical_fixture__every_field(void **state)
{
	struct vma_list	 l = { 0 };
	char		*text, *cause = NULL;
	size_t		 i;

	(void)state;
	need_4k_pages();
	text = fixture_read("maps/typical.maps");
	assert_int_equal(maps_parse(text, &l, &cause), 0);
	assert_null(cause);
	assert_int_equal(l.n, sizeof typical / sizeof typical[0]);
	for (i = 0; i < l.n; i++)
		vma_check(&l.v[i], &typical[i]);
	assert_int_equal(vma_pages(&l.v[2]), 0x21);
	assert_int_equal(vma_pages(&l.v[3]), 18);
	vma_list_free(&l);
	free(text);
}

static void
maps_parse_line__deleted_file__keeps_path(void **state)
{
	const char	*line = "7f2c1a012000-7f2c1a013000 rw-s 00000000 00:05 "
			    "4097                       /dev/shm/my segment "
			    "(deleted)";
	const char	*cause = NULL;
	struct vma	 v;

	(void)state;
	need_4k_pages();
	assert_int_equal(maps_parse_line(line, strlen(line), &v, &cause), 0);
	assert_true(v.deleted);
	assert_string_equal(v.name, "/dev/shm/my segment");
	vma_free(&v);
}

static void
maps_parse_line__deleted_in_the_middle__is_part_of_the_name(void **state)
{
	const char	*line = "7f2c1a013000-7f2c1a015000 r--s 0001f000 103:02 "
			    "42 /tmp/a (deleted) b";
	const char	*cause = NULL;
	struct vma	 v;

	(void)state;
	need_4k_pages();
	assert_int_equal(maps_parse_line(line, strlen(line), &v, &cause), 0);
	assert_false(v.deleted);
	assert_string_equal(v.name, "/tmp/a (deleted) b");
	vma_free(&v);
}

static void
maps_parse_line__anonymous_with_or_without_blank__empty_name(void **state)
{
	const char	*lines[] = {
		"7f2c1a000000-7f2c1a012000 rw-p 00000000 00:00 0",
		"7f2c1a000000-7f2c1a012000 rw-p 00000000 00:00 0 ",
		"7f2c1a000000-7f2c1a012000 rw-p 00000000 00:00 0\t",
	};
	const char	*cause;
	struct vma	 v;
	size_t		 i;

	(void)state;
	need_4k_pages();
	for (i = 0; i < sizeof lines / sizeof lines[0]; i++) {
		cause = NULL;
		assert_int_equal(maps_parse_line(lines[i], strlen(lines[i]),
		    &v, &cause), 0);
		assert_string_equal(v.name, "");
		assert_false(v.deleted);
		assert_int_equal(v.inode, 0);
		vma_free(&v);
	}
}

static void
maps_parse_line__length_bounds_the_line__not_the_nul(void **state)
{
	const char	*line = "00400000-00452000 r-xp 00000000 08:02 173521 "
			    "/bin/x\n00651000-";
	const char	*cause = NULL;
	struct vma	 v;

	(void)state;
	need_4k_pages();
	assert_int_equal(maps_parse_line(line, strchr(line, '\n') - line, &v,
	    &cause), 0);
	assert_string_equal(v.name, "/bin/x");
	assert_int_equal(v.inode, 173521);
	vma_free(&v);
}

/* Rebuild the name of tests/fixtures/maps/long-name.maps. */
static void
long_name(char *buf, size_t size)
{
	size_t	 len, i;

	len = (size_t)snprintf(buf, size, "/srv/data/");
	for (i = 0; i < 250 && len < size; i++)
		len += (size_t)snprintf(buf + len, size - len, "%sd%03zu with space",
		    i == 0 ? "" : "/", i);
	if (len < size)
		snprintf(buf + len, size - len, "/end");
	buf[4000] = '\0';
}

static void
maps_parse__long_name__kept_whole(void **state)
{
	struct vma_list	 l = { 0 };
	char		*text, *cause = NULL, name[16384];

	(void)state;
	need_4k_pages();
	long_name(name, sizeof name);
	assert_int_equal(strlen(name), 4000);
	text = fixture_read("maps/long-name.maps");
	assert_int_equal(maps_parse(text, &l, &cause), 0);
	assert_int_equal(l.n, 2);
	assert_int_equal(l.v[0].start, 0x7f0000000000);
	assert_int_equal(l.v[0].end, 0x7f0000400000);
	assert_int_equal(l.v[0].offset, 0xa00000);
	assert_int_equal(l.v[0].dev_major, 0xfe);
	assert_int_equal(l.v[0].dev_minor, 0x10);
	assert_int_equal(l.v[0].inode, UINT64_C(9223372036854775809));
	assert_string_equal(l.v[0].perms, "rw-s");
	assert_string_equal(l.v[0].name, name);
	assert_string_equal(l.v[1].name, "");
	assert_int_equal(l.v[1].start, 0x7f0000400000);
	vma_list_free(&l);
	free(text);
}

static void
maps_parse_line__very_long_line__name_of_100000_bytes(void **state)
{
	const char	*head = "7f0000000000-7f0000001000 rw-p 00000000 00:00 0 ";
	const char	*cause = NULL;
	size_t		 hlen = strlen(head), nlen = 100000, i;
	char		*line;
	struct vma	 v;

	(void)state;
	need_4k_pages();
	line = malloc(hlen + nlen);
	assert_non_null(line);
	memcpy(line, head, hlen);
	for (i = 0; i < nlen; i++)
		line[hlen + i] = (char)('a' + i % 26);
	/* No NUL: the length alone must bound the parse. */
	assert_int_equal(maps_parse_line(line, hlen + nlen, &v, &cause), 0);
	assert_int_equal(strlen(v.name), nlen);
	assert_int_equal(memcmp(v.name, line + hlen, nlen), 0);
	vma_free(&v);
	free(line);
}

static void
maps_parse_line__largest_inode__accepted(void **state)
{
	const char	*line = "7f0000000000-7f0000001000 r--s 00000000 00:2e "
			    "18446744073709551615 /overlay/file";
	const char	*cause = NULL;
	struct vma	 v;
	int		 r;

	(void)state;
	need_4k_pages();
	r = maps_parse_line(line, strlen(line), &v, &cause);
	if (r == -1)
		fail_msg("inode 2^64-1 rejected: %s", cause);
	assert_int_equal(v.inode, UINT64_MAX);
	vma_free(&v);
}

static void
maps_parse_line__inode_beyond_64_bits__rejected(void **state)
{
	const char	*line = "7f0000000000-7f0000001000 r--s 00000000 00:2e "
			    "18446744073709551616 /overlay/file";
	const char	*cause = NULL;
	struct vma	 v;

	(void)state;
	need_4k_pages();
	assert_int_equal(maps_parse_line(line, strlen(line), &v, &cause), -1);
	assert_string_equal(cause, "bad inode");
}

/*
 * Every prefix of a good line, in a heap buffer of exactly its length (so
 * a read past it is caught under ASan): up to the first inode digit each
 * one fails; from there it parses, with the inode or name cut short.
 */
static void
maps_parse_line__every_truncation__fails_or_parses_a_prefix(void **state)
{
	const char	*line = "08048000-08056000 rw-p 00001000 08:02 173521   "
			    "  /bin/a b";
	const char	*cause, *inode = strstr(line, "173521");
	const char	*name = strstr(line, "/bin");
	size_t		 len = strlen(line), k, at_inode = (size_t)(inode - line);
	char		*buf, digits[8];
	struct vma	 v;
	int		 r;

	(void)state;
	need_4k_pages();
	for (k = 0; k <= len; k++) {
		buf = malloc(k == 0 ? 1 : k);
		assert_non_null(buf);
		memcpy(buf, line, k);
		cause = NULL;
		r = maps_parse_line(buf, k, &v, &cause);
		if (k <= at_inode) {
			if (r != -1)
				fail_msg("prefix of %zu bytes parsed", k);
			assert_non_null(cause);
		} else {
			if (r != 0)
				fail_msg("prefix of %zu bytes: %s", k, cause);
			if (k < at_inode + 6) {
				memcpy(digits, inode, k - at_inode);
				digits[k - at_inode] = '\0';
				assert_int_equal(v.inode,
				    strtoull(digits, NULL, 10));
			} else
				assert_int_equal(v.inode, 173521);
			if (line + k <= name)
				assert_string_equal(v.name, "");
			else {
				assert_int_equal(strlen(v.name),
				    (size_t)(line + k - name));
				assert_memory_equal(v.name, name,
				    strlen(v.name));
			}
			assert_int_equal(v.start, 0x08048000);
			assert_int_equal(v.end, 0x08056000);
			vma_free(&v);
		}
		free(buf);
	}
}

/* A malformed line and the reason it must be rejected with. */
struct bad {
	const char	*line;
	const char	*cause;
};

static const struct bad bad_lines[] = {
	/* truncated */
	{ "", "bad address range" },
	{ "00400000", "bad address range" },
	{ "00400000-", "bad address range" },
	{ "00400000-00452000", "missing permissions" },
	{ "00400000-00452000 r-", "missing permissions" },
	{ "00400000-00452000 r-xp", "bad offset" },
	{ "00400000-00452000 r-xp 00000000", "bad device" },
	{ "00400000-00452000 r-xp 00000000 08:", "bad device" },
	/* bad hex */
	{ "0040g000-00452000 r-xp 00000000 08:02 1 /x", "bad address range" },
	{ "00400000-0045200z r-xp 00000000 08:02 1 /x", "bad address range" },
	{ "00400000-00452000 r-xp 0000x000 08:02 1 /x", "bad offset" },
	{ "00400000-00452000 r-xp zz 08:02 1 /x", "bad offset" },
	{ "00400000-00452000 r-xp 00000000 g8:02 1 /x", "bad device" },
	{ "-00452000 r-xp 00000000 08:02 1 /x", "bad address range" },
	{ "0x400000-00452000 r-xp 00000000 08:02 1 /x", "bad address range" },
	/* reversed or empty */
	{ "00452000-00400000 r-xp 00000000 08:02 1 /x",
	  "empty or reversed address range" },
	{ "00400000-00400000 r-xp 00000000 08:02 1 /x",
	  "empty or reversed address range" },
	/* unaligned */
	{ "00400010-00452000 r-xp 00000000 08:02 1 /x",
	  "address range not page-aligned" },
	{ "00400000-00452800 r-xp 00000000 08:02 1 /x",
	  "address range not page-aligned" },
	/* bad perms */
	{ "00400000-00452000 rwxq 00000000 08:02 1 /x", "bad permissions" },
	{ "00400000-00452000 xwrp 00000000 08:02 1 /x", "bad permissions" },
	{ "00400000-00452000 RWXP 00000000 08:02 1 /x", "bad permissions" },
	{ "00400000-00452000 rw 00000000 08:02 1 /x", "bad permissions" },
	{ "00400000-00452000 r-xps 00000000 08:02 1 /x", "bad offset" },
	{ "00400000-00452000r-xp 00000000 08:02 1 /x", "bad address range" },
	/* missing or bad inode */
	{ "00400000-00452000 r-xp 00000000 08:02", "bad inode" },
	{ "00400000-00452000 r-xp 00000000 08:02 ", "bad inode" },
	{ "00400000-00452000 r-xp 00000000 08:02 /bin/x", "bad inode" },
	{ "00400000-00452000 r-xp 00000000 08:02 12ab /bin/x",
	  "junk after inode" },
	/* bad device */
	{ "00400000-00452000 r-xp 00000000 0802 1 /x", "bad device" },
	{ "00400000-00452000 r-xp 00000000 1000:02 1 /x", "bad device" },
	{ "00400000-00452000 r-xp 00000000 08:100000 1 /x", "bad device" },
	/* overlong hex: 17 digits, even when the value fits */
	{ "00000000000400000-00452000 r-xp 00000000 08:02 1 /x",
	  "bad address range" },
	{ "00400000-00000000000452000 r-xp 00000000 08:02 1 /x",
	  "bad address range" },
	{ "00400000-00452000 r-xp 00000000000000000 08:02 1 /x",
	  "bad offset" },
	{ "10000000000000000-10000000000001000 r-xp 00000000 08:02 1 /x",
	  "bad address range" },
};

static void
maps_parse_line__malformed__rejected_with_reason(void **state)
{
	const struct bad	*b;
	const char		*cause;
	struct vma		 v;
	size_t			 i;

	(void)state;
	need_4k_pages();
	for (i = 0; i < sizeof bad_lines / sizeof bad_lines[0]; i++) {
		b = &bad_lines[i];
		cause = NULL;
		if (maps_parse_line(b->line, strlen(b->line), &v, &cause) != -1)
			fail_msg("accepted: \"%s\"", b->line);
		if (cause == NULL || strcmp(cause, b->cause) != 0)
			fail_msg("\"%s\": cause \"%s\", expected \"%s\"",
			    b->line, cause != NULL ? cause : "(null)", b->cause);
	}
}

static void
maps_parse__malformed_line__cause_has_its_line_number(void **state)
{
	const char	*good = "00400000-00452000 r-xp 00000000 08:02 173521 /x";
	struct vma_list	 l = { 0 };
	char		*text, *cause, want[256];
	size_t		 i, at, j;

	(void)state;
	need_4k_pages();
	for (i = 0; i < sizeof bad_lines / sizeof bad_lines[0]; i++) {
		/* The bad line at position 1 + i % 4, good lines around it. */
		at = 1 + i % 4;
		text = calloc(1, 4096);
		assert_non_null(text);
		for (j = 1; j <= 5; j++) {
			strcat(text, j == at ? bad_lines[i].line : good);
			strcat(text, "\n");
		}
		cause = NULL;
		errno = 0;
		assert_int_equal(maps_parse(text, &l, &cause), -1);
		assert_int_equal(errno, EINVAL);
		snprintf(want, sizeof want, "line %zu: %s", at,
		    bad_lines[i].cause);
		assert_non_null(cause);
		assert_string_equal(cause, want);
		free(cause);
		free(text);
	}
	vma_list_free(&l);
}

static void
maps_parse__no_final_newline__last_line_kept(void **state)
{
	const char	*text = "00400000-00452000 r-xp 00000000 08:02 1 /a\n"
			    "00651000-00652000 rw-p 00051000 08:02 1 /b";
	struct vma_list	 l = { 0 };
	char		*cause = NULL;

	(void)state;
	need_4k_pages();
	assert_int_equal(maps_parse(text, &l, &cause), 0);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.v[1].name, "/b");
	assert_int_equal(l.v[1].offset, 0x51000);
	vma_list_free(&l);
}

static void
maps_parse__empty_text__empty_list(void **state)
{
	struct vma_list	 l = { 0 };
	char		*cause = NULL;

	(void)state;
	assert_int_equal(maps_parse("", &l, &cause), 0);
	assert_int_equal(l.n, 0);
	vma_list_free(&l);
}

static void
maps_parse__blank_line_inside__rejected_at_its_line(void **state)
{
	const char	*text = "00400000-00452000 r-xp 00000000 08:02 1 /a\n"
			    "\n00651000-00652000 rw-p 00051000 08:02 1 /b\n";
	struct vma_list	 l = { 0 };
	char		*cause = NULL;

	(void)state;
	need_4k_pages();
	assert_int_equal(maps_parse(text, &l, &cause), -1);
	assert_string_equal(cause, "line 2: bad address range");
	free(cause);
	vma_list_free(&l);
}

static void
maps_parse__reused_list__replaced_not_appended(void **state)
{
	const char	*one = "00400000-00452000 r-xp 00000000 08:02 1 /a\n";
	struct vma_list	 l = { 0 };
	char		*text, *cause = NULL;

	(void)state;
	need_4k_pages();
	text = fixture_read("maps/typical.maps");
	assert_int_equal(maps_parse(text, &l, &cause), 0);
	assert_int_equal(l.n, sizeof typical / sizeof typical[0]);
	assert_int_equal(maps_parse(one, &l, &cause), 0);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.v[0].name, "/a");
	vma_list_free(&l);
	free(text);
}

static void
vma_list_find__exact_range_only(void **state)
{
	struct vma_list	 l = { 0 };
	const struct vma *v;
	char		*text, *cause = NULL;
	size_t		 i;

	(void)state;
	need_4k_pages();
	text = fixture_read("maps/typical.maps");
	assert_int_equal(maps_parse(text, &l, &cause), 0);
	for (i = 0; i < l.n; i++) {
		v = vma_list_find(&l, typical[i].start, typical[i].end);
		assert_ptr_equal(v, &l.v[i]);
	}
	/* Same start, other end; an end that is another VMA's; in between. */
	assert_null(vma_list_find(&l, 0x55d0c8c04000, 0x55d0c8c24000));
	assert_null(vma_list_find(&l, 0x55d0c8c04000, 0x55d0c8c26000));
	assert_null(vma_list_find(&l, 0x55d0c8a00000, 0x55d0c8a05000));
	assert_null(vma_list_find(&l, 0x55d0c8a01000, 0x55d0c8a02000));
	assert_null(vma_list_find(&l, 0x1000, 0x2000));
	assert_null(vma_list_find(&l, 0xfffffffffffff000, UINT64_MAX));
	vma_list_free(&l);
	free(text);
}

static void
vma_list_find__empty_list__null(void **state)
{
	struct vma_list	 l = { 0 };

	(void)state;
	assert_null(vma_list_find(&l, 0x1000, 0x2000));
}

static void
vma_list_push__deep_copy(void **state)
{
	struct vma_list	 l = { 0 };
	struct vma	 v = { 0 };
	char		 name[] = "/lib/libc.so.6";
	size_t		 i;

	(void)state;
	v.start = 0x1000;
	v.end = 0x3000;
	v.name = name;
	v.prot = VMA_READ;
	/* Past the first growth, to see that the copies survive it. */
	for (i = 0; i < 200; i++) {
		v.start = 0x1000 * (2 * i + 1);
		v.end = v.start + 0x1000;
		assert_int_equal(vma_list_push(&l, &v), 0);
	}
	name[1] = 'X';
	assert_int_equal(l.n, 200);
	for (i = 0; i < 200; i++) {
		assert_string_equal(l.v[i].name, "/lib/libc.so.6");
		assert_ptr_not_equal(l.v[i].name, name);
		assert_int_equal(l.v[i].start, 0x1000 * (2 * i + 1));
	}
	assert_ptr_equal(vma_list_find(&l, 0x1000 * 199, 0x1000 * 200),
	    &l.v[99]);
	vma_list_clear(&l);
	assert_int_equal(l.n, 0);
	vma_list_free(&l);
	assert_null(l.v);
}

static void
vma_trackable__writable_but_not_vsyscall(void **state)
{
	struct vma_list	 l = { 0 };
	struct vma	 v = { 0 };
	char		*text, *cause = NULL, name[] = "[vsyscall]";
	size_t		 i;

	(void)state;
	need_4k_pages();
	text = fixture_read("maps/typical.maps");
	assert_int_equal(maps_parse(text, &l, &cause), 0);
	for (i = 0; i < l.n; i++)
		assert_int_equal(vma_trackable(&l.v[i]),
		    (typical[i].prot & VMA_WRITE) != 0);
	/* The name alone rules [vsyscall] out, whatever its permissions. */
	v.prot = VMA_READ | VMA_WRITE;
	v.name = name;
	assert_false(vma_trackable(&v));
	vma_list_free(&l);
	free(text);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(maps_parse__typical_fixture__every_field),
		cmocka_unit_test(maps_parse_line__deleted_file__keeps_path),
		cmocka_unit_test(
		    maps_parse_line__deleted_in_the_middle__is_part_of_the_name),
		cmocka_unit_test(
		    maps_parse_line__anonymous_with_or_without_blank__empty_name),
		cmocka_unit_test(
		    maps_parse_line__length_bounds_the_line__not_the_nul),
		cmocka_unit_test(maps_parse__long_name__kept_whole),
		cmocka_unit_test(
		    maps_parse_line__very_long_line__name_of_100000_bytes),
		cmocka_unit_test(maps_parse_line__largest_inode__accepted),
		cmocka_unit_test(
		    maps_parse_line__inode_beyond_64_bits__rejected),
		cmocka_unit_test(
		    maps_parse_line__every_truncation__fails_or_parses_a_prefix),
		cmocka_unit_test(maps_parse_line__malformed__rejected_with_reason),
		cmocka_unit_test(
		    maps_parse__malformed_line__cause_has_its_line_number),
		cmocka_unit_test(maps_parse__no_final_newline__last_line_kept),
		cmocka_unit_test(maps_parse__empty_text__empty_list),
		cmocka_unit_test(
		    maps_parse__blank_line_inside__rejected_at_its_line),
		cmocka_unit_test(maps_parse__reused_list__replaced_not_appended),
		cmocka_unit_test(vma_list_find__exact_range_only),
		cmocka_unit_test(vma_list_find__empty_list__null),
		cmocka_unit_test(vma_list_push__deep_copy),
		cmocka_unit_test(vma_trackable__writable_but_not_vsyscall),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
