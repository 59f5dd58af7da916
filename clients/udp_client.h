/*
 * udp_client.h - `udp-demo client` and `udp-demo ping`: a datagram out,
 * maybe a datagram back.
 *
 * A UDP client has no connection to lose and no stream to read: it sends a
 * message and waits, for a bounded time, for a reply that may never come.
 */
#ifndef NETDEMO_UDP_CLIENT_H
#define NETDEMO_UDP_CLIENT_H

#include "net.h"

#include <stdbool.h>
#include <stddef.h>

/* udp_client_call: send each message as one datagram and print its reply
 * on stdout, one line each, or "no reply within T ms". Returns 0 when every
 * message was answered, 1 when some were not, -1 on an error (reason in
 * err: an unknown host, or ICMP port unreachable reported as refused). */
int udp_client_call(const struct net_endpoint *ep, const char *const *messages, size_t count,
                    int timeout_ms, char *err);

/* udp_client_interactive: the same for each line read from stdin (the
 * newline is not sent). Returns as udp_client_call. */
int udp_client_interactive(const struct net_endpoint *ep, int timeout_ms, char *err);

/* udp_client_main: `udp-demo client ...`; returns the exit code. */
int udp_client_main(int argc, char *argv[]);

/* What `udp-demo ping` is asked to do. */
struct udp_ping_config {
    struct net_endpoint endpoint;
    unsigned long count;            /* 0: until Ctrl-C */
    int interval_ms;                /* 0: the next as soon as the reply is in */
    size_t size;                    /* datagram payload bytes, header included */
    int timeout_ms;                 /* wait this long for a reply */
    bool reliable;                  /* over the ARQ */
    bool quiet;                     /* print nothing (netdemo compare reads the result) */
    struct udp_ping_result *result; /* filled at the end, when not NULL */
};

/* What a ping run came to. */
struct udp_ping_result {
    unsigned long sent;     /* datagrams sent, retransmissions included */
    unsigned long received; /* replies (plain), or messages delivered (reliable) */
    unsigned long long retransmissions;
    double seconds; /* from the first send to the end */
};

/* udp_ping_run: ping as configured, print a line per reply and the summary
 * (unless quiet).
 * Returns the exit code: 0 when replies came back (with --reliable: when
 * every message was delivered), 1 otherwise or on error (one line printed). */
int udp_ping_run(const struct udp_ping_config *config);

/* udp_ping_main: `udp-demo ping ...`; returns the exit code. */
int udp_ping_main(int argc, char *argv[]);

#endif
