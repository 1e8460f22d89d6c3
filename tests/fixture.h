/*
 * fixture.h - where a unit test finds tests/fixtures: under the source
 * tree that make check names (abs_top_srcdir, else srcdir), else under ".".
 */
#ifndef SDTOP_TEST_FIXTURE_H
#define SDTOP_TEST_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>

/*
 * The path of tests/fixtures/SUB, or of tests/fixtures/SUB/NAME when name
 * is not NULL, in a buffer that the next call reuses.
 */
static inline const char *
fixture_path(const char *sub, const char *name)
{
	static char	 path[4096];
	const char	*d;

	if ((d = getenv("abs_top_srcdir")) == NULL &&
	    (d = getenv("srcdir")) == NULL)
		d = ".";
	snprintf(path, sizeof path, "%s/tests/fixtures/%s%s%s", d, sub,
	    name != NULL ? "/" : "", name != NULL ? name : "");
	return (path);
}

#endif
