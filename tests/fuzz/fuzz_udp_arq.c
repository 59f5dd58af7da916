/*
 * fuzz_udp_arq.c - the receive side of `udp-demo ping --reliable`: the
 * ARQ fed with whatever datagrams come back.
 *
 * Input: a script. Byte 0 sets how many messages to deliver (1..256);
 * then each byte is a step, with its arguments after it:
 *   0: the clock moves on (next byte, in ms), and the sender transmits
 *      what is due (new messages too when bit 2 of the step is set);
 *   1: a datagram arrives (next 20 bytes); if it decodes as an ACK (or a
 *      DATA, from an echo server) it acknowledges its seq, with the RTT
 *      its echoed timestamp gives (any value: the peer chooses it);
 *   2: the messages acknowledged in order are delivered;
 *   3: an ACK for any seq (next 4 bytes) with no RTT.
 * Whatever arrives, the window stays within its bounds, the RTO within
 * its limits, and messages are delivered once each, in order.
 */
#include "fuzz.h"
#include "udp_arq.h"
#include "udp_packet.h"

#include <string.h>

#define NS_PER_MS 1000000LL

struct script {
    const uint8_t *p, *end;
};

static size_t take(struct script *s, void *out, size_t n)
{
    size_t left = (size_t)(s->end - s->p);
    n = n < left ? n : left;
    memcpy(out, s->p, n);
    s->p += n;
    return n;
}

static void check_window(const struct udp_arq *a, uint32_t delivered)
{
    FUZZ_CHECK(a->base <= a->next && a->next <= a->total);
    FUZZ_CHECK(a->next - a->base <= UDP_ARQ_WINDOW);
    FUZZ_CHECK(a->rto >= UDP_ARQ_MIN_RTO_MS * NS_PER_MS);
    FUZZ_CHECK(a->rto <= UDP_ARQ_MAX_RTO_MS * NS_PER_MS);
    FUZZ_CHECK(a->retransmissions <= a->transmissions);
    FUZZ_CHECK(a->transmissions >= a->next);
    FUZZ_CHECK(delivered == a->base);
    FUZZ_CHECK(udp_arq_done(a) == (a->base == a->total));
}

static void step_send(struct udp_arq *a, int64_t now, bool may_send_new)
{
    uint32_t seq;
    bool retransmit;
    while (udp_arq_poll_send(a, now, may_send_new, &seq, &retransmit)) {
        FUZZ_CHECK(seq >= a->base && seq < a->next);
        FUZZ_CHECK(retransmit || seq == a->next - 1);
    }
    FUZZ_CHECK(a->failed || udp_arq_next_deadline(a) > now);
}

static void step_datagram(struct udp_arq *a, struct script *s, int64_t now)
{
    unsigned char dgram[UDP_PACKET_HEADER_LEN];
    struct udp_packet_header h;
    size_t n = take(s, dgram, sizeof dgram);
    if (udp_packet_decode(dgram, n, &h) == -1)
        return;
    if (h.type != UDP_PACKET_ACK && h.type != UDP_PACKET_DATA)
        return;
    int64_t rtt = (int64_t)(h.sent_ns >> 1); /* 0 .. INT64_MAX: any echoed time */
    enum udp_arq_ack r = udp_arq_on_ack(a, h.seq, now, rtt);
    FUZZ_CHECK(r != UDP_ARQ_ACK_UNKNOWN || h.seq >= a->next);
}

static void step_deliver(struct udp_arq *a, uint32_t *delivered)
{
    uint32_t seq;
    int64_t latency;
    unsigned tries;
    while (udp_arq_deliver(a, &seq, &latency, &tries)) {
        FUZZ_CHECK(seq == (*delivered)++);
        FUZZ_CHECK(latency >= 0);
        FUZZ_CHECK(tries >= 1 && tries <= UDP_ARQ_MAX_TRIES);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct script s = {data, data + size};
    struct udp_arq a;
    uint8_t total = 0, op, arg;
    int64_t now = 1000 * NS_PER_MS;
    uint32_t delivered = 0, seq;

    take(&s, &total, 1);
    udp_arq_init(&a, (uint32_t)total + 1, 100 * NS_PER_MS);
    while (take(&s, &op, 1) == 1 && !a.failed) {
        switch (op & 3) {
        case 0:
            arg = 0;
            take(&s, &arg, 1);
            now += arg * NS_PER_MS;
            step_send(&a, now, op & 4);
            break;
        case 1:
            step_datagram(&a, &s, now);
            break;
        case 2:
            step_deliver(&a, &delivered);
            break;
        default:
            seq = 0;
            take(&s, &seq, sizeof seq);
            udp_arq_on_ack(&a, seq, now, -1);
            break;
        }
        check_window(&a, delivered);
    }
    return 0;
}
