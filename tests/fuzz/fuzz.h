/*
 * fuzz.h - what the libFuzzer harnesses of tests/fuzz share: a stream
 * that keeps what a writer prints, bounded, and the oracles every output
 * must pass (bounded by the input, safe on a terminal, valid JSON).
 *
 * A harness aborts when an oracle fails, so that libFuzzer saves the
 * input as a crash like any sanitizer report.
 */
#ifndef SDTOP_FUZZ_H
#define SDTOP_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* The bytes a writer printed into a fuzz_sink stream. */
struct fuzz_sink {
	char	*buf;
	size_t	 len;
	size_t	 cap;
	size_t	 max;		/* abort past this many bytes */
	const char *what;	/* who wrote, for the abort message */
};

/*
 * A write-only stream into s that aborts once more than max bytes are
 * written to it (an output out of proportion to the input).
 */
FILE	*fuzz_sink_open(struct fuzz_sink *s, size_t max, const char *what);

/* Forget what s holds, keeping its stream and its bound. */
void	 fuzz_sink_reset(struct fuzz_sink *s);

/* Close f and free s. */
void	 fuzz_sink_close(FILE *f, struct fuzz_sink *s);

/*
 * Abort unless buf[0..len) is safe to print: valid UTF-8, no control
 * character but newline and tab, no DEL, no C1 control.
 */
void	 fuzz_check_text(const char *what, const char *buf, size_t len);

/* Abort unless every non-empty line of buf[0..len) is a JSON value. */
void	 fuzz_check_json_lines(const char *what, const char *buf,
	     size_t len);

/* Print why and abort. */
void	 fuzz_fail(const char *fmt, ...)
	     __attribute__((noreturn, format(printf, 1, 2)));

/*
 * The custom mutators' random source (xorshift64*: any spread will do, it
 * need only be cheap), started from libFuzzer's seed.
 */
void	 fuzz_seed(unsigned int seed);
uint64_t fuzz_rnd(void);

/* A number below n (0 when n is 0). */
uint64_t fuzz_pick(uint64_t n);

/* A NUL-terminated copy of data (abort when out of memory). */
char	*fuzz_strndup(const uint8_t *data, size_t size);

#endif
