/*
 * disorder.c - reproducible duplicates and reordering: one draw per answer
 * for each flag, a small ring of the answers held back, and the send
 * array they end up in.
 */
#include "udp_disorder.h"
#include "udp_drop.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#define NS_PER_MS 1000000LL

void udp_disorder_init(struct udp_disorder *d, unsigned dup_percent, unsigned reorder_percent,
                       uint64_t seed)
{
    *d = (struct udp_disorder){
        .dup_percent = dup_percent,
        .reorder_percent = reorder_percent,
        .state = seed ^ UDP_DISORDER_STREAM,
    };
}

bool udp_disorder_on(const struct udp_disorder *d)
{
    return d->dup_percent > 0 || d->reorder_percent > 0;
}

/* One draw: true for percent % of them. None at all for percent 0. */
static bool udp_disorder_draw(struct udp_disorder *d, unsigned percent)
{
    if (percent == 0)
        return false;
    return udp_splitmix64(&d->state) % 100 < percent;
}

struct udp_fate udp_disorder_next(struct udp_disorder *d)
{
    struct udp_fate fate;
    fate.twice = udp_disorder_draw(d, d->dup_percent);
    fate.hold = udp_disorder_draw(d, d->reorder_percent);
    return fate;
}

int udp_hold_init(struct udp_hold *h)
{
    *h = (struct udp_hold){0};
    h->bufs = malloc((size_t)UDP_HOLD_MAX * UDP_RECV_BUFSIZE);
    if (h->bufs == NULL)
        return -1;
    /* Touched now, as the server's receive buffers are: its memory stays flat. */
    memset(h->bufs, 1, (size_t)UDP_HOLD_MAX * UDP_RECV_BUFSIZE);
    return 0;
}

void udp_hold_free(struct udp_hold *h)
{
    free(h->bufs);
    h->bufs = NULL;
}

bool udp_hold_put(struct udp_hold *h, const struct msghdr *m, bool twice, int64_t now_ns)
{
    if (h->tail - h->unsent >= UDP_HOLD_MAX)
        return false;
    unsigned i = h->tail % UDP_HOLD_MAX;
    struct udp_held *held = &h->slot[i];
    size_t len = m->msg_iov[0].iov_len;
    held->iov = (struct iovec){h->bufs + (size_t)i * UDP_RECV_BUFSIZE, len};
    memcpy(held->iov.iov_base, m->msg_iov[0].iov_base, len);
    memcpy(&held->peer, m->msg_name, m->msg_namelen);
    held->peer_len = m->msg_namelen;
    held->ctl_len = (socklen_t)m->msg_controllen;
    assert(held->ctl_len <= sizeof held->ctl.buf);
    if (held->ctl_len > 0)
        memcpy(held->ctl.buf, m->msg_control, held->ctl_len);
    held->twice = twice;
    held->since_ns = now_ns;
    h->tail++;
    return true;
}

unsigned udp_hold_count(const struct udp_hold *h)
{
    return h->tail - h->head;
}

struct udp_held *udp_hold_take(struct udp_hold *h)
{
    if (h->head == h->tail)
        return NULL;
    return &h->slot[h->head++ % UDP_HOLD_MAX];
}

void udp_hold_sent(struct udp_hold *h)
{
    h->unsent = h->head;
}

int64_t udp_hold_deadline(const struct udp_hold *h)
{
    if (h->head == h->tail)
        return INT64_MAX;
    return h->slot[h->head % UDP_HOLD_MAX].since_ns + UDP_REORDER_HOLD_MS * NS_PER_MS;
}

int udp_out_add(struct udp_out *o, int at, const struct msghdr *m, enum udp_out_kind kind,
                bool twice)
{
    assert(at >= 0 && at + (twice ? 2 : 1) <= UDP_OUT_MAX);
    o->msgs[at].msg_hdr = *m;
    o->kinds[at++] = (unsigned char)kind;
    if (twice) {
        o->msgs[at].msg_hdr = *m; /* the same bytes: sendmmsg() only reads them */
        o->kinds[at++] = UDP_OUT_COPY;
    }
    return at;
}

int udp_hold_release(struct udp_hold *h, struct udp_out *o, int at, enum udp_out_kind kind)
{
    for (;;) {
        struct udp_held *held = udp_hold_take(h);
        if (held == NULL)
            return at;
        struct msghdr m = {
            .msg_name = &held->peer,
            .msg_namelen = held->peer_len,
            .msg_iov = &held->iov,
            .msg_iovlen = 1,
            .msg_control = held->ctl_len > 0 ? held->ctl.buf : NULL,
            .msg_controllen = held->ctl_len,
        };
        at = udp_out_add(o, at, &m, kind, held->twice);
    }
}
