/*
 * cost.h - what watching costs the target, cycle by cycle, and the rule
 * --max-cost keeps it under.
 *
 * Under soft-dirty and uffd-wp the target takes one write-protect fault
 * for each page it writes in a cycle: its cost is dirty pages times the
 * cost of a fault (faultcost.h), over the interval. The hash method does
 * nothing to the target; what it costs is sdtop's own CPU time. Either
 * way the figure is a percentage of one CPU.
 *
 * Units: percent of one CPU; seconds for intervals and CPU time;
 * nanoseconds per fault.
 */
#ifndef SDTOP_COST_H
#define SDTOP_COST_H

#include <stdint.h>

/* What --max-cost takes, and how far the interval may grow. */
#define COST_MIN_PERCENT	0.01
#define COST_MAX_PERCENT	100.0
#define COST_INTERVAL_CAP	10.0	/* times the user's interval */

/*
 * The share of one CPU that pages faults of fault_ns each make in an
 * interval of seconds: pages * fault_ns / interval, in percent. -1 when
 * the fault cost is unknown (fault_ns <= 0) or the interval is not > 0.
 */
double	 cost_faults_percent(uint64_t pages, double fault_ns,
	     double interval);

/* cpu seconds spent in an interval of seconds, in percent; -1 as above. */
double	 cost_cpu_percent(double cpu, double interval);

/*
 * The longest interval --max-cost may use for a user's interval of
 * seconds: COST_INTERVAL_CAP times it, at most SNAPSHOT_MAX_INTERVAL.
 */
double	 cost_interval_cap(double user);

/*
 * The interval of the next cycle under --max-cost limit (percent), after
 * a cycle of interval cur that cost percent (-1: unknown). Over the
 * limit, the interval doubles; under half of it, it halves; either way it
 * stays within [user, cost_interval_cap(user)]. An unknown cost keeps the
 * interval. Halving back comes only under half the limit so that a
 * process whose writes fill any interval (its cost halves when the
 * interval doubles) is not driven back over the limit at once.
 */
double	 cost_next_interval(double cur, double user, double percent,
	     double limit);

#endif
