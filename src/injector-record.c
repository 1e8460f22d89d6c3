/*
 * injector-record.c - the injector's written record of the userfaultfds it
 * made, which outlives it.
 *
 * A mark on a descriptor (injector-serve.c) says that it may be sdtop's:
 * any program could put the same mark on its own. A record says that it
 * is: a file per descriptor, in a directory that only this user can write
 * (/run/sdtop for root; $XDG_RUNTIME_DIR/sdtop, else /tmp/sdtop-UID, for
 * others), named by the descriptor's inode number (each userfaultfd has
 * an inode of its own) and holding the process it was made in (its PID
 * and start time) and its number there. An injector that was killed
 * leaves its records behind; the next one removes a marked descriptor
 * only when its record is there, and forgets records of processes that
 * are gone.
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "injector-record.h"
#include "proc.h"

/* The directory of records, made if needed; -1 when none is safe to use. */
static int
inj_record_dir(char *buf, size_t size)
{
	const char	*xdg = getenv("XDG_RUNTIME_DIR");
	struct stat	 st;
	uid_t		 uid = geteuid();

	if (uid == 0 && access("/run", W_OK) == 0)
		snprintf(buf, size, "/run/sdtop");
	else if (uid != 0 && xdg != NULL && xdg[0] == '/')
		snprintf(buf, size, "%s/sdtop", xdg);
	else
		snprintf(buf, size, "/tmp/sdtop-%ld", (long)uid);
	if (mkdir(buf, 0700) == -1 && errno != EEXIST)
		return (-1);
	/* Ours alone: a directory another user could write proves nothing. */
	if (lstat(buf, &st) == -1 || !S_ISDIR(st.st_mode) ||
	    st.st_uid != uid || (st.st_mode & 077) != 0)
		return (-1);
	return (0);
}

/* The path of the record of inode ino; -1 when there is no directory. */
static int
inj_record_path(unsigned long ino, char *buf, size_t size)
{
	char	dir[4096];

	if (inj_record_dir(dir, sizeof dir) == -1)
		return (-1);
	snprintf(buf, size, "%s/uffd-%lu", dir, ino);
	return (0);
}

/* The start time of process t (clock ticks after boot), or 0. */
static unsigned long long
inj_start_time(const struct proc_target *t)
{
	unsigned long long	start;

	return (proc_stat_field(t, 22, &start) == 0 ? start : 0);
}

int
inj_record_add(unsigned long ino, const struct proc_target *t, int fd)
{
	char	path[4200], tmp[4300], line[128];
	int	f, n;

	if (inj_record_path(ino, path, sizeof path) == -1)
		return (-1);
	snprintf(tmp, sizeof tmp, "%s.new", path);
	n = snprintf(line, sizeof line, "%ld %llu %d\n", (long)t->pid,
	    inj_start_time(t), fd);
	f = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (f == -1)
		return (-1);
	if (write(f, line, (size_t)n) != n || close(f) == -1 ||
	    rename(tmp, path) == -1) {
		unlink(tmp);
		return (-1);
	}
	return (0);
}

bool
inj_record_has(unsigned long ino, const struct proc_target *t, int fd)
{
	char			 path[4200], line[128];
	unsigned long long	 start;
	long			 pid;
	int			 f, rfd;
	ssize_t			 n;

	if (inj_record_path(ino, path, sizeof path) == -1 ||
	    (f = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1)
		return (false);
	n = read(f, line, sizeof line - 1);
	close(f);
	if (n <= 0)
		return (false);
	line[n] = '\0';
	return (sscanf(line, "%ld %llu %d", &pid, &start, &rfd) == 3 &&
	    pid == (long)t->pid && start == inj_start_time(t) && rfd == fd);
}

void
inj_record_del(unsigned long ino)
{
	char	path[4200];

	if (inj_record_path(ino, path, sizeof path) == 0)
		unlink(path);
}

void
inj_record_prune(void)
{
	struct proc_target	 t;
	struct dirent		*de;
	DIR			*d;
	char			 dir[4096], path[4400], line[128], *cause;
	unsigned long long	 start;
	long			 pid;
	int			 f, rfd;
	ssize_t			 n;
	bool			 live;

	if (inj_record_dir(dir, sizeof dir) == -1 || (d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, "uffd-", 5) != 0)
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		live = false;
		if ((f = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) != -1) {
			n = read(f, line, sizeof line - 1);
			close(f);
			line[n > 0 ? n : 0] = '\0';
			cause = NULL;
			if (sscanf(line, "%ld %llu %d", &pid, &start, &rfd) == 3 &&
			    proc_open(&t, "/proc", (pid_t)pid, &cause) == 0) {
				live = inj_start_time(&t) == start;
				proc_close(&t);
			}
			free(cause);
		}
		if (!live)
			unlink(path);
	}
	closedir(d);
}
