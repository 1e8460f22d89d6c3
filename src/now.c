/*
 * now.c - the clocks sdtop reads, in seconds.
 */
#include "config.h"

#include <time.h>

#include "now.h"

double
now_mono(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((double)ts.tv_sec + (double)ts.tv_nsec / 1e9);
}

double
now_real(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ((double)ts.tv_sec + (double)ts.tv_nsec / 1e9);
}

double
now_cpu(void)
{
	struct timespec	 ts;

	if (clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts) == -1)
		return (0);
	return ((double)ts.tv_sec + (double)ts.tv_nsec / 1e9);
}
