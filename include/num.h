/*
 * num.h - numbers from text (command lines, recordings, traces, /proc),
 * parsed whole and with bounds: no leading blank, no "+", nothing after.
 *
 * Every parser returns 0, or -1 with errno EINVAL (not a number of that
 * kind) or ERANGE (a number, but outside [lo, hi]); *out is written only
 * on success.
 */
#ifndef SDTOP_NUM_H
#define SDTOP_NUM_H

#include <stdint.h>

/* Digits in base 10 or 16 (no "0x"), at most hi. */
int	 num_u64(const char *s, int base, uint64_t lo, uint64_t hi,
	     uint64_t *out);

/* "0x" and 1 to 16 hexadecimal digits: an address. */
int	 num_addr(const char *s, uint64_t *out);

/*
 * A finite decimal number ("0.5", "-2", "1e3"), in [lo, hi]. A leading
 * blank or "+" is refused (EINVAL), as is a number a double cannot hold;
 * "inf" is a number, out of every range (ERANGE).
 */
int	 num_double(const char *s, double lo, double hi, double *out);

#endif
