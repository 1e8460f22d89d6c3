/*
 * out-text.h - the batch text writer: the course format, read from a
 * snapshot and nothing else.
 */
#ifndef SDTOP_OUT_TEXT_H
#define SDTOP_OUT_TEXT_H

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

#endif
