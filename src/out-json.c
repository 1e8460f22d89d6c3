/* out-json.c - not yet written. */
#include "config.h"
