/* inject.c - not yet written. */
#include "config.h"
