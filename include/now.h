/*
 * now.h - the clocks sdtop reads: seconds, as doubles.
 */
#ifndef SDTOP_NOW_H
#define SDTOP_NOW_H

/* Seconds on the monotonic clock, and on the real-time clock. */
double	 now_mono(void);
double	 now_real(void);

/* CPU seconds this process has used, all its threads. */
double	 now_cpu(void);

#endif
