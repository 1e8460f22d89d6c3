/*
 * demo.c - sdtop-demo: small workloads whose writes make one point each on
 * sdtop's screen (demo-patterns.c). This file is the command line: the
 * pattern's name and its options, checked with bounds.
 *
 * Units: --size in bytes (a whole number of pages), --rate per second,
 * --duration in seconds.
 */

#include "config.h"

#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "demo-patterns.h"
#include "demo-work.h"
#include "num.h"
#include "opt-error.h"

#define DEMO_MAX_RATE	262144.0	/* pages per second: 1 GiB/s */
#define DEMO_MAX_SIZE	(16ULL << 30)
#define DEMO_MAX_THREADS 64

/* The usage message. */
static void
demo_usage(FILE *f)
{
	size_t	i;

	fprintf(f, "usage: sdtop-demo [PATTERN] [OPTIONS]\n"
	    "Workloads to watch with sdtop. Patterns:\n");
	for (i = 0; i < demo_npatterns; i++)
		fprintf(f, "  %-8s %s\n", demo_patterns[i].name,
		    demo_patterns[i].help);
	fprintf(f, "Options:\n"
	    "  -s, --size SIZE      buffer size, e.g. 64M, 512K, 1G\n"
	    "  -r, --rate N         pages/s (hotset: cold pages, sweep, fork,\n"
	    "                       discard); calls/s (churn); regions/s (mmap)\n"
	    "  -t, --threads N      threads (threads; default 4)\n"
	    "      --seed N         random seed (default 1)\n"
	    "  -d, --duration SECS  stop after SECS seconds (0: never)\n"
	    "  -h, --help  -V, --version\n");
}

/* One line on stderr about a bad command line, then exit 2. */
static void __attribute__((noreturn, format(printf, 1, 2)))
demo_bad(const char *fmt, ...)
{
	va_list	ap;

	fputs("sdtop-demo: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs(" (see sdtop-demo --help)\n", stderr);
	exit(2);
}

/* Parse a size: digits and an optional binary unit K, M, G (KiB...). */
static size_t
demo_parse_size(const char *s)
{
	uint64_t	 n, unit = 1, page = (uint64_t)sysconf(_SC_PAGESIZE);
	const char	*end;
	char		*digits;
	int		 rc;

	if (*s < '0' || *s > '9')
		demo_bad("--size: '%s' is not a size (e.g. 64M)", s);
	end = s + strspn(s, "0123456789");
	if (*end == 'K' || *end == 'k')
		unit = 1ULL << 10;
	else if (*end == 'M')
		unit = 1ULL << 20;
	else if (*end == 'G')
		unit = 1ULL << 30;
	if (unit != 1) {
		end++;
		if (strcmp(end, "iB") == 0 || strcmp(end, "B") == 0)
			end += strlen(end);
	} else if (strcmp(end, "B") == 0)
		end++;
	if (*end != '\0')
		demo_bad("--size: '%s' is not a size (e.g. 64M)", s);
	if ((digits = strndup(s, strspn(s, "0123456789"))) == NULL)
		demo_bad("--size: out of memory");
	rc = num_u64(digits, 10, 0, UINT64_MAX, &n);
	free(digits);
	if (rc == -1 || n > DEMO_MAX_SIZE / unit || n * unit < page)
		demo_bad("--size: '%s' is out of range (one page to 16G)", s);
	return ((size_t)(n * unit / page * page));
}

/* Parse a decimal number in [lo, hi]. */
static double
demo_parse_number(const char *option, const char *s, double lo, double hi)
{
	double	 v;

	if (*s == '-')
		demo_bad("%s: '%s' is negative", option, s);
	/* Any finite number first; the bounds are checked after. */
	if (num_double(s, -HUGE_VAL, HUGE_VAL, &v) == -1)
		demo_bad("%s: '%s' is not a number", option, s);
	if (v < lo || v > hi)
		demo_bad("%s: %s is out of range (%g to %g)", option, s, lo, hi);
	return (v);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "size",	required_argument, NULL, 's' },
		{ "rate",	required_argument, NULL, 'r' },
		{ "threads",	required_argument, NULL, 't' },
		{ "seed",	required_argument, NULL, 'S' },
		{ "duration",	required_argument, NULL, 'd' },
		{ "help",	no_argument,	   NULL, 'h' },
		{ "version",	no_argument,	   NULL, 'V' },
		{ NULL,		0,		   NULL, 0 }
	};
	const struct demo_pattern	*p = &demo_patterns[0];
	struct demo_options		 o;
	size_t				 i;
	char				*cause = NULL;
	int				 ch, at;

	setvbuf(stderr, NULL, _IOLBF, 0);
	memset(&o, 0, sizeof o);
	o.threads = 4;
	o.seed = 1;

	/* Errors are ours to word; at is the element getopt reads next. */
	opterr = 0;
	for (at = 1; (ch = getopt_long(argc, argv, ":s:r:t:d:hV", longopts,
	    NULL)) != -1; at = optind) {
		switch (ch) {
		case 's':
			o.size = demo_parse_size(optarg);
			break;
		case 'r':
			o.rate = demo_parse_number("--rate", optarg, 0.001,
			    DEMO_MAX_RATE);
			break;
		case 't':
			o.threads = (unsigned)demo_parse_number("--threads",
			    optarg, 1, DEMO_MAX_THREADS);
			if (o.threads != atof(optarg))
				demo_bad("--threads: '%s' is not a whole "
				    "number", optarg);
			break;
		case 'S':
			o.seed = (uint64_t)demo_parse_number("--seed", optarg,
			    0, 1e15);
			break;
		case 'd':
			o.duration = demo_parse_number("--duration", optarg, 0,
			    1e7);
			break;
		case 'h':
			demo_usage(stdout);
			return (0);
		case 'V':
			printf("sdtop-demo %s\n", PACKAGE_VERSION);
			return (0);
		default:
			opt_error(ch, argv, at, longopts, &cause);
			demo_bad("%s", cause != NULL ? cause : "bad command "
			    "line");
		}
	}
	if (optind < argc) {
		for (i = 0; i < demo_npatterns;
		    i++) {
			if (strcmp(argv[optind], demo_patterns[i].name) == 0)
				break;
		}
		if (i == demo_npatterns)
			demo_bad("unknown pattern '%s'", argv[optind]);
		p = &demo_patterns[i];
		if (optind + 1 < argc)
			demo_bad("one pattern only: '%s' is extra",
			    argv[optind + 1]);
	}
	if (o.size == 0)
		o.size = p->size;
	if (o.rate == 0)
		o.rate = p->rate;
	demo_begin(p->name, o.seed, o.duration);
	return (p->run(&o));
}
