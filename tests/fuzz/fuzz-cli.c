/*
 * fuzz-cli.c - libFuzzer harness of sdtop's command line parser: the
 * input, split at NUL bytes, is argv after "sdtop". Whatever it holds,
 * the parser returns (it never exits or prints), and what it accepts
 * keeps every rule: numbers within their bounds, no combination that
 * makes no sense. A refusal is one safe line.
 */
#include "config.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "fuzz.h"
#include "render.h"
#include "snapshot.h"
#include "track.h"

#define MAX_ARGS	32

int	 LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Abort unless o keeps the rules of an accepted command line. */
static void
check_options(const struct options *o)
{
	if (!(o->s.interval >= SNAPSHOT_MIN_INTERVAL &&
	    o->s.interval <= SNAPSHOT_MAX_INTERVAL))
		fuzz_fail("cli: interval %g accepted", o->s.interval);
	if (o->s.window < 2 || o->s.window > 1000)
		fuzz_fail("cli: window %u accepted", o->s.window);
	if (!(o->s.tolerance >= 0 && o->s.tolerance <= 1))
		fuzz_fail("cli: tolerance %g accepted", o->s.tolerance);
	if (o->width > RENDER_MAX_CELLS)
		fuzz_fail("cli: width %llu accepted",
		    (unsigned long long)o->width);
	if (o->cycles == ULONG_MAX || o->s.pid < 0)
		fuzz_fail("cli: a count out of range accepted");
	if (!(o->s.bandwidth_bps >= 0))
		fuzz_fail("cli: bandwidth %g accepted", o->s.bandwidth_bps);
	if (o->json && !o->batch)
		fuzz_fail("cli: --json without --batch accepted");
	if (o->replay != NULL && (o->s.pid != 0 || o->command != NULL))
		fuzz_fail("cli: --replay with a target accepted");
	if (o->list && o->s.pid == 0)
		fuzz_fail("cli: --list without a PID accepted");
	if (strcmp(o->s.method, "auto") != 0 && track_find(o->s.method) ==
	    NULL)
		fuzz_fail("cli: method '%s' accepted", o->s.method);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct options	 o;
	char		*buf, *argv[MAX_ARGS + 2], *cause = NULL, *p;
	int		 argc = 0, rc;

	buf = fuzz_strndup(data, size);
	argv[argc++] = (char *)"sdtop";
	for (p = buf; p < buf + size && argc <= MAX_ARGS; p += strlen(p) + 1)
		argv[argc++] = p;
	argv[argc] = NULL;
	rc = cli_parse(argc, argv, &o, &cause);
	if (rc == -1) {
		if (cause == NULL)
			fuzz_fail("cli: a refusal without a cause");
		if (strchr(cause, '\n') != NULL)
			fuzz_fail("cli: a cause of more than one line");
		fuzz_check_text("cli cause", cause, strlen(cause));
	} else if (rc == CLI_RUN) {
		check_options(&o);
		cli_free(&o);
	}
	else if (rc != CLI_HELP && rc != CLI_VERSION)
		fuzz_fail("cli: unknown result %d", rc);
	free(cause);
	free(buf);
	return (0);
}
