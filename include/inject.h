/* inject.h - not yet written. */
#ifndef SDTOP_INJECT_H
#define SDTOP_INJECT_H
#endif
