/*
 * vfork-target.c - a process whose child shares its address space for a
 * while: the child of vfork() waits, before it runs execve(), until the
 * test says so. For test-set-vfork.sh.
 *
 * Usage: vfork-target DIR. It writes DIR/ready, waits for DIR/go, then
 * vfork()s; the child writes its PID to DIR/child and waits for DIR/exec
 * before it runs "sleep 60". The parent, once the child has run its
 * program, rewrites its buffer until DIR/stop exists, checks it and
 * exits 0 (1 if its memory is not what it wrote).
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define PAGES	16

static char	 dir[512];

/* Whether DIR/name exists. */
static int
exists(const char *name)
{
	char		 path[600];
	struct stat	 st;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	return (stat(path, &st) == 0);
}

/* Write text to DIR/name (no stdio: the child of vfork() runs this). */
static void
put(const char *name, const char *text)
{
	char	 path[600];
	int	 fd;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644)) == -1)
		return;
	if (write(fd, text, strlen(text)) == -1)
		(void)0;
	close(fd);
}

/* Until DIR/name exists. */
static void
await(const char *name)
{
	struct timespec	 ts = { 0, 10000000 };

	while (!exists(name))
		nanosleep(&ts, NULL);
}

/* Rewrite buf until DIR/stop exists; 0 if it then holds what was written. */
static int
rewrite(char *buf, size_t len)
{
	struct timespec	 ts = { 0, 20000000 };
	unsigned char	 v = 0;
	size_t		 i;

	while (!exists("stop")) {
		v++;
		memset(buf, v, len);
		nanosleep(&ts, NULL);
	}
	for (i = 0; i < len; i++)
		if ((unsigned char)buf[i] != v)
			return (1);
	return (0);
}

int
main(int argc, char **argv)
{
	static char	 buf[PAGES * 4096];
	char		 pid[32];
	pid_t		 p;

	if (argc != 2)
		return (2);
	snprintf(dir, sizeof dir, "%s", argv[1]);
	memset(buf, 1, sizeof buf);
	put("ready", "1\n");
	await("go");
	if ((p = vfork()) == -1)
		return (2);
	if (p == 0) {
		snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
		put("child", pid);
		await("exec");
		execl("/bin/sleep", "sleep", "60", (char *)NULL);
		_exit(127);
	}
	return (rewrite(buf, sizeof buf));
}
