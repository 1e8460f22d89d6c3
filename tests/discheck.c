/*
 * discheck.c - compare one sdtop JSON Lines run with the account
 * tests/discard-target gave of its regions and of the pages it gave back.
 *
 * Usage: discheck TARGET.out RUN.jsonl [--min-discards N]
 *                 [--min-rewrites N]
 *
 * The cycles a discard belongs to are found by time. A cycle whose clear
 * ran on from the last collect (uffd-wp and hash do so after the first)
 * has as clear_time the Unix time that collect began, so the collect of
 * cycle k lasted from clear_time of k+1 to time of k, and the pages given
 * back between the collect of k-1 and that of k are those of cycle k.
 * Cycle k is judged when cycles k-1 and k+1 follow it in the run with
 * such clear times and no event of the target overlaps the collect of
 * k-1 or of k (an event in a collect may be seen by either cycle). In a
 * judged cycle, of the "disc" region:
 *  - "discarded" must be exactly the pages of the "discard" events
 *    between the two collects, and discarded_pages their number;
 *  - "dirty" must be exactly the pages of the "rewrite" events there
 *    (given back and written again: written, not discarded);
 *  - resident_pages must be its pages less those given back for good
 *    before the collect.
 * In every cycle, of the "sparse" region: no page dirty or discarded,
 * and resident_pages the number of pages the target wrote there.
 * At least --min-discards (default 3) judged cycles must hold a discard,
 * and --min-rewrites (default 0) a rewrite.
 *
 * Prints "ok: ..." and exits 0; on a mismatch prints the cycle and the
 * pages missing and extra and exits 1; bad input exits 2. Pages count
 * from each region's start, in pages of the run's page_size.
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

#define MAX_EVENTS	4096
#define MAX_CYCLES	1024
#define MAX_PAGES	4096

/* One event of the target: pages given back (and maybe rewritten). */
struct event {
	double	 t0, t1;
	bool	 rewrite;
	char	*pages;
};

/* One region of the target. */
struct region {
	uint64_t	 start, end;
	size_t		 n;
	char		*pages;		/* sparse: the written ones */
};

static struct event	 events[MAX_EVENTS];
static size_t		 nevents;
static struct region	 disc, sparse;
static json_t		*cycles[MAX_CYCLES];
static size_t		 ncycles;
static uint64_t		 pagesz;
static bool		 failed;

/* Read the target's output; -1 on a malformed line. */
static int
read_target(const char *path)
{
	FILE	*f;
	char	 line[8192], a[64], b[64], pages[4096], kind[16];
	double	 t0, t1;
	int	 n;

	if ((f = fopen(path, "r")) == NULL)
		return (-1);
	while (fgets(line, sizeof line, f) != NULL) {
		if ((n = sscanf(line, "region %15s %63s %63s %4095s", kind, a,
		    b, pages)) >= 3) {
			struct region *r = strcmp(kind, "disc") == 0 ? &disc :
			    &sparse;

			if (gt_parse_hex(a, &r->start) || gt_parse_hex(b, &r->end) ||
			    r->end <= r->start || (n == 4 &&
			    (r->pages = strdup(pages)) == NULL))
				return (-1);
		} else if (sscanf(line, "%15s %lf %lf %4095s", kind, &t0, &t1,
		    pages) == 4 && (strcmp(kind, "discard") == 0 ||
		    strcmp(kind, "rewrite") == 0)) {
			if (nevents == MAX_EVENTS)
				return (-1);
			events[nevents].t0 = t0;
			events[nevents].t1 = t1;
			events[nevents].rewrite = kind[0] == 'r';
			if ((events[nevents++].pages = strdup(pages)) == NULL)
				return (-1);
		}
	}
	fclose(f);
	return (disc.end == 0 || sparse.end == 0 || sparse.pages == NULL ?
	    -1 : 0);
}

/* Read the cycles of the run (not the last "exited" one); -1 if bad. */
static int
read_run(const char *path)
{
	FILE		*f;
	char		*line = NULL;
	size_t		 cap = 0;
	json_t		*obj;
	json_error_t	 jerr;

	if ((f = fopen(path, "r")) == NULL)
		return (-1);
	while (getline(&line, &cap, f) > 1) {
		if ((obj = json_loads(line, 0, &jerr)) == NULL) {
			fprintf(stderr, "discheck: %s: %s\n", path, jerr.text);
			return (-1);
		}
		if (json_is_true(json_object_get(obj, "exited")) ||
		    ncycles == MAX_CYCLES) {
			json_decref(obj);
			continue;
		}
		cycles[ncycles++] = obj;
		pagesz = (uint64_t)json_integer_value(json_object_get(obj,
		    "page_size"));
	}
	free(line);
	fclose(f);
	if (pagesz == 0 || (disc.end - disc.start) % pagesz != 0 ||
	    (sparse.end - sparse.start) % pagesz != 0)
		return (-1);
	disc.n = (disc.end - disc.start) / pagesz;
	sparse.n = (sparse.end - sparse.start) / pagesz;
	return (disc.n <= MAX_PAGES && sparse.n <= MAX_PAGES ? 0 : -1);
}

/* Compare the set named what of VMA v with want; say how it differs. */
static void
compare(json_t *v, const char *what, const struct region *r,
    const bool *want, unsigned long cycle)
{
	bool	have[MAX_PAGES];

	if (gt_ranges(json_object_get(v, what), r->start, r->end, pagesz,
	    have, r->n) == -1) {
		printf("cycle %lu: \"%s\" is missing or malformed\n", cycle,
		    what);
		failed = true;
		return;
	}
	if (memcmp(have, want, r->n * sizeof *have) == 0)
		return;
	printf("cycle %lu: %s: missing ", cycle, what);
	gt_print_diff(want, have, r->n, true);
	printf("; extra ");
	gt_print_diff(want, have, r->n, false);
	printf("\n");
	failed = true;
}

/* Check an integer field of VMA v. */
static void
expect_int(json_t *v, const char *what, uint64_t want, unsigned long cycle)
{
	json_t	*x = json_object_get(v, what);

	if (json_is_integer(x) && (uint64_t)json_integer_value(x) == want)
		return;
	printf("cycle %lu: %s is %" JSON_INTEGER_FORMAT ", not %" PRIu64
	    "\n", cycle, what, json_is_integer(x) ? json_integer_value(x) :
	    -1, want);
	failed = true;
}

/* The number field what of cycle object c. */
static double
num(json_t *c, const char *what)
{
	return (json_number_value(json_object_get(c, what)));
}

/* The "sparse" region in every cycle: clean, and its written pages. */
static void
check_sparse(void)
{
	bool		 want[MAX_PAGES], none[MAX_PAGES];
	uint64_t	 count = 0;
	size_t		 k, i;
	unsigned long	 cycle;
	json_t		*v;

	memset(want, 0, sizeof want);
	memset(none, 0, sizeof none);
	if (gt_pages_add(sparse.pages, want, sparse.n) == -1) {
		printf("bad sparse pages '%s'\n", sparse.pages);
		failed = true;
		return;
	}
	for (i = 0; i < sparse.n; i++)
		count += want[i];
	for (k = 0; k < ncycles; k++) {
		cycle = (unsigned long)num(cycles[k], "cycle");
		if ((v = gt_find_vma(cycles[k], sparse.start,
		    sparse.end)) == NULL ||
		    !json_is_true(json_object_get(v, "tracked"))) {
			printf("cycle %lu: the sparse region is missing or "
			    "not tracked\n", cycle);
			failed = true;
			continue;
		}
		compare(v, "dirty", &sparse, none, cycle);
		compare(v, "discarded", &sparse, none, cycle);
		expect_int(v, "resident_pages", count, cycle);
	}
}

/*
 * Whether cycle k can be judged: its neighbours are there, consecutive,
 * dated from the collect before them, and no event overlaps the collect
 * of k - 1 or of k.
 */
static bool
judgeable(size_t k)
{
	double	 w0a, w0b, w1a, w1b;
	size_t	 e;

	if (k == 0 || k + 1 >= ncycles ||
	    num(cycles[k], "cycle") != num(cycles[k - 1], "cycle") + 1 ||
	    num(cycles[k + 1], "cycle") != num(cycles[k], "cycle") + 1)
		return (false);
	w0a = num(cycles[k], "clear_time");
	w0b = num(cycles[k - 1], "time");
	w1a = num(cycles[k + 1], "clear_time");
	w1b = num(cycles[k], "time");
	if (!(w0a > 0 && w0a <= w0b && w1a > w0b && w1a <= w1b))
		return (false);
	for (e = 0; e < nevents; e++) {
		if ((events[e].t1 >= w0a && events[e].t0 <= w0b) ||
		    (events[e].t1 >= w1a && events[e].t0 <= w1b))
			return (false);
	}
	return (true);
}

/* Judge cycle k of the "disc" region; counts what it held. */
static void
judge(size_t k, unsigned long *ndisc, unsigned long *nrw)
{
	bool		 dis[MAX_PAGES], rw[MAX_PAGES], gone[MAX_PAGES];
	double		 after = num(cycles[k - 1], "time");
	double		 before = num(cycles[k + 1], "clear_time");
	unsigned long	 cycle = (unsigned long)num(cycles[k], "cycle");
	uint64_t	 ndis = 0, ngone = 0;
	size_t		 e, i;
	json_t		*v;

	memset(dis, 0, sizeof dis);
	memset(rw, 0, sizeof rw);
	memset(gone, 0, sizeof gone);
	for (e = 0; e < nevents; e++) {
		if (events[e].t1 < before && !events[e].rewrite &&
		    gt_pages_add(events[e].pages, gone, disc.n) == -1)
			goto bad;
		if (events[e].t0 <= after || events[e].t1 >= before)
			continue;
		if (gt_pages_add(events[e].pages, events[e].rewrite ? rw : dis,
		    disc.n) == -1)
			goto bad;
	}
	for (i = 0; i < disc.n; i++) {
		ndis += dis[i];
		ngone += gone[i];
	}
	if ((v = gt_find_vma(cycles[k], disc.start, disc.end)) == NULL ||
	    !json_is_true(json_object_get(v, "tracked")) ||
	    json_is_true(json_object_get(v, "new"))) {
		printf("cycle %lu: the disc region is missing, new or not "
		    "tracked\n", cycle);
		failed = true;
		return;
	}
	compare(v, "discarded", &disc, dis, cycle);
	compare(v, "dirty", &disc, rw, cycle);
	expect_int(v, "discarded_pages", ndis, cycle);
	expect_int(v, "resident_pages", disc.n - ngone, cycle);
	*ndisc += ndis > 0;
	for (i = 0; i < disc.n; i++)
		if (rw[i]) {
			(*nrw)++;
			break;
		}
	return;

bad:
	printf("bad event pages\n");
	failed = true;
}

int
main(int argc, char **argv)
{
	unsigned long	 min_disc = 3, min_rw = 0, ndisc = 0, nrw = 0, n = 0;
	size_t		 k;
	int		 i;

	for (i = 3; i < argc; i++) {
		if (strcmp(argv[i], "--min-discards") == 0 && i + 1 < argc)
			min_disc = strtoul(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--min-rewrites") == 0 &&
		    i + 1 < argc)
			min_rw = strtoul(argv[++i], NULL, 10);
		else
			argc = 0;
	}
	if (argc < 3) {
		fprintf(stderr, "usage: discheck TARGET.out RUN.jsonl "
		    "[--min-discards N] [--min-rewrites N]\n");
		return (2);
	}
	if (read_target(argv[1]) == -1 || read_run(argv[2]) == -1) {
		fprintf(stderr, "discheck: cannot read %s or %s\n", argv[1],
		    argv[2]);
		return (2);
	}
	check_sparse();
	for (k = 0; k < ncycles; k++) {
		if (!judgeable(k))
			continue;
		n++;
		judge(k, &ndisc, &nrw);
	}
	if (ndisc < min_disc || nrw < min_rw) {
		printf("%lu cycles judged, %lu with pages given back, %lu "
		    "with pages rewritten: too few (%zu cycles, %zu events)\n",
		    n, ndisc, nrw, ncycles, nevents);
		failed = true;
	}
	for (k = 0; k < ncycles; k++)
		json_decref(cycles[k]);
	if (failed)
		return (1);
	printf("ok: %lu cycles judged, %lu with pages given back, %lu with "
	    "pages rewritten\n", n, ndisc, nrw);
	return (0);
}
