/*
 * test-track-softdirty.c - the soft-dirty method on the host: its probe
 * against the running kernel's own configuration, and its clear, collect
 * and list against a fabricated procfs tree whose pagemap entries are
 * known. (On real soft-dirty kernels it runs under qemu:
 * test-vm-softdirty.sh.)
 *
 * The fixture is ROOT/4242/{clear_refs,pagemap}: pagemap is a sparse file
 * with the 64-bit entry of virtual page number vpn at byte vpn * 8, as the
 * kernel lays it out. Units: pages of page_size() bytes.
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "pageset.h"
#include "page.h"
#include "proc-maps.h"
#include "proc-pagemap.h"
#include "proc.h"
#include "snapshot.h"
#include "track.h"
#include "track-softdirty.h"

#define FIX_PID		4242
#define VMA_A		UINT64_C(0x7f0000000000)	/* 8 pages, tracked */
#define VMA_B		UINT64_C(0x7f0000100000)	/* 4 pages, new */
#define VMA_C		UINT64_C(0x7f0000200000)	/* 4 pages, past EOF */
#define UNAVAILABLE	"soft-dirty is not available on this kernel: "

struct fixture {
	char			 root[64];
	char			 dir[96];
	struct proc_target	 t;
	struct tracker		 tr;
};

/*
 * What the running kernel's configuration says of CONFIG_MEM_SOFT_DIRTY:
 * 1 set, 0 not set, -1 unknown (no /proc/config.gz).
 */
static int
kernel_config_softdirty(void)
{
	char	 line[256];
	FILE	*f;
	int	 r = -1;

	if (access("/proc/config.gz", R_OK) == -1)
		return (-1);
	if ((f = popen("gzip -dc /proc/config.gz 2>/dev/null", "r")) == NULL)
		return (-1);
	while (fgets(line, sizeof line, f) != NULL) {
		if (strcmp(line, "CONFIG_MEM_SOFT_DIRTY=y\n") == 0)
			r = 1;
		else if (strcmp(line, "# CONFIG_MEM_SOFT_DIRTY is not set\n") == 0)
			r = 0;
	}
	if (pclose(f) != 0 && r == -1)
		return (-1);
	return (r == -1 ? 0 : r);	/* absent: the architecture lacks it */
}

/* The probe agrees with the kernel's configuration. */
static void
probe__matches_kernel_config(void **state)
{
	enum softdirty_path	 path;
	char			*why = NULL, *scan_why = NULL;
	int			 cfg = kernel_config_softdirty(), r;

	if (cfg == -1)
		skip();
	r = softdirty_probe_kernel(&path, &scan_why, &why);
	if (cfg == 1) {
		assert_int_equal(r, 0);
		assert_null(why);
	} else {
		assert_int_equal(r, -1);
		assert_non_null(why);
		assert_true(strncmp(why, UNAVAILABLE,
		    strlen(UNAVAILABLE)) == 0);
		/* The method's own probe says the same, target or not. */
		free(why);
		why = NULL;
		assert_int_equal(track_softdirty.probe(NULL, &why), -1);
		assert_true(strncmp(why, UNAVAILABLE,
		    strlen(UNAVAILABLE)) == 0);
	}
	free(why);
	free(scan_why);
}

static void
write_entry(int fd, uint64_t addr, uint64_t e)
{
	off_t	 off = (off_t)((addr >> page_shift()) * sizeof e);

	assert_int_equal(pwrite(fd, &e, sizeof e, off), (ssize_t)sizeof e);
}

/*
 * VMA A (8 pages): 0 present clean; 1, 3 present soft-dirty; 2 absent;
 * 5 soft-dirty but absent (a hole that reads soft-dirty: not written);
 * 6 swapped soft-dirty; 7 present clean with the uffd-wp and guard bits.
 * VMA B (4 pages): all soft-dirty (new). VMA C lies past the end of the
 * pagemap file, as [vsyscall] lies past the task size.
 */
static int
setup(void **state)
{
	struct fixture	*f;
	char		 path[160];
	uint64_t	 ps, sd = PM_SOFT_DIRTY, pr = PM_PRESENT;
	int		 fd, i;

	f = calloc(1, sizeof *f);
	assert_non_null(f);
	snprintf(f->root, sizeof f->root, "/tmp/sdtop-sdtest.XXXXXX");
	assert_non_null(mkdtemp(f->root));
	snprintf(f->dir, sizeof f->dir, "%s/%d", f->root, FIX_PID);
	assert_int_equal(mkdir(f->dir, 0755), 0);

	snprintf(path, sizeof path, "%s/clear_refs", f->dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd != -1);
	close(fd);

	ps = page_size();
	snprintf(path, sizeof path, "%s/pagemap", f->dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd != -1);
	write_entry(fd, VMA_A + 0 * ps, pr | 123);
	write_entry(fd, VMA_A + 1 * ps, pr | sd | 124);
	write_entry(fd, VMA_A + 3 * ps, pr | sd | PM_MMAP_EXCLUSIVE);
	write_entry(fd, VMA_A + 4 * ps, pr);
	write_entry(fd, VMA_A + 5 * ps, sd);
	write_entry(fd, VMA_A + 6 * ps, PM_SWAP | sd | 0x42);
	write_entry(fd, VMA_A + 7 * ps, pr | PM_UFFD_WP | (UINT64_C(1) << 58));
	for (i = 0; i < 4; i++)
		write_entry(fd, VMA_B + (uint64_t)i * ps, pr | sd);
	close(fd);

	*state = f;
	return (0);
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;
	char		 path[160];

	snprintf(path, sizeof path, "%s/clear_refs", f->dir);
	unlink(path);
	snprintf(path, sizeof path, "%s/pagemap", f->dir);
	unlink(path);
	rmdir(f->dir);
	rmdir(f->root);
	free(f);
	return (0);
}

static void
vma_make(struct vma *v, uint64_t start, uint64_t npages)
{
	memset(v, 0, sizeof *v);
	v->start = start;
	v->end = start + npages * page_size();
	v->prot = VMA_READ | VMA_WRITE;
	memcpy(v->perms, "rw-p", 5);
	v->name = (char *)"";
}

/* Read the fixture's clear_refs back. */
static void
read_clear_refs(const struct fixture *f, char *buf, size_t size)
{
	char	 path[160];
	ssize_t	 n;
	int	 fd;

	snprintf(path, sizeof path, "%s/clear_refs", f->dir);
	fd = open(path, O_RDONLY);
	assert_true(fd != -1);
	n = read(fd, buf, size - 1);
	assert_true(n >= 0);
	buf[n] = '\0';
	close(fd);
}

/* start_cycle writes "4"; collect reports written = dirty and in memory. */
static void
collect__fixture__soft_dirty_and_present_only(void **state)
{
	struct fixture	*f = *state;
	struct snapshot	*s;
	struct vma	 a, b, c;
	struct vma_list	 vl = { 0 };
	char		*cause = NULL, buf[16];
	size_t		 i;

	assert_int_equal(proc_open(&f->t, f->root, FIX_PID, &cause), 0);
	assert_int_equal(track_softdirty.probe(&f->t, &cause), 0);
	f->tr.method = &track_softdirty;
	f->tr.target = &f->t;
	assert_int_equal(track_softdirty.attach(&f->tr, &cause), 0);
	assert_int_equal(track_softdirty.start_cycle(&f->tr, &vl, &cause), 0);
	read_clear_refs(f, buf, sizeof buf);
	assert_string_equal(buf, "4");

	vma_make(&a, VMA_A, 8);
	vma_make(&b, VMA_B, 4);
	vma_make(&c, VMA_C, 4);
	s = snapshot_new(3);
	assert_non_null(s);
	assert_int_equal(snapshot_set_vma(s, 0, &a, true, false), 0);
	assert_int_equal(snapshot_set_vma(s, 1, &b, false, true), 0);
	assert_int_equal(snapshot_set_vma(s, 2, &c, true, false), 0);
	assert_int_equal(track_softdirty.collect(&f->tr, s, &cause), 0);

	for (i = 0; i < 8; i++) {
		assert_int_equal(pageset_has(s->vmas[0].written, i),
		    i == 1 || i == 3 || i == 6);
		assert_int_equal(pageset_has(s->vmas[0].present, i),
		    i != 2 && i != 5);
	}
	assert_int_equal(s->vmas[0].error, 0);
	assert_true(s->vmas[0].tracked);
	/* The new VMA is not judged: nothing filled in. */
	assert_null(s->vmas[1].written);
	/* Past the end of pagemap: read short, all clean, not an error. */
	assert_int_equal(pageset_count(s->vmas[2].written), 0);
	assert_int_equal(s->vmas[2].error, 0);

	snapshot_free(s);
	track_softdirty.detach(&f->tr);
	assert_null(f->tr.priv);
	proc_close(&f->t);
}

struct ranges {
	uint64_t	 r[8][2];
	size_t		 n;
};

static int
collect_range(const struct vma *v, uint64_t start, uint64_t end, void *arg)
{
	struct ranges	*rs = arg;

	assert_true(rs->n < 8);
	assert_true(start >= v->start && end <= v->end && start < end);
	rs->r[rs->n][0] = start;
	rs->r[rs->n][1] = end;
	rs->n++;
	return (0);
}

/* The list: runs of present-or-swapped soft-dirty pages, holes excluded. */
static void
list__fixture__runs_of_dirty_pages(void **state)
{
	struct fixture	*f = *state;
	struct vma_list	 vl = { 0 };
	struct ranges	 rs;
	struct vma	 a, b;
	uint64_t	 ps = page_size();
	char		*cause = NULL;

	assert_int_equal(proc_open(&f->t, f->root, FIX_PID, &cause), 0);
	vma_make(&a, VMA_A, 8);
	vma_make(&b, VMA_B, 4);
	assert_int_equal(vma_list_push(&vl, &a), 0);
	assert_int_equal(vma_list_push(&vl, &b), 0);
	memset(&rs, 0, sizeof rs);
	assert_int_equal(softdirty_list(&f->t, &vl, collect_range, &rs,
	    &cause), 0);
	assert_int_equal(rs.n, 4);
	assert_true(rs.r[0][0] == VMA_A + ps && rs.r[0][1] == VMA_A + 2 * ps);
	assert_true(rs.r[1][0] == VMA_A + 3 * ps &&
	    rs.r[1][1] == VMA_A + 4 * ps);
	assert_true(rs.r[2][0] == VMA_A + 6 * ps &&
	    rs.r[2][1] == VMA_A + 7 * ps);
	assert_true(rs.r[3][0] == VMA_B && rs.r[3][1] == VMA_B + 4 * ps);
	vma_list_free(&vl);
	proc_close(&f->t);
}

/* A bad SDTOP_SOFTDIRTY_PATH, or scan where it cannot be, fails attach. */
static void
attach__path_env__checked(void **state)
{
	struct fixture	*f = *state;
	char		*cause = NULL;

	assert_int_equal(proc_open(&f->t, f->root, FIX_PID, &cause), 0);
	f->tr.method = &track_softdirty;
	f->tr.target = &f->t;
	setenv(SOFTDIRTY_PATH_ENV, "fast", 1);
	assert_int_equal(track_softdirty.attach(&f->tr, &cause), -1);
	assert_non_null(strstr(cause, "\"fast\""));
	free(cause);
	cause = NULL;
	/* A fixture tree is read by plain reads: PAGEMAP_SCAN cannot be had. */
	setenv(SOFTDIRTY_PATH_ENV, "scan", 1);
	assert_int_equal(track_softdirty.attach(&f->tr, &cause), -1);
	assert_non_null(strstr(cause, "PAGEMAP_SCAN"));
	free(cause);
	cause = NULL;
	setenv(SOFTDIRTY_PATH_ENV, "read", 1);
	assert_int_equal(track_softdirty.attach(&f->tr, &cause), 0);
	track_softdirty.detach(&f->tr);
	unsetenv(SOFTDIRTY_PATH_ENV);
	proc_close(&f->t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(probe__matches_kernel_config),
		cmocka_unit_test_setup_teardown(
		    collect__fixture__soft_dirty_and_present_only,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    list__fixture__runs_of_dirty_pages, setup, teardown),
		cmocka_unit_test_setup_teardown(attach__path_env__checked,
		    setup, teardown),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
