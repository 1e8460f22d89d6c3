/*
 * precopy.h - a model of iterative pre-copy live migration, driven by the
 * measured dirty rate.
 *
 * Bandwidth and rates are in bytes per second; times in milliseconds.
 */
#ifndef SDTOP_PRECOPY_H
#define SDTOP_PRECOPY_H

#include <stdbool.h>
#include <stdint.h>

struct precopy {
	double	 bandwidth_bps;	/* link speed, bytes/s */
	double	 dirty_rate_bps;	/* bytes dirtied per second, measured */
	bool	 converges;	/* dirty rate below bandwidth */
	double	 downtime_ms;	/* predicted stop-and-copy pause; <0 if none */
	unsigned rounds;	/* pre-copy rounds until the final one */
	double	 total_ms;	/* predicted time of the whole migration */
	uint64_t sent_bytes;	/* bytes sent over all rounds */
};

#endif
