/* proc-pagemap.c - not yet written. */
#include "config.h"
