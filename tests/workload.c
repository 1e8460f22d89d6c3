/*
 * workload.c - a process that knows exactly which pages it writes: the
 * ground truth that the tracking methods are checked against.
 *
 * Usage: workload [--pages N] [--new-pages M] [--new-delay-ms D]
 *                 [--phase K] [--exec-self] [--sigmask] [--own-uffd]
 *                 [--own-uffd-mark SIG]
 *                 [--seccomp MODE] [--seccomp-late MODE]
 *                 [--no-more-fds] [--thp MIB]
 *                 [--sparse MIB] [--threads T]
 *        (defaults N=64, M=16, D=300)
 *
 * It maps a buffer of N pages as a VMA of its own (PROT_NONE guard pages on
 * both sides, so it never merges), writes every page once, and prints
 *     ready PID 0xSTART 0xEND
 *     phase 0 0xSTART 0xEND -
 * and "time SECONDS", the Unix time when all that was done. Then every
 * 2 ms it rewrites each page of the current phase's set (one
 * byte per page is incremented, so the content changes too). Each SIGUSR1
 * starts the next phase; once a full pass over the new set is done it
 * prints "phase K 0xSTART 0xEND PAGES", PAGES being page indexes within
 * [START, END) such as "0,2,4-9", or "-" for none:
 *     0 none (at start)        1 even pages
 *     2 pages 0-7 and the last 3 all pages
 *     4 D ms after the signal a NEW region of M pages (its own guarded VMA)
 *       is mapped; it prints "phase 4 0xNSTART 0xNEND 0-(M-1)" and writes
 *       all of it every 2 ms from then on (the buffer: none).
 * A SIGUSR1 after phase 4 wraps to phase 1, and phase 4 never comes again
 * (rounds go 1, 2, 3; the new region is left alone). SIGTERM or SIGINT: exit 0 at once. SIGUSR2: verify every byte
 * written so far, print "alive CHECKSUM" and exit 0, or "corrupt ..." and
 * exit 1.
 *
 * --phase K (1 to 3) starts in phase K instead of 0. --exec-self first
 * runs itself again with execve() (without this option), as a wrapper
 * script would. To be a target that checks it was not harmed, it can also
 * carry state of its own that SIGUSR2 verifies too: --sigmask blocks
 * SIGWINCH and SIGURG (the mask must be unchanged); --own-uffd makes a
 * userfaultfd of its own with the same flags and features as sdtop's and
 * write-protects a region with it (the descriptor must be the same file
 * and still report exactly the page written next); --seccomp MODE installs
 * a filter that makes getpriority() fail with ENOTRECOVERABLE (it must
 * still) and, by MODE, does something to a call sdtop would inject:
 *     allow        nothing more
 *     kill-uffd    userfaultfd() kills the process (trap-uffd: SIGSYS,
 *                  errno-uffd: EPERM, notify-uffd: waits for a
 *                  supervisor, which never answers)
 *     kill-close   close() kills the process
 * --seccomp-late MODE installs it at the first SIGUSR1 instead, before the
 * next phase line.
 * --own-uffd-mark SIG also gives its own userfaultfd the owner PID 1 and
 * the SIGIO signal number SIG (F_SETOWN, F_SETSIG), as sdtop marks its
 * own: a mark alone must not make sdtop take it for one of its.
 * --no-more-fds lowers its RLIMIT_NOFILE to the descriptors it has, so
 * that any call that would make a new one fails with EMFILE.
 *
 * To show what watching leaves behind: --thp MIB maps MIB of memory that
 * asks for transparent huge pages (MADV_HUGEPAGE, 2 MiB aligned), fills it,
 * prints "thp 0xSTART 0xEND" and then writes one byte of every 2 MiB on
 * every pass; --sparse MIB reserves MIB and touches only its first page;
 * --threads T starts T threads that only wait.
 *
 * Plain libc only: it is also linked statically for a qemu guest. Units:
 * pages of sysconf(_SC_PAGESIZE) bytes; addresses are printed in hex.
 */
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <pthread.h>

#include <linux/filter.h>
#include <linux/seccomp.h>
#include <linux/userfaultfd.h>

#ifndef F_SETSIG
#define F_SETSIG	10
#endif

#define PASS_NS		2000000L	/* a pass every 2 ms */
#define MAX_PAGES	(1L << 24)	/* 64 GiB of 4 KiB pages */

/* A region the workload writes, and how often each page was bumped. */
struct region {
	unsigned char	*base;
	size_t		 npages;
	uint32_t	*bumps;
};

static volatile sig_atomic_t	phase_signals;
static volatile sig_atomic_t	check_requested;
static size_t			pagesz;

static void
on_usr1(int sig)
{
	phase_signals++;
}

static void
on_usr2(int sig)
{
	check_requested = 1;
}

static void
on_term(int sig)
{
	_exit(0);
}

/* The byte at offset off of page i before any bump. */
static unsigned char
region_pattern(size_t i, size_t off)
{
	return ((unsigned char)(i * 7 + off * 13 + 1));
}

/* Map npages between two PROT_NONE guard pages and write each once. */
static int
region_map(struct region *r, size_t npages)
{
	unsigned char	*p;
	size_t		 i, off;

	p = mmap(NULL, (npages + 2) * pagesz, PROT_NONE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return (-1);
	if (mprotect(p + pagesz, npages * pagesz, PROT_READ | PROT_WRITE) != 0)
		return (-1);
	r->base = p + pagesz;
	r->npages = npages;
	if ((r->bumps = calloc(npages, sizeof *r->bumps)) == NULL)
		return (-1);
	for (i = 0; i < npages; i++)
		for (off = 0; off < pagesz; off++)
			r->base[i * pagesz + off] = region_pattern(i, off);
	return (0);
}

/* Bump one byte of page i. */
static void
region_bump(struct region *r, size_t i)
{
	r->base[i * pagesz]++;
	r->bumps[i]++;
}

/* Whether the page belongs to the set of phase k. */
static bool
phase_has(int k, size_t i, size_t npages)
{
	switch (k) {
	case 1:
		return (i % 2 == 0);
	case 2:
		return (i < 8 || i == npages - 1);
	case 3:
		return (true);
	default:
		return (false);
	}
}

/* Print the set of phase k as "0,2,4-9" or "-". */
static void
phase_print_set(int k, size_t npages)
{
	size_t	i, j;
	bool	first = true;

	for (i = 0; i < npages; i = j) {
		if (!phase_has(k, i, npages)) {
			j = i + 1;
			continue;
		}
		for (j = i + 1; j < npages && phase_has(k, j, npages); j++)
			;
		printf("%s%zu", first ? "" : ",", i);
		if (j - 1 > i)
			printf("-%zu", j - 1);
		first = false;
	}
	if (first)
		printf("-");
}

/* Check every byte of r against what was written; 0, or -1 (printed). */
static int
region_verify(const struct region *r, const char *what, uint64_t *sum)
{
	size_t		i, off;
	unsigned char	want, got;

	for (i = 0; i < r->npages; i++) {
		for (off = 0; off < pagesz; off++) {
			want = region_pattern(i, off);
			if (off == 0)
				want = (unsigned char)(want + r->bumps[i]);
			got = r->base[i * pagesz + off];
			if (got != want) {
				printf("corrupt %s page %zu offset %zu: "
				    "expected %u got %u\n", what, i, off,
				    want, got);
				return (-1);
			}
			*sum = (*sum ^ got) * UINT64_C(1099511628211);
		}
	}
	return (0);
}


/*
 * The PAGEMAP_SCAN ioctl (Linux 6.7): the headers this may be built with
 * are older, so its ABI is spelled out (include/uapi/linux/fs.h).
 */
struct scan_region {
	uint64_t	start, end, categories;
};

struct scan_arg {
	uint64_t	size, flags, start, end, walk_end, vec, vec_len;
	uint64_t	max_pages, category_inverted, category_mask;
	uint64_t	category_anyof_mask, return_mask;
};

#define SCAN_IOCTL		_IOWR('f', 16, struct scan_arg)
#define SCAN_WP_MATCHING	1
#define SCAN_CHECK_WPASYNC	2
#define SCAN_WRITTEN		(1 << 1)
#define OWN_FEATURES		((1 << 15) | (1 << 13))	/* WP_ASYNC, WP_UNPOPULATED */
#define OWN_PAGES		8

/* A userfaultfd of the workload's own, and the region it protects. */
struct own_uffd {
	int		 fd;
	ino_t		 ino;
	int		 pagemap;
	unsigned char	*base;
};

/* The pages written in the own region since the last call: a bit each. */
static long
own_scan(const struct own_uffd *o)
{
	struct scan_region	vec[OWN_PAGES];
	struct scan_arg		a;
	long			n, i, bits = 0;
	uint64_t		p;

	memset(&a, 0, sizeof a);
	a.size = sizeof a;
	a.flags = SCAN_WP_MATCHING | SCAN_CHECK_WPASYNC;
	a.start = (uintptr_t)o->base;
	a.end = (uintptr_t)o->base + OWN_PAGES * pagesz;
	a.vec = (uintptr_t)vec;
	a.vec_len = OWN_PAGES;
	a.category_mask = SCAN_WRITTEN;
	a.return_mask = SCAN_WRITTEN;
	if ((n = ioctl(o->pagemap, SCAN_IOCTL, &a)) < 0)
		return (-1);
	for (i = 0; i < n; i++)
		for (p = vec[i].start; p < vec[i].end; p += pagesz)
			bits |= 1L << ((p - a.start) / pagesz);
	return (bits);
}

/* Make the own userfaultfd and write-protect its region. */
static int
own_uffd_start(struct own_uffd *o)
{
	struct uffdio_api	 api;
	struct uffdio_register	 reg;
	struct stat		 st;
	unsigned char		*p;

	p = mmap(NULL, (OWN_PAGES + 2) * pagesz, PROT_NONE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED || mprotect(p + pagesz, OWN_PAGES * pagesz,
	    PROT_READ | PROT_WRITE) != 0)
		return (-1);
	o->base = p + pagesz;
	memset(o->base, 0x5a, OWN_PAGES * pagesz);
	o->fd = (int)syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK | 1);
	if (o->fd == -1)
		return (-1);
	memset(&api, 0, sizeof api);
	api.api = UFFD_API;
	api.features = OWN_FEATURES;
	memset(&reg, 0, sizeof reg);
	reg.range.start = (uintptr_t)o->base;
	reg.range.len = OWN_PAGES * pagesz;
	reg.mode = UFFDIO_REGISTER_MODE_WP;
	if (ioctl(o->fd, UFFDIO_API, &api) == -1 ||
	    ioctl(o->fd, UFFDIO_REGISTER, &reg) == -1 ||
	    fstat(o->fd, &st) == -1)
		return (-1);
	o->ino = st.st_ino;
	if ((o->pagemap = open("/proc/self/pagemap", O_RDONLY)) == -1)
		return (-1);
	return (own_scan(o) == -1 ? -1 : 0);
}

/* The own userfaultfd is the same file and still tracks exactly. */
static int
own_uffd_check(const struct own_uffd *o)
{
	struct stat	st;
	long		a, b;

	if (fstat(o->fd, &st) == -1 || st.st_ino != o->ino) {
		printf("corrupt own userfaultfd: fd %d is no longer it\n",
		    o->fd);
		return (-1);
	}
	a = own_scan(o);
	o->base[3 * pagesz] ^= 1;
	b = own_scan(o);
	if (a == -1 || b != 1L << 3) {
		printf("corrupt own userfaultfd: wrote page 3, it reports "
		    "%#lx (%s)\n", b, b == -1 ? strerror(errno) : "bits");
		return (-1);
	}
	return (0);
}

/* The signals --sigmask blocks. */
static void
own_mask(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGWINCH);
	sigaddset(set, SIGURG);
}

/* The signal mask is exactly what --sigmask set (or empty). */
static int
own_mask_check(bool set)
{
	sigset_t	want, got;
	int		sig;

	if (set)
		own_mask(&want);
	else
		sigemptyset(&want);
	sigprocmask(SIG_BLOCK, NULL, &got);
	for (sig = 1; sig < 32; sig++) {
		if (sigismember(&want, sig) != sigismember(&got, sig)) {
			printf("corrupt signal mask: signal %d is %sblocked\n",
			    sig, sigismember(&got, sig) ? "" : "not ");
			return (-1);
		}
	}
	return (0);
}

#define SC_LD_NR	BPF_STMT(BPF_LD | BPF_W | BPF_ABS, \
			    offsetof(struct seccomp_data, nr))
#define SC_ON(nr, act)	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (nr), 0, 1), \
			BPF_STMT(BPF_RET | BPF_K, (act))

#ifndef SECCOMP_RET_KILL_PROCESS
#define SECCOMP_RET_KILL_PROCESS	0x80000000U
#endif
#ifndef SECCOMP_RET_USER_NOTIF
#define SECCOMP_RET_USER_NOTIF		0x7fc00000U
#endif
#ifndef SECCOMP_FILTER_FLAG_NEW_LISTENER
#define SECCOMP_FILTER_FLAG_NEW_LISTENER (1UL << 3)
#endif

/* Install the filter of --seccomp mode; -1 on a bad mode or failure. */
static int
own_seccomp(const char *mode)
{
	unsigned int	 act = SECCOMP_RET_ALLOW, flags = 0;
	long		 nr = SYS_userfaultfd;
	long		 r;

	if (strcmp(mode, "kill-uffd") == 0)
		act = SECCOMP_RET_KILL_PROCESS;
	else if (strcmp(mode, "trap-uffd") == 0)
		act = SECCOMP_RET_TRAP;
	else if (strcmp(mode, "errno-uffd") == 0)
		act = SECCOMP_RET_ERRNO | EPERM;
	else if (strcmp(mode, "notify-uffd") == 0) {
		act = SECCOMP_RET_USER_NOTIF;
		flags = SECCOMP_FILTER_FLAG_NEW_LISTENER;
	} else if (strcmp(mode, "kill-close") == 0) {
		act = SECCOMP_RET_KILL_PROCESS;
		nr = SYS_close;
	} else if (strcmp(mode, "allow") != 0)
		return (-1);
	{
		struct sock_filter	f[] = {
			SC_LD_NR,
			SC_ON(SYS_getpriority,
			    SECCOMP_RET_ERRNO | ENOTRECOVERABLE),
			SC_ON((unsigned int)nr, act),
			BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		};
		struct sock_fprog	prog = { sizeof f / sizeof f[0], f };

		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
			return (-1);
		/* The listener of notify-uffd is kept open and never read. */
		r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
		return (r == -1 ? -1 : 0);
	}
}

/* The filter still makes getpriority() fail as it should. */
static int
own_seccomp_check(void)
{
	errno = 0;
	if (getpriority(PRIO_PROCESS, 0) == -1 && errno == ENOTRECOVERABLE)
		return (0);
	printf("corrupt seccomp filter: getpriority() gave errno %d\n", errno);
	return (-1);
}


/* Map mib MiB asking for huge pages, 2 MiB aligned, and fill it. */
static unsigned char *
thp_map(size_t mib)
{
	size_t		 len = mib << 20, huge = (size_t)2 << 20;
	unsigned char	*p, *a;

	p = mmap(NULL, len + huge, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return (NULL);
	a = (unsigned char *)(((uintptr_t)p + huge - 1) & ~(uintptr_t)(huge - 1));
	if (a > p)
		munmap(p, (size_t)(a - p));
	munmap(a + len, (size_t)(p + len + huge - (a + len)));
	madvise(a, len, MADV_HUGEPAGE);
	memset(a, 1, len);
	return (a);
}

/* A thread that only waits. */
static void *
idle_thread(void *arg)
{
	for (;;)
		pause();
	return (arg);
}

/* Parse a bounded decimal option value; exits 2 on a bad one. */
static long
parse_num(const char *opt, const char *s, long min, long max)
{
	char	*end;
	long	 v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < min || v > max) {
		fprintf(stderr, "workload: %s: expected a number from %ld to "
		    "%ld, got '%s'\n", opt, min, max, s);
		exit(2);
	}
	return (v);
}

static double
mono_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (ts.tv_sec * 1e3 + ts.tv_nsec / 1e6);
}

/* Run this program again without --exec-self, as a wrapper would. */
static void
exec_self(int argc, char **argv)
{
	char	**nargv, self[4096];
	ssize_t	  len;
	int	  i, n = 0;

	/* By its path, so that its name (comm) stays the same. */
	if ((len = readlink("/proc/self/exe", self, sizeof self - 1)) <= 0 ||
	    (nargv = calloc((size_t)argc + 1, sizeof *nargv)) == NULL)
		exit(1);
	self[len] = '\0';
	for (i = 0; i < argc; i++)
		if (strcmp(argv[i], "--exec-self") != 0)
			nargv[n++] = argv[i];
	execv(self, nargv);
	fprintf(stderr, "workload: exec: %s\n", strerror(errno));
	exit(1);
}

static void
usage(void)
{
	fprintf(stderr, "usage: workload [--pages N] [--new-pages M] "
	    "[--new-delay-ms D] [--phase K] [--exec-self] [--sigmask] "
	    "[--own-uffd] [--own-uffd-mark SIG] [--seccomp MODE] "
	    "[--seccomp-late MODE] "
	    "[--no-more-fds] [--thp MIB] "
	    "[--sparse MIB] [--threads T]\n");
	exit(2);
}

/* Print the phase line of phase k for r. */
static void
phase_print(int k, const struct region *r)
{
	printf("phase %d %p %p ", k, (void *)r->base,
	    (void *)(r->base + r->npages * pagesz));
	phase_print_set(k, r->npages);
	printf("\n");
	fflush(stdout);
}

int
main(int argc, char **argv)
{
	struct region		 buf, fresh = { NULL, 0, NULL };
	struct own_uffd		 own = { -1, 0, -1, NULL };
	struct sigaction	 sa;
	struct timespec		 tick = { 0, PASS_NS }, now;
	sigset_t		 mask;
	long			 npages = 64, nnew = 16, delay = 300;
	int			 i, phase = 0, seen = 0;
	bool			 want_new = false, write_new = false;
	bool			 reexec = false, sigmask = false, own_fd = false;
	bool			 no_fds = false;
	int			 own_sig = 0;
	struct rlimit		 rl;
	int			 lowest;
	size_t			 thp_mib = 0, sparse_mib = 0, off;
	long			 nthreads = 0, t;
	unsigned char		*thp = NULL, *sparse;
	pthread_t		 tid;
	const char		*seccomp = NULL, *seccomp_late = NULL;
	double			 new_at = 0;
	uint64_t		 sum = UINT64_C(14695981039346656037);
	size_t			 p;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--exec-self") == 0)
			reexec = true;
		else if (strcmp(argv[i], "--sigmask") == 0)
			sigmask = true;
		else if (strcmp(argv[i], "--own-uffd") == 0)
			own_fd = true;
		else if (strcmp(argv[i], "--no-more-fds") == 0)
			no_fds = true;
		else if (i + 1 >= argc)
			usage();
		else if (strcmp(argv[i], "--pages") == 0)
			npages = parse_num(argv[i], argv[i + 1], 1, MAX_PAGES);
		else if (strcmp(argv[i], "--new-pages") == 0)
			nnew = parse_num(argv[i], argv[i + 1], 1, MAX_PAGES);
		else if (strcmp(argv[i], "--new-delay-ms") == 0)
			delay = parse_num(argv[i], argv[i + 1], 0, 3600000);
		else if (strcmp(argv[i], "--phase") == 0)
			phase = (int)parse_num(argv[i], argv[i + 1], 0, 3);
		else if (strcmp(argv[i], "--seccomp") == 0)
			seccomp = argv[i + 1];
		else if (strcmp(argv[i], "--seccomp-late") == 0)
			seccomp_late = argv[i + 1];
		else if (strcmp(argv[i], "--own-uffd-mark") == 0) {
			own_fd = true;
			own_sig = (int)parse_num(argv[i], argv[i + 1], 1, 64);
		}
		else if (strcmp(argv[i], "--thp") == 0)
			thp_mib = (size_t)parse_num(argv[i], argv[i + 1], 2,
			    65536);
		else if (strcmp(argv[i], "--sparse") == 0)
			sparse_mib = (size_t)parse_num(argv[i], argv[i + 1], 1,
			    1 << 24);
		else if (strcmp(argv[i], "--threads") == 0)
			nthreads = parse_num(argv[i], argv[i + 1], 1, 4096);
		else
			usage();
		/* Every option below the flags takes a value. */
		if (strcmp(argv[i], "--exec-self") != 0 &&
		    strcmp(argv[i], "--sigmask") != 0 &&
		    strcmp(argv[i], "--own-uffd") != 0 &&
		    strcmp(argv[i], "--no-more-fds") != 0)
			i++;
	}
	if (reexec)
		exec_self(argc, argv);
	pagesz = (size_t)sysconf(_SC_PAGESIZE);
	setvbuf(stdout, NULL, _IOLBF, 0);

	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	sa.sa_handler = on_usr1;
	sigaction(SIGUSR1, &sa, NULL);
	sa.sa_handler = on_usr2;
	sigaction(SIGUSR2, &sa, NULL);
	sa.sa_handler = on_term;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);

	if (region_map(&buf, (size_t)npages) != 0) {
		fprintf(stderr, "workload: cannot map %ld pages: %s\n",
		    npages, strerror(errno));
		return (1);
	}
	if (own_fd && (own_uffd_start(&own) != 0 || (own_sig != 0 &&
	    (fcntl(own.fd, F_SETOWN, 1) == -1 ||
	    fcntl(own.fd, F_SETSIG, own_sig) == -1)))) {
		fprintf(stderr, "workload: own userfaultfd: %s\n",
		    strerror(errno));
		return (1);
	}
	if (sigmask) {
		own_mask(&mask);
		sigprocmask(SIG_BLOCK, &mask, NULL);
	}
	if (seccomp != NULL && own_seccomp(seccomp) != 0) {
		fprintf(stderr, "workload: --seccomp %s: %s\n", seccomp,
		    strerror(errno));
		return (2);
	}
	if (thp_mib > 0) {
		if ((thp = thp_map(thp_mib)) == NULL)
			return (1);
		printf("thp %p %p\n", (void *)thp,
		    (void *)(thp + (thp_mib << 20)));
	}
	if (sparse_mib > 0) {
		sparse = mmap(NULL, sparse_mib << 20, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (sparse == MAP_FAILED)
			return (1);
		madvise(sparse, sparse_mib << 20, MADV_NOHUGEPAGE);
		sparse[0] = 1;
	}
	for (t = 0; t < nthreads; t++)
		if (pthread_create(&tid, NULL, idle_thread, NULL) != 0)
			return (1);
	if (no_fds) {
		/* The lowest free descriptor becomes the limit. */
		if ((lowest = dup(STDIN_FILENO)) == -1)
			return (1);
		close(lowest);
		rl.rlim_cur = rl.rlim_max = (rlim_t)lowest;
		if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
			return (1);
	}
	printf("ready %ld %p %p\n", (long)getpid(), (void *)buf.base,
	    (void *)(buf.base + buf.npages * pagesz));
	if (phase > 0)
		for (p = 0; p < buf.npages; p++)
			if (phase_has(phase, p, buf.npages))
				region_bump(&buf, p);
	phase_print(phase, &buf);
	/* Every write of the set-up is older than this (Unix seconds). */
	clock_gettime(CLOCK_REALTIME, &now);
	printf("time %lld.%06ld\n", (long long)now.tv_sec, now.tv_nsec / 1000);

	for (;;) {
		if (check_requested) {
			if (region_verify(&buf, "buffer", &sum) != 0 ||
			    (fresh.base != NULL &&
			    region_verify(&fresh, "new region", &sum) != 0) ||
			    own_mask_check(sigmask) != 0 ||
			    (own_fd && own_uffd_check(&own) != 0) ||
			    (seccomp != NULL && own_seccomp_check() != 0))
				return (1);
			printf("alive %016llx\n", (unsigned long long)sum);
			return (0);
		}
		if (seen != phase_signals) {
			seen++;
			if (seccomp_late != NULL && seccomp == NULL) {
				if (own_seccomp(seccomp_late) != 0) {
					fprintf(stderr, "workload: --seccomp-late"
					    " %s: %s\n", seccomp_late,
					    strerror(errno));
					return (2);
				}
				seccomp = seccomp_late;
			}
			/* Phase 4 happens once: later rounds go 1, 2, 3. */
			if (phase == 4 || (phase == 3 && fresh.base != NULL))
				phase = 1;
			else
				phase++;
			write_new = false;
			if (phase == 4) {
				want_new = true;
				new_at = mono_ms() + (double)delay;
			} else {
				for (p = 0; p < buf.npages; p++)
					if (phase_has(phase, p, buf.npages))
						region_bump(&buf, p);
				phase_print(phase, &buf);
			}
			continue;
		}
		if (phase == 4 && want_new && mono_ms() >= new_at) {
			want_new = false;
			if (region_map(&fresh, (size_t)nnew) != 0) {
				fprintf(stderr, "workload: cannot map the new "
				    "region: %s\n", strerror(errno));
				return (1);
			}
		}
		if (phase == 4 && !want_new && !write_new) {
			for (p = 0; p < fresh.npages; p++)
				region_bump(&fresh, p);
			write_new = true;
			printf("phase 4 %p %p 0-%zu\n", (void *)fresh.base,
			    (void *)(fresh.base + fresh.npages * pagesz),
			    fresh.npages - 1);
			fflush(stdout);
		} else if (phase == 4 && write_new) {
			for (p = 0; p < fresh.npages; p++)
				region_bump(&fresh, p);
		} else if (phase >= 1 && phase <= 3) {
			for (p = 0; p < buf.npages; p++)
				if (phase_has(phase, p, buf.npages))
					region_bump(&buf, p);
		}
		for (off = 0; thp != NULL && off < thp_mib << 20;
		    off += (size_t)2 << 20)
			thp[off]++;
		nanosleep(&tick, NULL);
	}
}
