/*
 * opt-error.h - the words for a command-line option that getopt_long()
 * refused, the same in every program of the package: one line, the
 * option named as it was written (escaped), without the program's name.
 */
#ifndef SDTOP_OPT_ERROR_H
#define SDTOP_OPT_ERROR_H

#include <getopt.h>

/*
 * Word the error getopt_long() returned c for: '?' (an unknown or
 * ambiguous option, or an argument given to an option that takes none)
 * or ':' (an argument missing). The caller sets opterr to 0 and puts ':'
 * first in its option string (after any '+'), and passes in at the value
 * optind had before the call (1 at the first call): getopt_long() leaves
 * optind on an element of short options until its last one is read, so
 * the element it was reading is the first option element from at on.
 * Returns -1 with *cause (malloc'd; NULL when out of memory).
 */
int	 opt_error(int c, char *const *argv, int at,
	     const struct option *longopts, char **cause);

#endif
