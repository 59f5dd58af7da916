/*
 * udp_ping.c - `udp-demo ping`: what the network does to datagrams.
 *
 * Each datagram carries a sequence number and the time it was sent (see
 * udp_packet.h); the server reflects it. From the replies ping counts what
 * was lost, duplicated or reordered, and how long the round trips took.
 * With --reliable the same traffic runs over a small ARQ (udp_arq.h), and
 * the summary shows what reliability costs.
 */
#include "udp_client.h"
#include "i18n.h"
#include "shutdown.h"
#include "trace.h"
#include "udp_arq.h"
#include "udp_limits.h"
#include "udp_packet.h"
#include "udp_stats.h"

#include <errno.h>
#include <stdarg.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define NS_PER_MS 1000000LL

/* Everything one run of ping owns. */
struct ping {
    const struct udp_ping_config *config;
    int fd;
    char target[NET_ADDRSTR_LEN]; /* "127.0.0.1:9001", for the output */
    unsigned char *out;           /* the datagram being sent: config->size bytes */
    unsigned char *in;            /* UDP_RECV_BUFSIZE */
    struct udp_rtt_stats rtt;
    struct udp_seq_tracker *seqs; /* plain ping */
    struct udp_arq arq;           /* --reliable */
    unsigned long sent;
    int recv_timeout_ms; /* SO_RCVTIMEO now set on fd */
    bool last_answered;  /* the latest datagram's reply is in */
};

/* A line of ping's output on stdout, unless the caller asked for quiet. */
static void ping_say(const struct ping *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void ping_say(const struct ping *p, const char *fmt, ...)
{
    if (p->config->quiet)
        return;
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
}

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Milliseconds to wait until deadline (ns), rounded up, at most limit. */
static int ping_wait_ms(int64_t deadline, int64_t now, int limit)
{
    if (deadline <= now)
        return 0;
    int64_t ms = (deadline - now + NS_PER_MS - 1) / NS_PER_MS;
    return ms < limit ? (int)ms : limit;
}

/* Trace a send or recv of one of our datagrams by its header, "PING seq 7
 * (64 bytes)": its bytes would be a wall of hex. */
static void ping_trace(bool sent, int fd, const void *datagram, size_t len)
{
    char about[UDP_PACKET_ABOUT_LEN];
    if (!trace_on() || udp_packet_describe(datagram, len, about, sizeof about) == -1)
        return;
    if (sent)
        trace_call_log("send", (int64_t)len, about, strlen(about),
                       N_("send(fd %d, %zu bytes) -> %zu %s"), fd, len, len, about);
    else
        trace_call_log("recv", (int64_t)len, about, strlen(about),
                       N_("recv(fd %d) -> %zu bytes %s"), fd, len, about);
}

/* Send one datagram of config->size bytes: header, then a fixed pattern. */
static int ping_send(struct ping *p, enum udp_packet_type type, uint32_t seq)
{
    struct udp_packet_header h = {.type = type, .seq = seq, .sent_ns = (uint64_t)now_ns()};
    udp_packet_encode(&h, p->out, p->config->size);
    if (send(p->fd, p->out, p->config->size, 0) == -1) {
        fprintf(stderr, "udp-demo ping: send: %s\n", strerror(errno));
        return -1;
    }
    ping_trace(true, p->fd, p->out, p->config->size);
    return 0;
}

/* Wait until the socket is readable, shutdown is asked, or timeout_ms. */
static void ping_wait(const struct ping *p, int timeout_ms)
{
    struct pollfd pfd[2] = {{.fd = p->fd, .events = POLLIN},
                            {.fd = shutdown_fd(), .events = POLLIN}};
    poll(pfd, 2, timeout_ms); /* EINTR is fine: the caller looks again */
}

/* Make a blocking recv() give up after ms (SO_RCVTIMEO), if not already. */
static void ping_set_timeout(struct ping *p, int ms)
{
    if (ms == p->recv_timeout_ms)
        return;
    struct timeval tv = {.tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000};
    setsockopt(p->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    p->recv_timeout_ms = ms;
}

/* Receive one datagram of ours, waiting up to wait_ms (0: not at all).
 * Returns 1 with *h set, 0 when none came, -1 on an error (printed).
 *
 * Waiting inside recv() (with SO_RCVTIMEO) rather than in poll() and then
 * calling recv() saves a system call per reply, which shows on a loopback
 * round trip of about 12 us. Ctrl-C still ends the wait: shutdown_install()
 * sets no SA_RESTART, so recv() returns EINTR. */
static int ping_receive(struct ping *p, struct udp_packet_header *h, size_t *len, int wait_ms)
{
    if (wait_ms > 0)
        ping_set_timeout(p, wait_ms);
    for (;;) {
        ssize_t n = recv(p->fd, p->in, UDP_RECV_BUFSIZE, wait_ms > 0 ? 0 : MSG_DONTWAIT);
        if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
            return 0;
        if (n == -1) {
            fprintf(stderr, "udp-demo ping: recv: %s%s\n", strerror(errno),
                    errno == ECONNREFUSED ? _(" (ICMP port unreachable: no server on that port)")
                                          : "");
            return -1;
        }
        if (udp_packet_decode(p->in, (size_t)n, h) == 0) {
            ping_trace(false, p->fd, p->in, (size_t)n);
            *len = (size_t)n;
            return 1;
        }
        TRACE(N_("recv(fd %d) -> %zd bytes that are not a ping reply, ignored"), p->fd, n);
    }
}

/* --- plain ping ------------------------------------------------------------- */

static void ping_on_pong(struct ping *p, const struct udp_packet_header *h, size_t len)
{
    int64_t rtt = udp_packet_rtt(h->sent_ns, now_ns());
    if (rtt == -1)
        return;
    enum udp_seq_verdict v = udp_seq_reply(p->seqs, h->seq);
    if (v == UDP_SEQ_UNKNOWN)
        return;
    if (v != UDP_SEQ_DUPLICATE)
        udp_rtt_add(&p->rtt, rtt);
    if (h->seq + 1 == p->sent)
        p->last_answered = true;
    ping_say(p, _("%zu bytes from %s: seq=%u rtt=%.4f ms%s\n"), len, p->target, h->seq,
             (double)rtt / NS_PER_MS,
             v == UDP_SEQ_DUPLICATE      ? _(" (DUP!)")
             : v == UDP_SEQ_OUT_OF_ORDER ? _(" (out of order)")
                                         : "");
}

/* Wait up to wait_ms for one reply and account it. One at a time: when
 * more are waiting, the next call returns at once. A PING coming back is a
 * reply too: a plain echo server (socat, RFC 862) reflects it unchanged.
 * Returns 0 or -1. */
static int ping_collect(struct ping *p, int wait_ms)
{
    struct udp_packet_header h;
    size_t len;
    int rc = ping_receive(p, &h, &len, wait_ms);
    if (rc == 1 && (h.type == UDP_PACKET_PONG || h.type == UDP_PACKET_PING))
        ping_on_pong(p, &h, len);
    return rc == -1 ? -1 : 0;
}

static bool ping_all_sent(const struct ping *p)
{
    return p->config->count != 0 && p->sent >= p->config->count;
}

/* Interval 0 is a ping-pong, as ping -f: the next datagram leaves when the
 * last reply is in, or when it timed out. */
static int64_t ping_next_send(const struct ping *p, int64_t last_send)
{
    const struct udp_ping_config *c = p->config;
    if (c->interval_ms > 0)
        return last_send + c->interval_ms * NS_PER_MS;
    if (p->last_answered)
        return last_send;
    return last_send + c->timeout_ms * NS_PER_MS;
}

static int ping_plain(struct ping *p)
{
    const struct udp_ping_config *c = p->config;
    int64_t last_send = now_ns(), deadline = INT64_MAX;

    while (!shutdown_requested()) {
        int64_t now = now_ns();
        if (!ping_all_sent(p) && (p->sent == 0 || now >= ping_next_send(p, last_send))) {
            udp_seq_sent(p->seqs, (uint32_t)p->sent);
            if (ping_send(p, UDP_PACKET_PING, (uint32_t)p->sent) == -1)
                return -1;
            p->sent++;
            p->last_answered = false;
            last_send = now;
            if (ping_all_sent(p)) /* the last one: wait for its reply, not for ever */
                deadline = now + c->timeout_ms * NS_PER_MS;
        }
        if (ping_all_sent(p) && (now >= deadline || p->seqs->received >= p->sent))
            break;
        int64_t wake = ping_all_sent(p) ? deadline : ping_next_send(p, last_send);
        if (ping_collect(p, ping_wait_ms(wake, now_ns(), c->timeout_ms)) == -1)
            return -1;
    }
    return 0;
}

static void ping_summary_rtt(const struct ping *p, const char *note)
{
    struct udp_rtt_summary s;
    udp_rtt_summarize(&p->rtt, &s);
    if (p->rtt.count > 0)
        ping_say(p, _("rtt min/avg/max/mdev = %.3f/%.3f/%.3f/%.3f ms, jitter %.3f ms%s\n"),
                 s.min_ms, s.avg_ms, s.max_ms, s.mdev_ms, s.jitter_ms, note);
}

/* Which datagrams got no reply: the class can look for them in a trace. */
static void ping_summary_lost(const struct ping *p)
{
    uint32_t seqs[UDP_PING_LOST_SHOWN];
    size_t n = udp_seq_lost(p->seqs, seqs, UDP_PING_LOST_SHOWN);
    if (n == 0)
        return;
    ping_say(p, "%s", _("no reply to seq"));
    for (size_t i = 0; i < n && i < UDP_PING_LOST_SHOWN; i++)
        ping_say(p, "%s %u", i ? "," : "", seqs[i]);
    if (n > UDP_PING_LOST_SHOWN)
        ping_say(p, _(" (+%zu more)"), n - UDP_PING_LOST_SHOWN);
    ping_say(p, "\n");
}

static void ping_summary_plain(const struct ping *p)
{
    const struct udp_seq_tracker *t = p->seqs;
    double lost = p->sent ? 100.0 * (double)(p->sent - t->received) / (double)p->sent : 0;
    ping_say(p, _("\n--- %s udp ping statistics ---\n"), p->target);
    ping_say(p,
             _("%lu datagrams sent, %llu received, %.1f%% lost, %llu duplicates, %llu out of "
               "order\n"),
             p->sent, (unsigned long long)t->received, lost, (unsigned long long)t->duplicates,
             (unsigned long long)t->out_of_order);
    ping_summary_lost(p);
    ping_summary_rtt(p, "");
}

/* --- --reliable ------------------------------------------------------------- */

/* Handle the ACKs waiting, then print what can be delivered in order. */
static int ping_arq_collect(struct ping *p)
{
    struct udp_packet_header h;
    size_t len;
    int rc;
    for (;;) {
        rc = ping_receive(p, &h, &len, 0);
        if (rc != 1)
            break;
        if (h.type != UDP_PACKET_ACK && h.type != UDP_PACKET_DATA) /* DATA: from an echo */
            continue;
        int64_t now = now_ns();
        if (udp_arq_on_ack(&p->arq, h.seq, now, udp_packet_rtt(h.sent_ns, now)) != UDP_ARQ_ACK_NEW)
            TRACE(N_("ACK seq=%u again: a duplicate, suppressed"), h.seq);
    }
    uint32_t seq;
    int64_t latency;
    unsigned tries;
    while (udp_arq_deliver(&p->arq, &seq, &latency, &tries)) {
        udp_rtt_add(&p->rtt, latency);
        ping_say(p,
                 ngettext("%zu bytes from %s: seq=%u delivered rtt=%.4f ms (%u transmission)\n",
                          "%zu bytes from %s: seq=%u delivered rtt=%.4f ms (%u transmissions)\n",
                          tries),
                 p->config->size, p->target, seq, (double)latency / NS_PER_MS, tries);
    }
    return rc;
}

/* Send what the ARQ says is due; returns 0 or -1. */
static int ping_arq_send(struct ping *p, int64_t *next_new)
{
    uint32_t seq;
    bool retransmit;
    int64_t now = now_ns();
    while (udp_arq_poll_send(&p->arq, now, now >= *next_new, &seq, &retransmit)) {
        if (ping_send(p, UDP_PACKET_DATA, seq) == -1)
            return -1;
        if (retransmit) {
            /* Said without --trace too: with every datagram lost, these
             * lines are all that happens for a long while (the timeout
             * doubles each time), and silence would look like a hang. */
            const struct udp_arq_slot *slot = &p->arq.slot[seq % UDP_ARQ_WINDOW];
            ping_say(p,
                     _("seq=%u: no ACK in time, sent again (transmission %u of %d; next wait "
                       "%.0f ms)\n"),
                     seq, slot->tries, UDP_ARQ_MAX_TRIES,
                     (double)(slot->deadline - now) / NS_PER_MS);
            fflush(stdout);
            TRACE(N_("seq=%u retransmitted: no ACK within the timeout"), seq);
        } else {
            *next_new = now + p->config->interval_ms * NS_PER_MS;
        }
    }
    return 0;
}

static int ping_reliable(struct ping *p)
{
    const struct udp_ping_config *c = p->config;
    uint32_t total = c->count ? (uint32_t)c->count : UINT32_MAX;
    int64_t next_new = now_ns();

    udp_arq_init(&p->arq, total, c->timeout_ms * NS_PER_MS);
    while (!shutdown_requested() && !udp_arq_done(&p->arq)) {
        if (ping_arq_send(p, &next_new) == -1)
            return -1;
        if (p->arq.failed) {
            fprintf(stderr, _("udp-demo ping: seq=%u unacknowledged after %d transmissions\n"),
                    p->arq.failed_seq, UDP_ARQ_MAX_TRIES);
            return -1;
        }
        int64_t wake = udp_arq_next_deadline(&p->arq);
        if (udp_arq_window_open(&p->arq) && next_new < wake)
            wake = next_new;
        ping_wait(p, ping_wait_ms(wake, now_ns(), c->timeout_ms));
        if (ping_arq_collect(p) == -1)
            return -1;
    }
    return 0;
}

static void ping_summary_reliable(const struct ping *p)
{
    const struct udp_arq *a = &p->arq;
    ping_say(p, _("\n--- %s udp ping --reliable statistics ---\n"), p->target);
    ping_say(p,
             _("%u messages delivered in order, each exactly once; %llu transmissions, "
               "%llu retransmissions, %llu duplicate ACKs suppressed\n"),
             a->base, (unsigned long long)a->transmissions, (unsigned long long)a->retransmissions,
             (unsigned long long)a->duplicate_acks);
    ping_summary_rtt(p, _(" (first transmission to acknowledgement)"));
}

/* --- the run ------------------------------------------------------------ */

static int ping_open(struct ping *p, char *err)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    p->out = calloc(1, p->config->size);
    p->in = malloc(UDP_RECV_BUFSIZE);
    p->seqs = malloc(sizeof *p->seqs);
    if (p->out == NULL || p->in == NULL || p->seqs == NULL) {
        snprintf(err, NET_ERR_LEN, "%s", _("out of memory"));
        return -1;
    }
    udp_seq_init(p->seqs);
    udp_rtt_init(&p->rtt);
    for (size_t i = UDP_PACKET_HEADER_LEN; i < p->config->size; i++)
        p->out[i] = (unsigned char)('a' + i % 26); /* recognisable in a capture */
    p->fd = net_udp_connect(&p->config->endpoint, err);
    if (p->fd == -1)
        return -1;
    getpeername(p->fd, (struct sockaddr *)&ss, &len);
    net_format_addr((struct sockaddr *)&ss, len, p->target, sizeof p->target);
    if (ss.ss_family == AF_INET && p->config->size > UDP_MAX_PAYLOAD_V4) {
        snprintf(err, NET_ERR_LEN, _("-s %zu: the largest UDP payload over IPv4 is %d bytes"),
                 p->config->size, UDP_MAX_PAYLOAD_V4);
        return -2;
    }
    return 0;
}

static void ping_close(struct ping *p)
{
    if (p->fd != -1)
        close(p->fd);
    free(p->out);
    free(p->in);
    free(p->seqs);
}

int udp_ping_run(const struct udp_ping_config *config)
{
    struct ping p = {.config = config, .fd = -1, .recv_timeout_ms = -1};
    char err[NET_ERR_LEN];
    int rc = ping_open(&p, err);
    if (rc < 0) {
        ping_close(&p);
        fprintf(stderr, "udp-demo ping: %s\n", err);
        return rc == -2 ? 2 : 1;
    }
    ping_say(&p,
             config->reliable ? _("PING %s (udp, reliable): %zu bytes per datagram\n")
                              : _("PING %s (udp): %zu bytes per datagram\n"),
             p.target, config->size);
    fflush(stdout);
    int64_t start = now_ns();
    rc = config->reliable ? ping_reliable(&p) : ping_plain(&p);
    if (config->reliable)
        ping_summary_reliable(&p);
    else
        ping_summary_plain(&p);
    if (config->result != NULL)
        *config->result = (struct udp_ping_result){
            .sent = config->reliable ? (unsigned long)p.arq.transmissions : p.sent,
            .received = config->reliable ? p.arq.base : (unsigned long)p.seqs->received,
            .retransmissions = config->reliable ? p.arq.retransmissions : 0,
            .seconds = (double)(now_ns() - start) / 1e9,
        };
    bool ok = config->reliable ? udp_arq_done(&p.arq) || (config->count == 0 && rc == 0)
                               : p.seqs->received > 0;
    ping_close(&p);
    return rc == 0 && ok ? 0 : 1;
}
