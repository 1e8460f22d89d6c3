/*
 * fuzz-trace-report.c - libFuzzer harness of tracepgfault --report: the
 * trace is loaded (the reader and its checker, then the report's own
 * bookkeeping) and printed as text and as JSON; one input in four (by
 * its size) adds a timeline of 10 ms intervals. The outputs must be bounded by the input, safe on a
 * terminal and (the JSON) valid. The mutator is mutate-trace.c.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "pftrace-report.h"

/*
 * Output per input byte: a row holds 65,536 cells, a timeline 100,000
 * intervals a region that faulted.
 */
#define OUT_PER_BYTE	4096
#define OUT_FLOOR	(1 << 21)

int	 LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pfreport_options	 o;
	struct pfreport		 rep;
	struct fuzz_sink	 sink;
	FILE			*f, *out;
	char			*cause = NULL;

	if (size == 0 || (f = fmemopen((void *)data, size, "r")) == NULL)
		return (0);
	memset(&o, 0, sizeof o);
	o.to = UINT64_MAX;
	if (size % 4 == 1)
		o.timeline = 10 * 1000 * 1000;
	if (pfreport_load(&rep, f, &o, &cause) != 0) {
		if (cause != NULL)
			fuzz_check_text("report error", cause,
			    strlen(cause));
		free(cause);
		fclose(f);
		return (0);
	}
	fclose(f);
	out = fuzz_sink_open(&sink, size * OUT_PER_BYTE + OUT_FLOOR,
	    "report");
	if (pfreport_print(out, &rep, &o) != 0)
		fuzz_fail("the report of a loaded trace failed to print");
	fuzz_check_text("report", sink.buf, sink.len);
	fuzz_sink_reset(&sink);
	o.json = true;
	if (pfreport_print(out, &rep, &o) != 0)
		fuzz_fail("the JSON report of a loaded trace failed to print");
	fuzz_check_text("JSON report", sink.buf, sink.len);
	fuzz_check_json_lines("JSON report", sink.buf, sink.len);
	fuzz_sink_close(out, &sink);
	pfreport_free(&rep);
	return (0);
}
