/*
 * hostile-target.c - a process whose names are hostile to a terminal, to
 * be watched by sdtop: its comm holds an OSC title sequence, a C1 CSI,
 * a byte that is not UTF-8 and a CSI clear-screen; it maps two files of
 * DIR writable and shared, one named with escape sequences, a C1 control,
 * a stray byte and a newline (which maps shows as \012), one named in
 * accented and CJK UTF-8, which must show unchanged.
 *
 *	hostile-target DIR [MS]	prints "ready PID" when set up, then
 *				writes a page of each mapping every 10 ms
 *				until SIGTERM (or for MS milliseconds);
 *				both files are removed at exit
 *
 * Sizes are pages of the machine's page size.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#define PAGES	4

/* The comm: 13 bytes, under the kernel's 15. */
static const char hostile_comm[] = "\x1b]0;X\x07\xc2\x9b\xff\x1b[2J";

/* The file names, as the test expects them. */
static const char hostile_name[] = "map\x1b]0;title\x07\x1b[31m\xc2\x9b\xff\nend";
static const char utf8_name[] = "caf\xc3\xa9-\xe6\x97\xa5\xe6\x9c\xac";

static volatile sig_atomic_t stop;

static void
on_term(int sig)
{
	(void)sig;
	stop = 1;
}

/* Map a new file dir/name of PAGES pages, shared and writable. */
static char *
map_file(const char *dir, const char *name, char *path, size_t size)
{
	char	*p;
	int	 fd;

	snprintf(path, size, "%s/%s", dir, name);
	if ((fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600)) == -1) {
		perror("open");
		exit(1);
	}
	if (ftruncate(fd, PAGES * sysconf(_SC_PAGESIZE)) == -1) {
		perror("ftruncate");
		exit(1);
	}
	p = mmap(NULL, PAGES * (size_t)sysconf(_SC_PAGESIZE),
	    PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		perror("mmap");
		exit(1);
	}
	close(fd);
	return (p);
}

int
main(int argc, char **argv)
{
	struct sigaction	 sa;
	struct timespec		 ts = { 0, 10 * 1000 * 1000 };
	char			 path1[4096], path2[4096], *a, *b;
	size_t			 ps = (size_t)sysconf(_SC_PAGESIZE);
	unsigned		 n = 0, limit = 0;

	if (argc != 2 && argc != 3) {
		fprintf(stderr, "usage: hostile-target DIR [MS]\n");
		return (2);
	}
	if (argc == 3)
		limit = (unsigned)strtoul(argv[2], NULL, 10) / 10 + 1;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_term;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	a = map_file(argv[1], hostile_name, path1, sizeof path1);
	b = map_file(argv[1], utf8_name, path2, sizeof path2);
	if (prctl(PR_SET_NAME, hostile_comm) == -1) {
		perror("prctl");
		return (1);
	}
	printf("ready %ld\n", (long)getpid());
	fflush(stdout);
	while (!stop && (limit == 0 || n < limit)) {
		a[(n % PAGES) * ps] = (char)n;
		b[(n % PAGES) * ps] = (char)n;
		n++;
		nanosleep(&ts, NULL);
	}
	unlink(path1);
	unlink(path2);
	return (0);
}
