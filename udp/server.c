/*
 * server.c - the datagram server: the seed's loop, recvfrom() then sendto().
 *
 * One socket, no connections, so there is nothing to multiplex: the server
 * simply blocks in the receive call. recvmmsg() takes up to UDP_BATCH
 * datagrams in one system call (it is recvfrom() in a loop, done by the
 * kernel) and sendmmsg() returns their replies in one more. That is what
 * lets one thread answer hundreds of thousands of datagrams a second.
 *
 * Why not the epoll loop the TCP and HTTP servers use: with one socket it
 * would only add an epoll_wait() to every round trip, and a ping's RTT on
 * loopback is about 12 us, of which that call costs about 0.5. Stopping
 * still works: the loop looks at its stop handle after every receive, and
 * a receive timeout (UDP_STOP_CHECK_MS) bounds the wait, since the request
 * comes from another thread (or, in a forked demo, another process).
 *
 * Nothing a client sends can stop the server: a datagram too large for the
 * buffer is counted as truncated, a failed reply is counted as failed, and
 * the loop goes on.
 *
 * --dup and --reorder (udp_disorder.h) rearrange a batch's replies before
 * sendmmsg(). Without them the loop pays one branch per datagram for them.
 */
#include "udp_server.h"
#include "lecture.h"
#include "trace.h"
#include "udp_limits.h"
#include "udp_packet.h"
#include "udp_peer.h"
#include "udp_source.h"
#include "i18n.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define NS_PER_MS 1000000LL

/* What --trace says of each kind after its sendto() line (translated
 * where it is printed; an answer has no note). */
static const char *const udp_out_note[] = {
    [UDP_OUT_ANSWER] = "",
    [UDP_OUT_COPY] = N_("sent again on purpose (--dup): UDP may deliver a datagram twice"),
    [UDP_OUT_LATE] = N_("held back on purpose (--reorder), sent after a later answer"),
    [UDP_OUT_EXPIRED] = N_("held back on purpose (--reorder); no later answer came, sent now"),
};

/* One batch: the receive side and the replies that go back. */
struct udp_batch {
    struct udp_server *srv;
    unsigned want;       /* datagrams to ask for next: 1 .. UDP_BATCH */
    unsigned char *bufs; /* UDP_BATCH buffers of UDP_RECV_BUFSIZE */
    struct sockaddr_storage peers[UDP_BATCH];
    union udp_source_cmsg ctl[UDP_BATCH]; /* each request's destination address */
    struct iovec iov[UDP_BATCH];
    struct mmsghdr in[UDP_BATCH];
    struct iovec out_iov[UDP_BATCH]; /* the reply to request i */
    struct udp_out out;              /* the replies; their kinds only with --dup, --reorder */
    bool disorder;                   /* --dup or --reorder is on */
    struct udp_hold hold;            /* the answers held back (--reorder) */
};

int udp_parse_mode(const char *text, enum udp_mode *out)
{
    if (strcmp(text, "upper") == 0)
        *out = UDP_MODE_UPPER;
    else if (strcmp(text, "echo") == 0)
        *out = UDP_MODE_ECHO;
    else
        return -1;
    return 0;
}

bool udp_answer(enum udp_mode mode, unsigned char *buf, size_t len)
{
    struct udp_packet_header h;
    if (udp_packet_decode(buf, len, &h) == 0) {
        enum udp_packet_type reply = udp_packet_reply_type(h.type);
        if (reply == UDP_PACKET_NONE)
            return false;
        buf[5] = (unsigned char)reply; /* the type byte; all else unchanged */
        return true;
    }
    if (mode == UDP_MODE_UPPER)
        for (size_t i = 0; i < len; i++)
            if (buf[i] >= 'a' && buf[i] <= 'z')
                buf[i] = (unsigned char)(buf[i] - 'a' + 'A');
    return true;
}

/* Ask for big socket buffers so a burst waits in the kernel instead of
 * being lost. As root SO_RCVBUFFORCE passes the rmem_max cap; otherwise
 * the plain option takes what the cap allows. Failure costs only speed. */
static void udp_grow_buffers(int fd)
{
    int size = UDP_SOCKET_BUFFER;
    if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size) == -1)
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
    if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof size) == -1)
        setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
    TRACE_DETAIL_CALL("setsockopt", 0, NULL, 0,
                      N_("setsockopt(fd %d, SO_RCVBUF, SO_SNDBUF, %d bytes): a burst waits in "
                         "the kernel instead of being lost"),
                      fd, size);
}

/* The rest of open, with this thread's events going to the server. */
static int udp_server_bind(struct udp_server *srv, char *err)
{
    udp_drop_init(&srv->drop, srv->config.drop_percent, srv->config.seed);
    udp_disorder_init(&srv->disorder, srv->config.dup_percent, srv->config.reorder_percent,
                      srv->config.seed);
    srv->counters = counters_new("udp");
    if (srv->counters == NULL) {
        snprintf(err, NET_ERR_LEN, "%s", _("counters: out of memory"));
        return -1;
    }
    /* socket() + bind(): the whole set-up. No listen(), no accept(). */
    srv->fd = net_udp_bind(&srv->config.endpoint, true, err);
    if (srv->fd == -1) {
        counters_free(srv->counters);
        srv->counters = NULL;
        return -1;
    }
    /* The loop guard compares senders with this address and port; on an
     * any-address, replies need each request's own (udp_source.h). */
    socklen_t len = sizeof srv->local;
    if (getsockname(srv->fd, (struct sockaddr *)&srv->local, &len) == -1) {
        snprintf(err, NET_ERR_LEN, "getsockname: %s", strerror(errno));
        udp_server_close(srv);
        return -1;
    }
    if (udp_source_enable(srv->fd, (const struct sockaddr *)&srv->local, &srv->pktinfo, err) ==
        -1) {
        udp_server_close(srv);
        return -1;
    }
    udp_grow_buffers(srv->fd);
    return 0;
}

int udp_server_open(struct udp_server *srv, const struct udp_config *config, struct stop *stop,
                    char *err)
{
    *srv = (struct udp_server){.config = *config, .fd = -1, .stop = stop};
    tracer_init(&srv->tracer, "udp", config->trace, UDP_TRACE_PER_SECOND);
    struct trace_thread was = trace_bind_for(&srv->tracer, "udp server");
    int rc = udp_server_bind(srv, err);
    /* Said here, in the caller's thread, not when serving starts: a demo
     * that forks the server then prints it before its client's lines. */
    if (rc == 0)
        TRACE_DETAIL(N_("recvmmsg()/sendmmsg(): recvfrom()/sendto() for up to %d datagrams "
                        "per system call"),
                     UDP_BATCH);
    trace_restore(was);
    return rc;
}

void udp_server_close(struct udp_server *srv)
{
    struct trace_thread was = trace_bind_for(&srv->tracer, "udp server");
    if (srv->fd != -1) {
        close(srv->fd);
        TRACE_CALL("close", 0, NULL, 0, "close(fd %d) -> 0", srv->fd);
    }
    srv->fd = -1;
    counters_free(srv->counters);
    srv->counters = NULL;
    trace_restore(was);
}

/* --- one datagram ------------------------------------------------------- */

/* The lifeline of a peer: the one it had if seen lately, else the oldest
 * slot's, renamed. */
static const struct trace_conn *udp_traced_peer(struct udp_server *srv,
                                                const struct sockaddr_storage *peer, socklen_t len)
{
    for (unsigned i = 0; i < UDP_TRACED_PEERS; i++)
        if (srv->peers[i].len == len && memcmp(&srv->peers[i].addr, peer, len) == 0)
            return &srv->peers[i].trace;
    struct udp_traced_peer *p = &srv->peers[srv->peers_next];
    srv->peers_next = (srv->peers_next + 1) % UDP_TRACED_PEERS;
    memcpy(&p->addr, peer, len);
    p->len = len;
    p->trace = (struct trace_conn){.id = trace_conn_next_id()};
    net_format_addr((const struct sockaddr *)&srv->local, sizeof srv->local, p->trace.local,
                    sizeof p->trace.local);
    net_format_addr((const struct sockaddr *)peer, len, p->trace.peer, sizeof p->trace.peer);
    return &p->trace;
}

/* Trace one datagram on its peer's lifeline, which it leaves entered: the
 * caller's next lines are about the same datagram. One of ping's or
 * --reliable's is shown by its header ("PING seq 7 (64 bytes)"), in the
 * line and in the event alike: its bytes would be a wall of hex. */
static void udp_trace_datagram(struct udp_server *srv, bool sent, const void *data, size_t len,
                               const struct sockaddr_storage *peer, socklen_t peer_len)
{
    char shown[TRACE_PREVIEW_TEXT_LEN];
    const void *event_data = data; /* what the event's preview holds */
    size_t event_len = len;
    const struct trace_conn *tc = udp_traced_peer(srv, peer, peer_len);
    trace_conn_enter(tc);
    if (udp_packet_describe(data, len, shown, sizeof shown) == 0) {
        event_data = shown;
        event_len = strlen(shown);
    } else {
        trace_preview(data, len, shown, sizeof shown);
    }
    if (sent)
        trace_call_log("sendto", (int64_t)len, event_data, event_len,
                       N_("sendto(fd %d, %zu bytes, %s) -> %zu %s"), srv->fd, len, tc->peer, len,
                       shown);
    else
        trace_call_log("recvfrom", (int64_t)len, event_data, event_len,
                       N_("recvfrom(fd %d) -> %zu bytes from %s %s"), srv->fd, len, tc->peer,
                       shown);
}

/* Why datagram i must not be answered, or NULL to answer it: its reply is
 * then built in place. Counts the refusals and truncations among the
 * datagrams not answered; *refused says which reasons are refusals. */
static const char *udp_why_not(struct udp_batch *b, int i, bool *refused)
{
    struct udp_server *srv = b->srv;
    struct msghdr *m = &b->in[i].msg_hdr;
    const char *why = NULL;

    /* One draw per datagram received, first, so --seed fixes which ones. */
    bool drop = udp_drop_next(&srv->drop);
    /* Before anything else: a refused sender is never answered, and the
     * count of refusals does not depend on --drop. */
    *refused = !udp_peer_may_answer(m->msg_name, (const struct sockaddr *)&srv->local, &why);
    if (*refused) {
        counters_add(&srv->stats, refused, 1);
        return why;
    }
    if (drop)
        return N_("dropped on purpose (--drop)");
    if (m->msg_flags & MSG_TRUNC) {
        counters_add(&srv->stats, truncated, 1);
        return N_("truncated (MSG_TRUNC): larger than the buffer, not answered");
    }
    if (!udp_answer(srv->config.mode, m->msg_iov->iov_base, b->in[i].msg_len))
        return N_("a reply (PONG/ACK): not answered");
    return NULL;
}

/* What a lecture line shows of a datagram: a ping's header, "PING seq 7
 * (64 bytes)", or a preview of its bytes. Returns out. */
static const char *udp_shown(const void *data, size_t len, char *out, size_t outlen)
{
    if (udp_packet_describe(data, len, out, outlen) == -1)
        trace_preview(data, len, out, outlen);
    return out;
}

/* The lecture line for datagram i: what it said (as shown before the
 * answer overwrote it), then its answer, or why it got none. */
static void udp_tell(const struct udp_batch *b, int i, const char *said, const char *why,
                     bool refused)
{
    const struct msghdr *m = &b->in[i].msg_hdr;
    char peer[NET_ADDRSTR_LEN], answer[TRACE_PREVIEW_TEXT_LEN];
    net_format_addr(m->msg_name, m->msg_namelen, peer, sizeof peer);
    if (why != NULL)
        lecture_print("UDP", _("datagram from %s: %s, %s%s"), peer, said,
                      refused ? _("refused: ") : "", _(why));
    else
        lecture_print("UDP", _("datagram from %s: %s -> %s"), peer, said,
                      udp_shown(m->msg_iov->iov_base, b->in[i].msg_len, answer, sizeof answer));
}

/* Decide about datagram i of the batch. Returns true when its reply, built
 * in place, should be sent; otherwise it is counted as dropped. */
static bool udp_take(struct udp_batch *b, int i)
{
    struct udp_server *srv = b->srv;
    struct msghdr *m = &b->in[i].msg_hdr;
    size_t len = b->in[i].msg_len;

    counters_add(&srv->stats, received, 1);
    counters_add(srv->counters, requests, 1);
    counters_add(srv->counters, bytes_in, (long long)len);
    if (trace_on())
        udp_trace_datagram(srv, false, m->msg_iov->iov_base, len, &b->peers[i], m->msg_namelen);
    char said[TRACE_PREVIEW_TEXT_LEN];
    bool tell = lecture_admit(); /* one line a datagram, as the limit allows */
    if (tell)
        udp_shown(m->msg_iov->iov_base, len, said, sizeof said);
    bool refused;
    const char *why = udp_why_not(b, i, &refused);
    if (tell)
        udp_tell(b, i, said, why, refused);
    if (why != NULL) {
        counters_add(&srv->stats, dropped, 1);
        counters_add(srv->counters, dropped, 1);
        /* "drop" is no system call: a live page draws the datagram as lost */
        TRACE_CALL("drop", 0, NULL, 0, "  ... %s%s", refused ? _("refused: ") : "", _(why));
    }
    trace_conn_leave();
    return why == NULL;
}

/* --- one batch ---------------------------------------------------------- */

/* Point the first count receive slots at their buffers again. */
static void udp_batch_reset(struct udp_batch *b, unsigned count)
{
    for (unsigned i = 0; i < count; i++) {
        b->iov[i] = (struct iovec){b->bufs + (size_t)i * UDP_RECV_BUFSIZE, UDP_RECV_BUFSIZE};
        b->in[i].msg_hdr = (struct msghdr){
            .msg_name = &b->peers[i],
            .msg_namelen = sizeof b->peers[i],
            .msg_iov = &b->iov[i],
            .msg_iovlen = 1,
            .msg_control = b->srv->pktinfo ? b->ctl[i].buf : NULL,
            .msg_controllen = b->srv->pktinfo ? sizeof b->ctl[i].buf : 0,
        };
    }
}

/* Count replies [from, from + n) of the send array as sent, by kind: a
 * copy is no answer of its own, so received = answered + dropped + failed
 * still holds. */
static void udp_count_disordered(struct udp_batch *b, int from, int n)
{
    struct udp_server *srv = b->srv;
    for (int i = from; i < from + n; i++) {
        if (b->out.kinds[i] == UDP_OUT_COPY) {
            counters_add(&srv->stats, duplicated, 1);
            counters_add(srv->counters, duplicated, 1);
            continue;
        }
        if (b->out.kinds[i] == UDP_OUT_LATE) {
            counters_add(&srv->stats, reordered, 1);
            counters_add(srv->counters, reordered, 1);
        }
        counters_add(&srv->stats, answered, 1);
    }
}

/* Trace reply i of the send array on its peer's lifeline. */
static void udp_trace_reply(struct udp_batch *b, int i)
{
    struct msghdr *m = &b->out.msgs[i].msg_hdr;
    udp_trace_datagram(b->srv, true, m->msg_iov->iov_base, m->msg_iov->iov_len, m->msg_name,
                       m->msg_namelen);
    if (b->disorder && b->out.kinds[i] != UDP_OUT_ANSWER)
        TRACE("  ... %s", _(udp_out_note[b->out.kinds[i]]));
    trace_conn_leave();
}

/* Send count replies; a reply that cannot be sent is counted and skipped. */
static void udp_send_replies(struct udp_batch *b, int count)
{
    struct udp_server *srv = b->srv;
    int sent = 0;
    while (sent < count) {
        int n = sendmmsg(srv->fd, b->out.msgs + sent, (unsigned)(count - sent), MSG_DONTWAIT);
        if (n == -1 && errno == EINTR)
            continue;
        if (n == -1) {
            TRACE_CALL("sendto", -1, NULL, 0, "sendto(fd %d) -> -1 (%s)", srv->fd, strerror(errno));
            if (!b->disorder || b->out.kinds[sent] != UDP_OUT_COPY)
                counters_add(&srv->stats, failed, 1);
            counters_add(srv->counters, errors, 1);
            sent++; /* that reply is lost; try the rest */
            continue;
        }
        TRACE_DETAIL_CALL("sendmmsg", n, NULL, 0,
                          N_("sendmmsg(fd %d, %d replies) -> %d datagrams in one call"), srv->fd,
                          count - sent, n);
        for (int i = sent; i < sent + n; i++) {
            if (trace_on())
                udp_trace_reply(b, i);
            /* after the trace line: a demo's client waits for this count */
            counters_add(srv->counters, bytes_out,
                         (long long)b->out.msgs[i].msg_hdr.msg_iov->iov_len);
        }
        if (b->disorder)
            udp_count_disordered(b, sent, n);
        else
            counters_add(&srv->stats, answered, n);
        sent += n;
    }
    if (b->disorder)
        udp_hold_sent(&b->hold); /* the held answers just sent free their slots */
}

/* --- --dup and --reorder ------------------------------------------------ */

static int64_t udp_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Append one answer as its fate says: held back, or sent (perhaps twice)
 * and followed by every answer held so far, which it thereby overtakes.
 * Returns the new count. */
static int udp_disorder_add(struct udp_batch *b, int at, const struct msghdr *reply)
{
    struct udp_server *srv = b->srv;
    struct udp_fate fate = udp_disorder_next(&srv->disorder);
    if (fate.hold && udp_hold_put(&b->hold, reply, fate.twice, udp_now_ns())) {
        if (trace_on()) {
            trace_conn_enter(udp_traced_peer(srv, reply->msg_name, reply->msg_namelen));
            TRACE("  ... %s",
                  _("held back on purpose (--reorder): it goes out after the next answer"));
            trace_conn_leave();
        }
        return at;
    }
    at = udp_out_add(&b->out, at, reply, UDP_OUT_ANSWER, fate.twice);
    return udp_hold_release(&b->hold, &b->out, at, UDP_OUT_LATE);
}

/* While answers are held, wait for a request no longer than the oldest may
 * still wait; if none comes in time, send what is held. Returns true when
 * a request is waiting to be received. */
static bool udp_wait_holding(struct udp_batch *b)
{
    int64_t left = udp_hold_deadline(&b->hold) - udp_now_ns();
    if (left > 0) {
        struct pollfd pfd = {.fd = b->srv->fd, .events = POLLIN};
        int ready = poll(&pfd, 1, (int)((left + NS_PER_MS - 1) / NS_PER_MS));
        if (ready > 0)
            return true;
        if (ready == -1)
            return false; /* EINTR: the loop looks at its stop handle, then waits again */
    }
    udp_send_replies(b, udp_hold_release(&b->hold, &b->out, 0, UDP_OUT_EXPIRED));
    return false;
}

/* Wait for one batch and answer it. Returns the datagram count, 0 when the
 * wait was interrupted or timed out. */
static int udp_serve_batch(struct udp_batch *b)
{
    struct udp_server *srv = b->srv;
    if (b->disorder && udp_hold_count(&b->hold) > 0 && !udp_wait_holding(b))
        return 0;
    udp_batch_reset(b, b->want);
    /* MSG_WAITFORONE: block for the first datagram, then take only what
     * is already queued. */
    int n = recvmmsg(srv->fd, b->in, b->want, MSG_WAITFORONE, NULL);
    if (n == -1) {
        if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
            TRACE_CALL("recvfrom", -1, NULL, 0, "recvfrom(fd %d) -> -1 (%s)", srv->fd,
                       strerror(errno));
            counters_add(srv->counters, errors, 1);
        }
        return 0;
    }
    /* The batch is engineering; the lesson reads one recvfrom() a datagram. */
    TRACE_DETAIL_CALL("recvmmsg", n, NULL, 0,
                      N_("recvmmsg(fd %d, %u slots, MSG_WAITFORONE) -> %d datagrams in one call"),
                      srv->fd, b->want, n);
    int replies = 0;
    for (int i = 0; i < n; i++) {
        if (!udp_take(b, i))
            continue;
        struct msghdr *m = &b->in[i].msg_hdr;
        b->out_iov[i] = (struct iovec){m->msg_iov->iov_base, b->in[i].msg_len};
        socklen_t ctl_len = udp_source_reply(m);
        struct msghdr reply = {
            .msg_name = m->msg_name,
            .msg_namelen = m->msg_namelen,
            .msg_iov = &b->out_iov[i],
            .msg_iovlen = 1,
            .msg_control = ctl_len > 0 ? m->msg_control : NULL,
            .msg_controllen = ctl_len,
        };
        if (b->disorder)
            replies = udp_disorder_add(b, replies, &reply);
        else
            b->out.msgs[replies++].msg_hdr = reply;
    }
    udp_send_replies(b, replies);
    return n;
}

/* How many datagrams to ask recvmmsg() for next. Asked for 32 while one
 * is waiting, it looks into the empty queue once more before returning,
 * which costs an idle ping-pong about 0.5 us (4 % of a loopback round
 * trip); asked for 1 under a flood, the server would pay a system call per
 * datagram. So the batch follows the load: it doubles while batches come
 * back full and falls to 1 when one comes back short. */
static unsigned udp_next_want(unsigned want, int got)
{
    if (got < (int)want)
        return 1;
    return want * 2 > UDP_BATCH ? UDP_BATCH : want * 2;
}

/* Block the socket, with a receive timeout so the loop looks at the
 * stop handle at least every UDP_STOP_CHECK_MS. */
static int udp_block_with_timeout(int fd, char *err)
{
    struct timeval tv = {.tv_sec = 0, .tv_usec = UDP_STOP_CHECK_MS * 1000};
    if (net_set_nonblock(fd, false, err) == -1)
        return -1;
    if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) == -1) {
        snprintf(err, NET_ERR_LEN, "setsockopt(SO_RCVTIMEO): %s", strerror(errno));
        return -1;
    }
    return 0;
}

int udp_server_serve(struct udp_server *srv, char *err)
{
    trace_bind(&srv->tracer, "udp server");
    int rc = -1;
    struct udp_batch *b = calloc(1, sizeof *b);
    if (b != NULL)
        b->bufs = malloc((size_t)UDP_BATCH * UDP_RECV_BUFSIZE);
    if (b == NULL || b->bufs == NULL) {
        snprintf(err, NET_ERR_LEN, "%s", _("udp server: out of memory"));
        goto out;
    }
    /* Touch the buffers now: otherwise their pages arrive one by one as
     * bursts and large datagrams first reach them, and the server's memory
     * creeps up for hours. Fixed from the start, it never grows. (Not with
     * zeros: a compiler may turn malloc() and a memset() to zero into
     * calloc(), whose pages stay untouched.) */
    memset(b->bufs, 1, (size_t)UDP_BATCH * UDP_RECV_BUFSIZE);
    if (udp_block_with_timeout(srv->fd, err) == -1)
        goto out;
    b->srv = srv;
    b->want = 1;
    b->disorder = udp_disorder_on(&srv->disorder);
    if (b->disorder && udp_hold_init(&b->hold) == -1) {
        b->disorder = false;
        snprintf(err, NET_ERR_LEN, "%s", _("udp server: out of memory"));
        goto out;
    }
    while (!stop_requested(srv->stop)) { /* the server's whole life: receive, answer */
        int n = udp_serve_batch(b);
        b->want = udp_next_want(b->want, n);
        if (n <= 0)
            stop_poll(srv->stop); /* quiet: the request may come by the pipe (a forked demo) */
    }
    if (b->disorder) /* nothing is lost by reordering, not even at the end */
        udp_send_replies(b, udp_hold_release(&b->hold, &b->out, 0, UDP_OUT_EXPIRED));
    rc = 0;
out:
    if (b != NULL) {
        if (b->disorder)
            udp_hold_free(&b->hold);
        free(b->bufs);
    }
    free(b);
    return rc;
}
