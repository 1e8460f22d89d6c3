/*
 * injector.h - the process that makes, and undoes, every change sdtop
 * makes inside a watched process.
 *
 * The uffd-wp method needs a userfaultfd created inside the target, and
 * creating (and later closing) it means stopping a thread of the target
 * and pointing its registers at borrowed code for a moment (inject.c). A
 * process that dies in that moment leaves the target broken, so sdtop never
 * does it itself. It forks one small helper, the injector, in a session of
 * its own with no terminal: killing sdtop, its process group or its
 * terminal cannot reach it. The injector finishes (or rolls back) every
 * injection it starts; and when sdtop goes away, however it went (exit,
 * crash, SIGKILL: its end of the socket closes), the injector removes from
 * every target the descriptors it created there, and exits.
 *
 * The userfaultfds it creates carry a mark that a program's own never has
 * (an owner and a signal number for SIGIO, which a userfaultfd never
 * sends), so that one left behind (the injector itself was killed) is
 * recognised and removed by the next sdtop, and a program's own userfaultfd
 * is never touched.
 */
#ifndef SDTOP_INJECTOR_H
#define SDTOP_INJECTOR_H

#include <signal.h>
#include <stdint.h>
#include <sys/types.h>

struct proc_target;

/*
 * Create a userfaultfd inside t (which must hold a pidfd), after
 * removing any that an sdtop killed earlier left there: the injected call
 * is userfaultfd(flags), then the descriptor is marked and initialised
 * with UFFDIO_API and features. Starts the injector on first use. Returns
 * 0 with *fd our copy of it and *target_fd its number in the target; or -1
 * with errno and *cause (EPERM: seccomp forbids it, or userfaultfd() was
 * refused; EBUSY: another sdtop watches t; ESRCH: t has gone).
 */
int	 injector_uffd_create(const struct proc_target *t, int flags,
	     uint64_t features, int *fd, int *target_fd, char **cause);

/*
 * Remove the userfaultfd target_fd that injector_uffd_create() made in t:
 * unregister what it still write-protects and close it in the target (if
 * it is still the same file there). Close your own copy first. 0, or -1
 * with errno and *cause (the descriptor was left, unregistered, because
 * seccomp forbids close() now).
 */
int	 injector_uffd_remove(const struct proc_target *t, int target_fd,
	     char **cause);

/*
 * End the injector: it removes whatever is left, then exits, and this
 * waits for it, unless it is stopped (SIGSTOP) or the flag of
 * injector_give_up_on() is set: then -1 with *cause (when not NULL)
 * saying that it was left to finish alone. Called when nothing more will
 * be injected.
 */
int	 injector_stop(char **cause);

/*
 * Waiting for the injector ends when *flag becomes non-zero (sdtop's
 * "asked to end" flag, set by its signal handlers), and when the injector
 * stays stopped for 3 s: sdtop then goes, and the injector finishes
 * alone, removing what it made, when it goes on.
 */
void	 injector_give_up_on(const volatile sig_atomic_t *flag);

/* The PID of the injector, or 0 when it is not running. */
pid_t	 injector_pid(void);

#endif
