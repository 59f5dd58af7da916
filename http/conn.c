/*
 * conn.c - a worker's connections and their states.
 *
 * Each connection moves through a small state machine (darkhttpd's shape):
 *
 *   READING    waiting for a request, or for the rest of one
 *   SENDING    writing the response: head, then body (memory or sendfile)
 *   LINGERING  after a response that closes while the client may still
 *              be sending (an error mid-request, pipelined bytes): our side
 *              is shut, and what the client sends is read and dropped until
 *              it closes too, so a reset cannot destroy the response
 *
 * An idle connection is one small struct (plus the parser's state); the
 * large request buffer (struct http_work) exists only while a request is
 * in flight. Pipelined bytes read past a request wait in `leftover`.
 */
#include "http_conn.h"
#include "http_events.h"

#include "io.h"
#include "lecture.h"
#include "trace.h"
#include "i18n.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <unistd.h>

static void conn_on_io(struct loop *loop, int fd, void *ctx, unsigned mask);
static void conn_on_timeout(struct loop *loop, void *ctx);

/* Watch fd for mask, calling epoll_ctl only when the mask changes: on a
 * busy keep-alive connection that saves a system call per request. */
static int conn_watch(struct http_conn *c, unsigned mask)
{
    if (c->mask == mask)
        return 0;
    c->mask = mask;
    return loop_watch(c->w->loop, c->fd, mask, conn_on_io, c);
}

static void conn_set_timer(struct http_conn *c, int ms)
{
    if (c->timer != NULL)
        loop_reset_timer(c->w->loop, c->timer, ms);
    else
        c->timer = loop_add_timer(c->w->loop, ms, conn_on_timeout, c);
}

static void work_release(struct http_worker *w, struct http_work *work)
{
    if (work == NULL)
        return;
    http_response_clear(&work->resp);
    http_request_clear(&work->req);
    if (w->spare == NULL)
        w->spare = work;
    else
        free(work);
}

void http_conn_close(struct http_conn *c)
{
    struct http_worker *w = c->w;
    loop_forget(w->loop, c->fd); /* the close() below leaves epoll too */
    loop_cancel_timer(w->loop, c->timer);
    if (c->prev)
        c->prev->next = c->next;
    else
        w->conns = c->next;
    if (c->next)
        c->next->prev = c->prev;
    close(c->fd);
    TRACE_CALL("close", 0, NULL, 0, "close(fd %d) -> 0", c->fd);
    trace_conn_leave();
    counters_add(w->srv->stats, conns_open, -1);
    if (c->events_slot) {
        atomic_fetch_sub(&w->srv->events_streams, 1);
        trace_ring_follow(false);
    }
    http_events_end(c);
    work_release(w, c->work);
    free(c->leftover);
    free(c->trace);
    free(c);
}

/* After a response that closes: shut our side, drain theirs. */
static void conn_linger(struct http_conn *c)
{
    shutdown(c->fd, SHUT_WR);
    TRACE_CALL("shutdown", 0, NULL, 0, N_("shutdown(fd %d, SHUT_WR) -> 0 (response sent; closing)"),
               c->fd);
    c->state = CONN_LINGERING;
    work_release(c->w, c->work);
    c->work = NULL;
    free(c->leftover);
    c->leftover = NULL;
    conn_set_timer(c, HTTP_LINGER_MS);
    if (conn_watch(c, LOOP_READABLE) == -1)
        http_conn_close(c);
}

/* A file body smaller than --sendfile-min leaves in the head's own write,
 * from the file cache's copy or read into the worker's scratch buffer
 * here. For a small body that is cheaper than a send of the head and a
 * sendfile() of the body: one system call instead of two (or three), and
 * no page-cache splicing for a few hundred bytes (lighttpd makes the same
 * trade below 16 KiB). Once a response sends from the cache's copy, all of
 * its body comes from that copy, so one response never mixes two versions
 * of a file edited in place. Returns the bytes, or NULL to use sendfile(). */
static const char *conn_small_body(struct http_conn *c, struct http_response *resp, size_t *len)
{
    uint64_t left = resp->file_end - resp->file_off;
    *len = (size_t)left;
    if (resp->copy != NULL)
        return resp->copy + resp->file_off;
    if (resp->head_off != 0 || left >= c->w->srv->config.sendfile_min)
        return NULL;
    if (resp->cached != NULL && resp->cached->data != NULL) {
        resp->copy = resp->cached->data; /* valid while the response holds the entry */
        return resp->copy + resp->file_off;
    }
    ssize_t n = pread(resp->fd, c->w->small_body, (size_t)left, (off_t)resp->file_off);
    return n == (ssize_t)left ? c->w->small_body : NULL; /* short: let sendfile() decide */
}

/* What a sendmsg trace line says after its sizes. The lesson hears only
 * that the file follows; --trace=detail hears why the body was copied and
 * what MSG_MORE holds the bytes for. */
static const char *conn_send_note(bool copied, bool file_follows, bool more)
{
    if (!trace_detail_on())
        return file_follows ? _(", the file follows") : "";
    if (file_follows)
        return _(", MSG_MORE: sendfile() sends the body");
    if (copied)
        return more ? _(" (a small file, copied), MSG_MORE: close() sends the FIN with it")
                    : _(" (a small file, copied)");
    return more ? _(", MSG_MORE: close() sends the FIN with it") : "";
}

/* One send of what is in memory: the head, and the memory body or a small
 * file body (conn_small_body()). When a larger file follows,
 * MSG_MORE holds the head back so it shares a packet with the first body
 * bytes. When the connection closes after this response, MSG_MORE holds
 * the last bytes for the FIN that close() sends: one packet, not two. */
static ssize_t conn_send_head(struct http_conn *c, struct http_response *resp)
{
    size_t head_left = resp->head_len - resp->head_off;
    size_t mem_left = resp->send_body ? resp->mem_len - resp->mem_off : 0;
    bool file_left = resp->send_body && resp->file_off < resp->file_end;
    size_t small_len = 0;
    const char *small = file_left ? conn_small_body(c, resp, &small_len) : NULL;
    struct iovec iov[2] = {
        {resp->head + resp->head_off, head_left},
        {small ? (char *)small : resp->mem + resp->mem_off, small ? small_len : mem_left}};
    struct msghdr msg = {.msg_iov = head_left ? iov : iov + 1, .msg_iovlen = head_left ? 2 : 1};
    int flags = MSG_NOSIGNAL;
    /* not for a stream's head: the connection stays open, and the head
     * would wait in the kernel for the first events, up to 200 ms */
    if ((file_left && !small) || (resp->close && !resp->stream))
        flags |= MSG_MORE;
    ssize_t n;

    do {
        n = sendmsg(c->fd, &msg, flags);
    } while (n == -1 && errno == EINTR);
    TRACE_DATA("sendmsg", n, msg.msg_iov[0].iov_base,
               n > 0 && (size_t)n < msg.msg_iov[0].iov_len ? (size_t)n : msg.msg_iov[0].iov_len,
               N_("sendmsg(fd %d, head %zu + body %zu bytes%s) -> %zd"), c->fd, head_left,
               file_left && !small ? 0 : iov[1].iov_len,
               conn_send_note(small != NULL, file_left && !small, flags & MSG_MORE), n);
    if (n > 0) {
        size_t k = (size_t)n < head_left ? (size_t)n : head_left;
        resp->head_off += k;
        if (small)
            resp->file_off += (size_t)n - k; /* any rest: from the copy, or by sendfile() */
        else
            resp->mem_off += (size_t)n - k;
    }
    return n;
}

/* The socket is full after some bytes went out: the client is slow, not
 * gone, so its idle timeout starts again from now. */
static int conn_wait_drain(struct http_conn *c, bool progressed)
{
    if (progressed)
        conn_set_timer(c, c->w->srv->config.idle_timeout_ms);
    return 0;
}

/* Send what the socket takes. Returns 1 when all is out, 0 to wait for
 * the socket to drain, -1 when the connection failed. */
static int conn_send(struct http_conn *c)
{
    struct http_response *resp = &c->work->resp;
    struct counters *stats = c->w->srv->stats;
    bool progressed = false;

    while (resp->head_off < resp->head_len ||
           (resp->send_body && (resp->mem_off < resp->mem_len ||
                                (resp->copy != NULL && resp->file_off < resp->file_end)))) {
        ssize_t n = conn_send_head(c, resp);
        if (n == -1)
            return errno == EAGAIN ? conn_wait_drain(c, progressed) : -1;
        counters_add(stats, bytes_out, n);
        progressed = true;
    }
    /* A large body goes out in slices, one per turn of the loop, the
     * others' turns in between: sent whole, one client that reads as fast
     * as we send would hold the worker for all of its file while the rest
     * wait. The socket stays writable, so the next turn comes back here. */
    bool sliced = resp->body_len > HTTP_SLICE_ABOVE;
    uint64_t this_turn = 0;
    while (resp->send_body && resp->file_off < resp->file_end) {
        off_t off = (off_t)resp->file_off;
        uint64_t left = resp->file_end - resp->file_off;
        uint64_t want = left < HTTP_SENDFILE_CHUNK ? left : HTTP_SENDFILE_CHUNK;
        if (sliced) {
            if (this_turn >= HTTP_SLICE)
                return conn_wait_drain(c, progressed);
            want = want < HTTP_SLICE - this_turn ? want : HTTP_SLICE - this_turn;
        }
        ssize_t n = sendfile(c->fd, resp->fd, &off, (size_t)want);
        if (n == -1 && errno == EINTR)
            continue;
        if (n == -1 && errno == EAGAIN)
            return conn_wait_drain(c, progressed);
        if (n <= 0)
            return -1; /* an error, or the file shrank under us */
        TRACE_DETAIL_CALL("sendfile", n, NULL, 0, N_("sendfile(fd %d, file fd %d, %zd bytes)"),
                          c->fd, resp->fd, n);
        resp->file_off += (uint64_t)n;
        this_turn += (uint64_t)n;
        counters_add(stats, bytes_out, n);
        progressed = true;
    }
    return 1;
}

/* The response is out: close, or get ready for the next request. */
static void conn_end_request(struct http_conn *c)
{
    work_release(c->w, c->work);
    c->work = NULL;
    c->state = CONN_READING;
    conn_set_timer(c, c->w->srv->config.idle_timeout_ms);
}

static void conn_show_request(const struct http_request *req, const char *peer)
{
    size_t len = 0;
    char *text = http_request_head_text(req, &len);
    if (text != NULL)
        fprintf(stderr, _("[http server] request from %s:\n%.*s\n"), peer, (int)len, text);
    free(text);
}

/* Close the files the worker's cache no longer trusts, every
 * HTTP_FILECACHE_SWEEP_MS while it holds any: an idle server holds none. */
static void worker_on_cache_sweep(struct loop *loop, void *ctx)
{
    struct http_worker *w = ctx;
    w->cache_sweep = NULL;
    if (http_filecache_sweep(&w->cache, loop_time_ms(loop)) > 0)
        w->cache_sweep = loop_add_timer(loop, HTTP_FILECACHE_SWEEP_MS, worker_on_cache_sweep, w);
}

/* The lecture line for a connection's first request and its status.
 * The ones after it on a kept-alive connection say nothing: one line a
 * connection, as the other servers print, shows keep-alive at work. */
static void conn_tell(struct http_conn *c, const struct http_request *req, bool parsed, int status)
{
    char peer[NET_ADDRSTR_LEN];
    bool first = !c->heard;
    c->heard = true;
    if (!first || !lecture_admit())
        return;
    net_format_addr(&c->peer.sa, c->peer_len, peer, sizeof peer);
    if (parsed)
        lecture_print("HTTP", _("connection from %s: %s %.60s%s -> %d"), peer, req->method,
                      req->target, strlen(req->target) > 60 ? "..." : "", status);
    else
        lecture_print("HTTP", _("connection from %s: a request it could not parse -> %d"), peer,
                      status);
}

/* A request is parsed (or failed to parse): decide the response. */
static void conn_respond(struct http_conn *c, enum http_parse_result r)
{
    struct http_server *srv = c->w->srv;
    struct http_request *req = &c->work->req;
    struct http_response *resp = &c->work->resp;
    char peer[NET_ADDRSTR_LEN] = "-", line[HTTP_METHOD_MAX + 64];
    bool parsed = r == HTTP_PARSE_DONE || r == HTTP_PARSE_HEAD;

    if (srv->log || srv->config.show_requests || (parsed && strncmp(req->target, "/echo", 5) == 0))
        net_format_addr(&c->peer.sa, c->peer_len, peer, sizeof peer);
    http_response_init(resp);
    resp->http10 = srv->config.http10;
    resp->csp = srv->config.csp;
    if (parsed) {
        struct http_site site = {.root = srv->root,
                                 .root_fd = srv->root_fd,
                                 .peer = peer,
                                 .cache = &c->w->cache,
                                 .now_ms = loop_time_ms(c->w->loop),
                                 .home = srv->config.home,
                                 .about_json = srv->config.about_json,
                                 .compare_page = srv->config.compare_page,
                                 .compare_job = srv->config.compare_job,
                                 .events = srv->config.events ? &srv->events_streams : NULL,
                                 .events_max = srv->config.events_max};
        counters_add(srv->stats, requests, 1);
        if (srv->config.show_requests)
            conn_show_request(req, peer);
        http_handle(&site, req, resp);
        /* The reader follows the ring from now, before its head leaves:
         * a request it makes once it has the head is already traced. */
        c->events_slot = resp->stream;
        if (c->events_slot)
            trace_ring_follow(true);
        if (resp->cached != NULL && c->w->cache_sweep == NULL)
            c->w->cache_sweep =
                loop_add_timer(c->w->loop, HTTP_FILECACHE_SWEEP_MS, worker_on_cache_sweep, c->w);
    } else {
        counters_add(srv->stats, errors, 1);
        http_response_error(resp, NULL, c->parser.status, NULL);
    }
    if (srv->log) {
        /* the target is cut short in the log line, never in the request */
        snprintf(line, sizeof line, "%s %.40s%s %s", parsed ? req->method : "-",
                 parsed ? req->target : "-", parsed && strlen(req->target) > 40 ? "..." : "",
                 parsed ? http_version_name(req->version) : "-");
        http_access_log(srv, peer, line, resp->status, resp->send_body ? resp->body_len : 0);
    }
    conn_tell(c, req, parsed, resp->status);
    /* Nagle's algorithm would hold the last small packet of a response
     * until the client ACKs the one before: only a connection that stays
     * open needs it off. A closing one is flushed by close() (nginx, too,
     * sets TCP_NODELAY only on keep-alive connections). */
    if (!resp->close && !c->nodelay && c->peer.sa.sa_family != AF_UNIX) {
        net_set_nodelay(c->fd, NULL);
        c->nodelay = true;
    }
    c->state = CONN_SENDING;
    conn_set_timer(c, srv->config.idle_timeout_ms);
}

/* The head is in and says "Expect: 100-continue": the client waits for
 * this line before it sends the body (RFC 9110 §10.1.1). One small write
 * on a socket that has just been read from: it fits. */
static void conn_send_continue(struct http_conn *c)
{
    static const char line[] = "HTTP/1.1 100 Continue\r\n\r\n";
    c->work->req.expect_100 = false;
    ssize_t n = io_write_some(c->fd, line, sizeof line - 1);
    TRACE_DATA("send", n, line, sizeof line - 1, N_("send(fd %d, %zu bytes) -> %zd (100 Continue)"),
               c->fd, sizeof line - 1, n);
    if (n > 0)
        counters_add(c->w->srv->stats, bytes_out, n);
}

/* The head is in and announces a body. A request that can only fail is
 * answered now, from its head: its body is never read (the connection
 * then closes, lingering to drop it), and 100 Continue never invites it
 * (RFC 9110 §10.1.1). Otherwise the body is read, and a client that sent
 * "Expect: 100-continue" is told to send it. Returns false when answered. */
static bool conn_wants_body(struct http_conn *c)
{
    struct http_request *req = &c->work->req;
    if (!http_handle_reads_body(req)) {
        TRACE_DETAIL(N_("fd %d: answered from the head; its body is not read"), c->fd);
        req->keep_alive = false;
        conn_respond(c, HTTP_PARSE_HEAD);
        return false;
    }
    if (req->expect_100)
        conn_send_continue(c);
    return true;
}

/* Feed bytes to the parser, starting a request if none is in flight.
 * Returns what the parser said; *used is how many bytes it took. */
static enum http_parse_result conn_parse(struct http_conn *c, const char *data, size_t n,
                                         size_t *used)
{
    if (c->work == NULL) {
        struct http_worker *w = c->w;
        size_t head_max = w->srv->config.head_max;
        c->work = w->spare;
        w->spare = NULL;
        if (c->work == NULL) {
            c->work = malloc(sizeof *c->work + head_max);
            if (c->work != NULL)
                *c->work = (struct http_work){0}; /* the store behind it is written before read */
        }
        if (c->work != NULL && c->work->req.store == NULL)
            http_request_use_store(&c->work->req, (char *)(c->work + 1), head_max);
        if (c->work == NULL) {
            *used = n;
            return HTTP_PARSE_ERROR; /* out of memory: the caller closes */
        }
        http_parser_begin(&c->parser, &c->work->req);
        /* The head must arrive within the head timeout from its first byte. */
        conn_set_timer(c, w->srv->config.head_timeout_ms);
    }
    enum http_parse_result r = http_parser_feed(&c->parser, data, n, used);
    if (r == HTTP_PARSE_HEAD) {
        if (!conn_wants_body(c))
            return r;
        size_t body_used;
        r = http_parser_feed(&c->parser, data + *used, n - *used, &body_used);
        *used += body_used;
    }
    if (r != HTTP_PARSE_MORE)
        conn_respond(c, r);
    return r;
}

/* Parse bytes that arrived with an earlier request (pipelining). */
static void conn_parse_leftover(struct http_conn *c)
{
    size_t used;
    enum http_parse_result r =
        conn_parse(c, c->leftover + c->leftover_off, c->leftover_len - c->leftover_off, &used);
    c->leftover_off += (uint32_t)used;
    if (r != HTTP_PARSE_DONE || c->leftover_off == c->leftover_len) {
        free(c->leftover);
        c->leftover = NULL;
    }
}

/* The head of GET /events is out: from now on the worker's tick sends
 * the connection events (events.c), and what the client sends is only
 * read to see it hang up. */
static void conn_stream(struct http_conn *c)
{
    int rc = http_events_begin(c, &c->work->req);
    work_release(c->w, c->work);
    c->work = NULL;
    free(c->leftover);
    c->leftover = NULL;
    loop_cancel_timer(c->w->loop, c->timer);
    c->timer = NULL;
    c->state = CONN_STREAMING;
    /* each tick's few events go out at once, not after the last ACK */
    if (c->peer.sa.sa_family != AF_UNIX)
        net_set_nodelay(c->fd, NULL);
    if (rc == -1 || conn_watch(c, LOOP_READABLE) == -1)
        http_conn_close(c);
}

/* Run the state machine as far as it goes without waiting. */
static void conn_advance(struct http_conn *c)
{
    for (;;) {
        if (c->state == CONN_SENDING) {
            if (c->work == NULL) {
                http_conn_close(c);
                return;
            }
            int r = conn_send(c);
            if (r == 0) {
                if (conn_watch(c, LOOP_WRITABLE) == -1)
                    http_conn_close(c);
                return;
            }
            if (r == -1) {
                counters_add(c->w->srv->stats, errors, 1);
                http_conn_close(c);
                return;
            }
            if (c->work->resp.stream) {
                conn_stream(c);
                return;
            }
            if (c->work->resp.close) {
                /* A whole request and nothing read past it: closing now
                 * cannot reset anything in flight (nginx closes so too).
                 * Otherwise the client may still be sending: linger. */
                if (c->leftover == NULL && c->parser.state == HTTP_STATE_DONE) {
                    http_conn_close(c);
                    return;
                }
                conn_linger(c);
                return;
            }
            conn_end_request(c);
        }
        if (c->state != CONN_READING || c->leftover == NULL)
            break;
        conn_parse_leftover(c);
    }
    if (c->state == CONN_READING && conn_watch(c, LOOP_READABLE) == -1)
        http_conn_close(c);
}

static void conn_on_readable(struct http_conn *c)
{
    struct http_worker *w = c->w;
    ssize_t n = io_read_some(c->fd, w->buf, HTTP_READ_BUFSIZE);
    if (n == -1 && errno == EAGAIN)
        return;
    if (n <= 0) {
        if (n == -1)
            counters_add(w->srv->stats, errors, 1);
        TRACE_CALL("recv", n, NULL, 0, "recv(fd %d) -> %zd (%s)", c->fd, n,
                   n == 0 ? _("the client closed") : strerror(errno));
        http_conn_close(c);
        return;
    }
    TRACE_DATA("recv", n, w->buf, (size_t)n, N_("recv(fd %d) -> %zd bytes"), c->fd, n);
    counters_add(w->srv->stats, bytes_in, n);
    if (c->state == CONN_LINGERING || c->state == CONN_STREAMING)
        return; /* dropped: the response is out (or is a stream) */
    size_t used;
    enum http_parse_result r = conn_parse(c, w->buf, (size_t)n, &used);
    if (r == HTTP_PARSE_DONE && used < (size_t)n) {
        c->leftover = malloc((size_t)n - used);
        if (c->leftover == NULL) {
            http_conn_close(c);
            return;
        }
        memcpy(c->leftover, w->buf + used, (size_t)n - used);
        c->leftover_len = (uint32_t)((size_t)n - used);
        c->leftover_off = 0;
    }
    if (r != HTTP_PARSE_MORE && c->work == NULL) {
        http_conn_close(c); /* could not get memory for the request */
        return;
    }
    conn_advance(c);
}

static void conn_on_io(struct loop *loop, int fd, void *ctx, unsigned mask)
{
    struct http_conn *c = ctx;
    (void)loop;
    (void)fd;
    trace_conn_enter(c->trace);
    /* While sending we watch only for writability; an error or hang-up
     * reported then is found by the next send, never by parsing more. */
    if (c->state == CONN_SENDING)
        conn_advance(c);
    else if (mask & LOOP_READABLE)
        conn_on_readable(c);
}

/* A timer ran out: 408 for a request head begun but not finished;
 * otherwise (idle, stalled send, lingering) just close. */
static void conn_on_timeout(struct loop *loop, void *ctx)
{
    struct http_conn *c = ctx;
    (void)loop;
    trace_conn_enter(c->trace);
    c->timer = NULL;
    if (c->state != CONN_READING || c->work == NULL) {
        TRACE_DETAIL(N_("fd %d: timed out; closing"), c->fd);
        http_conn_close(c);
        return;
    }
    TRACE_DETAIL(N_("fd %d: request head too slow; 408"), c->fd);
    c->parser.status = HTTP_REQUEST_TIMEOUT;
    conn_respond(c, HTTP_PARSE_ERROR);
    conn_advance(c);
}

int http_conn_open(struct http_worker *w, int fd, const struct sockaddr *peer, socklen_t len)
{
    struct http_conn *c = calloc(1, sizeof *c);
    if (c == NULL) {
        close(fd);
        return -1;
    }
    c->fd = fd;
    c->w = w;
    c->state = CONN_READING;
    /* Only a traced connection pays for its name: 144 bytes beside ~360. */
    if (trace_on()) {
        c->trace = malloc(sizeof *c->trace);
        if (c->trace != NULL)
            trace_conn_begin(c->trace, fd, 0);
    }
    c->peer_len = len < sizeof c->peer ? len : (socklen_t)sizeof c->peer;
    memcpy(&c->peer, peer, c->peer_len);
    http_parser_init(&c->parser, w->srv->config.head_max);
    c->next = w->conns;
    if (w->conns)
        w->conns->prev = c;
    w->conns = c;
    counters_add(w->srv->stats, conns_open, 1);
    counters_add(w->srv->stats, conns_total, 1);
    conn_set_timer(c, w->srv->config.head_timeout_ms);
    if (c->timer == NULL || conn_watch(c, LOOP_READABLE) == -1) {
        http_conn_close(c);
        return -1;
    }
    return 0;
}
