/*
 * events.c - GET /events: the process's trace events as a Server-Sent
 * Events stream, for a page that draws socket calls as they happen.
 *
 * A stream is a connection that stays open after its response head: every
 * HTTP_EVENTS_TICK_MS the worker copies the new events from the ring (the
 * reader's own place in it) into the stream's buffer, as
 *
 *     id: 1234
 *     data: {"id":1234,"t":...,"server":"tcp","call":"recv",...}
 *
 * and sends what the socket takes. The servers that write the ring never
 * wait for a stream: a reader that falls a ring's length behind loses the
 * oldest events and is sent "event: missed" with how many (as it is of
 * the events the servers left out over the ring's budget, trace.h). A tick sends at
 * most one buffer, so a busy ring costs a stream a bounded amount of work,
 * and a reader that stops reading is dropped after HTTP_EVENTS_STALL_MS
 * instead of being buffered for.
 *
 * The stream's own sends make no trace events: each would be an event to
 * stream, which would be sent, which would be an event...
 */
#include "http_conn.h"
#include "http_events.h"

#include "ring.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

struct http_events {
    struct ring_reader rd;
    char server[8]; /* only this server's events ("" for all) */
    char *buf;      /* HTTP_EVENTS_BUF bytes: formatted, not yet sent */
    size_t len, off;
    int64_t last_sent_ms; /* the last time bytes left: for the keep-alive and the stall */
    uint64_t missed;      /* events lost to the ring, not yet reported */
    uint64_t skipped;     /* trace_ring_skipped() when last looked at */
};

int http_events_filter(const char *target, char server[8])
{
    const char *q = strchr(target, '?');
    server[0] = '\0';
    while (q != NULL) {
        q++;
        if (strncmp(q, "server=", 7) == 0) {
            size_t n = strcspn(q + 7, "&#");
            if (n == 0 || n >= 8)
                return -1;
            memcpy(server, q + 7, n);
            server[n] = '\0';
            return strcmp(server, "tcp") == 0 || strcmp(server, "udp") == 0 ||
                           strcmp(server, "http") == 0 || strcmp(server, "ftp") == 0
                       ? 0
                       : -1;
        }
        q = strchr(q, '&');
    }
    return 0;
}

void http_events_head(struct http_response *resp, const struct http_request *req)
{
    http_response_begin(resp, req, HTTP_OK);
    /* The stream ends when the connection does: no length, so it must close. */
    if (!resp->close) {
        resp->close = true;
        http_response_line(resp, "Connection: close", NULL);
    }
    http_response_line(resp, "Content-Type: text/event-stream; charset=utf-8", NULL);
    http_response_line(resp, "Cache-Control: no-store", NULL);
    http_response_line(resp, NULL);
    resp->stream = req == NULL || strcmp(req->method, "HEAD") != 0;
    resp->send_body = false;
}

/* Append text to the stream's buffer (the caller left room). */
static void events_put(struct http_events *e, const char *text, size_t n)
{
    memcpy(e->buf + e->len, text, n);
    e->len += n;
}

/* Tell the reader how many events it lost, before the next one. */
static void events_put_missed(struct http_events *e)
{
    char line[80];
    int n =
        snprintf(line, sizeof line, "event: missed\ndata: {\"missed\":%" PRIu64 "}\n\n", e->missed);
    events_put(e, line, (size_t)n);
    e->missed = 0;
}

/* Copy new events from the ring while a whole one still fits. */
static void events_fill(struct http_events *e)
{
    static _Thread_local struct trace_event ev; /* 1 KiB: not on the stack each tick */
    char json[TRACE_EVENT_JSON_MAX];
    char id[32];

    /* Events the servers left out of the ring, over its budget, are
     * missed too: the reader learns that the picture is not whole. */
    uint64_t skipped = trace_ring_skipped();
    e->missed += skipped - e->skipped;
    e->skipped = skipped;
    while (e->len + sizeof json + sizeof id + 128 <= HTTP_EVENTS_BUF) {
        if (ring_read(&e->rd, &ev, &e->missed) != 1)
            break;
        if (e->missed > 0)
            events_put_missed(e);
        if (e->server[0] != '\0' && strncmp(ev.server, e->server, sizeof ev.server) != 0)
            continue;
        uint64_t number = e->rd.next - 1;
        int n = trace_event_json(&ev, number, json, sizeof json);
        if (n < 0)
            continue;
        int k = snprintf(id, sizeof id, "id: %" PRIu64 "\ndata: ", number);
        events_put(e, id, (size_t)k);
        events_put(e, json, (size_t)n);
        events_put(e, "\n\n", 2);
    }
    if (e->missed > 0 && e->len + 80 <= HTTP_EVENTS_BUF)
        events_put_missed(e);
}

/* Send what the socket takes. Returns 0, or -1 when the reader is gone or
 * stalled past its limit. */
static int events_flush(struct http_conn *c, int64_t now)
{
    struct http_events *e = c->events;
    while (e->off < e->len) {
        ssize_t n = send(c->fd, e->buf + e->off, e->len - e->off, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n == -1 && errno == EINTR)
            continue;
        if (n == -1 && errno == EAGAIN)
            return now - e->last_sent_ms > HTTP_EVENTS_STALL_MS ? -1 : 0;
        if (n <= 0)
            return -1;
        counters_add(c->w->srv->stats, bytes_out, n);
        e->off += (size_t)n;
        e->last_sent_ms = now;
    }
    e->off = e->len = 0;
    return 0;
}

/* One stream's turn: flush, refill, flush. */
static int events_pump(struct http_conn *c, int64_t now)
{
    struct http_events *e = c->events;
    if (events_flush(c, now) == -1)
        return -1;
    if (e->len > 0)
        return 0; /* still full: the ring keeps the rest, or tells of them later */
    events_fill(e);
    if (e->len == 0 && now - e->last_sent_ms >= HTTP_EVENTS_KEEPALIVE_MS)
        events_put(e, ": keep-alive\n\n", 14); /* finds a reader that is gone */
    return events_flush(c, now);
}

static void worker_on_events_tick(struct loop *loop, void *ctx)
{
    struct http_worker *w = ctx;
    int64_t now = loop_time_ms(loop);
    bool any = false;

    w->events_tick = NULL;
    trace_conn_leave();
    for (struct http_conn *c = w->conns, *next; c != NULL; c = next) {
        next = c->next;
        if (c->state != CONN_STREAMING)
            continue;
        if (events_pump(c, now) == -1) {
            http_conn_close(c);
            continue;
        }
        any = true;
    }
    if (any)
        w->events_tick = loop_add_timer(loop, HTTP_EVENTS_TICK_MS, worker_on_events_tick, w);
}

int http_events_begin(struct http_conn *c, const struct http_request *req)
{
    struct http_worker *w = c->w;
    struct http_events *e = calloc(1, sizeof *e);
    char *buf = malloc(HTTP_EVENTS_BUF);
    if (e == NULL || buf == NULL) {
        free(e);
        free(buf);
        return -1;
    }
    e->buf = buf;
    e->last_sent_ms = loop_time_ms(w->loop);
    e->skipped = trace_ring_skipped();
    http_events_filter(req->target, e->server);
    /* A reader coming back names the last event it saw (EventSource does
     * so by itself); a new one starts with a short backlog, so a page
     * opened just after a call still shows it. */
    const char *last = http_request_header(req, "Last-Event-ID");
    char *end = NULL;
    errno = 0;
    unsigned long long seen = last != NULL ? strtoull(last, &end, 10) : 0;
    ring_reader_init(&e->rd, w->srv->config.events, HTTP_EVENTS_BACKLOG);
    if (last != NULL && end != last && *end == '\0' && errno == 0)
        ring_reader_seek(&e->rd, (uint64_t)seen + 1);
    c->events = e;
    trace_ring_follow(true);
    if (w->events_tick == NULL)
        w->events_tick = loop_add_timer(w->loop, HTTP_EVENTS_TICK_MS, worker_on_events_tick, w);
    return w->events_tick == NULL ? -1 : 0;
}

void http_events_end(struct http_conn *c)
{
    if (c->events != NULL) {
        trace_ring_follow(false);
        free(c->events->buf);
        free(c->events);
        c->events = NULL;
    }
}
