/*
 * udp_drop.h - the server's simulated loss (--drop PERCENT --seed N).
 *
 * A lecture needs loss on demand, and tc netem is not on every machine. The
 * decisions come from splitmix64, a tiny PRNG whose sequence is fixed by
 * its seed: the same seed drops the same datagrams on every run and every
 * libc, which rand() does not promise.
 */
#ifndef NETDEMO_UDP_DROP_H
#define NETDEMO_UDP_DROP_H

#include <stdbool.h>
#include <stdint.h>

struct udp_drop {
    unsigned percent; /* 0 .. 100 */
    uint64_t state;   /* splitmix64 state */
};

/* udp_splitmix64: advance *state and return the next 64 random bits. */
uint64_t udp_splitmix64(uint64_t *state);

/* udp_drop_init: drop percent % of datagrams, in the order fixed by seed. */
void udp_drop_init(struct udp_drop *d, unsigned percent, uint64_t seed);

/* udp_drop_next: decide for the next datagram received: true = ignore it.
 * With percent 0 it never drops and draws no number. */
bool udp_drop_next(struct udp_drop *d);

#endif
