/*
 * injector-proto.h - what sdtop and its injector process say to each
 * other over their SOCK_SEQPACKET socket pair: one request, one reply, the
 * descriptors they refer to passed with them (SCM_RIGHTS). Internal to
 * injector.c (sdtop's side) and injector-serve.c (the injector's).
 */
#ifndef SDTOP_INJECTOR_PROTO_H
#define SDTOP_INJECTOR_PROTO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/*
 * The command name of the injector process, as /proc/PID/comm shows it:
 * without "sdtop" in it, so that `pkill sdtop` or `killall sdtop` (aimed
 * at sdtop) never reach it.
 */
#define INJECTOR_COMM		"sdt-injector"

enum {
	INJ_CREATE = 1,
	INJ_REMOVE
};

/* A request; comes with two descriptors: the /proc/PID directory, a pidfd. */
struct inj_req {
	int		op;
	pid_t		pid;
	int		flags;		/* CREATE: of userfaultfd() */
	int		target_fd;	/* REMOVE */
	uint64_t	features;	/* CREATE: for UFFDIO_API */
};

/* A reply; a successful CREATE comes with our copy of the userfaultfd. */
struct inj_rep {
	int		err;		/* 0 or an errno */
	int		target_fd;
	char		cause[1024];
};

/* Send a message with up to two descriptors (-1: none); 0 or -1. */
int	 inj_send(int sock, const void *msg, size_t len, int fd1, int fd2);

/*
 * Receive a message of exactly len bytes and up to nfds descriptors
 * (fds[] set to -1 where none came). 0; 1 at the end of the stream; -1
 * with errno (EPROTO: a message of another size).
 */
int	 inj_recv(int sock, void *msg, size_t len, int *fds, int nfds);

#endif
