/*
 * output.h - the batch writers: text in the course format and JSON Lines.
 * They read a snapshot and nothing else.
 */
#ifndef SDTOP_OUTPUT_H
#define SDTOP_OUTPUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct snapshot;

struct text_options {
	uint64_t	 width;		/* most cells per row; 0: one per page,
					   up to RENDER_MAX_CELLS cells */
};

/*
 * The header line and one row per VMA: the course format for tracked VMAs,
 * a note for new and untracked ones. -1 on write error.
 */
int	 out_text(FILE *f, const struct snapshot *s,
	     const struct text_options *o);

/*
 * One JSON object on one line: the whole snapshot (see README, "JSON
 * Lines"). -1 on write error.
 */
int	 out_json(FILE *f, const struct snapshot *s);

#endif
