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
	uint64_t memory_bytes;		/* what round 0 sends: resident pages */
	double	 bandwidth_bps;		/* link speed, bytes/s */
	double	 dirty_rate_bps;	/* bytes dirtied per second, measured */
	bool	 converges;		/* dirty rate below bandwidth */
	double	 downtime_ms;		/* predicted stop-and-copy pause; <0: none */
	unsigned rounds;		/* pre-copy rounds before the final one */
	double	 total_ms;		/* predicted time of the whole migration */
	uint64_t sent_bytes;		/* bytes sent over all rounds */
};

/*
 * Model pre-copy of memory_bytes of memory over a link of bandwidth_bps
 * while the process dirties dirty_rate_bps; fills *out.
 */
void	 precopy_estimate(struct precopy *out, double bandwidth_bps,
	     double dirty_rate_bps, uint64_t memory_bytes);

/*
 * Parse a link speed such as "1Gbit", "100Mbit", "50MB", "2.5GiB" (per
 * second) into bytes per second; -1 with *cause (static) if malformed.
 */
int	 precopy_parse_rate(const char *s, double *bps, const char **cause);

#endif
