/*
 * proc.h - a target process seen through procfs.
 *
 * A target is opened once as a directory fd on ROOT/PID ("/proc" in real
 * use, a fixture tree in tests) and every file is read relative to that fd,
 * so a recycled PID is never read by mistake. The target vanishing is a
 * normal outcome: readers fail with errno ESRCH (see proc_gone()).
 */
#ifndef SDTOP_PROC_H
#define SDTOP_PROC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct proc_target {
	pid_t	 pid;
	pid_t	 tid;		/* the thread read through: pid, or a live one */
	int	 dirfd;		/* ROOT/PID (or ROOT/PID/task/TID), O_DIRECTORY */
	int	 pagemap_fd;	/* ROOT/PID/pagemap, opened on first use; -1 */
	int	 pidfd;		/* a pidfd of the process when it has one; -1 */
	char	*root;		/* the procfs root it was opened under */
};

/* Open ROOT/PID; -1 with errno and *cause set (ESRCH, EACCES, ...). */
int	 proc_open(struct proc_target *t, const char *root, pid_t pid,
	     char **cause);
void	 proc_close(struct proc_target *t);

/*
 * When the main thread of the process has exited (pthread_exit()) and
 * others run on, read the process through one of them from now on: the
 * main thread's files show no memory. 1 when it did, 0 when there is no
 * need, -1 with errno.
 */
int	 proc_use_live_thread(struct proc_target *t);

/*
 * The pagemap fd of the target, opened read-only on first use; -1. It
 * reads the address space the process had when it was opened: after an
 * execve() it reads nothing (see proc_mm_alive()).
 */
int	 proc_pagemap_fd(struct proc_target *t);

/*
 * Whether the address space the pagemap fd was opened on still exists. A
 * process that runs execve() gets a new one, and so does nothing else; a
 * read of the old one then gives 0 bytes, as after an exit. 1 alive, 0
 * gone, -1 with errno.
 */
int	 proc_mm_alive(struct proc_target *t);

/* Forget the pagemap fd, so that the next use opens the new one. */
void	 proc_mm_reset(struct proc_target *t);

/*
 * Whether the process is still running (not exited, not a zombie): 1, 0,
 * or -1 with errno. Asked of its pidfd when it has one, which stays
 * unreadable while any of its threads lives, also while a thread that
 * runs execve() takes the place of the main one; else of its status.
 */
int	 proc_running(const struct proc_target *t);

/*
 * Read the whole of a file below the target directory into a malloc'd,
 * NUL-terminated buffer. ENOENT and ESRCH both become ESRCH: the process
 * is gone. Returns 0, or -1 with errno.
 */
int	 proc_read_file(const struct proc_target *t, const char *name,
	     char **buf, size_t *len);

/* Write a short string to a file below the target directory; -1 with errno. */
int	 proc_write_file(const struct proc_target *t, const char *name,
	     const char *data);

/*
 * The value of field key ("Seccomp", "TracerPid", "State") of the target's
 * status file, or of its thread tid's (task/TID/status) when tid is not 0:
 * the text after the colon, without leading blanks or the newline, cut to
 * size. -1 with errno (ESRCH: gone; ENODATA: no such field).
 */
int	 proc_status_field(const struct proc_target *t, pid_t tid,
	     const char *key, char *val, size_t size);

/* The same for a field holding a decimal number, into *val. */
int	 proc_status_long(const struct proc_target *t, pid_t tid,
	     const char *key, long *val);

/*
 * Field n (counted from 1, as proc(5) numbers them; n >= 3) of the
 * target's stat file, a whole number, into *val. The command name (field
 * 2) may hold spaces and parentheses, so fields are counted after its last
 * ')'. -1 with errno (ESRCH: gone; ENODATA: no such field).
 */
int	 proc_stat_field(const struct proc_target *t, unsigned int n,
	     unsigned long long *val);

/* The flag in field 9 (flags) of a kernel thread (PF_KTHREAD). */
#define PROC_PF_KTHREAD	0x00200000ULL

/* The flag in field 9 of a thread that has begun to exit (PF_EXITING). */
#define PROC_PF_EXITING	0x00000004ULL

/*
 * Whether the process has begun to exit: each of its threads has entered
 * the kernel's exit (or is gone), so none will run the program again, nor
 * another one. A process that exits drops its address space at once but
 * may take long (seconds for many GiB) to free it before it is a zombie;
 * a process that runs execve() has a thread that is not exiting. 1, 0, or
 * -1 with errno.
 */
int	 proc_exiting(const struct proc_target *t);

/*
 * The ids of the target's threads other than its main one, in the order of
 * its task directory, into a malloc'd *tids (*n of them). -1 with errno.
 */
int	 proc_other_threads(const struct proc_target *t, pid_t **tids,
	     size_t *n);

/* The target's command name (/proc/PID/comm, without the newline). */
int	 proc_comm(const struct proc_target *t, char *buf, size_t size);

/* Whether errno value err means the target has exited. */
bool	 proc_gone(int err);

/* The state letter of the target ("R", "S", "Z"...), or of its thread tid. */
int	 proc_task_state(const struct proc_target *t, pid_t tid);

/*
 * Make t the target of a directory fd (and pidfd, or -1) of process pid
 * received from elsewhere; proc_close() closes both.
 */
void	 proc_adopt(struct proc_target *t, pid_t pid, int dirfd, int pidfd);

/* Whether this process may write a file below the target directory. */
int	 proc_writable(const struct proc_target *t, const char *name);

/*
 * The sum, in kB, of the fields named in fields ("AnonHugePages", without
 * the colon) of the target's smaps_rollup, into *kb. -1 with errno.
 */
int	 proc_smaps_sum(const struct proc_target *t, const char *const *fields,
	     size_t nfields, unsigned long *kb);

/* An address range [start, end) of the target, bytes. */
struct proc_range {
	uint64_t	 start;
	uint64_t	 end;
};

/*
 * The VMAs of the target whose smaps VmFlags show flag (two letters: "uw",
 * registered with a userfaultfd for write-protection), in address order,
 * into a malloc'd *v (*n of them). -1 with errno.
 */
int	 proc_smaps_flagged(const struct proc_target *t, const char *flag,
	     struct proc_range **v, size_t *n);

/*
 * The target's descriptors whose /proc link reads link
 * ("anon_inode:[userfaultfd]"), at most max of them, into fds (*n). -1
 * with errno when its fd directory cannot be read.
 */
int	 proc_fds_linked(const struct proc_target *t, const char *link,
	     int *fds, size_t max, size_t *n);

#endif
