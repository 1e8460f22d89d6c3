/*
 * gtcheck.c - compare one sdtop JSON Lines run with the ground truth of
 * one phase of the workload (tests/workload.c).
 *
 * Usage: gtcheck 'phase K 0xSTART 0xEND PAGES' RUN.jsonl [--allow-new]
 *                [--since UNIXTIME] [--after-exec]
 *
 * For every cycle object of RUN.jsonl (objects with "exited": true carry
 * no VMAs and are skipped), the VMA [START, END) must be present and
 * tracked, and its "dirty" ranges must be exactly the pages of PAGES
 * ("0,2,4-9" as page indexes within [START, END), or "-" for none).
 * With --allow-new (phase 4, a region mapped during the run): the region
 * may be absent from the first cycles; in the cycle it first appears in it
 * must be "new": true, unless it is already exact there (it was mapped just
 * before that cycle's clear); in every later cycle it must be exact; and at
 * least one exact cycle is required. With --since, only the cycles whose
 * clear began at UNIXTIME or later are judged (the workload's phase line
 * was seen at UNIXTIME: every write before it is older than the clear).
 * With --after-exec, a cycle must say "exec": true, and only the cycles
 * after it are judged.
 *
 * Prints "ok: N cycles exact" and exits 0; on a mismatch prints which cycle,
 * which pages were missing and which extra, and exits 1; bad arguments or
 * input exit 2. Pages are of the run's page_size bytes.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "gt-lib.h"

/* The parsed phase line. */
struct truth {
	int		 phase;
	uint64_t	 start, end;
	char		*pages;		/* the PAGES text */
};

/* Parse "phase K 0xSTART 0xEND PAGES". */
static int
truth_parse(const char *line, struct truth *t)
{
	char	start[64], end[64], pages[4096];

	if (sscanf(line, "phase %d %63s %63s %4095s", &t->phase, start, end,
	    pages) != 4)
		return (-1);
	if (gt_parse_hex(start, &t->start) != 0 ||
	    gt_parse_hex(end, &t->end) != 0 ||
	    t->end <= t->start)
		return (-1);
	if ((t->pages = strdup(pages)) == NULL)
		return (-1);
	return (0);
}

/* Fill have[] from a VMA's "dirty" ranges; -1 with a message if malformed. */
static int
dirty_parse(json_t *dirty, const struct truth *t, uint64_t pagesz,
    bool *have, size_t n, unsigned long cycle)
{
	if (gt_ranges(dirty, t->start, t->end, pagesz, have, n) == -1) {
		printf("cycle %lu: the VMA's \"dirty\" is not an array of "
		    "ranges inside it\n", cycle);
		return (-1);
	}
	return (0);
}

int
main(int argc, char **argv)
{
	struct truth	 t;
	FILE		*f;
	char		*line = NULL;
	size_t		 cap = 0, n = 0, lineno = 0;
	ssize_t		 len;
	bool		 allow_new, appeared = false, failed = false;
	bool		 after_exec = false, execed = false;
	double		 since = 0;
	int		 i;
	bool		*want = NULL, *have = NULL, exact;
	json_t		*obj, *v;
	json_error_t	 jerr;
	unsigned long	 cycle, ncycles = 0, nexact = 0;
	uint64_t	 pagesz = 0;

	allow_new = false;
	for (i = 3; i < argc; i++) {
		if (strcmp(argv[i], "--allow-new") == 0)
			allow_new = true;
		else if (strcmp(argv[i], "--after-exec") == 0)
			after_exec = true;
		else if (strcmp(argv[i], "--since") == 0 && i + 1 < argc)
			since = strtod(argv[++i], NULL);
		else
			argc = 0;
	}
	if (argc < 3) {
		fprintf(stderr, "usage: gtcheck 'phase K 0xSTART 0xEND PAGES' "
		    "RUN.jsonl [--allow-new] [--since UNIXTIME] "
		    "[--after-exec]\n");
		return (2);
	}
	if (truth_parse(argv[1], &t) != 0) {
		fprintf(stderr, "gtcheck: not a phase line: '%s'\n", argv[1]);
		return (2);
	}
	if ((f = fopen(argv[2], "r")) == NULL) {
		fprintf(stderr, "gtcheck: %s: %s\n", argv[2], strerror(errno));
		return (2);
	}

	while ((len = getline(&line, &cap, f)) != -1) {
		lineno++;
		if (len <= 1)
			continue;
		if ((obj = json_loads(line, 0, &jerr)) == NULL) {
			fprintf(stderr, "gtcheck: %s:%zu: %s\n", argv[2],
			    lineno, jerr.text);
			return (2);
		}
		if (json_is_true(json_object_get(obj, "exited"))) {
			json_decref(obj);
			continue;
		}
		/* Only what follows the exec, and what began after since. */
		if (json_is_true(json_object_get(obj, "exec")))
			execed = true;
		if ((after_exec && (!execed || json_is_true(json_object_get(obj,
		    "exec")))) || json_real_value(json_object_get(obj,
		    "clear_time")) < since) {
			json_decref(obj);
			continue;
		}
		cycle = (unsigned long)json_integer_value(json_object_get(obj,
		    "cycle"));
		ncycles++;
		if (pagesz == 0) {
			pagesz = (uint64_t)json_integer_value(
			    json_object_get(obj, "page_size"));
			if (pagesz == 0 || (t.end - t.start) % pagesz != 0) {
				fprintf(stderr, "gtcheck: %s:%zu: bad "
				    "page_size\n", argv[2], lineno);
				return (2);
			}
			n = (t.end - t.start) / pagesz;
			want = calloc(n, sizeof *want);
			have = calloc(n, sizeof *have);
			if (want == NULL || have == NULL ||
			    gt_pages_add(t.pages, want, n) != 0) {
				fprintf(stderr, "gtcheck: bad PAGES '%s' for "
				    "%zu pages\n", t.pages, n);
				return (2);
			}
		}

		v = gt_find_vma(obj, t.start, t.end);
		if (v == NULL) {
			if (allow_new && !appeared) {
				json_decref(obj);
				continue;
			}
			printf("cycle %lu: VMA 0x%" PRIx64 "-0x%" PRIx64
			    " is missing\n", cycle, t.start, t.end);
			failed = true;
			json_decref(obj);
			continue;
		}
		if (json_is_true(json_object_get(v, "new"))) {
			if (allow_new && !appeared) {
				appeared = true;
				json_decref(obj);
				continue;
			}
			printf("cycle %lu: VMA unexpectedly new\n", cycle);
			failed = true;
			json_decref(obj);
			continue;
		}
		appeared = true;
		if (!json_is_true(json_object_get(v, "tracked"))) {
			printf("cycle %lu: VMA not tracked\n", cycle);
			failed = true;
			json_decref(obj);
			continue;
		}
		if (dirty_parse(json_object_get(v, "dirty"), &t, pagesz, have,
		    n, cycle) != 0) {
			failed = true;
			json_decref(obj);
			continue;
		}
		exact = memcmp(want, have, n * sizeof *want) == 0;
		if (exact)
			nexact++;
		else {
			printf("cycle %lu: missing ", cycle);
			gt_print_diff(want, have, n, true);
			printf("; extra ");
			gt_print_diff(want, have, n, false);
			printf("\n");
			failed = true;
		}
		json_decref(obj);
	}
	fclose(f);
	free(line);
	if (after_exec && !execed) {
		printf("%s: no cycle says \"exec\": true\n", argv[2]);
		failed = true;
	} else if (ncycles == 0) {
		printf("%s: no cycle objects\n", argv[2]);
		failed = true;
	} else if (nexact == 0 && !failed) {
		printf("%s: no cycle where the VMA could be judged\n", argv[2]);
		failed = true;
	}
	free(want);
	free(have);
	free(t.pages);
	if (failed)
		return (1);
	printf("ok: %lu cycles exact\n", nexact);
	return (0);
}
