/*
 * udp_arq.h - the ARQ behind `udp-demo ping --reliable`: what TCP does for
 * you, made small enough to read.
 *
 * The sender numbers its messages 0, 1, 2, ... and keeps up to
 * UDP_ARQ_WINDOW of them in flight (selective repeat). The server answers
 * each DATA with an ACK for that sequence number. A message not
 * acknowledged within the retransmission timeout (RTO) is sent again, with
 * the RTO doubled for it (exponential backoff). An ACK for a message already
 * acknowledged is a duplicate and is suppressed. Acknowledged messages are
 * delivered strictly in order: a message acknowledged early waits until
 * every earlier one is acknowledged too, so each is delivered exactly once.
 * The RTO follows the measured RTT as RFC 6298 describes.
 *
 * This is a pure state machine: it is told the time and the events, and it
 * says what to send. The caller does the I/O; the tests script the losses.
 * Times are in nanoseconds of any monotonic clock.
 */
#ifndef NETDEMO_UDP_ARQ_H
#define NETDEMO_UDP_ARQ_H

#include "udp_limits.h"

#include <stdbool.h>
#include <stdint.h>

struct udp_arq_slot {
    bool acked;
    unsigned tries;     /* transmissions so far */
    int64_t first_sent; /* the first transmission */
    int64_t deadline;   /* retransmit when not acknowledged by then */
    int64_t acked_at;
};

struct udp_arq {
    uint32_t total;                           /* messages 0 .. total-1 are to be delivered */
    uint32_t base;                            /* the oldest message not yet delivered */
    uint32_t next;                            /* the next message never sent */
    struct udp_arq_slot slot[UDP_ARQ_WINDOW]; /* message seq is slot[seq % window] */
    /* the retransmission timeout, RFC 6298 */
    int64_t srtt, rttvar, rto;
    bool have_rtt;
    /* what the summary reports */
    uint64_t transmissions, retransmissions, duplicate_acks, unknown_acks;
    bool failed;         /* a message used up UDP_ARQ_MAX_TRIES */
    uint32_t failed_seq; /* which one */
};

enum udp_arq_ack {
    UDP_ARQ_ACK_NEW,       /* first ACK for a message in flight */
    UDP_ARQ_ACK_DUPLICATE, /* that message was already acknowledged */
    UDP_ARQ_ACK_UNKNOWN    /* a sequence number never sent */
};

/* udp_arq_init: deliver total messages; initial_rto_ns until an RTT is
 * measured. */
void udp_arq_init(struct udp_arq *a, uint32_t total, int64_t initial_rto_ns);

/* udp_arq_poll_send: what to transmit at time now. Returns true with *seq
 * and *retransmit set, or false when nothing is due. Call it until it
 * returns false. Retransmissions come first; a new message is started only
 * when may_send_new (the caller's pacing) and the window has room. Returns
 * false and sets a->failed when a message runs out of tries. */
bool udp_arq_poll_send(struct udp_arq *a, int64_t now, bool may_send_new, uint32_t *seq,
                       bool *retransmit);

/* udp_arq_on_ack: an ACK for seq arrived at now; rtt_ns is the round trip
 * of the transmission it answers (its echoed timestamp makes that exact,
 * so there is no retransmission ambiguity; pass -1 if unknown). Any
 * rtt_ns is safe: one above UDP_ARQ_MAX_RTO_MS counts as that. */
enum udp_arq_ack udp_arq_on_ack(struct udp_arq *a, uint32_t seq, int64_t now, int64_t rtt_ns);

/* udp_arq_deliver: the next message in order, if it is acknowledged.
 * Returns true with *seq, *latency_ns (first transmission to ACK) and
 * *tries; false if the next one is still missing. */
bool udp_arq_deliver(struct udp_arq *a, uint32_t *seq, int64_t *latency_ns, unsigned *tries);

/* udp_arq_next_deadline: the earliest retransmission time, or INT64_MAX. */
int64_t udp_arq_next_deadline(const struct udp_arq *a);

/* udp_arq_window_open: whether a new message may start now. */
bool udp_arq_window_open(const struct udp_arq *a);

/* udp_arq_done: every message delivered. */
bool udp_arq_done(const struct udp_arq *a);

#endif
