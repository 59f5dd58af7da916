/*
 * udp_arq.c - selective-repeat ARQ with adaptive timeouts, as a state machine.
 */
#include "udp_arq.h"

#include <stddef.h>

#define NS_PER_MS   1000000LL
#define ARQ_MIN_RTO (UDP_ARQ_MIN_RTO_MS * NS_PER_MS)
#define ARQ_MAX_RTO (UDP_ARQ_MAX_RTO_MS * NS_PER_MS)

static int64_t clamp_rto(int64_t rto)
{
    return rto < ARQ_MIN_RTO ? ARQ_MIN_RTO : rto > ARQ_MAX_RTO ? ARQ_MAX_RTO : rto;
}

static struct udp_arq_slot *slot_of(struct udp_arq *a, uint32_t seq)
{
    return &a->slot[seq % UDP_ARQ_WINDOW];
}

void udp_arq_init(struct udp_arq *a, uint32_t total, int64_t initial_rto_ns)
{
    *a = (struct udp_arq){.total = total, .rto = clamp_rto(initial_rto_ns)};
}

bool udp_arq_window_open(const struct udp_arq *a)
{
    return a->next < a->total && a->next - a->base < UDP_ARQ_WINDOW;
}

/* This slot's timeout: the RTO doubled for every transmission after the
 * first, as TCP backs off, so a congested path is not flooded. */
static int64_t slot_timeout(const struct udp_arq *a, unsigned tries)
{
    int64_t rto = a->rto;
    for (unsigned i = 1; i < tries && rto < ARQ_MAX_RTO; i++)
        rto *= 2;
    return clamp_rto(rto);
}

static void transmit(struct udp_arq *a, struct udp_arq_slot *s, int64_t now)
{
    s->tries++;
    s->deadline = now + slot_timeout(a, s->tries);
    a->transmissions++;
}

bool udp_arq_poll_send(struct udp_arq *a, int64_t now, bool may_send_new, uint32_t *seq,
                       bool *retransmit)
{
    if (a->failed)
        return false;
    for (uint32_t q = a->base; q < a->next; q++) {
        struct udp_arq_slot *s = slot_of(a, q);
        if (s->acked || s->deadline > now)
            continue;
        if (s->tries >= UDP_ARQ_MAX_TRIES) {
            a->failed = true;
            a->failed_seq = q;
            return false;
        }
        transmit(a, s, now);
        a->retransmissions++;
        *seq = q;
        *retransmit = true;
        return true;
    }
    if (!may_send_new || !udp_arq_window_open(a))
        return false;
    struct udp_arq_slot *s = slot_of(a, a->next);
    *s = (struct udp_arq_slot){.first_sent = now};
    transmit(a, s, now);
    *seq = a->next++;
    *retransmit = false;
    return true;
}

/* RFC 6298, section 2: smoothed RTT and its variation, then the RTO. */
static void arq_sample_rtt(struct udp_arq *a, int64_t r)
{
    /* The sample comes from a timestamp the peer echoes, so it may be
     * anything; above the largest RTO it says nothing more, and capped
     * there the sums below cannot overflow. */
    if (r > ARQ_MAX_RTO)
        r = ARQ_MAX_RTO;
    if (!a->have_rtt) {
        a->srtt = r;
        a->rttvar = r / 2;
        a->have_rtt = true;
    } else {
        int64_t delta = a->srtt > r ? a->srtt - r : r - a->srtt;
        a->rttvar = (3 * a->rttvar + delta) / 4;
        a->srtt = (7 * a->srtt + r) / 8;
    }
    a->rto = clamp_rto(a->srtt + 4 * a->rttvar);
}

enum udp_arq_ack udp_arq_on_ack(struct udp_arq *a, uint32_t seq, int64_t now, int64_t rtt_ns)
{
    if (seq >= a->next) {
        a->unknown_acks++;
        return UDP_ARQ_ACK_UNKNOWN;
    }
    struct udp_arq_slot *s = slot_of(a, seq);
    if (seq < a->base || s->acked) {
        a->duplicate_acks++;
        return UDP_ARQ_ACK_DUPLICATE;
    }
    s->acked = true;
    s->acked_at = now;
    if (rtt_ns >= 0)
        arq_sample_rtt(a, rtt_ns);
    return UDP_ARQ_ACK_NEW;
}

bool udp_arq_deliver(struct udp_arq *a, uint32_t *seq, int64_t *latency_ns, unsigned *tries)
{
    if (a->base == a->next)
        return false;
    struct udp_arq_slot *s = slot_of(a, a->base);
    if (!s->acked)
        return false;
    *seq = a->base++;
    *latency_ns = s->acked_at - s->first_sent;
    *tries = s->tries;
    return true;
}

int64_t udp_arq_next_deadline(const struct udp_arq *a)
{
    int64_t earliest = INT64_MAX;
    for (uint32_t q = a->base; q < a->next; q++) {
        const struct udp_arq_slot *s = &a->slot[q % UDP_ARQ_WINDOW];
        if (!s->acked && s->deadline < earliest)
            earliest = s->deadline;
    }
    return earliest;
}

bool udp_arq_done(const struct udp_arq *a)
{
    return a->base == a->total;
}
