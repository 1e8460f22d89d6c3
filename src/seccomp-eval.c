/*
 * seccomp-eval.c - a classic BPF interpreter for seccomp filters, with the
 * checks the kernel makes when a filter is installed (kernel/seccomp.c,
 * seccomp_check_filter(); net/core/filter.c, bpf_check_classic()).
 *
 * Units: the accumulator A, the index register X and the 16 scratch
 * memory slots are 32-bit; loads from seccomp_data read a 32-bit word at
 * a byte offset that must be a multiple of 4. The host is little-endian
 * x86_64, as the data the kernel builds.
 */
#include "config.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "kernel-compat.h"
#include "seccomp-eval.h"

/* The action part of a return value, signed: lower wins (seccomp.c). */
static int32_t
seccomp_rank(uint32_t action)
{
	return ((int32_t)(action & SECCOMP_RET_ACTION_FULL));
}

struct seccomp_verdict
seccomp_verdict_allow(void)
{
	struct seccomp_verdict	v;

	memset(&v, 0, sizeof v);
	v.action = SECCOMP_RET_ALLOW;
	return (v);
}

void
seccomp_verdict_merge(struct seccomp_verdict *acc,
    const struct seccomp_verdict *one)
{
	if (seccomp_rank(one->action) < seccomp_rank(acc->action))
		acc->action = one->action;
	acc->read_args |= one->read_args;
	acc->read_ip |= one->read_ip;
	acc->invalid |= one->invalid;
}

bool
seccomp_action_allows(uint32_t action)
{
	action &= SECCOMP_RET_ACTION_FULL;
	return (action == SECCOMP_RET_ALLOW || action == SECCOMP_RET_LOG);
}

const char *
seccomp_action_name(uint32_t action, char *buf, size_t size)
{
	switch (action & SECCOMP_RET_ACTION_FULL) {
	case SECCOMP_RET_KILL_PROCESS:
		return ("kill the process");
	case SECCOMP_RET_KILL_THREAD:
		return ("kill the thread");
	case SECCOMP_RET_TRAP:
		return ("send it SIGSYS");
	case SECCOMP_RET_ERRNO:
		snprintf(buf, size, "fail with errno %u",
		    action & SECCOMP_RET_DATA);
		return (buf);
	case SECCOMP_RET_USER_NOTIF:
		return ("wait for its supervisor (user notification)");
	case SECCOMP_RET_TRACE:
		return ("stop it for a seccomp tracer");
	case SECCOMP_RET_LOG:
		return ("allow and log");
	case SECCOMP_RET_ALLOW:
		return ("allow");
	}
	snprintf(buf, size, "action 0x%08x", action);
	return (buf);
}

/* Load the 32-bit word at byte offset k of d, noting what was read. */
static int
seccomp_load(const struct seccomp_data *d, uint32_t k, uint32_t *out,
    struct seccomp_verdict *v)
{
	uint32_t	w;

	if (k % 4 != 0 || k > sizeof *d - 4)
		return (-1);
	memcpy(&w, (const char *)d + k, sizeof w);
	if (k >= offsetof(struct seccomp_data, args))
		v->read_args = true;
	else if (k >= offsetof(struct seccomp_data, instruction_pointer))
		v->read_ip = true;
	*out = w;
	return (0);
}

/* Apply an ALU operation to a with operand b; -1 for an unknown one. */
static int
seccomp_alu(uint16_t op, uint32_t *a, uint32_t b)
{
	switch (op) {
	case BPF_ADD:
		*a += b;
		break;
	case BPF_SUB:
		*a -= b;
		break;
	case BPF_MUL:
		*a *= b;
		break;
	case BPF_DIV:
		if (b == 0)
			return (1);	/* the program returns 0 */
		*a /= b;
		break;
	case BPF_AND:
		*a &= b;
		break;
	case BPF_OR:
		*a |= b;
		break;
	case BPF_XOR:
		*a ^= b;
		break;
	case BPF_LSH:
		*a = b >= 32 ? 0 : *a << b;
		break;
	case BPF_RSH:
		*a = b >= 32 ? 0 : *a >> b;
		break;
	case BPF_NEG:
		*a = -*a;
		break;
	default:
		return (-1);
	}
	return (0);
}

/* Whether a conditional jump is taken. -1 for an unknown condition. */
static int
seccomp_cond(uint16_t op, uint32_t a, uint32_t b)
{
	switch (op) {
	case BPF_JEQ:
		return (a == b);
	case BPF_JGT:
		return (a > b);
	case BPF_JGE:
		return (a >= b);
	case BPF_JSET:
		return ((a & b) != 0);
	}
	return (-1);
}

/* Mark v as coming from a program the kernel would have refused. */
static void
seccomp_invalid(struct seccomp_verdict *v)
{
	v->invalid = true;
	v->action = SECCOMP_RET_KILL_PROCESS;
}

/*
 * Run one load instruction (class LD or LDX) into A or X; -1 when the
 * kernel would refuse it.
 */
static int
seccomp_ld(const struct sock_filter *in, const struct seccomp_data *d,
    const uint32_t *mem, uint32_t *a, uint32_t *x, struct seccomp_verdict *v)
{
	if (in->code == (BPF_LD | BPF_W | BPF_ABS))
		return (seccomp_load(d, in->k, a, v));
	if (in->code == (BPF_LD | BPF_W | BPF_LEN))
		*a = sizeof *d;
	else if (in->code == (BPF_LDX | BPF_W | BPF_LEN))
		*x = sizeof *d;
	else if (in->code == (BPF_LD | BPF_IMM))
		*a = in->k;
	else if (in->code == (BPF_LDX | BPF_IMM))
		*x = in->k;
	else if (in->code == (BPF_LD | BPF_MEM) && in->k < BPF_MEMWORDS)
		*a = mem[in->k];
	else if (in->code == (BPF_LDX | BPF_MEM) && in->k < BPF_MEMWORDS)
		*x = mem[in->k];
	else
		return (-1);
	return (0);
}

void
seccomp_eval(const struct sock_filter *prog, size_t len,
    const struct seccomp_data *d, struct seccomp_verdict *v)
{
	const struct sock_filter	*in;
	uint32_t			 a = 0, x = 0, mem[BPF_MEMWORDS];
	size_t				 pc = 0, steps = 0;
	uint16_t			 cls;
	int				 r;

	memset(v, 0, sizeof *v);
	memset(mem, 0, sizeof mem);
	if (len == 0 || len > BPF_MAXINSNS) {
		seccomp_invalid(v);
		return;
	}
	/* Jumps only go forward, so a program runs at most len steps. */
	while (pc < len && steps++ <= len) {
		in = &prog[pc++];
		cls = BPF_CLASS(in->code);
		switch (cls) {
		case BPF_LD:
		case BPF_LDX:
			if (seccomp_ld(in, d, mem, &a, &x, v) == -1)
				goto invalid;
			break;
		case BPF_ST:
		case BPF_STX:
			if (in->code != cls || in->k >= BPF_MEMWORDS)
				goto invalid;
			mem[in->k] = cls == BPF_ST ? a : x;
			break;
		case BPF_ALU:
			if (BPF_OP(in->code) == BPF_NEG &&
			    in->code != (BPF_ALU | BPF_NEG))
				goto invalid;
			if (BPF_SRC(in->code) == BPF_K &&
			    BPF_OP(in->code) == BPF_DIV && in->k == 0)
				goto invalid;
			r = seccomp_alu(BPF_OP(in->code), &a,
			    BPF_SRC(in->code) == BPF_X ? x : in->k);
			if (r == -1)
				goto invalid;
			if (r == 1) {
				v->action = 0;	/* KILL_THREAD */
				return;
			}
			break;
		case BPF_JMP:
			if (BPF_OP(in->code) == BPF_JA) {
				if (in->code != (BPF_JMP | BPF_JA) ||
				    in->k >= len - pc)
					goto invalid;
				pc += in->k;
				break;
			}
			r = seccomp_cond(BPF_OP(in->code), a,
			    BPF_SRC(in->code) == BPF_X ? x : in->k);
			if (r == -1 || in->jt >= len - pc || in->jf >= len - pc)
				goto invalid;
			pc += r ? in->jt : in->jf;
			break;
		case BPF_RET:
			if (in->code == (BPF_RET | BPF_K))
				v->action = in->k;
			else if (in->code == (BPF_RET | BPF_A))
				v->action = a;
			else
				goto invalid;
			return;
		case BPF_MISC:
			if (in->code == (BPF_MISC | BPF_TAX))
				x = a;
			else if (in->code == (BPF_MISC | BPF_TXA))
				a = x;
			else
				goto invalid;
			break;
		default:
			goto invalid;
		}
	}
	/* Ran off the end: the kernel requires a final return. */
invalid:
	seccomp_invalid(v);
}
