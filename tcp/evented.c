/*
 * evented.c - one thread, one epoll loop, many callers.
 *
 * Nothing here blocks. The loop says which sockets are ready; a ready caller
 * gets one recv() and its answer is sent at once. If the caller is not
 * reading fast enough for the answer to fit in its socket buffer, the rest
 * waits in a per-call buffer and the server stops reading from that caller
 * until it has caught up (back-pressure), so memory stays bounded.
 *
 * Memory per idle caller is one small struct: every caller shares the one
 * receive buffer, and a pending buffer exists only while a reply is stuck.
 */
#include "tcp_server.h"
#include "io.h"
#include "loop.h"
#include "trace.h"
#include "i18n.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct evented_server;

/* One caller. State: READING (waiting for bytes) or FLUSHING (a reply is
 * only partly sent; reading is paused until it is all out). */
struct evented_call {
    int fd;
    struct trace_conn trace; /* its id and addresses in trace events */
    bool heard;              /* has it said anything yet (its lecture line) */
    struct evented_server *server;
    /* the unsent part of a reply, while FLUSHING */
    char *pending;
    size_t pending_len, pending_off;
    struct evented_call *prev, *next;
};

struct evented_server {
    struct tcp_server *srv;
    struct loop *loop;
    char *buf;                  /* TCP_EPOLL_BUFSIZE, shared */
    struct evented_call *calls; /* every open call, to close at shutdown */
};

static void evented_on_readable(struct loop *loop, int fd, void *ctx, unsigned mask);
static void evented_on_writable(struct loop *loop, int fd, void *ctx, unsigned mask);

static void evented_hang_up(struct evented_call *call)
{
    struct evented_server *es = call->server;
    loop_unwatch(es->loop, call->fd);
    if (call->prev)
        call->prev->next = call->next;
    else
        es->calls = call->next;
    if (call->next)
        call->next->prev = call->prev;
    trace_conn_enter(&call->trace); /* at shutdown, no callback entered it */
    tcp_hang_up(es->srv, call->fd);
    trace_conn_leave();
    free(call->pending);
    free(call);
}

/* Send what we can of the reply in data; keep the rest and wait for
 * the socket to drain. Returns 0, or -1 if the call failed. */
static int evented_send(struct evented_call *call, const char *data, size_t len)
{
    struct evented_server *es = call->server;
    ssize_t w = io_write_some(call->fd, data, len);
    if (w == -1 && errno != EAGAIN) {
        TRACE_CALL("send", -1, NULL, 0, N_("send(fd %d, %zu bytes) -> -1 (%s)"), call->fd, len,
                   strerror(errno));
        counters_add(es->srv->stats, errors, 1);
        return -1;
    }
    size_t sent = w > 0 ? (size_t)w : 0;
    TRACE_DATA("send", sent, data, sent, N_("send(fd %d, %zu bytes) -> %zu"), call->fd, len, sent);
    counters_add(es->srv->stats, bytes_out, (long long)sent);
    if (sent == len)
        return 0;
    call->pending = malloc(len - sent);
    if (call->pending == NULL)
        return -1;
    memcpy(call->pending, data + sent, len - sent);
    call->pending_len = len - sent;
    call->pending_off = 0;
    /* Back-pressure: stop reading this caller until the reply is out. */
    return loop_watch(es->loop, call->fd, LOOP_WRITABLE, evented_on_writable, call);
}

static void evented_on_readable(struct loop *loop, int fd, void *ctx, unsigned mask)
{
    struct evented_call *call = ctx;
    struct evented_server *es = call->server;
    (void)loop;
    (void)mask;

    trace_conn_enter(&call->trace);
    ssize_t n = io_read_some(fd, es->buf, TCP_EPOLL_BUFSIZE);
    if (n == -1 && errno == EAGAIN)
        return;
    if (n <= 0) {
        if (n == -1) {
            TRACE_CALL("recv", -1, NULL, 0, "recv(fd %d) -> -1 (%s)", fd, strerror(errno));
            counters_add(es->srv->stats, errors, 1);
        } else {
            TRACE_CALL("recv", 0, NULL, 0, N_("recv(fd %d) -> 0 (the caller hung up)"), fd);
            tcp_tell_silent(fd, call->heard);
        }
        evented_hang_up(call);
        return;
    }
    TRACE_DATA("recv", n, es->buf, (size_t)n, N_("recv(fd %d) -> %zd bytes"), fd, n);
    counters_add(es->srv->stats, bytes_in, n);
    size_t reply = tcp_answer_call(es->srv, fd, es->buf, (size_t)n, &call->heard);
    if (reply > 0 && evented_send(call, es->buf, reply) == -1)
        evented_hang_up(call);
}

static void evented_on_writable(struct loop *loop, int fd, void *ctx, unsigned mask)
{
    struct evented_call *call = ctx;
    struct evented_server *es = call->server;
    (void)mask;

    trace_conn_enter(&call->trace);
    ssize_t w =
        io_write_some(fd, call->pending + call->pending_off, call->pending_len - call->pending_off);
    if (w == -1 && errno == EAGAIN)
        return;
    if (w == -1) {
        TRACE_CALL("send", -1, NULL, 0, "send(fd %d) -> -1 (%s)", fd, strerror(errno));
        counters_add(es->srv->stats, errors, 1);
        evented_hang_up(call);
        return;
    }
    TRACE_DATA("send", w, call->pending + call->pending_off, (size_t)w,
               N_("send(fd %d, %zu bytes) -> %zd"), fd, call->pending_len - call->pending_off, w);
    counters_add(es->srv->stats, bytes_out, w);
    call->pending_off += (size_t)w;
    if (call->pending_off < call->pending_len)
        return;
    free(call->pending);
    call->pending = NULL;
    /* All out: listen to the caller again. */
    if (loop_watch(loop, fd, LOOP_READABLE, evented_on_readable, call) == -1)
        evented_hang_up(call);
}

static void evented_on_accept(struct loop *loop, int fd, void *ctx, unsigned mask);

static void evented_resume_accept(struct loop *loop, void *ctx)
{
    struct evented_server *es = ctx;
    if (loop_watch(loop, es->srv->listen_fd, LOOP_READABLE, evented_on_accept, es) == -1)
        loop_stop(loop);
}

/* Out of fds: the listener stays readable, and a level-triggered loop would
 * spin on it. Stop watching it for a moment; connections queue meanwhile. */
static void evented_pause_accept(struct evented_server *es)
{
    loop_unwatch(es->loop, es->srv->listen_fd);
    if (loop_add_timer(es->loop, TCP_ACCEPT_PAUSE_MS, evented_resume_accept, es) == NULL)
        loop_stop(es->loop);
}

static void evented_on_accept(struct loop *loop, int fd, void *ctx, unsigned mask)
{
    struct evented_server *es = ctx;
    (void)mask;

    trace_conn_leave(); /* no caller's: a new one's */
    /* Accept everyone waiting: one readiness event may stand for many. */
    for (;;) {
        int conn = net_accept(fd, true, NULL, NULL);
        if (conn == -1) {
            if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ECONNABORTED)
                return;
            counters_add(es->srv->stats, errors, 1);
            if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM)
                evented_pause_accept(es);
            return;
        }
        counters_add(es->srv->stats, conns_total, 1);
        counters_add(es->srv->stats, conns_open, 1);
        struct evented_call *call = calloc(1, sizeof *call);
        if (call == NULL) {
            tcp_hang_up(es->srv, conn);
            continue;
        }
        *call = (struct evented_call){.fd = conn, .server = es, .next = es->calls};
        trace_conn_begin(&call->trace, conn, 0);
        if (es->calls)
            es->calls->prev = call;
        es->calls = call;
        if (loop_watch(loop, conn, LOOP_READABLE, evented_on_readable, call) == -1)
            evented_hang_up(call);
    }
}

static void evented_on_shutdown(struct loop *loop, int fd, void *ctx, unsigned mask)
{
    (void)fd;
    (void)ctx;
    (void)mask;
    loop_stop(loop);
}

int tcp_serve_epoll(struct tcp_server *srv, char *err)
{
    struct evented_server es = {.srv = srv};
    int rc = -1;

    es.loop = loop_create(TCP_EPOLL_FDS, err);
    es.buf = malloc(TCP_EPOLL_BUFSIZE);
    if (es.loop == NULL || es.buf == NULL) {
        if (es.loop != NULL)
            snprintf(err, NET_ERR_LEN, "%s", _("epoll: out of memory"));
        goto out;
    }
    if (loop_watch(es.loop, srv->listen_fd, LOOP_READABLE, evented_on_accept, &es) == -1 ||
        loop_watch(es.loop, stop_fd(srv->stop), LOOP_READABLE, evented_on_shutdown, NULL) == -1) {
        snprintf(err, NET_ERR_LEN, "epoll_ctl: %s", strerror(errno));
        goto out;
    }
    TRACE_CALL("epoll_wait", 0, NULL, 0,
               N_("epoll_wait() ... one thread now waits for every socket at once"));
    if (loop_run(es.loop) == -1) {
        snprintf(err, NET_ERR_LEN, "epoll_wait: %s", strerror(errno));
        goto out;
    }
    rc = 0;
out:
    while (es.calls != NULL)
        evented_hang_up(es.calls);
    loop_destroy(es.loop);
    free(es.buf);
    return rc;
}
