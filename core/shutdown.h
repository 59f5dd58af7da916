/*
 * shutdown.h - clean shutdown on SIGINT and SIGTERM, process-wide.
 *
 * This is the whole process's request: clients and one-shot tools watch
 * it. Servers each watch their own stop handle (stop.h), which the same
 * signals reach through stop_watch_signals().
 *
 * A signal handler may do almost nothing safely, so it only sets a flag and
 * writes one byte to a pipe. Servers watch the pipe's read end: an event
 * loop adds it to epoll, and a blocking server polls it beside the socket
 * it waits on. The pipe stays readable once written, so every thread and
 * every forked child sees the request. SIGPIPE is ignored: a peer that
 * vanishes makes write() fail with EPIPE instead of killing the process.
 */
#ifndef NETDEMO_SHUTDOWN_H
#define NETDEMO_SHUTDOWN_H

#include <stdbool.h>

/* shutdown_install: set the handlers and create the pipe. Call once from
 * main() before starting threads. Returns 0 or -1 (reason in err). */
int shutdown_install(char *err);

/* shutdown_requested: true once SIGINT or SIGTERM has arrived (or
 * shutdown_request() was called). */
bool shutdown_requested(void);

/* shutdown_request: ask for shutdown from code, as the signals do. */
void shutdown_request(void);

/* shutdown_fd: readable once shutdown is requested; -1 before install. */
int shutdown_fd(void);

enum shutdown_wait {
    SHUTDOWN_WAIT_READY,   /* fd is readable */
    SHUTDOWN_WAIT_STOP,    /* shutdown was requested */
    SHUTDOWN_WAIT_TIMEOUT, /* timeout_ms passed first */
    SHUTDOWN_WAIT_ERROR    /* poll failed; errno says why */
};

/* shutdown_wait_readable: block until fd is readable, shutdown is requested
 * or timeout_ms passes (-1: no limit), whichever is first. A signal (such as
 * SIGCHLD) ends the wait early with SHUTDOWN_WAIT_TIMEOUT, so the caller can
 * do its housekeeping. This is how blocking servers stay stoppable. */
enum shutdown_wait shutdown_wait_readable(int fd, int timeout_ms);

#endif
