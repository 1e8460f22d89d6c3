/*
 * test-seccomp-eval.c - the seccomp filter interpreter, on hand-written
 * filters and against the kernel itself: the same filter is installed in
 * a child, which makes the call, and the errno the kernel's filter gave it
 * must be the one the interpreter predicts.
 */
#include "config.h"

#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "kernel-compat.h"
#include "seccomp-eval.h"

#define LD_NR	BPF_STMT(BPF_LD | BPF_W | BPF_ABS, \
		    offsetof(struct seccomp_data, nr))
#define LD_ARCH	BPF_STMT(BPF_LD | BPF_W | BPF_ABS, \
		    offsetof(struct seccomp_data, arch))
#define LD_ARG0	BPF_STMT(BPF_LD | BPF_W | BPF_ABS, \
		    offsetof(struct seccomp_data, args))
#define RET(a)	BPF_STMT(BPF_RET | BPF_K, (a))
#define LEN(p)	(sizeof (p) / sizeof (p)[0])

/* The data of system call nr with first argument arg0. */
static struct seccomp_data
data(int nr, uint64_t arg0)
{
	struct seccomp_data	d;

	memset(&d, 0, sizeof d);
	d.nr = nr;
	d.arch = AUDIT_ARCH_X86_64;
	d.instruction_pointer = 0x401000;
	d.args[0] = arg0;
	return (d);
}

static uint32_t
run(const struct sock_filter *p, size_t n, int nr, uint64_t arg0,
    struct seccomp_verdict *v)
{
	struct seccomp_data	d = data(nr, arg0);

	seccomp_eval(p, n, &d, v);
	return (v->action);
}

static void
seccomp_eval__kill_on_one_call__kills_it_allows_others(void **state)
{
	struct sock_filter	p[] = {
		LD_ARCH,
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
		RET(SECCOMP_RET_KILL_PROCESS),
		LD_NR,
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_userfaultfd, 0, 1),
		RET(SECCOMP_RET_KILL_PROCESS),
		RET(SECCOMP_RET_ALLOW),
	};
	struct seccomp_verdict	v;

	assert_int_equal(run(p, LEN(p), SYS_userfaultfd, 0, &v),
	    SECCOMP_RET_KILL_PROCESS);
	assert_false(seccomp_action_allows(v.action));
	assert_false(v.invalid);
	assert_int_equal(run(p, LEN(p), SYS_close, 3, &v), SECCOMP_RET_ALLOW);
	assert_true(seccomp_action_allows(v.action));
	assert_false(v.read_args);
}

static void
seccomp_eval__filter_on_argument__notes_it_read_args(void **state)
{
	/* close(fd) is allowed only for fd < 100. */
	struct sock_filter	p[] = {
		LD_NR,
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_close, 0, 3),
		LD_ARG0,
		BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 100, 0, 1),
		RET(SECCOMP_RET_ERRNO | EPERM),
		RET(SECCOMP_RET_ALLOW),
	};
	struct seccomp_verdict	v;

	assert_int_equal(run(p, LEN(p), SYS_close, 5, &v), SECCOMP_RET_ALLOW);
	assert_true(v.read_args);
	assert_int_equal(run(p, LEN(p), SYS_close, 500, &v),
	    SECCOMP_RET_ERRNO | EPERM);
	assert_int_equal(run(p, LEN(p), SYS_userfaultfd, 500, &v),
	    SECCOMP_RET_ALLOW);
	assert_false(v.read_args);
}

static void
seccomp_eval__chain__highest_precedence_wins(void **state)
{
	struct seccomp_verdict	acc = seccomp_verdict_allow(), one;

	one = seccomp_verdict_allow();
	one.action = SECCOMP_RET_LOG;
	seccomp_verdict_merge(&acc, &one);
	assert_int_equal(acc.action, SECCOMP_RET_LOG);
	assert_true(seccomp_action_allows(acc.action));
	one.action = SECCOMP_RET_USER_NOTIF;
	seccomp_verdict_merge(&acc, &one);
	one.action = SECCOMP_RET_ERRNO | 13;
	seccomp_verdict_merge(&acc, &one);
	assert_int_equal(acc.action, SECCOMP_RET_ERRNO | 13);
	one.action = SECCOMP_RET_TRAP;
	seccomp_verdict_merge(&acc, &one);
	one.action = SECCOMP_RET_TRACE;
	seccomp_verdict_merge(&acc, &one);
	assert_int_equal(acc.action, SECCOMP_RET_TRAP);
	one.action = SECCOMP_RET_KILL_PROCESS;
	one.read_args = true;
	seccomp_verdict_merge(&acc, &one);
	assert_int_equal(acc.action, SECCOMP_RET_KILL_PROCESS);
	assert_true(acc.read_args);
	one.action = SECCOMP_RET_KILL_THREAD;
	seccomp_verdict_merge(&acc, &one);
	assert_int_equal(acc.action, SECCOMP_RET_KILL_PROCESS);
	assert_false(seccomp_action_allows(SECCOMP_RET_USER_NOTIF));
	assert_false(seccomp_action_allows(SECCOMP_RET_TRACE | 5));
}

static void
seccomp_eval__programs_the_kernel_refuses__invalid(void **state)
{
	struct sock_filter	jump_out[] = {
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 1, 5, 0),
		RET(SECCOMP_RET_ALLOW),
	};
	struct sock_filter	no_ret[] = { LD_NR };
	struct sock_filter	bad_load[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 2),
		RET(SECCOMP_RET_ALLOW),
	};
	struct sock_filter	past_end[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 64),
		RET(SECCOMP_RET_ALLOW),
	};
	struct sock_filter	bad_op[] = {
		BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 0),
		RET(SECCOMP_RET_ALLOW),
	};
	struct sock_filter	bad_mem[] = {
		BPF_STMT(BPF_ST, 16),
		RET(SECCOMP_RET_ALLOW),
	};
	struct sock_filter	div_zero[] = {
		BPF_STMT(BPF_ALU | BPF_DIV | BPF_K, 0),
		RET(SECCOMP_RET_ALLOW),
	};
	struct seccomp_verdict	v;

	run(jump_out, LEN(jump_out), 0, 0, &v);
	assert_true(v.invalid);
	assert_int_equal(v.action, SECCOMP_RET_KILL_PROCESS);
	run(no_ret, LEN(no_ret), 0, 0, &v);
	assert_true(v.invalid);
	run(bad_load, LEN(bad_load), 0, 0, &v);
	assert_true(v.invalid);
	run(past_end, LEN(past_end), 0, 0, &v);
	assert_true(v.invalid);
	run(bad_op, LEN(bad_op), 0, 0, &v);
	assert_true(v.invalid);
	run(bad_mem, LEN(bad_mem), 0, 0, &v);
	assert_true(v.invalid);
	run(div_zero, LEN(div_zero), 0, 0, &v);
	assert_true(v.invalid);
	seccomp_eval(NULL, 0, NULL, &v);
	assert_true(v.invalid);
}

static void
seccomp_eval__division_by_x_zero__returns_zero(void **state)
{
	struct sock_filter	p[] = {
		BPF_STMT(BPF_LDX | BPF_IMM, 0),
		BPF_STMT(BPF_LD | BPF_IMM, 7),
		BPF_STMT(BPF_ALU | BPF_DIV | BPF_X, 0),
		RET(SECCOMP_RET_ALLOW),
	};
	struct seccomp_verdict	v;

	assert_int_equal(run(p, LEN(p), 0, 0, &v), 0);
	assert_false(v.invalid);
	assert_false(seccomp_action_allows(v.action));
}

/*
 * A program that computes an errno from args[0] with every kind of
 * instruction seccomp accepts, and returns SECCOMP_RET_ERRNO | it for
 * system call nr (others are allowed). The value stays in 1..4095.
 */
static size_t
compute_filter(struct sock_filter *p, int nr)
{
	struct sock_filter	prog[] = {
		LD_NR,
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)nr, 1, 0),
		RET(SECCOMP_RET_ALLOW),
		LD_ARG0,
		BPF_STMT(BPF_ST, 3),
		BPF_STMT(BPF_ALU | BPF_MUL | BPF_K, 7),
		BPF_STMT(BPF_ALU | BPF_ADD | BPF_K, 11),
		BPF_STMT(BPF_MISC | BPF_TAX, 0),
		BPF_STMT(BPF_LD | BPF_MEM, 3),
		BPF_STMT(BPF_ALU | BPF_XOR | BPF_X, 0),
		BPF_STMT(BPF_ALU | BPF_LSH | BPF_K, 3),
		BPF_STMT(BPF_ALU | BPF_RSH | BPF_K, 1),
		BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, 0x10, 0, 2),
		BPF_STMT(BPF_ALU | BPF_SUB | BPF_K, 5),
		BPF_JUMP(BPF_JMP | BPF_JA, 1, 0, 0),
		BPF_STMT(BPF_ALU | BPF_OR | BPF_K, 0x40),
		BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, 3000, 0, 1),
		BPF_STMT(BPF_ALU | BPF_RSH | BPF_K, 4),
		BPF_STMT(BPF_LDX | BPF_IMM, 3),
		BPF_STMT(BPF_ALU | BPF_DIV | BPF_X, 0),
		BPF_STMT(BPF_ALU | BPF_AND | BPF_K, 0x7ff),
		BPF_STMT(BPF_ALU | BPF_OR | BPF_K, 1),
		BPF_STMT(BPF_STX, 5),
		BPF_STMT(BPF_LDX | BPF_MEM, 5),
		BPF_STMT(BPF_MISC | BPF_TXA, 0),
		BPF_STMT(BPF_ALU | BPF_OR | BPF_K, SECCOMP_RET_ERRNO),
		BPF_STMT(BPF_RET | BPF_A, 0),
	};

	memcpy(p, prog, sizeof prog);
	return (LEN(prog));
}

/* The errno the kernel gives the call nr(arg0) in a child under p. */
static int
kernel_errno(struct sock_filter *p, size_t n, int nr, long arg0)
{
	struct sock_fprog	 fp = { (unsigned short)n, p };
	int			 fds[2], got = -1, status;
	long			 r;
	pid_t			 pid;

	assert_int_equal(pipe(fds), 0);
	if ((pid = fork()) == 0) {
		close(fds[0]);
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1 ||
		    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &fp) == -1)
			_exit(2);
		errno = 0;
		r = syscall(nr, arg0, 0, 0, 0, 0, 0);
		got = r == -1 ? errno : 0;
		if (write(fds[1], &got, sizeof got) != sizeof got)
			_exit(3);
		_exit(0);
	}
	close(fds[1]);
	assert_int_equal(read(fds[0], &got, sizeof got), sizeof got);
	close(fds[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	return (got);
}

static void
seccomp_eval__every_instruction__same_errno_as_the_kernel(void **state)
{
	struct sock_filter	p[64];
	struct seccomp_verdict	v;
	struct seccomp_data	d;
	size_t			n;
	long			arg;
	int			i, nr = SYS_getpriority;

	n = compute_filter(p, nr);
	for (i = 0; i < 40; i++) {
		arg = (long)((uint32_t)i * 2654435761U % 100000);
		d = data(nr, (uint64_t)arg);
		seccomp_eval(p, n, &d, &v);
		assert_false(v.invalid);
		assert_true(v.read_args);
		assert_int_equal(v.action & SECCOMP_RET_ACTION_FULL,
		    SECCOMP_RET_ERRNO);
		assert_int_equal((int)(v.action & SECCOMP_RET_DATA),
		    kernel_errno(p, n, nr, arg));
	}
}

static void
seccomp_eval__action_names__say_what_happens(void **state)
{
	char	buf[48];

	assert_string_equal(seccomp_action_name(SECCOMP_RET_KILL_PROCESS,
	    buf, sizeof buf), "kill the process");
	assert_string_equal(seccomp_action_name(SECCOMP_RET_TRAP, buf,
	    sizeof buf), "send it SIGSYS");
	assert_string_equal(seccomp_action_name(SECCOMP_RET_ERRNO | 1, buf,
	    sizeof buf), "fail with errno 1");
	assert_string_equal(seccomp_action_name(0x12340000, buf, sizeof buf),
	    "action 0x12340000");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    seccomp_eval__kill_on_one_call__kills_it_allows_others),
		cmocka_unit_test(
		    seccomp_eval__filter_on_argument__notes_it_read_args),
		cmocka_unit_test(seccomp_eval__chain__highest_precedence_wins),
		cmocka_unit_test(
		    seccomp_eval__programs_the_kernel_refuses__invalid),
		cmocka_unit_test(
		    seccomp_eval__division_by_x_zero__returns_zero),
		cmocka_unit_test(
		    seccomp_eval__every_instruction__same_errno_as_the_kernel),
		cmocka_unit_test(
		    seccomp_eval__action_names__say_what_happens),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
