/*
 * guest-init.c - PID 1 of the qemu guest that tests soft-dirty tracking on
 * a real kernel.
 *
 * The initramfs holds this program as /init, a static sdtop as /sdtop,
 * the static ground-truth workload as /workload, the present-page check
 * as /check-present (tests/vm/check-present.c) and the tree of processes
 * with its driver as /tree-target (tests/tree-target.c). This program mounts /proc,
 * runs the check, starts the workload, runs sdtop over each of its
 * phases, and prints
 * everything on the console between marker lines ("@@sdtop-vm ...") that
 * the host script splits on. Then it powers the machine off.
 *
 * The kernel command line says which collection path the runs must use
 * ("sdtop.path=scan" or "sdtop.path=read", passed on to sdtop in
 * SDTOP_SOFTDIRTY_PATH); one more run, "alt", uses the other path. PID 1 must
 * never exit (the kernel would panic), so every path ends in power_off().
 *
 * With "sdtop.bench=MIB,REPS" on the command line it runs the benchmark
 * /bench (tests/vm/bench-softdirty.c) instead of the scenario.
 *
 * Times are in milliseconds unless a name says otherwise.
 */
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/utsname.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MARK		"@@sdtop-vm"
#define SDTOP		"/sdtop"
#define WORKLOAD	"/workload"
#define BENCH		"/bench"
#define CHECK_PRESENT	"/check-present"
#define TREE		"/tree-target"
#define TREE_TRUTH	"/tmp/tree.truth"
#define LINE_WAIT_MS	30000	/* longest wait for a workload line */
#define RUN_WAIT_MS	60000	/* longest run of sdtop */
#define PATH_ENV	"SDTOP_SOFTDIRTY_PATH"

/* The workload's stdout, read line by line. */
struct line_reader {
	int	fd;
	char	buf[8192];
	size_t	len;
};

static void	power_off(void) __attribute__((noreturn));

/* Print one marker line: MARK followed by the formatted text. */
static void
mark(const char *fmt, ...)
{
	va_list	ap;

	printf("%s ", MARK);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

/* Report a failure of the scenario itself and stop the machine. */
static void __attribute__((noreturn))
fail(const char *fmt, ...)
{
	va_list	ap;

	printf("%s error ", MARK);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	power_off();
}

/* Flush, power the machine off; if that fails, wait forever. */
static void
power_off(void)
{
	fflush(stdout);
	fflush(stderr);
	sync();
	reboot(RB_POWER_OFF);
	for (;;)
		pause();
}

/* Milliseconds on the monotonic clock. */
static long long
now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
sleep_ms(long ms)
{
	struct timespec	ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/*
 * Make sure fds 0-2 lead to the console: the kernel opens /dev/console for
 * init only when the node exists in the root file system.
 */
static void
console_setup(void)
{
	int	fd;

	if (fcntl(1, F_GETFD) != -1)
		return;
	mkdir("/dev", 0755);
	if (mount("devtmpfs", "/dev", "devtmpfs", 0, NULL) == -1 &&
	    errno != EBUSY)
		power_off();
	fd = open("/dev/console", O_RDWR);
	if (fd == -1)
		power_off();
	dup2(fd, 0);
	dup2(fd, 1);
	dup2(fd, 2);
	if (fd > 2)
		close(fd);
}

/* Read one line (without its newline) into out; -1 on timeout or EOF. */
static int
line_read(struct line_reader *lr, char *out, size_t size, int timeout)
{
	long long	 deadline = now_ms() + timeout;
	struct pollfd	 pfd;
	char		*nl;
	ssize_t		 n;
	size_t		 l;

	for (;;) {
		nl = memchr(lr->buf, '\n', lr->len);
		if (nl != NULL) {
			l = (size_t)(nl - lr->buf);
			if (l >= size)
				l = size - 1;
			memcpy(out, lr->buf, l);
			out[l] = '\0';
			l = (size_t)(nl - lr->buf) + 1;
			memmove(lr->buf, lr->buf + l, lr->len - l);
			lr->len -= l;
			return 0;
		}
		if (lr->len == sizeof lr->buf)
			lr->len = 0;	/* an absurd line: drop it */
		pfd.fd = lr->fd;
		pfd.events = POLLIN;
		if (now_ms() >= deadline)
			return -1;
		if (poll(&pfd, 1, (int)(deadline - now_ms())) <= 0)
			continue;
		n = read(lr->fd, lr->buf + lr->len, sizeof lr->buf - lr->len);
		if (n == 0)
			return -1;
		if (n > 0)
			lr->len += (size_t)n;
	}
}

/* Wait for the workload line that starts with prefix; fail on timeout. */
static void
line_wait(struct line_reader *lr, const char *prefix, char *out, size_t size)
{
	size_t	plen = strlen(prefix);

	for (;;) {
		if (line_read(lr, out, size, LINE_WAIT_MS) == -1)
			fail("no \"%s\" line from the workload", prefix);
		if (strncmp(out, prefix, plen) == 0)
			return;
		mark("workload %s", out);
	}
}

/* Copy a file to the console, each line prefixed when prefix is not NULL. */
static void
cat_file(const char *path, const char *prefix)
{
	static char	 line[1 << 18];	/* a tree's JSON lines are long */
	FILE		*f;

	f = fopen(path, "r");
	if (f == NULL)
		return;
	while (fgets(line, sizeof line, f) != NULL) {
		if (prefix != NULL)
			printf("%s %s ", MARK, prefix);
		fputs(line, stdout);
		if (strchr(line, '\n') == NULL)
			putchar('\n');
	}
	fclose(f);
	fflush(stdout);
}

/*
 * Run argv with stdout and stderr into files, wait for it (killing it after
 * RUN_WAIT_MS), then print its output between "begin NAME" and "end NAME
 * status N" markers, and its stderr as "stderr NAME" lines.
 */
static int
run_capture(const char *name, char *const argv[])
{
	char		 out[64], err[64];
	long long	 deadline;
	pid_t		 pid;
	int		 status, fd, code;

	snprintf(out, sizeof out, "/tmp/%s.out", name);
	snprintf(err, sizeof err, "/tmp/%s.err", name);
	pid = fork();
	if (pid == -1)
		fail("fork: %s", strerror(errno));
	if (pid == 0) {
		fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd != -1)
			dup2(fd, 1);
		fd = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd != -1)
			dup2(fd, 2);
		execv(argv[0], argv);
		_exit(127);
	}
	deadline = now_ms() + RUN_WAIT_MS;
	for (;;) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			break;
		if (now_ms() > deadline) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			break;
		}
		sleep_ms(10);
	}
	if (WIFEXITED(status))
		code = WEXITSTATUS(status);
	else
		code = 128 + WTERMSIG(status);
	mark("begin %s", name);
	cat_file(out, NULL);
	mark("end %s status %d", name, code);
	snprintf(out, sizeof out, "stderr %s", name);
	cat_file(err, out);
	return code;
}

/* Run sdtop on pid for the given number of cycles, as run NAME. */
static void
run_sdtop(const char *name, pid_t pid, const char *cycles)
{
	char	 pidstr[32];
	char	*argv[] = { SDTOP, "--batch", "--json", "-m", "soft-dirty",
	    "-n", (char *)cycles, "-i", "0.2", pidstr, NULL };

	snprintf(pidstr, sizeof pidstr, "%ld", (long)pid);
	run_capture(name, argv);
}

/* Start the workload with its stdout on a pipe; returns its pid. */
static pid_t
workload_start(struct line_reader *lr)
{
	char	*argv[] = { WORKLOAD, NULL };
	int	 p[2];
	pid_t	 pid;

	if (pipe(p) == -1)
		fail("pipe: %s", strerror(errno));
	pid = fork();
	if (pid == -1)
		fail("fork: %s", strerror(errno));
	if (pid == 0) {
		close(p[0]);
		dup2(p[1], 1);
		close(p[1]);
		execv(argv[0], argv);
		_exit(127);
	}
	close(p[1]);
	lr->fd = p[0];
	lr->len = 0;
	return pid;
}

/* The value of "KEY=" on the kernel command line, or dflt. */
static const char *
cmdline_value(const char *key, const char *dflt)
{
	static char	 buf[4096];
	char		*p, *e;
	ssize_t		 n;
	int		 fd;

	if ((fd = open("/proc/cmdline", O_RDONLY)) == -1)
		return (dflt);
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return (dflt);
	buf[n] = '\0';
	if ((p = strstr(buf, key)) == NULL || p[strlen(key)] != '=')
		return (dflt);
	p += strlen(key) + 1;
	e = p + strcspn(p, " \n");
	*e = '\0';
	return (p);
}

/*
 * The benchmark instead of the scenario ("sdtop.bench=MIB,REPS"): its
 * rows between "begin bench" and "end bench" markers.
 */
static void
bench(const char *arg)
{
	char	 mib[32], *reps;
	char	*argv[] = { BENCH, mib, NULL, NULL };

	snprintf(mib, sizeof mib, "%s", arg);
	if ((reps = strchr(mib, ',')) != NULL) {
		*reps++ = '\0';
		argv[2] = reps;
	}
	run_capture("bench", argv);
}

/* The whole scenario; see the comment at the top. */
static void
scenario(void)
{
	struct line_reader	 lr;
	struct utsname		 u;
	char			 line[4096], name[32], pidstr[32];
	char			*probe_argv[] = { SDTOP, "--probe", NULL };
	char			*list_argv[] = { SDTOP, "-l", pidstr, NULL };
	char			*present_argv[] = { CHECK_PRESENT, NULL };
	char			*exec_argv[] = { SDTOP, "--batch", "--json",
	    "-m", "soft-dirty", "-n", "6", "-i", "0.2", "--", WORKLOAD,
	    "--exec-self", "--phase", "1", NULL };
	char			*tree_argv[] = { TREE, "--drive", "--truth",
	    TREE_TRUTH, "--pad", "8", SDTOP, "--batch", "--json", "-m",
	    "soft-dirty", "-i", "0.5", "-n", "8", NULL };
	const char		*path = cmdline_value("sdtop.path", "auto");
	pid_t			 pid;
	int			 k, status;

	if (uname(&u) == 0)
		mark("kernel %s", u.release);
	mark("path %s", path);
	setenv(PATH_ENV, path, 1);
	run_capture("probe", probe_argv);
	run_capture("present", present_argv);

	pid = workload_start(&lr);
	line_wait(&lr, "ready ", line, sizeof line);
	mark("workload %s", line);
	snprintf(pidstr, sizeof pidstr, "%ld", (long)pid);

	/* Phases 0-3: each set is in effect before sdtop starts. */
	for (k = 0; k <= 3; k++) {
		char	prefix[16];

		if (k > 0 && kill(pid, SIGUSR1) == -1)
			fail("kill: %s", strerror(errno));
		snprintf(prefix, sizeof prefix, "phase %d ", k);
		line_wait(&lr, prefix, line, sizeof line);
		mark("phase %d %s", k, line);
		snprintf(name, sizeof name, "run%d", k);
		run_sdtop(name, pid, "2");
		/*
		 * After the run of phase 1 no clear has happened since its
		 * last cycle began: exactly the even pages of the buffer read
		 * soft-dirty now.
		 */
		if (k == 1)
			run_capture("list", list_argv);
		/* Every page is written: the other path must agree. */
		if (k == 3) {
			setenv(PATH_ENV, strcmp(path, "scan") == 0 ? "read" :
			    "scan", 1);
			run_sdtop("alt", pid, "2");
			setenv(PATH_ENV, path, 1);
		}
	}

	/*
	 * Phase 4: sdtop starts right after the signal, so the new region is
	 * mapped while it runs (the workload waits 300 ms before mapping it).
	 */
	if (kill(pid, SIGUSR1) == -1)
		fail("kill: %s", strerror(errno));
	run_sdtop("run4", pid, "6");
	line_wait(&lr, "phase 4 ", line, sizeof line);
	mark("phase 4 %s", line);

	/*
	 * A program that runs itself again with execve() as it starts, as a
	 * wrapper would: sdtop follows it into the new image (its output,
	 * phase and time lines included, is in sdtop's stderr).
	 */
	run_capture("exec", exec_argv);

	/*
	 * A tree of processes watched as one (-T): the driver holds sdtop
	 * between cycles while the tree forks and exits, and writes what
	 * each process wrote to TREE_TRUTH (tests/tree-drive.c).
	 */
	run_capture("tree", tree_argv);
	mark("begin tree-truth");
	cat_file(TREE_TRUTH, NULL);
	mark("end tree-truth status 0");

	/* The target must have survived with its memory intact. */
	if (kill(pid, SIGUSR2) == -1)
		fail("kill: %s", strerror(errno));
	if (line_read(&lr, line, sizeof line, LINE_WAIT_MS) == -1)
		fail("no line from the workload after SIGUSR2");
	mark("survived %s", line);
	if (waitpid(pid, &status, 0) == pid && WIFEXITED(status))
		mark("workload exit %d", WEXITSTATUS(status));
	else
		mark("workload exit killed");
}

int
main(void)
{
	console_setup();
	setvbuf(stdout, NULL, _IOLBF, 0);
	mkdir("/proc", 0555);
	if (mount("proc", "/proc", "proc", 0, NULL) == -1)
		fail("mount /proc: %s", strerror(errno));
	mkdir("/tmp", 01777);
	mark("start");
	if (strcmp(cmdline_value("sdtop.bench", ""), "") != 0)
		bench(cmdline_value("sdtop.bench", ""));
	else
		scenario();
	mark("done");
	power_off();
}
