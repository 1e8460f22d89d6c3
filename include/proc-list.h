/*
 * proc-list.h - finding processes rather than reading one: every process
 * of the system with its parent, the processes of a cgroup, the thread
 * group of a thread, and whether two processes share one address space.
 *
 * A process is named by its PID (its thread group ID). Lists are sorted
 * by PID, without duplicates.
 */
#ifndef SDTOP_PROC_LIST_H
#define SDTOP_PROC_LIST_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct proc_entry {
	pid_t	 pid;
	pid_t	 ppid;
	char	 comm[16];	/* as stat gives it; "" from a cgroup */
};

struct proc_entries {
	struct proc_entry *e;
	size_t		 n;
	size_t		 cap;
};

/*
 * Every process under the procfs root with its parent and name (kernel
 * threads included: their parent is kthreadd, 2, or 0). A process that
 * has exited (a zombie, or one that exits while it is read) is left out.
 * -1 with *cause.
 */
int	 proc_list_all(const char *root, struct proc_entries *out,
	     char **cause);

/*
 * The processes of the cgroup directory path and of every directory below
 * it, from their cgroup.procs (cgroup v1 and v2 alike): PIDs only, ppid 0.
 * -1 with *cause when path is no cgroup directory or cannot be read.
 */
int	 proc_list_cgroup(const char *path, struct proc_entries *out,
	     char **cause);

/*
 * Whether the process pid under root still runs: it exists, has not
 * exited (no zombie) and its main thread has not begun to exit.
 */
bool	 proc_list_alive(const char *root, pid_t pid);

/* The entry of pid in the sorted list l, or NULL. */
const struct proc_entry *proc_list_find(const struct proc_entries *l,
	     pid_t pid);

void	 proc_list_free(struct proc_entries *l);

/*
 * The thread group (process) the thread tid belongs to under root: tid
 * itself for a main thread, -1 with errno ESRCH when there is none.
 */
pid_t	 proc_tgid(const char *root, pid_t tid);

/*
 * Whether processes a and b share one address space (kcmp(2) KCMP_VM):
 * 1 they do, 0 they do not, -1 with errno when the kernel cannot say
 * (no permission, a process gone, no kcmp).
 */
int	 proc_same_mm(pid_t a, pid_t b);

#endif
