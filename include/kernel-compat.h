/*
 * kernel-compat.h - the kernel interfaces sdtop uses that are newer than
 * the headers it may be built with (Debian 12: Linux 6.1 headers), each
 * with the kernel version that brought it. Values are from the kernel's
 * include/uapi; a header that has the name keeps its own definition.
 *
 * Include it after config.h.
 */
#ifndef SDTOP_KERNEL_COMPAT_H
#define SDTOP_KERNEL_COMPAT_H

#include <stdint.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>

#include <linux/seccomp.h>
#ifdef HAVE_LINUX_USERFAULTFD_H
#include <linux/userfaultfd.h>
#endif

/*
 * System calls: kcmp's number is x86_64's; those added since 5.1 have one
 * number on every architecture.
 */
#ifndef SYS_kcmp
#define SYS_kcmp			312
#endif
#ifndef SYS_pidfd_open
#define SYS_pidfd_open			434	/* 5.3 */
#endif
#ifndef SYS_close_range
#define SYS_close_range			436	/* 5.9 */
#endif
#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd			438	/* 5.6 */
#endif

/* fcntl(2): the signal sent for I/O on a descriptor (glibc: _GNU_SOURCE). */
#ifndef F_SETSIG
#define F_SETSIG			10
#define F_GETSIG			11
#endif

/* userfaultfd(2) flags and UFFDIO_API features. */
#ifndef UFFD_USER_MODE_ONLY
#define UFFD_USER_MODE_ONLY		1		/* 5.11 */
#endif
#ifndef UFFD_FEATURE_WP_UNPOPULATED
#define UFFD_FEATURE_WP_UNPOPULATED	(1 << 13)	/* 6.4 */
#endif
#ifndef UFFD_FEATURE_WP_ASYNC
#define UFFD_FEATURE_WP_ASYNC		(1 << 15)	/* 6.7 */
#endif

/* ptrace(2) requests. */
#ifndef PTRACE_SEIZE
#define PTRACE_SEIZE			0x4206		/* 3.4 */
#endif
#ifndef PTRACE_INTERRUPT
#define PTRACE_INTERRUPT		0x4207
#endif
#ifndef PTRACE_EVENT_STOP
#define PTRACE_EVENT_STOP		128
#endif
#ifndef PTRACE_GETSIGMASK
#define PTRACE_GETSIGMASK		0x420a		/* 3.11 */
#define PTRACE_SETSIGMASK		0x420b
#endif
#ifndef PTRACE_SECCOMP_GET_FILTER
#define PTRACE_SECCOMP_GET_FILTER	0x420c		/* 4.4 */
#endif
#ifndef PTRACE_GET_SYSCALL_INFO
#define PTRACE_GET_SYSCALL_INFO		0x420e		/* 5.3 */
#define PTRACE_SYSCALL_INFO_ENTRY	1
#define PTRACE_SYSCALL_INFO_EXIT	2
#define PTRACE_SYSCALL_INFO_SECCOMP	3
#endif
#ifndef AUDIT_ARCH_X86_64
#define AUDIT_ARCH_X86_64		0xc000003eU
#endif

/* seccomp filter actions (4.14, 5.0). */
#ifndef SECCOMP_RET_KILL_PROCESS
#define SECCOMP_RET_KILL_PROCESS	0x80000000U
#endif
#ifndef SECCOMP_RET_LOG
#define SECCOMP_RET_LOG			0x7ffc0000U
#endif
#ifndef SECCOMP_RET_USER_NOTIF
#define SECCOMP_RET_USER_NOTIF		0x7fc00000U
#endif
#ifndef SECCOMP_RET_ACTION_FULL
#define SECCOMP_RET_ACTION_FULL		0xffff0000U
#endif

/*
 * The PAGEMAP_SCAN ioctl (Linux 6.7, include/uapi/linux/fs.h), spelled out
 * under names of our own for the structures and the request.
 */
struct pmscan_region {
	uint64_t	start;
	uint64_t	end;
	uint64_t	categories;
};

struct pmscan_arg {
	uint64_t	size;		/* sizeof(struct pmscan_arg) = 96 */
	uint64_t	flags;
	uint64_t	start;
	uint64_t	end;
	uint64_t	walk_end;	/* out: where the walk stopped */
	uint64_t	vec;		/* struct pmscan_region array */
	uint64_t	vec_len;
	uint64_t	max_pages;
	uint64_t	category_inverted;
	uint64_t	category_mask;
	uint64_t	category_anyof_mask;
	uint64_t	return_mask;
};

#define PMSCAN_IOCTL		_IOWR('f', 16, struct pmscan_arg)

#define PMSCAN_WP_MATCHING	(UINT64_C(1) << 0)
#define PMSCAN_CHECK_WPASYNC	(UINT64_C(1) << 1)

#define PAGE_IS_WPALLOWED	(UINT64_C(1) << 0)
#define PAGE_IS_WRITTEN		(UINT64_C(1) << 1)
#define PAGE_IS_FILE		(UINT64_C(1) << 2)
#define PAGE_IS_PRESENT		(UINT64_C(1) << 3)
#define PAGE_IS_SWAPPED		(UINT64_C(1) << 4)
#define PAGE_IS_PFNZERO		(UINT64_C(1) << 5)
#define PAGE_IS_HUGE		(UINT64_C(1) << 6)
#define PAGE_IS_SOFT_DIRTY	(UINT64_C(1) << 7)
#define PAGE_IS_GUARD		(UINT64_C(1) << 8)	/* 6.14 */

#endif
