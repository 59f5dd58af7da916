/*
 * drop.c - reproducible simulated loss: one splitmix64 draw per datagram.
 */
#include "udp_drop.h"

uint64_t udp_splitmix64(uint64_t *state)
{
    /* Steele, Lea and Flood (2014); the constants are the published ones. */
    *state += 0x9e3779b97f4a7c15u;
    uint64_t z = *state;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

void udp_drop_init(struct udp_drop *d, unsigned percent, uint64_t seed)
{
    d->percent = percent;
    d->state = seed;
}

bool udp_drop_next(struct udp_drop *d)
{
    if (d->percent == 0)
        return false;
    /* The bias of % 100 on 64 random bits is below 1e-17: negligible. */
    return udp_splitmix64(&d->state) % 100 < d->percent;
}
