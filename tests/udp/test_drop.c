/*
 * test_drop.c - simulated loss: splitmix64's published sequence, and
 * drop decisions that a seed makes reproducible.
 */
#include "udp_drop.h"

#include <criterion/criterion.h>

Test(udp_drop, splitmix64_gives_the_reference_sequence)
{
    /* The first outputs for seed 0, as in the reference implementation. */
    static const uint64_t want[] = {0xe220a8397b1dcdafu, 0x6e789e6aa1b965f4u, 0x06c45d188009454fu};
    uint64_t state = 0;
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        cr_expect_eq(udp_splitmix64(&state), want[i], "output %zu", i);
}

Test(udp_drop, same_seed_drops_the_same_datagrams)
{
    struct udp_drop a, b;
    udp_drop_init(&a, 20, 42);
    udp_drop_init(&b, 20, 42);
    for (int i = 0; i < 1000; i++)
        cr_assert_eq(udp_drop_next(&a), udp_drop_next(&b), "datagram %d", i);
}

Test(udp_drop, extremes_never_and_always)
{
    struct udp_drop never, always;
    udp_drop_init(&never, 0, 1);
    udp_drop_init(&always, 100, 1);
    for (int i = 0; i < 1000; i++) {
        cr_assert_not(udp_drop_next(&never));
        cr_assert(udp_drop_next(&always));
    }
    cr_expect_eq(never.state, 1, "percent 0 draws no number");
}

Test(udp_drop, drops_close_to_the_share_asked)
{
    static const unsigned percents[] = {1, 20, 30, 50, 99};
    for (size_t p = 0; p < sizeof percents / sizeof percents[0]; p++) {
        struct udp_drop d;
        int dropped = 0, n = 100000;
        udp_drop_init(&d, percents[p], 12345);
        for (int i = 0; i < n; i++)
            dropped += udp_drop_next(&d);
        /* The seed is fixed, so this cannot flake; 1 point is over 6 sigma. */
        cr_expect(dropped > (int)(percents[p] - 1) * n / 100 &&
                      dropped < (int)(percents[p] + 1) * n / 100,
                  "%u%%: dropped %d of %d", percents[p], dropped, n);
    }
}
