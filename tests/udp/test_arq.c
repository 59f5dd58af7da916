/*
 * test_arq.c - the --reliable ARQ driven through a simulated channel with
 * scripted losses, delays and duplicates, in virtual time.
 *
 * Whatever the script, every message must be delivered exactly once and in
 * order, and the counters must say what the channel did.
 */
#include "udp_arq.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#define MS          1000000LL
#define RTT         (1 * MS)
#define MAX_ACKS    4096
#define MAX_STEPS   1000000
#define INITIAL_RTO (100 * MS)

/* The channel's script for one transmission of seq (tries: 1 = first). */
struct fate {
    bool lost;
    int64_t delay; /* until its ACK arrives; 0 means RTT */
    int copies;    /* ACKs that arrive; 0 means 1 */
};
typedef struct fate script_fn(uint32_t seq, unsigned tries);

struct sim {
    struct udp_arq arq;
    struct {
        uint32_t seq;
        int64_t at, sent;
    } acks[MAX_ACKS];
    size_t nacks;
    uint32_t *delivered;
    size_t ndelivered;
    uint64_t lost; /* transmissions the channel lost */
    int64_t now;
};

static void sim_transmit(struct sim *s, script_fn *script, uint32_t seq)
{
    struct fate f = script(seq, s->arq.slot[seq % UDP_ARQ_WINDOW].tries);
    if (f.lost) {
        s->lost++;
        return;
    }
    for (int c = 0; c < (f.copies ? f.copies : 1); c++) {
        cr_assert_lt(s->nacks, MAX_ACKS);
        s->acks[s->nacks].seq = seq;
        s->acks[s->nacks].sent = s->now;
        s->acks[s->nacks++].at = s->now + (f.delay ? f.delay : RTT) + c;
    }
}

/* Hand over every ACK due by now. */
static void sim_arrive(struct sim *s)
{
    for (size_t i = 0; i < s->nacks;) {
        if (s->acks[i].at > s->now) {
            i++;
            continue;
        }
        udp_arq_on_ack(&s->arq, s->acks[i].seq, s->now, s->now - s->acks[i].sent);
        s->acks[i] = s->acks[--s->nacks];
    }
}

static int64_t sim_next_event(const struct sim *s)
{
    int64_t t = udp_arq_next_deadline(&s->arq);
    for (size_t i = 0; i < s->nacks; i++)
        if (s->acks[i].at < t)
            t = s->acks[i].at;
    return t;
}

/* Run total messages through the script until done or failed. */
static void sim_run(struct sim *s, uint32_t total, script_fn *script)
{
    memset(s, 0, sizeof *s);
    s->delivered = calloc(total + 1, sizeof *s->delivered);
    udp_arq_init(&s->arq, total, INITIAL_RTO);
    for (int step = 0; step < MAX_STEPS && !udp_arq_done(&s->arq) && !s->arq.failed; step++) {
        uint32_t seq;
        bool retransmit;
        while (udp_arq_poll_send(&s->arq, s->now, true, &seq, &retransmit))
            sim_transmit(s, script, seq);
        sim_arrive(s);
        int64_t latency;
        unsigned tries;
        while (udp_arq_deliver(&s->arq, &seq, &latency, &tries))
            s->delivered[s->ndelivered++] = seq;
        int64_t next = sim_next_event(s);
        if (next != INT64_MAX && next > s->now)
            s->now = next;
    }
    /* ACKs still on the wire arrive after the last delivery. */
    while (s->nacks > 0) {
        s->now = sim_next_event(s);
        sim_arrive(s);
    }
}

static void expect_in_order_exactly_once(const struct sim *s, uint32_t total)
{
    cr_assert(udp_arq_done(&s->arq), "delivered %zu of %u", s->ndelivered, total);
    cr_assert_eq(s->ndelivered, total);
    for (uint32_t i = 0; i < total; i++)
        cr_assert_eq(s->delivered[i], i, "position %u holds seq %u", i, s->delivered[i]);
}

/* --- scripts ----------------------------------------------------------- */

static struct fate perfect(uint32_t seq, unsigned tries)
{
    (void)seq;
    (void)tries;
    return (struct fate){0};
}

/* seq 3 lost once; seq 7 lost twice; seq 8 lost once. */
static struct fate a_few_losses(uint32_t seq, unsigned tries)
{
    bool lost = (seq == 3 && tries == 1) || (seq == 7 && tries <= 2) || (seq == 8 && tries == 1);
    return (struct fate){.lost = lost};
}

/* A fixed 30 % of first tries: 3 seqs in 10; and a second try of 1 in 10. */
static struct fate thirty_percent(uint32_t seq, unsigned tries)
{
    bool lost = (tries == 1 && seq % 10 < 3) || (tries == 2 && seq % 10 == 0);
    return (struct fate){.lost = lost};
}

static struct fate duplicated_ack(uint32_t seq, unsigned tries)
{
    (void)tries;
    return (struct fate){.copies = seq == 5 ? 2 : 1};
}

/* seq 2's first ACK is slower than the RTO: a spurious retransmission. */
static struct fate late_ack(uint32_t seq, unsigned tries)
{
    return (struct fate){.delay = seq == 2 && tries == 1 ? 150 * MS : 0};
}

/* seq 0's ACK takes longer than the others, so 1..9 are acknowledged first. */
static struct fate reordered_ack(uint32_t seq, unsigned tries)
{
    (void)tries;
    return (struct fate){.delay = seq == 0 ? 50 * MS : 0};
}

static struct fate black_hole_at_4(uint32_t seq, unsigned tries)
{
    (void)tries;
    return (struct fate){.lost = seq == 4};
}

/* --- tests ------------------------------------------------------------- */

Test(udp_arq, perfect_channel_sends_each_message_once)
{
    static struct sim s;
    sim_run(&s, 100, perfect);
    expect_in_order_exactly_once(&s, 100);
    cr_expect_eq(s.arq.transmissions, 100);
    cr_expect_eq(s.arq.retransmissions, 0);
    cr_expect_eq(s.arq.duplicate_acks, 0);
    free(s.delivered);
}

Test(udp_arq, retransmits_exactly_the_lost_transmissions)
{
    static struct sim s;
    sim_run(&s, 20, a_few_losses);
    expect_in_order_exactly_once(&s, 20);
    cr_expect_eq(s.lost, 4);
    cr_expect_eq(s.arq.retransmissions, 4);
    cr_expect_eq(s.arq.transmissions, 24);
    free(s.delivered);
}

Test(udp_arq, thirty_percent_loss_1000_messages_in_order)
{
    static struct sim s;
    sim_run(&s, 1000, thirty_percent);
    expect_in_order_exactly_once(&s, 1000);
    cr_expect_eq(s.lost, 400); /* 300 first tries + 100 second tries */
    cr_expect_eq(s.arq.retransmissions, 400);
    cr_expect_eq(s.arq.duplicate_acks, 0);
    free(s.delivered);
}

Test(udp_arq, duplicate_ack_is_suppressed)
{
    static struct sim s;
    sim_run(&s, 10, duplicated_ack);
    expect_in_order_exactly_once(&s, 10);
    cr_expect_eq(s.arq.duplicate_acks, 1);
    free(s.delivered);
}

Test(udp_arq, spurious_retransmission_delivers_once)
{
    static struct sim s;
    sim_run(&s, 10, late_ack);
    expect_in_order_exactly_once(&s, 10);
    cr_expect_eq(s.arq.retransmissions, 1, "the slow ACK looked lost");
    cr_expect_eq(s.arq.duplicate_acks, 1, "and then both ACKs came");
    free(s.delivered);
}

Test(udp_arq, early_acks_wait_for_the_missing_one)
{
    struct udp_arq a;
    uint32_t seq;
    bool retx;
    int64_t latency;
    unsigned tries;
    udp_arq_init(&a, 3, INITIAL_RTO);
    for (int i = 0; i < 3; i++)
        cr_assert(udp_arq_poll_send(&a, 0, true, &seq, &retx));
    cr_expect_eq(udp_arq_on_ack(&a, 2, RTT, RTT), UDP_ARQ_ACK_NEW);
    cr_expect_eq(udp_arq_on_ack(&a, 1, RTT, RTT), UDP_ARQ_ACK_NEW);
    cr_expect_not(udp_arq_deliver(&a, &seq, &latency, &tries), "0 is still missing");
    cr_expect_eq(udp_arq_on_ack(&a, 0, 2 * RTT, 2 * RTT), UDP_ARQ_ACK_NEW);
    for (uint32_t want = 0; want < 3; want++) {
        cr_assert(udp_arq_deliver(&a, &seq, &latency, &tries));
        cr_expect_eq(seq, want);
    }
    cr_expect(udp_arq_done(&a));
}

Test(udp_arq, reordered_acks_still_deliver_in_order)
{
    static struct sim s;
    sim_run(&s, 10, reordered_ack);
    expect_in_order_exactly_once(&s, 10);
    cr_expect_eq(s.arq.retransmissions, 0, "50 ms is within the RTO");
    free(s.delivered);
}

Test(udp_arq, window_limits_messages_in_flight)
{
    struct udp_arq a;
    uint32_t seq;
    bool retx;
    udp_arq_init(&a, 1000, INITIAL_RTO);
    int sent = 0;
    while (udp_arq_poll_send(&a, 0, true, &seq, &retx))
        sent++;
    cr_expect_eq(sent, UDP_ARQ_WINDOW);
    cr_expect_eq(udp_arq_on_ack(&a, 0, RTT, RTT), UDP_ARQ_ACK_NEW);
    cr_expect_not(udp_arq_poll_send(&a, RTT, true, &seq, &retx), "not delivered yet");
    int64_t latency;
    unsigned tries;
    cr_assert(udp_arq_deliver(&a, &seq, &latency, &tries));
    cr_expect(udp_arq_poll_send(&a, RTT, true, &seq, &retx));
    cr_expect_eq(seq, UDP_ARQ_WINDOW, "the window slid by one");
}

Test(udp_arq, timeout_backs_off_exponentially)
{
    struct udp_arq a;
    uint32_t seq;
    bool retx;
    udp_arq_init(&a, 1, INITIAL_RTO);
    cr_assert(udp_arq_poll_send(&a, 0, true, &seq, &retx));
    cr_expect_eq(udp_arq_next_deadline(&a), INITIAL_RTO);
    cr_expect_not(udp_arq_poll_send(&a, INITIAL_RTO - 1, true, &seq, &retx), "not yet");
    cr_assert(udp_arq_poll_send(&a, INITIAL_RTO, true, &seq, &retx));
    cr_expect(retx);
    cr_expect_eq(udp_arq_next_deadline(&a), INITIAL_RTO + 2 * INITIAL_RTO);
}

Test(udp_arq, rto_follows_the_measured_rtt)
{
    struct udp_arq a;
    uint32_t seq;
    bool retx;
    udp_arq_init(&a, 2, 1000 * MS);
    cr_assert(udp_arq_poll_send(&a, 0, true, &seq, &retx));
    udp_arq_on_ack(&a, 0, 40 * MS, 40 * MS);
    /* RFC 6298 first sample: SRTT = R, RTTVAR = R/2, RTO = R + 4 R/2 = 3R */
    cr_expect_eq(a.srtt, 40 * MS);
    cr_expect_eq(a.rto, 120 * MS);
    udp_arq_init(&a, 2, 1000 * MS);
    cr_assert(udp_arq_poll_send(&a, 0, true, &seq, &retx));
    udp_arq_on_ack(&a, 0, MS / 10, MS / 10);
    cr_expect_eq(a.rto, UDP_ARQ_MIN_RTO_MS * MS, "never below the minimum");
}

Test(udp_arq, any_echoed_rtt_keeps_the_rto_in_bounds)
{
    static const int64_t samples[] = {INT64_MAX, INT64_MAX / 4, 3 * UDP_ARQ_MAX_RTO_MS * MS, 0};
    struct udp_arq a;
    uint32_t seq;
    bool retx;
    udp_arq_init(&a, 8, INITIAL_RTO);
    for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) {
        cr_assert(udp_arq_poll_send(&a, 0, true, &seq, &retx));
        cr_expect_eq(udp_arq_on_ack(&a, seq, 0, samples[i]), UDP_ARQ_ACK_NEW);
        cr_expect_geq(a.rto, UDP_ARQ_MIN_RTO_MS * MS, "sample %zu", i);
        cr_expect_leq(a.rto, UDP_ARQ_MAX_RTO_MS * MS, "sample %zu", i);
    }
}

Test(udp_arq, unknown_ack_is_ignored)
{
    struct udp_arq a;
    udp_arq_init(&a, 5, INITIAL_RTO);
    cr_expect_eq(udp_arq_on_ack(&a, 0, 0, 0), UDP_ARQ_ACK_UNKNOWN, "nothing sent yet");
    cr_expect_eq(a.unknown_acks, 1);
}

Test(udp_arq, gives_up_after_max_tries)
{
    static struct sim s;
    sim_run(&s, 10, black_hole_at_4);
    cr_expect(s.arq.failed);
    cr_expect_eq(s.arq.failed_seq, 4);
    cr_expect_eq(s.arq.base, 4, "0..3 were delivered, nothing after the hole");
    cr_expect_eq(s.arq.slot[4].tries, UDP_ARQ_MAX_TRIES);
    free(s.delivered);
}
