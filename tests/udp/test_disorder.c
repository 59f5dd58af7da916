/*
 * test_disorder.c - deliberate duplicates and reordering: fates that a seed
 * makes reproducible, and the ring of answers held back.
 */
#include "udp_disorder.h"
#include "udp_drop.h"

#include <criterion/criterion.h>
#include <netinet/in.h>
#include <string.h>

Test(udp_disorder, same_seed_gives_the_same_fates)
{
    struct udp_disorder a, b;
    udp_disorder_init(&a, 30, 40, 42);
    udp_disorder_init(&b, 30, 40, 42);
    for (int i = 0; i < 1000; i++) {
        struct udp_fate fa = udp_disorder_next(&a), fb = udp_disorder_next(&b);
        cr_assert_eq(fa.twice, fb.twice, "answer %d", i);
        cr_assert_eq(fa.hold, fb.hold, "answer %d", i);
    }
}

Test(udp_disorder, off_draws_nothing_and_never_acts)
{
    struct udp_disorder d;
    udp_disorder_init(&d, 0, 0, 7);
    cr_assert_not(udp_disorder_on(&d));
    uint64_t before = d.state;
    for (int i = 0; i < 100; i++) {
        struct udp_fate f = udp_disorder_next(&d);
        cr_assert_not(f.twice || f.hold);
    }
    cr_expect_eq(d.state, before, "percent 0 draws no number");
}

Test(udp_disorder, hundred_percent_always_acts)
{
    struct udp_disorder d;
    udp_disorder_init(&d, 100, 100, 7);
    cr_assert(udp_disorder_on(&d));
    for (int i = 0; i < 1000; i++) {
        struct udp_fate f = udp_disorder_next(&d);
        cr_assert(f.twice && f.hold, "answer %d", i);
    }
}

Test(udp_disorder, a_stream_of_its_own_next_to_drop)
{
    /* --dup draws from seed ^ UDP_DISORDER_STREAM, so adding it leaves
     * --drop's decisions for the same seed as they were. */
    struct udp_disorder d;
    udp_disorder_init(&d, 50, 0, 9);
    uint64_t state = 9 ^ UDP_DISORDER_STREAM;
    for (int i = 0; i < 100; i++)
        cr_assert_eq(udp_disorder_next(&d).twice, udp_splitmix64(&state) % 100 < 50, "answer %d",
                     i);
}

Test(udp_disorder, shares_close_to_the_percent_asked)
{
    struct udp_disorder d;
    int twice = 0, hold = 0, n = 100000;
    udp_disorder_init(&d, 20, 50, 12345);
    for (int i = 0; i < n; i++) {
        struct udp_fate f = udp_disorder_next(&d);
        twice += f.twice;
        hold += f.hold;
    }
    /* The seed is fixed, so this cannot flake; 1 point is over 6 sigma. */
    cr_expect(twice > 19 * n / 100 && twice < 21 * n / 100, "dup: %d of %d", twice, n);
    cr_expect(hold > 49 * n / 100 && hold < 51 * n / 100, "reorder: %d of %d", hold, n);
}

/* --- the ring of held answers ------------------------------------------- */

/* A reply msghdr for text to 127.0.0.1:port. */
static struct msghdr reply_to(struct sockaddr_in *peer, struct iovec *iov, const char *text,
                              int port)
{
    *peer = (struct sockaddr_in){.sin_family = AF_INET,
                                 .sin_port = htons((uint16_t)port),
                                 .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    *iov = (struct iovec){(void *)text, strlen(text)};
    return (struct msghdr){
        .msg_name = peer, .msg_namelen = sizeof *peer, .msg_iov = iov, .msg_iovlen = 1};
}

Test(udp_hold, keeps_a_copy_and_gives_it_back_oldest_first)
{
    struct udp_hold h;
    cr_assert_eq(udp_hold_init(&h), 0);
    struct sockaddr_in peer;
    struct iovec iov;
    char first[] = "first", second[] = "second";
    struct msghdr m = reply_to(&peer, &iov, first, 5000);
    cr_assert(udp_hold_put(&h, &m, true, 1000));
    memset(first, 'x', sizeof first - 1); /* the receive buffer is reused */
    m = reply_to(&peer, &iov, second, 5001);
    cr_assert(udp_hold_put(&h, &m, false, 2000));
    cr_expect_eq(udp_hold_count(&h), 2);

    struct udp_held *a = udp_hold_take(&h), *b = udp_hold_take(&h);
    cr_assert(a != NULL && b != NULL);
    cr_expect_eq(a->iov.iov_len, 5);
    cr_expect_eq(memcmp(a->iov.iov_base, "first", 5), 0);
    cr_expect(a->twice);
    cr_expect_eq(ntohs(((struct sockaddr_in *)&a->peer)->sin_port), 5000);
    cr_expect_eq(memcmp(b->iov.iov_base, "second", 6), 0);
    cr_expect_not(b->twice);
    cr_expect_null(udp_hold_take(&h));
    cr_expect_eq(udp_hold_count(&h), 0);
    udp_hold_free(&h);
}

Test(udp_hold, deadline_is_the_oldest_plus_the_hold_time)
{
    struct udp_hold h;
    cr_assert_eq(udp_hold_init(&h), 0);
    cr_expect_eq(udp_hold_deadline(&h), INT64_MAX, "nothing held");
    struct sockaddr_in peer;
    struct iovec iov;
    struct msghdr m = reply_to(&peer, &iov, "x", 5000);
    udp_hold_put(&h, &m, false, 1000);
    udp_hold_put(&h, &m, false, 9000);
    cr_expect_eq(udp_hold_deadline(&h), 1000 + UDP_REORDER_HOLD_MS * 1000000LL);
    udp_hold_take(&h);
    cr_expect_eq(udp_hold_deadline(&h), 9000 + UDP_REORDER_HOLD_MS * 1000000LL);
    udp_hold_free(&h);
}

Test(udp_hold, full_ring_refuses_and_slots_wait_until_sent)
{
    struct udp_hold h;
    cr_assert_eq(udp_hold_init(&h), 0);
    struct sockaddr_in peer;
    struct iovec iov;
    struct msghdr m = reply_to(&peer, &iov, "x", 5000);
    for (int i = 0; i < UDP_HOLD_MAX; i++)
        cr_assert(udp_hold_put(&h, &m, false, i), "slot %d", i);
    cr_expect_not(udp_hold_put(&h, &m, false, 99), "full: sent at once instead");

    /* Taken but not yet sent: the caller's sendmmsg() array still points
     * at them, so they are not reused. */
    struct udp_held *taken = udp_hold_take(&h);
    cr_expect_not(udp_hold_put(&h, &m, false, 99));
    udp_hold_sent(&h);
    struct msghdr n = reply_to(&peer, &iov, "new", 5002);
    cr_expect(udp_hold_put(&h, &n, false, 99), "free once sent");
    cr_expect_eq(udp_hold_count(&h), UDP_HOLD_MAX);
    cr_expect_eq(memcmp(taken->iov.iov_base, "new", 3), 0, "the freed slot is the one reused");
    udp_hold_free(&h);
}

/* --- the send array ----------------------------------------------------- */

Test(udp_out, answer_then_its_copy_then_the_held_oldest_first)
{
    static struct udp_out out; /* large: not on the stack */
    struct udp_hold h;
    cr_assert_eq(udp_hold_init(&h), 0);
    struct sockaddr_in peer;
    struct iovec iov;
    struct msghdr held1 = reply_to(&peer, &iov, "held 1", 5001);
    cr_assert(udp_hold_put(&h, &held1, true, 1));
    struct msghdr held2 = reply_to(&peer, &iov, "held 2", 5002);
    cr_assert(udp_hold_put(&h, &held2, false, 2));

    struct sockaddr_in now_peer;
    struct iovec now_iov;
    struct msghdr now = reply_to(&now_peer, &now_iov, "now", 5003);
    int n = udp_out_add(&out, 0, &now, UDP_OUT_ANSWER, true);
    n = udp_hold_release(&h, &out, n, UDP_OUT_LATE);

    static const struct {
        const char *text;
        enum udp_out_kind kind;
    } want[] = {{"now", UDP_OUT_ANSWER},
                {"now", UDP_OUT_COPY},
                {"held 1", UDP_OUT_LATE},
                {"held 1", UDP_OUT_COPY},
                {"held 2", UDP_OUT_LATE}};
    cr_assert_eq(n, 5);
    for (int i = 0; i < n; i++) {
        const struct msghdr *m = &out.msgs[i].msg_hdr;
        size_t len = strlen(want[i].text);
        cr_expect_eq(out.kinds[i], want[i].kind, "reply %d", i);
        cr_expect_eq(m->msg_iov->iov_len, len, "reply %d", i);
        cr_expect_eq(memcmp(m->msg_iov->iov_base, want[i].text, len), 0, "reply %d", i);
    }
    cr_expect_eq(udp_hold_count(&h), 0, "nothing is held any more");
    udp_hold_free(&h);
}
