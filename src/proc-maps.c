/* proc-maps.c - not yet written. */
#include "config.h"
