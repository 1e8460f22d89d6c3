/*
 * fuzz-trace-replay.c - libFuzzer harness of sdtop --replay of a trace:
 * a window of 1 s (0.05 s for an odd-sized input), up to 32 snapshots,
 * each printed as text and as JSON, then the first one read again (the
 * screen's step back, which re-reads the trace from its start). Each
 * snapshot's output must be bounded by the input, safe on a terminal and
 * (the JSON) valid. The mutator is mutate-trace.c.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "out-json.h"
#include "out-text.h"
#include "replay.h"
#include "snapshot.h"

/* Output per input byte of one snapshot: a row is 65,536 cells at most. */
#define OUT_PER_BYTE	2048
#define OUT_FLOOR	(1 << 16)

int	 LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Print s both ways into the sinks and check what they hold. */
static void
print_snapshot(const struct snapshot *s, FILE *ft, struct fuzz_sink *text,
    FILE *fj, struct fuzz_sink *json)
{
	struct text_options	 to = { 0 };

	fuzz_sink_reset(text);
	fuzz_sink_reset(json);
	out_text(ft, s, &to);
	out_json(fj, s);
	fflush(ft);
	fflush(fj);
	fuzz_check_text("text of a trace", text->buf, text->len);
	fuzz_check_text("JSON of a trace", json->buf, json->len);
	fuzz_check_json_lines("JSON of a trace", json->buf, json->len);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_sink	 text, json;
	struct replay		 r;
	struct snapshot		*s;
	FILE			*f, *ft, *fj;
	char			*cause = NULL;
	int			 n = 0, rc;

	if (size == 0 || data[0] != 't' ||
	    (f = fmemopen((void *)data, size, "r")) == NULL)
		return (0);
	if (replay_open_file(&r, f, "fuzz.trace", size % 2 ? 0.05 : 1,
	    &cause) == -1) {
		fuzz_check_text("trace error", cause, strlen(cause));
		free(cause);
		return (0);
	}
	ft = fuzz_sink_open(&text, size * OUT_PER_BYTE + OUT_FLOOR,
	    "text of a trace");
	fj = fuzz_sink_open(&json, size * OUT_PER_BYTE + OUT_FLOOR,
	    "JSON of a trace");
	while (n++ < 32 && (rc = replay_next(&r, &s, &cause)) == 1) {
		print_snapshot(s, ft, &text, fj, &json);
		snapshot_free(s);
	}
	if (cause != NULL) {
		fuzz_check_text("trace error", cause, strlen(cause));
		free(cause);
		cause = NULL;
	}
	/* Back to the first window: the trace is read again. */
	r.line = 0;
	if (replay_next(&r, &s, &cause) == 1) {
		print_snapshot(s, ft, &text, fj, &json);
		snapshot_free(s);
	}
	free(cause);
	fuzz_sink_close(ft, &text);
	fuzz_sink_close(fj, &json);
	replay_close(&r);
	return (0);
}
