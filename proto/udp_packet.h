/*
 * udp_packet.h - the header udp-demo's ping and --reliable put in front of
 * their datagrams, encoded and decoded without any I/O.
 *
 *     0      4    5    6      8       12              20
 *     | NDUP | v1 |type| 0 0  |  seq  |    sent_ns    | payload ...
 *
 * Every field is in network byte order (big-endian), so a capture reads the
 * same on any machine. The server recognises the header by its magic and
 * reflects such datagrams unchanged, only turning PING into PONG and DATA
 * into ACK, so the sender's timestamp survives even in upper mode.
 */
#ifndef NETDEMO_UDP_PACKET_H
#define NETDEMO_UDP_PACKET_H

#include <stddef.h>
#include <stdint.h>

#define UDP_PACKET_MAGIC      0x4e445550u /* "NDUP" */
#define UDP_PACKET_VERSION    1
#define UDP_PACKET_HEADER_LEN 20

enum udp_packet_type {
    UDP_PACKET_NONE = 0, /* not a request: send no reply */
    UDP_PACKET_PING = 1, /* ping: a request with a timestamp */
    UDP_PACKET_PONG = 2, /* the server's reply to a PING */
    UDP_PACKET_DATA = 3, /* --reliable: one message of the ARQ */
    UDP_PACKET_ACK = 4,  /* the server's acknowledgement of a DATA */
};

struct udp_packet_header {
    enum udp_packet_type type;
    uint32_t seq;     /* 0, 1, 2, ... per run */
    uint64_t sent_ns; /* the sender's monotonic clock at this transmission */
};

/* udp_packet_encode: write the header into buf (at least
 * UDP_PACKET_HEADER_LEN bytes). Returns the bytes written, or 0 if buf is
 * too small. */
size_t udp_packet_encode(const struct udp_packet_header *h, void *buf, size_t len);

/* udp_packet_decode: read a header from a received datagram. Returns 0, or
 * -1 if the datagram is too short, has another magic or version, or an
 * unknown type (then it is someone else's datagram). */
int udp_packet_decode(const void *buf, size_t len, struct udp_packet_header *h);

/* udp_packet_rtt: the round trip of a reply received at now_ns that
 * echoes sent_ns, both of the sender's monotonic clock; -1 when the echoed
 * time is not in the past, so the reply answers no datagram of ours. */
int64_t udp_packet_rtt(uint64_t sent_ns, int64_t now_ns);

/* udp_packet_reply_type: PONG for PING, ACK for DATA; NONE for the replies
 * themselves, which a server must never answer (no reply loops). */
enum udp_packet_type udp_packet_reply_type(enum udp_packet_type request);

/* udp_packet_type_name: "PING", "PONG", "DATA", "ACK" or "?". */
const char *udp_packet_type_name(enum udp_packet_type type);

/* udp_packet_describe: what a trace shows for a datagram of len bytes at
 * buf that carries this header, "PING seq 7 (64 bytes)", rather than a
 * wall of header bytes; in out (UDP_PACKET_ABOUT_LEN bytes will do).
 * Returns 0, or -1 when the datagram carries no such header (out is
 * then untouched: show its bytes). */
int udp_packet_describe(const void *buf, size_t len, char *out, size_t outlen);
#define UDP_PACKET_ABOUT_LEN 48

#endif
