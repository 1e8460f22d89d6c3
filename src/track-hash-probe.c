/*
 * track-hash-probe.c - whether the hash method can work: process_vm_readv
 * on the kernel, and on one present page of a target.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/uio.h>

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cause.h"
#include "page.h"
#include "proc-maps.h"
#include "proc-pagemap.h"
#include "proc.h"
#include "track-hash-probe.h"

/*
 * Find a page of t that is present, and read one byte of it with
 * process_vm_readv. 0, or -1 with errno and *what naming the step.
 */
static int
hash_probe_target(struct proc_target *t, const char **what)
{
	struct vma_list	 vl;
	struct iovec	 local, remote;
	uint64_t	 raw[512], addr;
	size_t		 i, j, n;
	ssize_t		 got;
	const char	*name;
	char		 byte, *cause = NULL;
	int		 fd, found = 0, err;

	memset(&vl, 0, sizeof vl);
	*what = "reading its maps";
	if (maps_read(t, &vl, &cause) == -1) {
		err = errno;
		free(cause);
		errno = err;
		return (-1);
	}
	*what = "opening its pagemap";
	if ((fd = proc_pagemap_fd(t)) == -1)
		goto fail;
	addr = 0;
	*what = "reading its pagemap";
	for (i = 0; i < vl.n && !found; i++) {
		name = vl.v[i].name != NULL ? vl.v[i].name : "";
		/* [vvar] and [vsyscall] are special mappings it cannot read. */
		if (!(vl.v[i].prot & VMA_READ) ||
		    strcmp(name, "[vsyscall]") == 0 ||
		    strncmp(name, "[vvar", 5) == 0)
			continue;
		n = vma_pages(&vl.v[i]);
		if (n > 512)
			n = 512;
		got = pagemap_read_raw(fd, vl.v[i].start, n, raw);
		if (got == -1)
			goto fail;
		for (j = 0; j < (size_t)got; j++) {
			if (raw[j] & PM_PRESENT) {
				addr = vl.v[i].start + j * page_size();
				found = 1;
				break;
			}
		}
	}
	*what = "finding a present page";
	if (!found) {
		errno = ENOENT;
		goto fail;
	}
	*what = "process_vm_readv";
	local.iov_base = &byte;
	local.iov_len = 1;
	remote.iov_base = (void *)(uintptr_t)addr;
	remote.iov_len = 1;
	if (process_vm_readv(t->tid, &local, 1, &remote, 1, 0) != 1) {
		if (errno == 0)
			errno = EFAULT;
		goto fail;
	}
	vma_list_free(&vl);
	return (0);

fail:
	err = errno;
	vma_list_free(&vl);
	errno = err;
	return (-1);
}

/*
 * Whether process_vm_readv works: on the kernel (t NULL, reading this
 * process) or on t (one byte of one of its present pages).
 */
int
track_hash_probe(struct proc_target *t, char **why)
{
	static const char	 self = 'x';
	struct iovec		 local, remote;
	const char		*what, *hint;
	char			 byte = 0;

	if (t == NULL) {
		local.iov_base = &byte;
		local.iov_len = 1;
		remote.iov_base = (void *)&self;
		remote.iov_len = 1;
		if (process_vm_readv(getpid(), &local, 1, &remote, 1, 0) == 1 &&
		    byte == self)
			return (0);
		if (errno == ENOSYS) {
			*why = cause_fmt("hash is not available on this kernel:"
			    " no process_vm_readv (CONFIG_CROSS_MEMORY_ATTACH)");
		} else
			*why = cause_errno(errno, "hash is not available:"
			    " process_vm_readv on itself");
		return (-1);
	}
	if (hash_probe_target(t, &what) == 0)
		return (0);
	if (proc_gone(errno))
		*why = cause_fmt("hash: process %ld has gone", (long)t->pid);
	else {
		hint = (errno == EPERM || errno == EACCES) ?
		    " (needs the same user or CAP_SYS_PTRACE)" : "";
		*why = cause_fmt("hash is not available for process %ld: "
		    "%s: %s%s", (long)t->pid, what, strerror(errno), hint);
	}
	return (-1);
}
