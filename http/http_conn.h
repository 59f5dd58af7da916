/*
 * http_conn.h - a worker and its connections (worker.c, conn.c).
 */
#ifndef NETDEMO_HTTP_CONN_H
#define NETDEMO_HTTP_CONN_H

#include "http_handler.h"
#include "loop.h"
#include "http_request.h"
#include "http_response.h"
#include "http_server.h"

#include <netinet/in.h>
#include <stdint.h>
#include <sys/socket.h>

/* What one request in flight needs; large, so only busy connections
 * hold one. */
struct http_work {
    struct http_request req;
    struct http_response resp;
};

enum conn_state {
    CONN_READING,   /* waiting for a request, or for the rest of one */
    CONN_SENDING,   /* writing the response */
    CONN_LINGERING, /* response sent, our side shut, draining theirs */
    CONN_STREAMING, /* GET /events: sent new trace events each tick (events.c) */
};

struct http_worker;

struct http_conn {
    int fd;
    struct trace_conn *trace; /* its name in trace events; only while tracing */
    enum conn_state state;
    unsigned mask; /* what the loop watches for: LOOP_READABLE/WRITABLE */
    struct http_worker *w;
    struct loop_timer *timer; /* head, idle or linger timeout */
    /* the request */
    struct http_parser parser;
    struct http_work *work; /* NULL while idle */
    char *leftover;         /* pipelined bytes read but not yet parsed */
    uint32_t leftover_len, leftover_off;
    /* the peer, for /echo and the access log */
    union {
        struct sockaddr sa;
        struct sockaddr_in in;
        struct sockaddr_in6 in6;
    } peer;
    socklen_t peer_len;
    bool nodelay;               /* TCP_NODELAY is set (once the connection is kept open) */
    bool heard;                 /* a request has come: its lecture line is said */
    bool events_slot;           /* holds one of the server's /events places */
    struct http_events *events; /* the stream, once CONN_STREAMING */
    struct http_conn *prev, *next;
};

struct http_worker {
    struct http_server *srv;
    struct loop *loop;
    int listen_fd;
    char *buf;                      /* HTTP_READ_BUFSIZE, shared by every connection */
    char *small_body;               /* config.sendfile_min bytes: a small file body */
    struct http_conn *conns;        /* every open connection */
    struct http_work *spare;        /* one freed http_work, kept for the next request */
    struct loop_timer *accept_wait; /* set while accepting is paused (out of fds) */
    struct http_filecache cache;    /* files this worker keeps open */
    struct loop_timer *cache_sweep; /* set while the cache holds files */
    struct loop_timer *events_tick; /* set while a connection streams /events */
};

/* http_conn_open: take over an accepted, non-blocking connection. Returns
 * 0, or -1 (the fd is closed). */
int http_conn_open(struct http_worker *w, int fd, const struct sockaddr *peer, socklen_t len);

/* http_conn_close: close and free one connection. */
void http_conn_close(struct http_conn *c);

#endif
