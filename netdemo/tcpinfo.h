/*
 * tcpinfo.h - the kernel's view of one TCP connection (TCP_INFO), as much
 * of it as `netdemo compare` reports.
 */
#ifndef NETDEMO_TCPINFO_H
#define NETDEMO_TCPINFO_H

#include <stdint.h>

/* IPv4 and TCP headers with the timestamp option Linux sends on every
 * segment: what each segment adds to its payload on the wire (loopback
 * has no link-layer header). */
#define TCPINFO_HEADER_BYTES 52

struct tcpinfo {
    uint32_t segs_out, segs_in; /* segments sent and received (RFC 4898) */
    uint32_t rtt_us;            /* the smoothed round-trip time */
    uint32_t retransmits;       /* segments sent again, in total */
    uint32_t cwnd;              /* congestion window, in segments */
    uint32_t out_of_order;      /* segments that came after a hole (a receiver's view) */
};

/* tcpinfo_read: TCP_INFO of the connected socket fd. Returns 0, or -1. */
int tcpinfo_read(int fd, struct tcpinfo *out);

#endif
