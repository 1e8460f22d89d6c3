/* out-text.c - not yet written. */
#include "config.h"
