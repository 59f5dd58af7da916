/*
 * http_server.h - http-demo's server: the S of the seed's B/S model.
 *
 * Each worker is one thread with one epoll loop and its own listening
 * socket on the same port (SO_REUSEPORT: the kernel spreads connections
 * across the workers). A connection belongs to one worker for its life.
 */
#ifndef NETDEMO_HTTP_SERVER_H
#define NETDEMO_HTTP_SERVER_H

#include "counters.h"
#include "http.h"
#include "net.h"
#include "serve.h"
#include "stop.h"
#include "trace.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>

/* Filled by option parsing in main(); nothing else configures the server. */
struct http_config {
    struct net_endpoint endpoint;
    const char *docroot;    /* as given; resolved by http_server_open */
    bool http10;            /* --http1.0: one request per connection */
    int workers;            /* event loops (threads), >= 1 */
    int head_timeout_ms;    /* --timeout: slow request head -> 408 */
    int idle_timeout_ms;    /* --idle-timeout: idle keep-alive connection */
    int max_conns;          /* --max-conns: more get 503 */
    const char *access_log; /* --access-log FILE, "-" for stdout, NULL for none */
    bool show_requests;     /* --show-requests: print each head on stderr */
    size_t sendfile_min;    /* --sendfile-min: smaller file bodies are copied */
    size_t head_max;        /* --max-head: a longer request line + headers gets 431 */
    bool defer_accept;      /* accept once the request arrives (--no-defer-accept) */
    enum trace_depth trace; /* --trace: narrate on stderr, at this depth */
    /* What netdemo adds to the server it runs; NULL/0 in http-demo. */
    const char *home;         /* a file served for "/" ("/hub/index.html") */
    const char *about_json;   /* the body of /netdemo.json */
    const char *compare_page; /* the file served for /compare (netdemo compare's report) */
    const struct http_compare_job *compare_job; /* the hub's button; NULL: 404 */
    struct ring *events;                        /* the trace ring GET /events streams; NULL: 404 */
    int events_max;                             /* streams at once; more get 503 */
    const char *csp;                            /* a Content-Security-Policy for every response */
};

struct http_worker;
struct http_compare_job;

struct http_server {
    struct http_config config;
    char root[HTTP_PATH_MAX];         /* docroot, resolved */
    int root_fd;                      /* docroot, open (O_PATH): files open beneath it */
    int listen_fds[HTTP_MAX_WORKERS]; /* one per worker; -1 when unused */
    int nlisten;
    struct counters *stats;
    FILE *log;                 /* the access log, or NULL */
    bool own_log;              /* we opened it (not stdout) */
    struct stop *stop;         /* the caller's: ends serve() when requested */
    struct tracer tracer;      /* where its trace events go */
    atomic_int events_streams; /* /events places taken */
};

/* http_config_defaults: the documented defaults (127.0.0.1:8080, one
 * worker per core, 10 s head and 15 s idle timeouts). The docroot is left
 * NULL: give one before http_server_open (by default, the bundled site). */
void http_config_defaults(struct http_config *config);

/* http_server_open: resolve the docroot, open the access log, create the
 * counters and every worker's listening socket. stop (open, owned by the
 * caller) is what ends http_server_serve(). Returns 0, or -1 with the
 * reason in err (nothing is left open). */
int http_server_open(struct http_server *srv, const struct http_config *config, struct stop *stop,
                     char *err);

/* http_server_serve: run the workers (the calling thread is one of them)
 * until the stop handle is requested, or a worker fails (which stops this
 * server alone); then close every connection and free
 * everything. Returns 0, or -1 with the reason in err. */
int http_server_serve(struct http_server *srv, char *err);

/* http_server_close: close the listening sockets and the log, free the
 * counters. */
void http_server_close(struct http_server *srv);

/* http_worker_run: one worker's loop on listen_fd (worker.c); returns
 * 0 or -1 with the reason in err. */
int http_worker_run(struct http_server *srv, int listen_fd, char *err);

/* http_access_log: one Common Log Format line. */
void http_access_log(struct http_server *srv, const char *peer, const char *request_line,
                     int status, unsigned long long bytes);

/* http_server_ops: `http-demo server` as server_main() runs it. */
extern const struct server_ops http_server_ops;

/* http_server_main: `http-demo server ...`; returns the exit code. */
int http_server_main(int argc, char *argv[]);

#endif
