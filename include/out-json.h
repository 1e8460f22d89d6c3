/*
 * out-json.h - the JSON Lines writer: one snapshot, one line, read from
 * the snapshot and nothing else.
 */
#ifndef SDTOP_OUT_JSON_H
#define SDTOP_OUT_JSON_H

/*
 * The version of the format every line gives as "format": 2 added it,
 * the vmas' offset, dev and inode, and the lines of sets ("set",
 * "nproc", "processes"); a line without it is of version 1.
 */
#define OUT_JSON_FORMAT	2

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
