/*
 * source-set.h - a set of live processes (procset.h) as a source of
 * cycles (source.h).
 */
#ifndef SDTOP_SOURCE_SET_H
#define SDTOP_SOURCE_SET_H

struct procset;
struct source;

/* Make src read its cycles from the open set, which it then owns. */
void	 source_set(struct source *src, struct procset *set);

#endif
