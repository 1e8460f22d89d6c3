/*
 * injector-proto.c - the transport between sdtop and its injector: one
 * message per SOCK_SEQPACKET packet, with up to two descriptors passed
 * alongside (SCM_RIGHTS), received close-on-exec.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "injector-proto.h"

int
inj_send(int sock, const void *msg, size_t len, int fd1, int fd2)
{
	struct msghdr	 mh;
	struct iovec	 iov = { (void *)(uintptr_t)msg, len };
	struct cmsghdr	*cm;
	union {
		struct cmsghdr	align;
		char		buf[CMSG_SPACE(2 * sizeof(int))];
	} u;
	int		 fds[2], n = 0;
	ssize_t		 r;

	memset(&mh, 0, sizeof mh);
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	if (fd1 != -1)
		fds[n++] = fd1;
	if (fd2 != -1)
		fds[n++] = fd2;
	if (n > 0) {
		memset(&u, 0, sizeof u);
		mh.msg_control = u.buf;
		mh.msg_controllen = CMSG_SPACE(n * sizeof(int));
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(n * sizeof(int));
		memcpy(CMSG_DATA(cm), fds, n * sizeof(int));
	}
	do
		r = sendmsg(sock, &mh, MSG_NOSIGNAL);
	while (r == -1 && errno == EINTR);
	return (r == (ssize_t)len ? 0 : -1);
}

int
inj_recv(int sock, void *msg, size_t len, int *fds, int nfds)
{
	struct msghdr	 mh;
	struct iovec	 iov = { msg, len };
	struct cmsghdr	*cm;
	union {
		struct cmsghdr	align;
		char		buf[CMSG_SPACE(2 * sizeof(int))];
	} u;
	size_t		 got, i;
	ssize_t		 r;

	for (i = 0; i < (size_t)nfds; i++)
		fds[i] = -1;
	memset(&mh, 0, sizeof mh);
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = u.buf;
	mh.msg_controllen = sizeof u.buf;
	do
		r = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
	while (r == -1 && errno == EINTR);
	if (r == 0)
		return (1);
	if (r == -1)
		return (-1);
	for (cm = CMSG_FIRSTHDR(&mh); cm != NULL; cm = CMSG_NXTHDR(&mh, cm)) {
		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
			continue;
		got = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (i = 0; i < got; i++) {
			int	fd;

			memcpy(&fd, CMSG_DATA(cm) + i * sizeof(int), sizeof fd);
			if (i < (size_t)nfds)
				fds[i] = fd;
			else
				close(fd);
		}
	}
	if ((size_t)r != len || (mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC))) {
		for (i = 0; i < (size_t)nfds; i++) {
			if (fds[i] != -1)
				close(fds[i]);
			fds[i] = -1;
		}
		errno = EPROTO;
		return (-1);
	}
	return (0);
}
