/*
 * batch.h - the batch loop: every cycle of a source, live or recorded,
 * printed as text or as JSON Lines, until the source ends, a stop is
 * asked for (session_stop) or a limit is reached.
 */
#ifndef SDTOP_BATCH_H
#define SDTOP_BATCH_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct source;

struct batch_options {
	FILE		*out;		/* where the cycles are printed */
	FILE		*record;	/* each cycle as JSON too, or NULL */
	bool		 json;		/* JSON Lines instead of text */
	uint64_t	 width;		/* text cells per row; 0: default */
	unsigned long	 cycles;	/* stop after the cycle of this
					   number; 0: no limit */
	bool		 until_converged; /* stop at convergence */
};

/* What the loop ended with, when it did not fail. */
#define BATCH_DONE		0
#define BATCH_NOT_CONVERGED	1	/* cycles ran out first */

/*
 * Run the loop on src: clear, wait its interval (a source that cannot
 * clear is not waited for), take the next cycle, print it. A closed
 * output (EPIPE) ends it quietly. BATCH_DONE or BATCH_NOT_CONVERGED, or
 * -1 with *cause (malloc'd, one line).
 */
int	 batch_run(struct source *src, const struct batch_options *o,
	     char **cause);

#endif
