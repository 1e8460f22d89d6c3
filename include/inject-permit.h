/*
 * inject-permit.h - whether the target's seccomp mode and filters allow a
 * system call that inject.c would run in it.
 */
#ifndef SDTOP_INJECT_PERMIT_H
#define SDTOP_INJECT_PERMIT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct proc_target;

/*
 * Whether system call nr with arguments args (NULL: not known yet) may run
 * in thread tid of t, stopped under ptrace by this process, from the
 * syscall instruction at syscall_ip: as inject_permitted() (inject.h).
 */
int		 inject_permit(const struct proc_target *t, pid_t tid,
		     uint64_t syscall_ip, long nr, const long *args,
		     char **cause);

/* A name for the system calls sdtop injects ("close()"), for messages. */
const char	*inject_call_name(long nr, char *buf, size_t size);

#endif
