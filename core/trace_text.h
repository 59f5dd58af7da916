/*
 * trace_text.h - trace.c's use of trace_text.c: what the sinks write
 * (and lecture.c's, whose lines a peer's words may fill too). Not for
 * other modules: they call trace_preview().
 */
#ifndef NETDEMO_TRACE_TEXT_H
#define NETDEMO_TRACE_TEXT_H

#include <stddef.h>

/* trace_text_safe: text copied to out (outlen bytes, cut if longer) with
 * every byte a terminal could act on escaped as trace_preview() escapes
 * it: a line's words may come from a peer (an FTP command, a path). */
void trace_text_safe(const char *text, char *out, size_t outlen);

/* trace_text_whole: how many of the len bytes at data fit in limit
 * without cutting a UTF-8 character in two. */
size_t trace_text_whole(const void *data, size_t len, size_t limit);

#endif
