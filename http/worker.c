/*
 * worker.c - a worker's loop: accept connections, hand them to conn.c,
 * stop on shutdown.
 */
#include "http_conn.h"
#include "i18n.h"

#include "io.h"
#include "trace.h"

#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Sent as is when the connection limit is reached: refusing politely
 * costs one write, where accepting would cost memory we promised not to use. */
#define HTTP_BUSY_BODY "<h1>503 Service Unavailable</h1><p>Too busy.</p>\n"
static_assert(sizeof HTTP_BUSY_BODY - 1 == 49, "Content-Length below must match");
static const char http_busy_response[] = "HTTP/1.1 503 Service Unavailable\r\n"
                                         "Content-Type: text/html; charset=utf-8\r\n"
                                         "Content-Length: 49\r\n"
                                         "Retry-After: 1\r\n"
                                         "Connection: close\r\n"
                                         "\r\n" HTTP_BUSY_BODY;

static void worker_on_accept(struct loop *loop, int fd, void *ctx, unsigned mask);

static void worker_resume_accept(struct loop *loop, void *ctx)
{
    struct http_worker *w = ctx;
    w->accept_wait = NULL;
    loop_watch(loop, w->listen_fd, LOOP_READABLE, worker_on_accept, w);
}

/* Out of file descriptors: the listening socket would stay readable and
 * spin the loop, so stop watching it for a moment. */
static void worker_pause_accept(struct http_worker *w)
{
    if (w->accept_wait != NULL)
        return;
    loop_unwatch(w->loop, w->listen_fd);
    w->accept_wait = loop_add_timer(w->loop, HTTP_ACCEPT_PAUSE_MS, worker_resume_accept, w);
}

static void worker_refuse(struct http_worker *w, int conn)
{
    /* best effort: the socket buffer of a new connection has room */
    ssize_t n = io_write_some(conn, http_busy_response, sizeof http_busy_response - 1);
    TRACE_DETAIL(N_("fd %d: connection limit reached; 503 (%zd bytes)"), conn, n);
    counters_add(w->srv->stats, errors, 1);
    close(conn);
}

static void worker_on_accept(struct loop *loop, int fd, void *ctx, unsigned mask)
{
    struct http_worker *w = ctx;
    struct sockaddr_storage peer;
    (void)loop;
    (void)mask;

    trace_conn_leave(); /* no connection's: a new one's */
    /* Accept everyone waiting: one readiness event may stand for many
     * (at most 64 a round, so one busy port cannot starve the rest). */
    for (int i = 0; i < 64; i++) {
        /* the seed's conn, addr = server.accept(): a browser has called */
        int conn = net_accept(fd, true, &peer, NULL);
        if (conn == -1) {
            if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM)
                worker_pause_accept(w);
            else if (errno != EAGAIN && errno != ECONNABORTED)
                counters_add(w->srv->stats, errors, 1);
            return;
        }
        if (atomic_load(&w->srv->stats->conns_open) >= w->srv->config.max_conns) {
            worker_refuse(w, conn);
            continue;
        }
        http_conn_open(w, conn, (struct sockaddr *)&peer, sizeof peer);
    }
}

static void worker_on_shutdown(struct loop *loop, int fd, void *ctx, unsigned mask)
{
    (void)fd;
    (void)ctx;
    (void)mask;
    loop_stop(loop);
}

int http_worker_run(struct http_server *srv, int listen_fd, char *err)
{
    struct http_worker w = {.srv = srv, .listen_fd = listen_fd};
    int rc = -1;

    http_filecache_init(&w.cache, srv->config.sendfile_min);
    w.loop = loop_create(1024, err);
    w.buf = malloc(HTTP_READ_BUFSIZE);
    w.small_body = malloc(srv->config.sendfile_min + 1);
    if (w.loop == NULL || w.buf == NULL || w.small_body == NULL) {
        if (w.loop != NULL)
            snprintf(err, NET_ERR_LEN, _("http worker: out of memory"));
        goto out;
    }
    if (loop_watch(w.loop, listen_fd, LOOP_READABLE, worker_on_accept, &w) == -1 ||
        loop_watch(w.loop, stop_fd(srv->stop), LOOP_READABLE, worker_on_shutdown, NULL) == -1) {
        snprintf(err, NET_ERR_LEN, "epoll_ctl: %s", strerror(errno));
        goto out;
    }
    if (loop_run(w.loop) == -1) {
        snprintf(err, NET_ERR_LEN, "epoll_wait: %s", strerror(errno));
        goto out;
    }
    rc = 0;
out:
    while (w.conns != NULL)
        http_conn_close(w.conns);
    if (w.loop != NULL) {
        loop_cancel_timer(w.loop, w.accept_wait);
        loop_cancel_timer(w.loop, w.events_tick);
    }
    loop_destroy(w.loop);
    free(w.spare);
    free(w.buf);
    free(w.small_body);
    http_filecache_clear(&w.cache); /* after the connections: none still sends */
    return rc;
}
