/*
 * udp_limits.h - every number udp-demo depends on, in one place.
 */
#ifndef NETDEMO_UDP_LIMITS_H
#define NETDEMO_UDP_LIMITS_H

#define UDP_DEFAULT_HOST "127.0.0.1"
#define UDP_DEFAULT_PORT 9001 /* tcp-demo has 9000 */

/* The largest UDP payload: 65,535 (the IP length field) minus the IP header
 * (20 bytes for IPv4, 40 for IPv6 but not counted in its payload length)
 * minus UDP's own 8 bytes. */
#define UDP_MAX_PAYLOAD_V4 65507
#define UDP_MAX_PAYLOAD_V6 65527
/* Receive buffers are one byte larger than any datagram can be, so a
 * datagram that does not fit is impossible to miss: MSG_TRUNC says so. */
#define UDP_RECV_BUFSIZE 65536

/* server */
#define UDP_BATCH            32                /* datagrams per recvmmsg/sendmmsg call */
#define UDP_SOCKET_BUFFER    (4 * 1024 * 1024) /* SO_RCVBUF/SO_SNDBUF asked for */
#define UDP_TRACE_PER_SECOND 20                /* a flood cannot fill a terminal */
#define UDP_TRACED_PEERS     16                /* peers given a lifeline id at once */
#define UDP_STOP_CHECK_MS    200 /* longest wait before the server looks at the stop flag */
/* --reorder: answers held back at once, and how long one waits for a later
 * answer to overtake it before it goes out anyway (so none is lost). Above
 * ping's default interval of 1000 ms it would delay, not reorder, every
 * held reply; try ping -i 20. */
#define UDP_HOLD_MAX        8
#define UDP_REORDER_HOLD_MS 100
/* Source ports below this are never answered: well-known services live
 * there and answer on their own, so a datagram forged from one would start
 * an exchange that never ends (inetd's echo service refuses them too). */
#define UDP_PEER_MIN_PORT 1024

/* client and ping */
#define UDP_CLIENT_TIMEOUT_MS   1000 /* wait this long for a reply */
#define UDP_CLIENT_MAX_MESSAGES 64
#define UDP_PING_INTERVAL_MS    1000  /* as ping(8) */
#define UDP_PING_SIZE           56    /* as ping(8): datagram payload bytes */
#define UDP_PING_SEQ_WINDOW     65536 /* replies remembered for duplicate detection */
#define UDP_PING_LOST_SHOWN     20    /* unanswered seqs the summary lists */

/* --reliable: the ARQ */
#define UDP_ARQ_WINDOW     32   /* messages in flight at once */
#define UDP_ARQ_MIN_RTO_MS 20   /* never retransmit sooner than this */
#define UDP_ARQ_MAX_RTO_MS 2000 /* back off at most to this */
#define UDP_ARQ_MAX_TRIES  30   /* then give the message up */

/* multicast */
#define UDP_MCAST_DEFAULT_GROUP "239.255.0.1" /* administratively scoped */
#define UDP_MCAST_DEFAULT_TTL   1             /* stay on the local network */

#endif
