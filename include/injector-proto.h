/*
 * injector-proto.h - what sdtop and its injector process say to each
 * other over their SOCK_SEQPACKET socket pair: one request, one reply, the
 * descriptors they refer to passed with them (SCM_RIGHTS); and the
 * injector's record of what it made. Internal to injector.c (sdtop's
 * side), injector-serve.c and injector-record.c (the injector's).
 */
#ifndef SDTOP_INJECTOR_PROTO_H
#define SDTOP_INJECTOR_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct proc_target;

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

/*
 * The record of the userfaultfds injectors made (injector-record.c): add
 * one (ino, its inode number; fd, its number in t), ask whether a
 * descriptor of t is one, forget one, forget those of processes gone.
 * Adding fails (-1) when no directory is safe to keep records in.
 */
int	 inj_record_add(unsigned long ino, const struct proc_target *t,
	     int fd);
bool	 inj_record_has(unsigned long ino, const struct proc_target *t,
	     int fd);
void	 inj_record_del(unsigned long ino);
void	 inj_record_prune(void);

/* Become the injector, serving sock, and never return. */
void	 inj_serve(int sock) __attribute__((noreturn));

#endif
