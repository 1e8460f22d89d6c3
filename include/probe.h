/*
 * probe.h - what this kernel and user can do: the `sdtop --probe` table.
 *
 * Every row is one capability, found out with short-lived resources that
 * are released before the next row (a page of memory, a userfaultfd, a perf
 * event, a forked process that seizes the target with ptrace and exits).
 * Collecting the rows and printing them are separate, so the rows are plain
 * data that tests compare with checks of their own.
 */
#ifndef SDTOP_PROBE_H
#define SDTOP_PROBE_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

struct proc_target;

#define PROBE_MAX_ROWS	32

struct probe_row {
	const char	*name;		/* "soft-dirty", "PAGE_IS_WRITTEN", ... */
	bool		 ok;
	char		*detail;	/* malloc'd reason or finding; NULL if none */
};

struct probe_table {
	struct probe_row rows[PROBE_MAX_ROWS];
	size_t		 n;
};

/*
 * Fill pt with one row per capability; t (NULL for none) adds the rows
 * about that process (ptrace, process_vm_readv on it) and is passed to the
 * methods' probes. Never fails: a capability that cannot be found out is a
 * row with ok false.
 */
void	 probe_collect(struct probe_table *pt, struct proc_target *t);

/* Free the details of pt and empty it. */
void	 probe_table_free(struct probe_table *pt);

/* The row called name, or NULL. */
const struct probe_row *probe_find(const struct probe_table *pt,
	     const char *name);

/* Print pt as an aligned table with a header line. */
void	 probe_write(FILE *f, const struct probe_table *pt);

/*
 * Open ROOT/PID (when pid > 0), collect and print the table to f. -1 with
 * *cause when the process cannot be opened.
 */
int	 probe_run(FILE *f, const char *root, pid_t pid, char **cause);

/*
 * probe_run() under "/proc", for the command line: a failure is one line
 * on stderr ("sdtop: --probe: ..."). 0, or -1.
 */
int	 probe_print(FILE *f, pid_t pid);

#endif
