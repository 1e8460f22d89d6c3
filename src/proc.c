/* proc.c - not yet written. */
#include "config.h"
