/*
 * precopy.c - a model of iterative pre-copy live migration, fed with the
 * dirty rate sdtop measures.
 *
 * Units: bytes, bytes per second, milliseconds in struct precopy (seconds
 * inside the loop).
 *
 * The model follows the pre-copy scheme of live migration in QEMU and of
 * CRIU's iterative pre-dumps (CRIU wiki, "Memory changes tracking"):
 *
 *   - round 0 sends all memory_bytes over the link, taking
 *     memory_bytes / bandwidth seconds while the process keeps running.
 *     The caller gives the resident (present or swapped) pages of the
 *     tracked regions: as in QEMU and CRIU, a migration sends no holes,
 *     only the pages that exist (a page mapped to the shared zero page
 *     counts as resident here, though a migration need not send it);
 *   - every next round sends what was dirtied during the round before it:
 *     dirty_rate * (time of the previous round) bytes, never more than
 *     memory_bytes (a page dirtied twice is sent once);
 *   - when what is left to send fits in the downtime target
 *     (PRECOPY_DOWNTIME_MS, 300 ms, the default maximum downtime of QEMU),
 *     the process is stopped and the rest is sent: that last round is the
 *     downtime. After PRECOPY_MAX_ROUNDS live rounds the process is stopped
 *     anyway, whatever is left.
 *
 * So round i sends memory_bytes * (dirty_rate / bandwidth)^i bytes, a
 * geometric series: pre-copy converges exactly when the dirty rate is
 * below the bandwidth. When it is not, every round sends all the memory
 * again; the model then reports no downtime (downtime_ms < 0), and rounds,
 * total_ms and sent_bytes describe the PRECOPY_MAX_ROUNDS rounds spent in
 * vain, without a final round.
 *
 * Assumptions: the dirty rate is constant and measured as distinct pages
 * written per interval (a page rewritten within an interval counts once,
 * as it would be sent once); the link is used at full bandwidth with no
 * protocol overhead, compression or latency; memory neither grows nor
 * shrinks; pages dirtied during the final round do not matter (the process
 * is stopped).
 */

#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "precopy.h"

#define PRECOPY_DOWNTIME_MS	300.0
#define PRECOPY_MAX_ROUNDS	30

/* Model the migration of memory_bytes; see the comment at the top. */
void
precopy_estimate(struct precopy *out, double bandwidth_bps,
    double dirty_rate_bps, uint64_t memory_bytes)
{
	double	 memory = (double)memory_bytes;
	double	 round, next, total, sent, budget;
	unsigned rounds;

	memset(out, 0, sizeof *out);
	out->memory_bytes = memory_bytes;
	out->bandwidth_bps = bandwidth_bps;
	out->dirty_rate_bps = dirty_rate_bps;
	out->downtime_ms = -1;
	if (!isfinite(bandwidth_bps) || bandwidth_bps <= 0 ||
	    !isfinite(dirty_rate_bps) || dirty_rate_bps < 0)
		return;
	out->converges = dirty_rate_bps < bandwidth_bps;

	/* What can be sent while the process is stopped. */
	budget = bandwidth_bps * PRECOPY_DOWNTIME_MS / 1000.0;

	round = memory;
	total = sent = 0;
	rounds = 0;
	for (;;) {
		sent += round;
		total += round / bandwidth_bps;
		rounds++;

		next = dirty_rate_bps * (round / bandwidth_bps);
		if (next > memory)
			next = memory;
		if (out->converges &&
		    (next <= budget || rounds == PRECOPY_MAX_ROUNDS)) {
			/* Stop and copy the rest. */
			out->downtime_ms = next / bandwidth_bps * 1000.0;
			sent += next;
			total += next / bandwidth_bps;
			break;
		}
		if (rounds == PRECOPY_MAX_ROUNDS)
			break;
		round = next;
	}
	out->rounds = rounds;
	out->total_ms = total * 1000.0;
	out->sent_bytes = (uint64_t)(sent + 0.5);
}

/* The units a rate may carry, in bytes per second per unit. */
static const struct {
	const char	*name;
	double		 factor;
	int		 anycase;	/* a bit unit: "mbit" as in tc(8) */
} precopy_units[] = {
	{ "",		1,			0 },
	{ "B",		1,			0 },
	{ "kB",		1e3,			0 },
	{ "KB",		1e3,			0 },
	{ "MB",		1e6,			0 },
	{ "GB",		1e9,			0 },
	{ "TB",		1e12,			0 },
	{ "KiB",	1024.0,			0 },
	{ "MiB",	1024.0 * 1024,		0 },
	{ "GiB",	1024.0 * 1024 * 1024,	0 },
	{ "TiB",	1024.0 * 1024 * 1024 * 1024, 0 },
	{ "bit",	1 / 8.0,		1 },
	{ "kbit",	1e3 / 8,		1 },
	{ "Mbit",	1e6 / 8,		1 },
	{ "Gbit",	1e9 / 8,		1 },
	{ "Tbit",	1e12 / 8,		1 },
};

/*
 * Parse a link speed: a decimal number then a unit, optionally followed by
 * "/s". Bits are decimal (1Gbit = 10^9 bit/s), B units decimal, iB units
 * binary; no unit is bytes per second.
 */
int
precopy_parse_rate(const char *s, double *bps, const char **cause)
{
	const char	*p = s, *unit;
	char		 number[64], suffix[16];
	size_t		 n, len, i;
	double		 value;

	if (s == NULL || *s == '\0') {
		*cause = "empty rate";
		return -1;
	}

	/* Digits, an optional fraction and an optional exponent. */
	while (isdigit((unsigned char)*p))
		p++;
	n = p - s;
	if (*p == '.') {
		p++;
		while (isdigit((unsigned char)*p))
			p++;
		if (p - s == 1) {
			*cause = "rate is not a number";
			return -1;
		}
	} else if (n == 0) {
		*cause = (*s == '-') ? "rate must be positive" :
		    "rate is not a number";
		return -1;
	}
	if ((*p == 'e' || *p == 'E') && (isdigit((unsigned char)p[1]) ||
	    ((p[1] == '+' || p[1] == '-') && isdigit((unsigned char)p[2])))) {
		p += 2;
		while (isdigit((unsigned char)*p))
			p++;
	}
	len = p - s;
	if (len >= sizeof number) {
		*cause = "rate is too long";
		return -1;
	}
	memcpy(number, s, len);
	number[len] = '\0';

	/* The unit, without a trailing "/s". */
	unit = p;
	len = strlen(unit);
	if (len >= 2 && strcmp(unit + len - 2, "/s") == 0)
		len -= 2;
	if (len >= sizeof suffix) {
		*cause = "unknown rate unit (use e.g. 100Mbit, 50MB, 2GiB)";
		return -1;
	}
	memcpy(suffix, unit, len);
	suffix[len] = '\0';
	for (i = 0; i < sizeof precopy_units / sizeof precopy_units[0]; i++) {
		if (precopy_units[i].anycase) {
			if (strcasecmp(suffix, precopy_units[i].name) == 0)
				break;
		} else if (strcmp(suffix, precopy_units[i].name) == 0)
			break;
	}
	if (i == sizeof precopy_units / sizeof precopy_units[0]) {
		*cause = "unknown rate unit (use e.g. 100Mbit, 50MB, 2GiB)";
		return -1;
	}

	errno = 0;
	value = strtod(number, NULL);
	if (errno == ERANGE && value == 0) {
		*cause = "rate must be positive";
		return -1;
	}
	if (errno == ERANGE || !isfinite(value)) {
		*cause = "rate is too large";
		return -1;
	}
	value *= precopy_units[i].factor;
	if (!isfinite(value) || value > 1e15) {
		*cause = "rate is too large";
		return -1;
	}
	if (value <= 0) {
		*cause = "rate must be positive";
		return -1;
	}
	/* Slower than a byte a second: no link; and JSON says whole bytes. */
	if (value < 1) {
		*cause = "rate is below one byte per second";
		return -1;
	}
	*bps = value;
	return 0;
}
