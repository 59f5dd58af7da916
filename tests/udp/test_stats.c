/*
 * test_stats.c - ping's arithmetic from tables: RTT min/avg/max/mdev,
 * RFC 3550 jitter, and duplicate / out-of-order detection.
 */
#include "udp_stats.h"

#include <criterion/criterion.h>
#include <stdlib.h>

#define MS 1000000LL /* ns */

static void expect_near(double got, double want, const char *what, size_t row)
{
    cr_expect(got > want - 1e-6 && got < want + 1e-6, "row %zu %s: got %.9f, want %.9f", row, what,
              got, want);
}

Test(udp_rtt, summaries_from_a_table)
{
    static const struct {
        int64_t rtt_ns[5];
        size_t n;
        double min, avg, max, mdev, jitter; /* ms */
    } rows[] = {
        /* one reply: no spread, no jitter */
        {{5 * MS}, 1, 5, 5, 5, 0, 0},
        /* mdev = sqrt((1 + 9) / 2 - 2^2) = 1; J = |3 - 1| / 16 */
        {{1 * MS, 3 * MS}, 2, 1, 2, 3, 1, 0.125},
        /* steady: nothing varies */
        {{10 * MS, 10 * MS, 10 * MS}, 3, 10, 10, 10, 0, 0},
        /* J: 1/16, then + (1 - J)/16 twice; mdev = sqrt(7.5 - 6.25) */
        {{1 * MS, 2 * MS, 3 * MS, 4 * MS}, 4, 1, 2.5, 4, 1.118033989, 0.176025390625},
        /* order matters for jitter: 4, 1, 4 -> 3/16, then + (3 - 3/16)/16 */
        {{4 * MS, 1 * MS, 4 * MS}, 3, 1, 3, 4, 1.414213562, 0.36328125},
    };
    for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++) {
        struct udp_rtt_stats s;
        struct udp_rtt_summary out;
        udp_rtt_init(&s);
        for (size_t i = 0; i < rows[r].n; i++)
            udp_rtt_add(&s, rows[r].rtt_ns[i]);
        udp_rtt_summarize(&s, &out);
        cr_expect_eq(s.count, rows[r].n);
        expect_near(out.min_ms, rows[r].min, "min", r);
        expect_near(out.avg_ms, rows[r].avg, "avg", r);
        expect_near(out.max_ms, rows[r].max, "max", r);
        expect_near(out.mdev_ms, rows[r].mdev, "mdev", r);
        expect_near(out.jitter_ms, rows[r].jitter, "jitter", r);
    }
}

Test(udp_rtt, empty_summary_is_zero)
{
    struct udp_rtt_stats s;
    struct udp_rtt_summary out;
    udp_rtt_init(&s);
    udp_rtt_summarize(&s, &out);
    cr_expect_eq(out.min_ms, 0);
    cr_expect_eq(out.avg_ms, 0);
    cr_expect_eq(out.jitter_ms, 0);
}

Test(udp_jitter, one_step_of_rfc3550)
{
    static const struct {
        double j;
        int64_t prev, cur;
        double want;
    } rows[] = {
        {0, 100, 50, 3.125},  /* |D| = 50: J moves 1/16 of the way */
        {16, 0, 32, 17},      /* 16 + (32 - 16) / 16 */
        {16, 10, 10, 15},     /* no change in transit: J decays */
        {0, -20, 20, 2.5},    /* |D| is absolute */
        {32, 1000, 1032, 32}, /* |D| equal to J: steady */
    };
    for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++)
        expect_near(udp_jitter_next(rows[r].j, rows[r].prev, rows[r].cur), rows[r].want, "J", r);
}

/* Send count seqs, then feed replies; check each verdict and the totals. */
Test(udp_seq, verdicts_from_a_table)
{
    static const struct {
        uint32_t seq;
        enum udp_seq_verdict want;
    } replies[] = {
        {0, UDP_SEQ_NEW},       {2, UDP_SEQ_NEW},          {1, UDP_SEQ_OUT_OF_ORDER},
        {2, UDP_SEQ_DUPLICATE}, {1, UDP_SEQ_DUPLICATE},    {5, UDP_SEQ_NEW},
        {9, UDP_SEQ_UNKNOWN},   {4, UDP_SEQ_OUT_OF_ORDER}, {0, UDP_SEQ_DUPLICATE},
    };
    struct udp_seq_tracker *t = malloc(sizeof *t);
    udp_seq_init(t);
    for (uint32_t s = 0; s < 6; s++)
        udp_seq_sent(t, s);
    for (size_t i = 0; i < sizeof replies / sizeof replies[0]; i++)
        cr_expect_eq(udp_seq_reply(t, replies[i].seq), replies[i].want, "reply %zu (seq %u)", i,
                     replies[i].seq);
    cr_expect_eq(t->received, 5);
    cr_expect_eq(t->duplicates, 3);
    cr_expect_eq(t->out_of_order, 2);
    cr_expect_eq(t->unknown, 1);
    free(t);
}

Test(udp_seq, forgets_seqs_older_than_the_window)
{
    struct udp_seq_tracker *t = malloc(sizeof *t);
    udp_seq_init(t);
    for (uint32_t s = 0; s <= UDP_PING_SEQ_WINDOW; s++)
        udp_seq_sent(t, s);
    cr_expect_eq(udp_seq_reply(t, 0), UDP_SEQ_UNKNOWN, "too old to tell");
    cr_expect_eq(udp_seq_reply(t, UDP_PING_SEQ_WINDOW), UDP_SEQ_NEW,
                 "its bit was reused: cleared when sent");
    cr_expect_eq(udp_seq_reply(t, UDP_PING_SEQ_WINDOW), UDP_SEQ_DUPLICATE);
    free(t);
}

Test(udp_seq, the_lost_are_listed_oldest_first)
{
    struct udp_seq_tracker *t = malloc(sizeof *t);
    uint32_t lost[4];
    udp_seq_init(t);
    for (uint32_t seq = 0; seq < 10; seq++)
        udp_seq_sent(t, seq);
    for (uint32_t seq = 0; seq < 10; seq++)
        if (seq != 2 && seq != 5 && seq != 9)
            udp_seq_reply(t, seq);
    cr_assert_eq(udp_seq_lost(t, lost, 4), 3);
    cr_expect_eq(lost[0], 2);
    cr_expect_eq(lost[1], 5);
    cr_expect_eq(lost[2], 9);
    cr_expect_eq(udp_seq_lost(t, lost, 1), 3, "the count is whole even when the list is cut");
    cr_expect_eq(lost[0], 2);
    free(t);
}
