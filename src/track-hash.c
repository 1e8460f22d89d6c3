/* track-hash.c - not yet written. */
#include "config.h"
