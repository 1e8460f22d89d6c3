/*
 * demo-patterns.h - the workloads of sdtop-demo, each making one point on
 * sdtop's screen, and their table (name, defaults, one line of help).
 *
 * Units: size in bytes, rate in pages (or events) per second, duration
 * in seconds.
 */
#ifndef SDTOP_DEMO_PATTERNS_H
#define SDTOP_DEMO_PATTERNS_H

#include <stddef.h>
#include <stdint.h>

struct demo_options {
	size_t		 size;		/* bytes; 0: the pattern's default */
	double		 rate;		/* per second; 0: the pattern's default */
	unsigned	 threads;
	uint64_t	 seed;
	double		 duration;	/* seconds; 0: until a signal */
};

struct demo_pattern {
	const char	*name;
	/* Run until demo_done(); 0, or 1 when it could not (said why). */
	int		(*run)(const struct demo_options *);
	size_t		 size;		/* default --size */
	double		 rate;		/* default --rate */
	const char	*help;
};

/* The patterns, the default (hotset) first. */
extern const struct demo_pattern	demo_patterns[];
extern const size_t			demo_npatterns;

#endif
