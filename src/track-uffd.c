/* track-uffd.c - not yet written. */
#include "config.h"
