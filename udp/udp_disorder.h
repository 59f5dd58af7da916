/*
 * udp_disorder.h - the server's deliberate duplicates and reordering
 * (--dup PERCENT, --reorder PERCENT).
 *
 * Real networks duplicate a datagram now and then (a retransmitting link
 * layer, a flapping route) and reorder them (parallel paths), and UDP
 * passes both on to the application. To show it in a lecture the server
 * does it on purpose: --dup sends a share of its answers twice, --reorder
 * holds a share back and sends them after the next answer. The draws come
 * from splitmix64 like --drop's (udp_drop.h), fixed by the same --seed but
 * from a stream of their own, so adding --dup does not change which
 * datagrams --drop drops.
 *
 * Pure bookkeeping, no I/O: the server sends what this decides.
 */
#ifndef NETDEMO_UDP_DISORDER_H
#define NETDEMO_UDP_DISORDER_H

#include "udp_limits.h"
#include "udp_source.h"

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/uio.h>

/* Mixed into --seed to give --dup and --reorder their own stream. */
#define UDP_DISORDER_STREAM 0x6475702d72656f72u /* "dup-reor" */

struct udp_disorder {
    unsigned dup_percent;     /* 0 .. 100 */
    unsigned reorder_percent; /* 0 .. 100 */
    uint64_t state;           /* splitmix64 state */
};

/* What happens to one answer. */
struct udp_fate {
    bool twice; /* --dup: send it twice */
    bool hold;  /* --reorder: hold it back until the next answer has gone */
};

/* udp_disorder_init: duplicate dup_percent % and hold back
 * reorder_percent % of the answers, in the order fixed by seed. */
void udp_disorder_init(struct udp_disorder *d, unsigned dup_percent, unsigned reorder_percent,
                       uint64_t seed);

/* udp_disorder_on: whether either is asked for; when not, the server
 * takes its plain path and never calls udp_disorder_next(). */
bool udp_disorder_on(const struct udp_disorder *d);

/* udp_disorder_next: the fate of the next answer. Draws one number for
 * --dup, then one for --reorder, each only when its percent is above 0. */
struct udp_fate udp_disorder_next(struct udp_disorder *d);

/* --- the answers held back ---------------------------------------------- */

/* One answer held back: a copy of its bytes, its destination and the
 * control data that picks its source address (udp_source.h). */
struct udp_held {
    struct iovec iov; /* the reply, in the hold's own buffer */
    struct sockaddr_storage peer;
    socklen_t peer_len;
    union udp_source_cmsg ctl;
    socklen_t ctl_len;
    bool twice;       /* its fate also said --dup */
    int64_t since_ns; /* when it was held (CLOCK_MONOTONIC) */
};

/* A ring of UDP_HOLD_MAX answers. Three counts only grow, each slot being
 * count % UDP_HOLD_MAX: [unsent, head) were taken but may still wait in
 * the caller's sendmmsg() array, so their memory is not reused yet;
 * [head, tail) are held. */
struct udp_hold {
    unsigned char *bufs; /* UDP_HOLD_MAX buffers of UDP_RECV_BUFSIZE */
    struct udp_held slot[UDP_HOLD_MAX];
    unsigned unsent, head, tail;
};

/* udp_hold_init: allocate the buffers. Returns 0, or -1 when out of memory. */
int udp_hold_init(struct udp_hold *h);

/* udp_hold_free: release the buffers. */
void udp_hold_free(struct udp_hold *h);

/* udp_hold_put: copy the reply m describes (one iovec) and hold it.
 * Returns false, holding nothing, when every slot is in use: the caller
 * then sends it at once. */
bool udp_hold_put(struct udp_hold *h, const struct msghdr *m, bool twice, int64_t now_ns);

/* udp_hold_count: how many answers are held. */
unsigned udp_hold_count(const struct udp_hold *h);

/* udp_hold_take: the oldest held answer, no longer held, or NULL. It stays
 * valid until udp_hold_sent(). */
struct udp_held *udp_hold_take(struct udp_hold *h);

/* udp_hold_sent: the answers taken so far are sent; their slots are free. */
void udp_hold_sent(struct udp_hold *h);

/* udp_hold_deadline: when the oldest held answer must go out even if no
 * later answer came (UDP_REORDER_HOLD_MS after it was held); INT64_MAX
 * when none is held. */
int64_t udp_hold_deadline(const struct udp_hold *h);

/* --- the send array ---------------------------------------------------- */

/* Replies one batch can send: with --dup each answer twice, and each
 * answer held back from an earlier batch, twice too. */
#define UDP_OUT_MAX (2 * (UDP_BATCH + UDP_HOLD_MAX))

/* What a reply in the send array is. */
enum udp_out_kind {
    UDP_OUT_ANSWER,  /* an answer, sent as soon as it was made */
    UDP_OUT_COPY,    /* --dup: the same answer once more */
    UDP_OUT_LATE,    /* --reorder: held back, sent after a later answer */
    UDP_OUT_EXPIRED, /* --reorder: held back, but no later answer came in time */
};

/* The replies of one batch, for one sendmmsg(). */
struct udp_out {
    struct mmsghdr msgs[UDP_OUT_MAX];
    unsigned char kinds[UDP_OUT_MAX]; /* enum udp_out_kind of each; set by udp_out_add() */
};

/* udp_out_add: put reply m as kind at index at of the send array, and a
 * UDP_OUT_COPY right after it when twice. Returns the new count. */
int udp_out_add(struct udp_out *o, int at, const struct msghdr *m, enum udp_out_kind kind,
                bool twice);

/* udp_hold_release: take every held answer, oldest first, and add each
 * (twice when its fate said --dup) as kind from index at. Returns the new
 * count. Call udp_hold_sent() once they are sent. */
int udp_hold_release(struct udp_hold *h, struct udp_out *o, int at, enum udp_out_kind kind);

#endif
