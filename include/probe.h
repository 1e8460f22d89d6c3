/* probe.h - not yet written. */
#ifndef SDTOP_PROBE_H
#define SDTOP_PROBE_H
#endif
