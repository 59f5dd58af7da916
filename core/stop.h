/*
 * stop.h - one stop handle per running server.
 *
 * Several servers may run in one process, so stopping is not process-wide:
 * each server is given its own handle, a flag and a pipe whose read end
 * turns readable when the server is asked to stop. An event loop watches
 * that fd; a blocking server polls it beside the socket it waits on; a
 * forked child inherits it and sees the request too.
 *
 * SIGINT and SIGTERM fan out to every open handle (stop_watch_signals()).
 * A server that fails on its own stops only itself, with stop_fail(), and
 * says why; the others go on.
 */
#ifndef NETDEMO_STOP_H
#define NETDEMO_STOP_H

#include "net.h"

#include <stdatomic.h>
#include <stdbool.h>

#define STOP_MAX 64 /* handles open at once in one process */

struct stop {
    atomic_bool requested;
    int pipe[2];           /* pipe[0] turns readable on a request */
    char why[NET_ERR_LEN]; /* stop_fail()'s reason; "" for a plain stop */
};

/* stop_open: a fresh handle, not requested, that the signals reach. If a
 * signal already came, the handle starts requested. Returns 0, or -1 with
 * err ("pipe: ...", "stop: ..."). */
int stop_open(struct stop *s, char *err);

/* stop_close: forget and close the handle. Safe on a handle that failed
 * to open, and twice. */
void stop_close(struct stop *s);

/* stop_request: ask the server to stop. Any thread; idempotent. */
void stop_request(struct stop *s);

/* stop_fail: stop the server because it failed: why (one "call: reason"
 * line) is kept for the caller of serve() to report. The first reason
 * wins. */
void stop_fail(struct stop *s, const char *why);

/* stop_requested: true once the handle was asked to stop in this
 * process, or a wait on it saw the request. One atomic load: cheap enough
 * for every turn of a busy loop. */
bool stop_requested(struct stop *s);

/* stop_poll: stop_requested(), and also a look at the pipe, for a forked
 * child (it shares the pipe, not the flag). One system call. */
bool stop_poll(struct stop *s);

/* stop_fd: readable once the handle was asked to stop. */
int stop_fd(const struct stop *s);

enum stop_wait {
    STOP_WAIT_READY,   /* fd is readable */
    STOP_WAIT_STOP,    /* the server is asked to stop */
    STOP_WAIT_TIMEOUT, /* timeout_ms passed first */
    STOP_WAIT_ERROR    /* poll failed; errno says why */
};

/* stop_wait_readable: block until fd is readable, s is asked to stop, or
 * timeout_ms passes (-1: no limit). This is how blocking servers stay
 * stoppable. */
enum stop_wait stop_wait_readable(struct stop *s, int fd, int timeout_ms);

/* stop_sleep: wait ms milliseconds, or less if s is asked to stop.
 * Returns true when it was. */
bool stop_sleep(struct stop *s, int ms);

/* stop_watch_signals: make SIGINT and SIGTERM ask every open handle to
 * stop (and ignore SIGPIPE). Call from main() before starting threads.
 * Returns 0, or -1 with err. */
int stop_watch_signals(char *err);

#endif
