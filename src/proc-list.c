/*
 * proc-list.c - every process with its parent, a cgroup's processes, a
 * thread's process, and kcmp(2) of address spaces (see proc-list.h).
 */
#include "config.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cause.h"
#include "proc.h"
#include "proc-list.h"
#include "str-escape.h"

#ifndef KCMP_VM
#define KCMP_VM		1
#endif

/* How deep a cgroup hierarchy is walked. */
#define CGROUP_MAX_DEPTH	64

static int
entries_push(struct proc_entries *l, const struct proc_entry *pe)
{
	struct proc_entry	*e;
	size_t			 cap;

	if (l->n == l->cap) {
		cap = l->cap == 0 ? 256 : l->cap * 2;
		if ((e = reallocarray(l->e, cap, sizeof *e)) == NULL)
			return (-1);
		l->e = e;
		l->cap = cap;
	}
	l->e[l->n++] = *pe;
	return (0);
}

static int
entry_cmp(const void *a, const void *b)
{
	const struct proc_entry	*x = a, *y = b;

	return (x->pid < y->pid ? -1 : x->pid > y->pid);
}

/* Sort by PID and drop repeated PIDs. */
static void
entries_sort(struct proc_entries *l)
{
	size_t	 i, j = 0;

	/* None read, no array: qsort() must not be given NULL. */
	if (l->n == 0)
		return;
	qsort(l->e, l->n, sizeof *l->e, entry_cmp);
	for (i = 0; i < l->n; i++)
		if (j == 0 || l->e[i].pid != l->e[j - 1].pid)
			l->e[j++] = l->e[i];
	l->n = j;
}

/* A PID from a decimal name or line; 0 if it is not one. */
static pid_t
pid_parse(const char *s)
{
	char	*end;
	long	 v;

	if (!isdigit((unsigned char)*s))
		return (0);
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || (*end != '\0' && *end != '\n') || v <= 0 ||
	    v > 0x3fffffff)
		return (0);
	return ((pid_t)v);
}

/*
 * The parent and name of the process whose stat file is name under dirfd
 * (its name between the first '(' and the last ')', then its state and
 * parent), and the flags of its main thread; -1 if it has gone or exited
 * (state Z or X).
 */
static int
stat_read(int dirfd, const char *name, struct proc_entry *e,
    unsigned *flags)
{
	char	 buf[1024], *lp, *rp, state;
	ssize_t	 n;
	size_t	 len;
	long	 ppid;
	int	 fd;

	if ((fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC)) == -1)
		return (-1);
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return (-1);
	buf[n] = '\0';
	if ((lp = strchr(buf, '(')) == NULL ||
	    (rp = strrchr(buf, ')')) == NULL || rp < lp ||
	    sscanf(rp + 1, " %c %ld %*d %*d %*d %*d %u", &state, &ppid,
	    flags) != 3 || state == 'Z' || state == 'X')
		return (-1);
	len = (size_t)(rp - lp - 1);
	if (len >= sizeof e->comm)
		len = sizeof e->comm - 1;
	memcpy(e->comm, lp + 1, len);
	e->comm[len] = '\0';
	e->ppid = (pid_t)ppid;
	return (0);
}

int
proc_list_all(const char *root, struct proc_entries *out, char **cause)
{
	struct dirent	*de;
	struct proc_entry e;
	char		 name[64];
	DIR		*d;
	pid_t		 pid;
	unsigned	 flags;

	out->n = 0;
	if ((d = opendir(root)) == NULL) {
		*cause = cause_errno(errno, "cannot read %s", root);
		return (-1);
	}
	while ((de = readdir(d)) != NULL) {
		if ((pid = pid_parse(de->d_name)) == 0)
			continue;
		snprintf(name, sizeof name, "%ld/stat", (long)pid);
		memset(&e, 0, sizeof e);
		e.pid = pid;
		if (stat_read(dirfd(d), name, &e, &flags) == -1)
			continue;
		if (entries_push(out, &e) == -1) {
			closedir(d);
			*cause = cause_fmt("out of memory");
			errno = ENOMEM;
			return (-1);
		}
	}
	closedir(d);
	entries_sort(out);
	return (0);
}

/* Add the PIDs of dirfd's cgroup.procs and of the directories below it. */
static int
cgroup_walk(int dirfd, struct proc_entries *out, int depth)
{
	struct proc_entry e;
	struct dirent	*de;
	char		 line[32];
	FILE		*f;
	DIR		*d;
	int		 fd, sub, rc = 0;

	if (depth > CGROUP_MAX_DEPTH)
		return (0);
	if ((fd = openat(dirfd, "cgroup.procs", O_RDONLY | O_CLOEXEC)) == -1)
		return (depth == 0 ? -1 : 0);
	if ((f = fdopen(fd, "r")) == NULL) {
		close(fd);
		return (-1);
	}
	memset(&e, 0, sizeof e);
	while (rc == 0 && fgets(line, sizeof line, f) != NULL)
		if ((e.pid = pid_parse(line)) != 0)
			rc = entries_push(out, &e);
	fclose(f);
	if (rc == -1)
		return (-1);
	if ((fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) ==
	    -1 || (d = fdopendir(fd)) == NULL) {
		if (fd != -1)
			close(fd);
		return (depth == 0 ? -1 : 0);
	}
	while (rc == 0 && (de = readdir(d)) != NULL) {
		if (de->d_type != DT_DIR || de->d_name[0] == '.')
			continue;
		if ((sub = openat(dirfd, de->d_name, O_RDONLY | O_DIRECTORY |
		    O_NOFOLLOW | O_CLOEXEC)) == -1)
			continue;
		rc = cgroup_walk(sub, out, depth + 1);
		close(sub);
	}
	closedir(d);
	return (rc);
}

/* A cause naming the cgroup path, escaped: it may hold anything. */
static char *
cgroup_cause(int err, const char *path, const char *what)
{
	char	*q, *c;

	q = str_escape_dup(path, 0);
	c = err == 0 ? cause_fmt("%s %s", q != NULL ? q : "?", what) :
	    cause_errno(err, "%s %s", what, q != NULL ? q : "?");
	free(q);
	return (c);
}

int
proc_list_cgroup(const char *path, struct proc_entries *out, char **cause)
{
	int	 fd, rc, err;

	out->n = 0;
	if ((fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		*cause = cgroup_cause(errno, path, "cannot open cgroup");
		return (-1);
	}
	if (faccessat(fd, "cgroup.procs", R_OK, 0) == -1) {
		err = errno;
		close(fd);
		*cause = err == ENOENT ? cgroup_cause(0, path, "is not a "
		    "cgroup directory (it has no cgroup.procs)") :
		    cgroup_cause(err, path, "cannot read the processes of "
		    "cgroup");
		errno = err;
		return (-1);
	}
	rc = cgroup_walk(fd, out, 0);
	err = errno;
	close(fd);
	if (rc == -1) {
		*cause = cgroup_cause(err, path, "cannot read the processes "
		    "of cgroup");
		errno = err;
		return (-1);
	}
	entries_sort(out);
	return (0);
}

bool
proc_list_alive(const char *root, pid_t pid)
{
	struct proc_entry	 e;
	char			 name[64];
	unsigned		 flags;
	int			 fd;
	bool			 alive;

	if ((fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return (false);
	snprintf(name, sizeof name, "%ld/stat", (long)pid);
	alive = stat_read(fd, name, &e, &flags) == 0 &&
	    (flags & PROC_PF_EXITING) == 0;
	close(fd);
	return (alive);
}

const struct proc_entry *
proc_list_find(const struct proc_entries *l, pid_t pid)
{
	struct proc_entry	 key = { .pid = pid };

	if (l->n == 0)
		return (NULL);
	return (bsearch(&key, l->e, l->n, sizeof *l->e, entry_cmp));
}

void
proc_list_free(struct proc_entries *l)
{
	free(l->e);
	memset(l, 0, sizeof *l);
}

pid_t
proc_tgid(const char *root, pid_t tid)
{
	char	 path[4096], line[256];
	FILE	*f;
	pid_t	 tgid = -1;
	long	 v;

	snprintf(path, sizeof path, "%s/%ld/status", root, (long)tid);
	if ((f = fopen(path, "re")) == NULL) {
		errno = ESRCH;
		return (-1);
	}
	while (fgets(line, sizeof line, f) != NULL)
		if (sscanf(line, "Tgid: %ld", &v) == 1) {
			tgid = (pid_t)v;
			break;
		}
	fclose(f);
	if (tgid <= 0) {
		errno = ESRCH;
		return (-1);
	}
	return (tgid);
}

int
proc_same_mm(pid_t a, pid_t b)
{
	long	 r;

	r = syscall(SYS_kcmp, a, b, KCMP_VM, 0UL, 0UL);
	if (r == -1)
		return (-1);
	return (r == 0);
}
