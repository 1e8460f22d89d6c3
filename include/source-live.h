/*
 * source-live.h - a live process as a source of cycles: the session's
 * clear and collect, its history, its interval.
 */
#ifndef SDTOP_SOURCE_LIVE_H
#define SDTOP_SOURCE_LIVE_H

struct session;
struct source;

/*
 * A source of the live session s, opened by the caller (session_open());
 * source_close() closes s and returns what session_close() does.
 */
void	 source_live(struct source *src, struct session *s);

#endif
