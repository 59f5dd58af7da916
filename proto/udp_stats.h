/*
 * udp_stats.h - what ping reports: RTT min/avg/max/mdev, jitter, and which
 * replies were new, duplicated or out of order. Pure arithmetic, no I/O.
 */
#ifndef NETDEMO_UDP_STATS_H
#define NETDEMO_UDP_STATS_H

#include "udp_limits.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Round-trip times, accumulated one reply at a time. */
struct udp_rtt_stats {
    uint64_t count;
    int64_t min_ns, max_ns;
    double sum_ns, sum_sq_ns; /* for the mean and ping's mdev */
    double jitter_ns;         /* RFC 3550 estimator, as iperf3 reports */
    int64_t last_transit_ns;  /* transit time of the previous reply */
};

struct udp_rtt_summary {
    double min_ms, avg_ms, max_ms;
    double mdev_ms;   /* sqrt(mean(rtt^2) - mean(rtt)^2), as ping(8) */
    double jitter_ms; /* smoothed |difference| of consecutive transit times */
};

void udp_rtt_init(struct udp_rtt_stats *s);

/* udp_rtt_add: account one reply that took rtt_ns. Replies must be added
 * in the order they arrived: jitter compares each one with the previous. */
void udp_rtt_add(struct udp_rtt_stats *s, int64_t rtt_ns);

/* udp_rtt_summarize: the figures ping prints; all 0 when count is 0. */
void udp_rtt_summarize(const struct udp_rtt_stats *s, struct udp_rtt_summary *out);

/* udp_jitter_next: one step of RFC 3550 section 6.4.1:
 * J += (|D(i-1,i)| - J) / 16, where D is the change in transit time. */
double udp_jitter_next(double jitter, int64_t prev_transit, int64_t transit);

/* Which sequence numbers came back, over the last UDP_PING_SEQ_WINDOW. */
enum udp_seq_verdict {
    UDP_SEQ_NEW,          /* first reply for this seq, in order */
    UDP_SEQ_OUT_OF_ORDER, /* first reply, but after a higher seq's reply */
    UDP_SEQ_DUPLICATE,    /* this seq was already answered */
    UDP_SEQ_UNKNOWN       /* never sent, or too old to tell */
};

struct udp_seq_tracker {
    uint32_t sent;    /* seqs 0 .. sent-1 have been sent */
    uint32_t highest; /* highest seq answered so far */
    bool any;         /* some reply has arrived */
    uint64_t received, duplicates, out_of_order, unknown;
    uint8_t seen[UDP_PING_SEQ_WINDOW / 8]; /* bit seq % window */
};

void udp_seq_init(struct udp_seq_tracker *t);

/* udp_seq_sent: seq (the next one: 0, 1, 2, ...) is on its way. */
void udp_seq_sent(struct udp_seq_tracker *t, uint32_t seq);

/* udp_seq_reply: classify a reply and count it. */
enum udp_seq_verdict udp_seq_reply(struct udp_seq_tracker *t, uint32_t seq);

/* udp_seq_lost: the seqs sent that no reply answered, oldest first, of the
 * last UDP_PING_SEQ_WINDOW sent: up to max of them into out. Returns how
 * many there are in all (which may be more than max). */
size_t udp_seq_lost(const struct udp_seq_tracker *t, uint32_t *out, size_t max);

#endif
