/*
 * udp_stats.c - ping's arithmetic: RTT statistics, RFC 3550 jitter, and the
 * duplicate / out-of-order bookkeeping.
 */
#include "udp_stats.h"

#include <math.h>
#include <string.h>

#define NS_PER_MS 1e6

void udp_rtt_init(struct udp_rtt_stats *s)
{
    *s = (struct udp_rtt_stats){0};
}

double udp_jitter_next(double jitter, int64_t prev_transit, int64_t transit)
{
    double d = fabs((double)(transit - prev_transit));
    return jitter + (d - jitter) / 16.0;
}

void udp_rtt_add(struct udp_rtt_stats *s, int64_t rtt_ns)
{
    /* Over an echo, the transit time RFC 3550 speaks of is the round trip:
     * both timestamps come from the sender's clock, so no sync is needed. */
    if (s->count == 0) {
        s->min_ns = rtt_ns;
        s->max_ns = rtt_ns;
    } else {
        s->jitter_ns = udp_jitter_next(s->jitter_ns, s->last_transit_ns, rtt_ns);
        if (rtt_ns < s->min_ns)
            s->min_ns = rtt_ns;
        if (rtt_ns > s->max_ns)
            s->max_ns = rtt_ns;
    }
    s->last_transit_ns = rtt_ns;
    s->count++;
    s->sum_ns += (double)rtt_ns;
    s->sum_sq_ns += (double)rtt_ns * (double)rtt_ns;
}

void udp_rtt_summarize(const struct udp_rtt_stats *s, struct udp_rtt_summary *out)
{
    *out = (struct udp_rtt_summary){0};
    if (s->count == 0)
        return;
    double n = (double)s->count;
    double mean = s->sum_ns / n;
    double var = s->sum_sq_ns / n - mean * mean;
    out->min_ms = (double)s->min_ns / NS_PER_MS;
    out->max_ms = (double)s->max_ns / NS_PER_MS;
    out->avg_ms = mean / NS_PER_MS;
    out->mdev_ms = (var > 0 ? sqrt(var) : 0) / NS_PER_MS; /* rounding can make var < 0 */
    out->jitter_ms = s->jitter_ns / NS_PER_MS;
}

/* --- sequence numbers ------------------------------------------------------ */

void udp_seq_init(struct udp_seq_tracker *t)
{
    memset(t, 0, sizeof *t);
}

static bool seq_test(const struct udp_seq_tracker *t, uint32_t seq)
{
    uint32_t bit = seq % UDP_PING_SEQ_WINDOW;
    return (t->seen[bit / 8] >> (bit % 8)) & 1u;
}

static void seq_set(struct udp_seq_tracker *t, uint32_t seq, bool on)
{
    uint32_t bit = seq % UDP_PING_SEQ_WINDOW;
    if (on)
        t->seen[bit / 8] |= (uint8_t)(1u << (bit % 8));
    else
        t->seen[bit / 8] &= (uint8_t) ~(1u << (bit % 8));
}

void udp_seq_sent(struct udp_seq_tracker *t, uint32_t seq)
{
    seq_set(t, seq, false); /* forget whatever this bit meant a window ago */
    t->sent = seq + 1;
}

enum udp_seq_verdict udp_seq_reply(struct udp_seq_tracker *t, uint32_t seq)
{
    if (seq >= t->sent || t->sent - seq > UDP_PING_SEQ_WINDOW) {
        t->unknown++;
        return UDP_SEQ_UNKNOWN;
    }
    if (seq_test(t, seq)) {
        t->duplicates++;
        return UDP_SEQ_DUPLICATE;
    }
    seq_set(t, seq, true);
    t->received++;
    if (t->any && seq < t->highest) {
        t->out_of_order++;
        return UDP_SEQ_OUT_OF_ORDER;
    }
    t->any = true;
    t->highest = seq;
    return UDP_SEQ_NEW;
}

size_t udp_seq_lost(const struct udp_seq_tracker *t, uint32_t *out, size_t max)
{
    uint32_t first = t->sent > UDP_PING_SEQ_WINDOW ? t->sent - UDP_PING_SEQ_WINDOW : 0;
    size_t lost = 0;
    for (uint32_t seq = first; seq < t->sent; seq++) {
        if (seq_test(t, seq))
            continue;
        if (lost < max)
            out[lost] = seq;
        lost++;
    }
    return lost;
}
