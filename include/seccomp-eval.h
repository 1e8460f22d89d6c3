/*
 * seccomp-eval.h - what a process's seccomp filters would do with one
 * system call, found by running the filters themselves.
 *
 * A seccomp filter is a classic BPF program over struct seccomp_data
 * (Documentation/userspace-api/seccomp_filter.rst). Before sdtop runs a
 * system call inside a process, it fetches that thread's filters
 * (PTRACE_SECCOMP_GET_FILTER, root only) and evaluates them here on the
 * exact seccomp_data the call will have; it injects only when the answer
 * is "allow". Pure functions: no system call is made.
 */
#ifndef SDTOP_SECCOMP_EVAL_H
#define SDTOP_SECCOMP_EVAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/filter.h>
#include <linux/seccomp.h>

/* The result of running one filter, or a chain of them. */
struct seccomp_verdict {
	uint32_t	 action;	/* SECCOMP_RET_*, with its data */
	bool		 read_args;	/* the path taken looked at args[] */
	bool		 read_ip;	/* ... or at instruction_pointer */
	bool		 invalid;	/* a program seccomp would not accept */
};

/*
 * Run one classic BPF program on d. On a program the kernel would have
 * refused (an unknown instruction, a jump or a memory slot out of range,
 * a load outside seccomp_data), invalid is set and the action is
 * SECCOMP_RET_KILL_PROCESS, the most cautious answer.
 */
void	 seccomp_eval(const struct sock_filter *prog, size_t len,
	     const struct seccomp_data *d, struct seccomp_verdict *v);

/*
 * Fold the verdict of one more filter of a chain into acc (which starts
 * as seccomp_verdict_allow()): the kernel runs every filter and the action
 * of highest precedence wins (kernel/seccomp.c, seccomp_run_filters()).
 */
void	 seccomp_verdict_merge(struct seccomp_verdict *acc,
	     const struct seccomp_verdict *one);

/* The verdict of an empty chain: allow. */
struct seccomp_verdict seccomp_verdict_allow(void);

/* Whether the action lets the call run as if there were no filter. */
bool	 seccomp_action_allows(uint32_t action);

/* A short name for an action: "kill the process", "return EPERM", ... */
const char *seccomp_action_name(uint32_t action, char *buf, size_t size);

#endif
