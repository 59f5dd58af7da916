/*
 * udp_server.h - the datagram server: recvfrom, answer, sendto.
 *
 * There is no listen(), no accept() and no connection: one socket receives
 * every client's datagrams, each with its sender's address, and each
 * request datagram gets one reply datagram sent back to that address.
 * --drop ignores a share of them to simulate a lossy network; --dup sends
 * a share of the replies twice and --reorder sends a share late
 * (udp_disorder.h). A sender
 * that could be the server itself or another service is never answered
 * (udp_peer.h), so a forged datagram cannot start an endless exchange.
 */
#ifndef NETDEMO_UDP_SERVER_H
#define NETDEMO_UDP_SERVER_H

#include "counters.h"
#include "stop.h"
#include "trace.h"
#include "net.h"
#include "serve.h"
#include "udp_disorder.h"
#include "udp_drop.h"
#include "udp_limits.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum udp_mode { UDP_MODE_UPPER, UDP_MODE_ECHO };

struct udp_config {
    struct net_endpoint endpoint;
    enum udp_mode mode;
    unsigned drop_percent;    /* 0 .. 100 */
    unsigned dup_percent;     /* 0 .. 100: answers sent twice */
    unsigned reorder_percent; /* 0 .. 100: answers sent after the next one */
    uint64_t seed;            /* for the drop, dup and reorder decisions */
    enum trace_depth trace;   /* --trace: narrate on stderr, at this depth */
};

/* Every datagram received ends in exactly one of answered, dropped or
 * failed: received = answered + dropped + failed, at any quiet moment.
 * An answer counts once however often --dup sends it, and once it is sent
 * however long --reorder held it. */
struct udp_server_stats {
    atomic_llong received;   /* datagrams read from the socket */
    atomic_llong answered;   /* replies sent */
    atomic_llong dropped;    /* not answered on purpose: --drop, truncated, a reply, refused */
    atomic_llong truncated;  /* of those dropped: larger than our buffer (MSG_TRUNC) */
    atomic_llong refused;    /* of those dropped: a sender udp_peer_may_answer() refuses */
    atomic_llong failed;     /* the reply could not be sent */
    atomic_llong duplicated; /* extra copies sent on purpose (--dup) */
    atomic_llong reordered;  /* answers sent after a later one on purpose (--reorder) */
};

struct udp_server {
    struct udp_config config;
    int fd;
    struct sockaddr_storage local; /* the bound address, with the port the kernel chose */
    bool pktinfo; /* bound to the any-address: replies leave from each request's address */
    struct counters *counters; /* shared "udp" counters (requests = datagrams) */
    struct udp_server_stats stats;
    struct udp_drop drop;
    struct udp_disorder disorder;
    struct stop *stop;    /* the caller's: ends serve() when requested */
    struct tracer tracer; /* where its trace events go */
    /* The peers seen lately, each a "connection" in trace events so that a
     * viewer can draw one lifeline per peer. Used only while tracing. */
    struct udp_traced_peer {
        struct sockaddr_storage addr;
        socklen_t len;
        struct trace_conn trace;
    } peers[UDP_TRACED_PEERS];
    unsigned peers_next; /* the slot a new peer takes (oldest first) */
};

/* udp_server_open: socket(SOCK_DGRAM) and bind: that is all a datagram
 * server needs. Bound to the any-address, it also asks for each request's
 * destination address, to answer from it (udp_source.h). Returns 0, or -1
 * with the reason in err. */
int udp_server_open(struct udp_server *srv, const struct udp_config *config, struct stop *stop,
                    char *err);

/* udp_server_serve: answer datagrams in this thread until the server's
 * stop handle is requested. Returns 0, or -1 (reason in err) on a failure that
 * stops the whole server. With --trace, a flood would narrate every
 * datagram: the server's tracer prints at most UDP_TRACE_PER_SECOND lines
 * a second on stderr (the event ring gets every one). */
int udp_server_serve(struct udp_server *srv, char *err);

/* udp_server_close: close the socket and free the counters. */
void udp_server_close(struct udp_server *srv);

/* udp_answer: turn a request datagram into its reply, in place. Returns
 * false if it must not be answered. A datagram with udp-demo's ping/ARQ
 * header is reflected unchanged except PING->PONG, DATA->ACK (so its binary
 * timestamp survives upper mode); a PONG or ACK is never answered, so two
 * servers cannot bounce a datagram forever. Anything else gets the mode:
 * upper-case ASCII letters, or echo. */
bool udp_answer(enum udp_mode mode, unsigned char *buf, size_t len);

/* udp_parse_mode: "upper" or "echo". Returns 0 or -1. */
int udp_parse_mode(const char *text, enum udp_mode *out);

/* udp_config_defaults: the documented defaults (upper mode, no drop, dup
 * or reorder, no trace) and a seed from the clock, announced when one of
 * those is used. The
 * endpoint is left empty: -H and -p give it. */
void udp_config_defaults(struct udp_config *config);

/* udp_server_ops: `udp-demo server` as server_main() runs it. */
extern const struct server_ops udp_server_ops;

/* udp_server_main: `udp-demo server ...`; returns the exit code. */
int udp_server_main(int argc, char *argv[]);

#endif
