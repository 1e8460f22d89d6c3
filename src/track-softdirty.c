/* track-softdirty.c - not yet written. */
#include "config.h"
