/*
 * tree-target.c - a tree of processes that knows exactly which pages each
 * of them writes: the ground truth that process sets (sdtop -T) are
 * checked against.
 *
 * Usage: tree-target [--pad N]
 *        tree-target --drive --truth FILE [--pad N] SDTOP [ARGS...]
 *        tree-target --kill-traced [--first SIG] SIG SDTOP_PID PID...
 *
 * The tree is the table tree_nodes below: a root R, its children C1 and
 * C2 from the start, C3 (which forks G3 as it starts) and G2 (a child of
 * C2) forked later. Each process maps a region of its own between two
 * PROT_NONE guard pages and, every 2 ms, writes its set of pages there
 * (one 32-bit word a page is incremented, so the content changes too).
 * R also maps, before it forks, a private region Q that its children
 * inherit copy-on-write (R and C1 write it, each its own copy), a shared
 * anonymous region S (MAP_SHARED|MAP_ANONYMOUS) and a memfd M; C1, C2 and
 * G2 write pages of S (pages 8 and 9 by two or three of them, each its own
 * word of the page), C1 and C2 pages of M (file page 6 by both), C2 and
 * G2 through a view of M that starts at its file page 4. R only reads
 * them; C3 and G3 unmap them. Every process reads each page of the shared
 * regions it keeps once, so that all are in its page tables. R maps --pad
 * N (default 40) one-page read-only mappings with PROT_NONE pages between
 * them, which all inherit: they make every line of sdtop's JSON long.
 *
 * Each process prints, one line a write(2):
 *     node NAME PID PPID
 *     region NAME OBJ 0xSTART 0xEND FILEPAGE PAGES
 *     ready NAME PID
 * OBJ is P (its own), Q, S or M; FILEPAGE the page of the object the
 * region starts at; PAGES the pages it writes there ("0,2,4-9" from the
 * region's start, "-" for none). Then:
 *     SIGUSR1  fork the next child of the table (which prints its lines)
 *     SIGTERM  check its own memory, print "exit NAME PID ok" (or
 *              "corrupt") and exit 0 (1), leaving its children
 *     SIGHUP   reap its children that exited ("reaped NAME PID STATUS",
 *              the wait status)
 *     SIGUSR2  wait for all its children, check its memory, print
 *              "final NAME PID ok CHECKSUM" and exit 0, or 1 when its
 *              memory or a child's status was wrong
 * A child whose parent may reap it at once is reaped at once, except
 * (driven) the one the table keeps a zombie until SIGHUP. Standalone,
 * the root is a subreaper and reaps every orphan too, so its exit status
 * says whether every process of the tree came out whole; a process other
 * than the root exits (3) once the root (driven: the driver) is gone.
 *
 * --drive runs the tree under sdtop and holds sdtop at chosen cycles
 * while the tree changes: see tree-drive.c. --kill-traced kills sdtop
 * while it injects into one of the PIDs: see tree-kill.c.
 *
 * Plain libc only: it is also linked statically for a qemu guest.
 */
#define _GNU_SOURCE

#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tree-target.h"

#define NSLOT		4	/* words of a page that writers own */
#define MAX_PAGES	64
#define OWN_PAGES	24
#define COW_PAGES	16
#define SHM_PAGES	16
#define PASS_NS		2000000L

const struct tree_node tree_nodes[TREE_NODES] = {
	/* name parent hold keep own cow slot shm memfd slot page0 n views */
	{ "R", -1, 0, false, "0-3,20", "0-5", 0, NULL, NULL, 3, 0, 16, true },
	{ "C1", 0, 0, false, "1,3,5,7-9", "4-9", 1, "0-3,8,9", "0-2,5,6", 0,
	    0, 16, true },
	{ "C2", 0, 0, false, "10-15", NULL, 0, "4-9", "6-8", 1, 4, 8, true },
	{ "C3", 0, 2, true, "0,23", NULL, 0, NULL, NULL, 0, 0, 0, false },
	{ "G3", 3, 0, false, "2-4", NULL, 0, NULL, NULL, 0, 0, 0, false },
	{ "G2", 2, 4, false, "5,6,17-19", NULL, 0, "8,12,13", NULL, 2, 4, 8,
	    true },
};

/* The driver's schedule: what happens in the hold after which cycle. */
const struct tree_event tree_events[] = {
	{ 2, EV_FORK, 3 },	/* C3 and G3 join */
	{ 3, EV_EXIT, 3 },	/* C3 exits, a zombie; G3 is adopted */
	{ 4, EV_FORK, 5 },	/* G2 joins, a third writer of S */
	{ 5, EV_REAP, 3 },	/* R reaps C3 */
	{ 6, EV_EXIT, 4 },	/* G3 exits */
	{ 6, EV_EXIT, 0 },	/* the root exits; C1 and C2 go on */
};
const int	tree_nevents = sizeof tree_events / sizeof tree_events[0];

int		tree_pad = 40;

enum { REG_P, REG_Q, REG_S, REG_M, NREG };

/* A region of this process: where, and what it writes there. */
struct region {
	char		 obj;
	unsigned char	*base;		/* NULL: not mapped here */
	size_t		 npages;
	size_t		 page0;		/* its first page in the object */
	bool		 shared;	/* others write it: own slot only */
	int		 slot;
	bool		 wr[MAX_PAGES];
	uint32_t	 count[MAX_PAGES][NSLOT];
};

/* A child this process forked. */
struct child {
	int	 idx;
	pid_t	 pid;
	bool	 reaped;
	int	 status;
};

static struct region	 regs[NREG];
static struct child	 kids[TREE_NODES];
static int		 nkids, me, out_fd, memfd = -1;
static bool		 drive_mode, kid_failed;
static pid_t		 watch_pid, root_pid;
static size_t		 pagesz;

static volatile sig_atomic_t	got_fork, got_term, got_hup, got_final;

/* Note what a signal asks for; the loop does it. */
static void
on_signal(int sig)
{
	if (sig == SIGUSR1)
		got_fork++;
	else if (sig == SIGTERM || sig == SIGINT)
		got_term = 1;
	else if (sig == SIGHUP)
		got_hup = 1;
	else if (sig == SIGUSR2)
		got_final = 1;
}

/*
 * Print one line with one write(2), so that the lines of several processes
 * interleave whole.
 */
static void __attribute__((format(printf, 1, 2)))
say(const char *fmt, ...)
{
	char	 line[512];
	va_list	 ap;
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof line - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n > sizeof line - 2)
		n = sizeof line - 2;
	line[n++] = '\n';
	(void)write(out_fd, line, (size_t)n);
}

/* Say what failed and end this process (2). */
static void __attribute__((noreturn))
die(const char *what)
{
	say("error %s %s: %s", tree_nodes[me].name, what, strerror(errno));
	_exit(2);
}

/* Mark the pages of a list ("0,2,4-9", NULL for none) in wr[0..n). */
static void
pages_parse(const char *s, int shift, bool *wr, size_t n)
{
	long	 a, b;
	char	*end;

	memset(wr, 0, n * sizeof *wr);
	while (s != NULL && *s != '\0') {
		a = b = strtol(s, &end, 10);
		if (*end == '-')
			b = strtol(end + 1, &end, 10);
		for (; a <= b; a++)
			if (a - shift >= 0 && (size_t)(a - shift) < n)
				wr[a - shift] = true;
		s = *end == ',' ? end + 1 : end;
	}
}

/* The list of the pages marked in wr[0..n), into buf. */
static const char *
pages_print(const bool *wr, size_t n, char *buf, size_t size)
{
	size_t	 i, j, len = 0;

	buf[0] = '\0';
	for (i = 0; i < n && len < size; i = j) {
		j = i + 1;
		if (!wr[i])
			continue;
		while (j < n && wr[j])
			j++;
		len += (size_t)snprintf(buf + len, size - len, "%s%zu",
		    len > 0 ? "," : "", i);
		if (j - 1 > i && len < size)
			len += (size_t)snprintf(buf + len, size - len, "-%zu",
			    j - 1);
	}
	if (len == 0)
		snprintf(buf, size, "-");
	return (buf);
}

/* Byte off of page p of object obj before anyone writes it. */
static unsigned char
pattern(char obj, size_t p, size_t off)
{
	return ((unsigned char)(p * 7 + off * 13 + (size_t)obj * 29 + 1));
}

/* The word of slot s of page p of obj before anyone writes it. */
static uint32_t
pattern_word(char obj, size_t p, int s)
{
	unsigned char	b[4];
	uint32_t	w;
	int		i;

	for (i = 0; i < 4; i++)
		b[i] = pattern(obj, p, (size_t)(s * 4 + i));
	memcpy(&w, b, sizeof w);
	return (w);
}

/* Reserve n pages between two PROT_NONE guards; the first usable page. */
static unsigned char *
guarded(size_t n)
{
	unsigned char	*p;

	p = mmap(NULL, (n + 2) * pagesz, PROT_NONE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		die("mmap");
	return (p + pagesz);
}

/*
 * Map region r: private anonymous, shared anonymous or of the memfd; fill
 * it with its pattern unless it is a view of pages already filled.
 */
static void
region_map(struct region *r, char obj, size_t n, size_t page0, bool fill)
{
	unsigned char	*p = guarded(n);
	size_t		 i, off;
	int		 flags = MAP_FIXED | MAP_SHARED;

	memset(r, 0, sizeof *r);
	r->obj = obj;
	r->npages = n;
	r->page0 = page0;
	r->shared = obj == 'S' || obj == 'M';
	if (obj == 'S')
		flags |= MAP_ANONYMOUS;
	if (r->shared && mmap(p, n * pagesz, PROT_READ | PROT_WRITE, flags,
	    obj == 'M' ? memfd : -1, (off_t)(page0 * pagesz)) == MAP_FAILED)
		die("mmap shared");
	if (!r->shared && mprotect(p, n * pagesz, PROT_READ | PROT_WRITE) != 0)
		die("mprotect");
	r->base = p;
	for (i = 0; fill && i < n; i++)
		for (off = 0; off < pagesz; off++)
			p[i * pagesz + off] = pattern(obj, page0 + i, off);
}

/* Unmap region r with its guards. */
static void
region_unmap(struct region *r)
{
	if (r->base != NULL && munmap(r->base - pagesz, (r->npages + 2) *
	    pagesz) != 0)
		die("munmap");
	r->base = NULL;
}

/* Write the set of r once: one word of each page of the set. */
static void
region_bump(struct region *r)
{
	volatile uint32_t	*w;
	size_t			 i;

	if (r->base == NULL)
		return;
	for (i = 0; i < r->npages; i++) {
		if (!r->wr[i])
			continue;
		w = (volatile uint32_t *)(r->base + i * pagesz);
		w[r->slot]++;
		r->count[i][r->slot]++;
	}
}

/* Check every byte of r this process can know; -1 (printed) if wrong. */
static int
region_verify(const struct region *r, uint64_t *sum)
{
	size_t		 i, off, p;
	uint32_t	 want, got;
	int		 s;

	for (i = 0; r->base != NULL && i < r->npages; i++) {
		p = r->page0 + i;
		for (off = 0; off < pagesz; off++) {
			*sum = (*sum ^ r->base[i * pagesz + off]) *
			    UINT64_C(1099511628211);
			s = (int)(off / 4);
			if (off < NSLOT * 4 && r->shared && s != r->slot)
				continue;
			if (off < NSLOT * 4 && off % 4 != 0)
				continue;
			if (off < NSLOT * 4) {
				want = pattern_word(r->obj, p, s) +
				    r->count[i][s];
				memcpy(&got, r->base + i * pagesz + off, 4);
			} else {
				want = pattern(r->obj, p, off);
				got = r->base[i * pagesz + off];
			}
			if (got != want) {
				say("corrupt %s %c page %zu offset %zu: "
				    "expected %u got %u", tree_nodes[me].name,
				    r->obj, p, off, want, got);
				return (-1);
			}
		}
	}
	return (0);
}

/* Check all this process's memory; 0, or -1 (printed). */
static int
node_verify(uint64_t *sum)
{
	int	 i;

	*sum = UINT64_C(14695981039346656037);
	for (i = 0; i < NREG; i++)
		if (region_verify(&regs[i], sum) != 0)
			return (-1);
	return (0);
}

/* Print a region's line. */
static void
region_say(const struct region *r)
{
	char	 buf[256];

	if (r->base == NULL)
		return;
	say("region %s %c %p %p %zu %s", tree_nodes[me].name, r->obj,
	    (void *)r->base, (void *)(r->base + r->npages * pagesz), r->page0,
	    pages_print(r->wr, r->npages, buf, sizeof buf));
}

/* The root's regions that all inherit: Q, S, M and the padding. */
static void
root_setup(void)
{
	unsigned char	*p;
	int		 i;

	if ((memfd = memfd_create("tree-target", 0)) == -1 ||
	    ftruncate(memfd, (off_t)(SHM_PAGES * pagesz)) == -1)
		die("memfd");
	region_map(&regs[REG_Q], 'Q', COW_PAGES, 0, true);
	region_map(&regs[REG_S], 'S', SHM_PAGES, 0, true);
	region_map(&regs[REG_M], 'M', SHM_PAGES, 0, true);
	if (tree_pad > 0) {
		p = mmap(NULL, (size_t)tree_pad * 2 * pagesz, PROT_READ,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			die("mmap padding");
		for (i = 1; i < tree_pad * 2; i += 2)
			if (mprotect(p + (size_t)i * pagesz, pagesz,
			    PROT_NONE) != 0)
				die("mprotect padding");
	}
	if (!drive_mode && prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == -1)
		die("PR_SET_CHILD_SUBREAPER");
}

/*
 * A shared region this process keeps: the pages it writes (a list of
 * file pages), its word, and every page read once so that all are in
 * its page tables.
 */
static void
shared_adopt(struct region *r, const char *list, int slot)
{
	volatile unsigned char	c;
	size_t			i;

	pages_parse(list, (int)r->page0, r->wr, r->npages);
	r->slot = slot;
	memset(r->count, 0, sizeof r->count);
	for (i = 0; i < r->npages; i++)
		c = r->base[i * pagesz];
	(void)c;
}

/* Set up this process's regions as the table says. */
static void
node_regions(const struct tree_node *t)
{
	struct region	*m = &regs[REG_M];

	if (t->parent == -1)
		root_setup();
	else
		region_unmap(&regs[REG_P]);
	region_map(&regs[REG_P], 'P', OWN_PAGES, 0, true);
	pages_parse(t->own, 0, regs[REG_P].wr, OWN_PAGES);
	pages_parse(t->cow, 0, regs[REG_Q].wr, COW_PAGES);
	regs[REG_Q].slot = t->cow_slot;
	if (!t->views) {
		region_unmap(&regs[REG_S]);
		region_unmap(m);
		return;
	}
	if (m->page0 != (size_t)t->memfd_page0 ||
	    m->npages != (size_t)t->memfd_pages) {
		region_unmap(m);
		region_map(m, 'M', (size_t)t->memfd_pages,
		    (size_t)t->memfd_page0, false);
	}
	shared_adopt(&regs[REG_S], t->shm, t->slot);
	shared_adopt(m, t->memfd, t->slot);
}

static void	node_main(int idx) __attribute__((noreturn));

/* Fork node idx as a child of this one. */
static void
node_fork(int idx)
{
	pid_t	pid;

	if ((pid = fork()) == -1)
		die("fork");
	if (pid == 0)
		node_main(idx);
	kids[nkids].idx = idx;
	kids[nkids].pid = pid;
	kids[nkids].reaped = false;
	nkids++;
	say("forked %s %ld", tree_nodes[idx].name, (long)pid);
}

/* Fork the next child of the table that is forked on demand. */
static void
node_fork_next(void)
{
	int	 i, k;

	for (i = 0; i < TREE_NODES; i++) {
		if (tree_nodes[i].parent != me || tree_nodes[i].hold == 0)
			continue;
		for (k = 0; k < nkids && kids[k].idx != i; k++)
			;
		if (k == nkids) {
			node_fork(i);
			return;
		}
	}
	say("error %s no child left to fork", tree_nodes[me].name);
}

/* A child (or, standalone, an orphan) reaped: say so, keep its status. */
static void
kid_done(pid_t pid, int status)
{
	const char	*name = "?";
	int		 i;

	for (i = 0; i < nkids; i++) {
		if (kids[i].pid != pid)
			continue;
		kids[i].reaped = true;
		kids[i].status = status;
		name = tree_nodes[kids[i].idx].name;
	}
	if (status != 0)
		kid_failed = true;
	say("reaped %s %ld %d", name, (long)pid, status);
}

/* Reap what may be reaped (told: the zombies kept too). */
static void
node_reap(bool told)
{
	pid_t	 p;
	int	 i, st;

	if (!drive_mode && tree_nodes[me].parent == -1) {
		while ((p = waitpid(-1, &st, WNOHANG)) > 0)
			kid_done(p, st);
		return;
	}
	for (i = 0; i < nkids; i++) {
		if (kids[i].reaped || (drive_mode && !told &&
		    tree_nodes[kids[i].idx].keep_zombie))
			continue;
		if (waitpid(kids[i].pid, &st, WNOHANG) == kids[i].pid)
			kid_done(kids[i].pid, st);
	}
}

/* SIGTERM: check the memory, say so and exit, leaving the children. */
static void __attribute__((noreturn))
node_exit(void)
{
	uint64_t	sum;
	bool		ok = node_verify(&sum) == 0;

	say("exit %s %ld %s", tree_nodes[me].name, (long)getpid(),
	    ok ? "ok" : "corrupt");
	_exit(ok ? 0 : 1);
}

/* SIGUSR2: wait for every child, check the memory, exit with the truth. */
static void __attribute__((noreturn))
node_final(void)
{
	uint64_t	sum;
	pid_t		p;
	int		st;
	bool		ok;

	while ((p = waitpid(-1, &st, 0)) > 0 || errno == EINTR)
		if (p > 0)
			kid_done(p, st);
	ok = node_verify(&sum) == 0;
	say("final %s %ld %s %016llx%s", tree_nodes[me].name, (long)getpid(),
	    ok ? "ok" : "corrupt", (unsigned long long)sum,
	    kid_failed ? " child-failed" : "");
	_exit(ok && !kid_failed ? 0 : 1);
}

/* Every 2 ms write this process's sets, and do what it is told. */
static void __attribute__((noreturn))
node_loop(void)
{
	struct timespec	 tick = { 0, PASS_NS };
	unsigned long	 n = 0;
	int		 i;

	for (;;) {
		if (got_term)
			node_exit();
		if (got_final)
			node_final();
		if (got_hup) {
			got_hup = 0;
			node_reap(true);
		}
		node_reap(false);
		for (; got_fork > 0; got_fork--)
			node_fork_next();
		for (i = 0; i < NREG; i++)
			region_bump(&regs[i]);
		if (watch_pid > 0 && ++n % 25 == 0 && kill(watch_pid, 0) == -1 &&
		    errno == ESRCH)
			_exit(3);
		nanosleep(&tick, NULL);
	}
}

/* A process of the tree, from its start (after fork) on. */
static void
node_main(int idx)
{
	const struct tree_node	*t = &tree_nodes[idx];
	int			 i;

	me = idx;
	/* Standalone, a process other than the root lives while it does. */
	if (!drive_mode)
		watch_pid = idx == 0 ? 0 : root_pid;
	nkids = 0;
	kid_failed = false;
	got_fork = got_term = got_hup = got_final = 0;
	say("node %s %ld %ld", t->name, (long)getpid(), (long)getppid());
	node_regions(t);
	for (i = 0; i < NREG; i++) {
		region_bump(&regs[i]);
		region_say(&regs[i]);
	}
	for (i = 0; i < TREE_NODES; i++)
		if (tree_nodes[i].parent == idx && tree_nodes[i].hold == 0)
			node_fork(i);
	say("ready %s %ld", t->name, (long)getpid());
	node_loop();
}

void
tree_node_run(int idx, int out, bool driven, pid_t watch)
{
	struct sigaction	 sa;

	pagesz = (size_t)sysconf(_SC_PAGESIZE);
	out_fd = out;
	drive_mode = driven;
	watch_pid = watch;
	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_signal;
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	root_pid = getpid();
	node_main(idx);
}

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr, "usage: tree-target [--pad N]\n"
	    "       tree-target --drive --truth FILE [--pad N] SDTOP "
	    "[ARGS...]\n"
	    "       tree-target --kill-traced [--first SIG] SIG SDTOP_PID "
	    "PID...\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	char	*end;

	if (argc > 1 && strcmp(argv[1], "--drive") == 0)
		return (tree_drive(argc - 1, argv + 1));
	if (argc > 1 && strcmp(argv[1], "--kill-traced") == 0)
		return (tree_kill(argc - 1, argv + 1));
	if (argc == 3 && strcmp(argv[1], "--pad") == 0) {
		tree_pad = (int)strtol(argv[2], &end, 10);
		if (*end != '\0' || tree_pad < 0 || tree_pad > 10000)
			usage();
	} else if (argc != 1)
		usage();
	tree_node_run(0, STDOUT_FILENO, false, 0);
}
