/*
 * trace.h - narrate each socket call as it happens (--trace).
 *
 * Every program shares one format, so a lecturer can put a server and a
 * client side by side:
 *
 *     [tcp server] accept(fd 3) -> fd 5, peer 127.0.0.1:53122
 *
 * Lines go to stderr, coloured only when stderr is a terminal. A line is
 * written with one call, so lines from several threads never interleave.
 */
#ifndef NETDEMO_TRACE_H
#define NETDEMO_TRACE_H

#include <stdbool.h>
#include <stddef.h>

#define TRACE_PREVIEW_LEN 40 /* bytes of payload shown in a trace line */

/* Set once by main() from --trace, read everywhere. */
extern bool trace_enabled;

/* TRACE(...) costs one branch when tracing is off. */
#define TRACE(...)                                                                                 \
    do {                                                                                           \
        if (trace_enabled)                                                                         \
            trace_log(__VA_ARGS__);                                                                \
    } while (0)

/* trace_set_role: the "[tcp server]" label for lines from this thread.
 * role must outlive the thread (a string literal, typically). */
void trace_set_role(const char *role);

/* trace_set_rate_limit: at most per_second lines a second (0: no limit);
 * the rest are counted and reported as "(N lines suppressed)". A flood of
 * packets then cannot fill a terminal or a disk. */
void trace_set_rate_limit(unsigned per_second);

/* trace_log: print one line, "[role] " + the formatted text. */
void trace_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* trace_preview: a short, printable, quoted view of payload bytes for a
 * trace line: "dream is handsome", "\x00\x01..." (+N more). Returns out. */
const char *trace_preview(const void *data, size_t len, char *out, size_t outlen);

#endif
