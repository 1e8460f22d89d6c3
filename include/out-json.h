/*
 * out-json.h - the JSON Lines writer: one snapshot, one line, read from
 * the snapshot and nothing else.
 */
#ifndef SDTOP_OUT_JSON_H
#define SDTOP_OUT_JSON_H

#include <stdio.h>

struct snapshot;

/*
 * One JSON object on one line: the whole snapshot (see README, "JSON
 * Lines"). -1 on write error.
 */
int	 out_json(FILE *f, const struct snapshot *s);

/*
 * The same line written to f's descriptor with one write(2), after what f
 * holds: a reader, or a recording cut short by a signal, never sees half
 * an object. -1 with errno.
 */
int	 out_json_line(FILE *f, const struct snapshot *s);

#endif
