/*
 * cost.c - the arithmetic of what watching costs the target, and of the
 * interval --max-cost chooses (see cost.h).
 *
 * Units: percent of one CPU; seconds; nanoseconds per fault.
 */
#include "config.h"

#include "cost.h"
#include "snapshot.h"

double
cost_faults_percent(uint64_t pages, double fault_ns, double interval)
{
	if (!(fault_ns > 0) || !(interval > 0))
		return (-1);
	return ((double)pages * fault_ns / (interval * 1e9) * 100);
}

double
cost_cpu_percent(double cpu, double interval)
{
	if (!(cpu >= 0) || !(interval > 0))
		return (-1);
	return (cpu / interval * 100);
}

double
cost_interval_cap(double user)
{
	double	 cap = user * COST_INTERVAL_CAP;

	return (cap < SNAPSHOT_MAX_INTERVAL ? cap : SNAPSHOT_MAX_INTERVAL);
}

double
cost_next_interval(double cur, double user, double percent, double limit)
{
	double	 cap = cost_interval_cap(user), next = cur;

	if (percent >= 0 && limit > 0) {
		if (percent > limit)
			next = cur * 2;
		else if (percent < limit / 2)
			next = cur / 2;
	}
	if (next > cap)
		next = cap;
	if (next < user)
		next = user;
	return (next);
}
