/*
 * udp_packet.c - encode and decode the ping/ARQ header, byte by byte.
 *
 * Shifting bytes by hand (rather than casting a struct over the buffer)
 * makes the byte order explicit and avoids unaligned access and padding.
 */
#include "udp_packet.h"

#include <libintl.h>
#include <stdio.h>

static void put_be32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(v >> (24 - 8 * i));
}

static void put_be64(unsigned char *p, uint64_t v)
{
    put_be32(p, (uint32_t)(v >> 32));
    put_be32(p + 4, (uint32_t)v);
}

static uint32_t get_be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static uint64_t get_be64(const unsigned char *p)
{
    return (uint64_t)get_be32(p) << 32 | get_be32(p + 4);
}

size_t udp_packet_encode(const struct udp_packet_header *h, void *buf, size_t len)
{
    unsigned char *p = buf;
    if (len < UDP_PACKET_HEADER_LEN)
        return 0;
    put_be32(p, UDP_PACKET_MAGIC);
    p[4] = UDP_PACKET_VERSION;
    p[5] = (unsigned char)h->type;
    p[6] = 0;
    p[7] = 0;
    put_be32(p + 8, h->seq);
    put_be64(p + 12, h->sent_ns);
    return UDP_PACKET_HEADER_LEN;
}

int udp_packet_decode(const void *buf, size_t len, struct udp_packet_header *h)
{
    const unsigned char *p = buf;
    if (len < UDP_PACKET_HEADER_LEN || get_be32(p) != UDP_PACKET_MAGIC ||
        p[4] != UDP_PACKET_VERSION)
        return -1;
    if (p[5] < UDP_PACKET_PING || p[5] > UDP_PACKET_ACK)
        return -1;
    h->type = (enum udp_packet_type)p[5];
    h->seq = get_be32(p + 8);
    h->sent_ns = get_be64(p + 12);
    return 0;
}

int64_t udp_packet_rtt(uint64_t sent_ns, int64_t now_ns)
{
    /* Compared as unsigned first: the echoed bytes may hold any value. */
    if (now_ns < 0 || sent_ns > (uint64_t)now_ns)
        return -1;
    return now_ns - (int64_t)sent_ns;
}

enum udp_packet_type udp_packet_reply_type(enum udp_packet_type request)
{
    switch (request) {
    case UDP_PACKET_PING:
        return UDP_PACKET_PONG;
    case UDP_PACKET_DATA:
        return UDP_PACKET_ACK;
    default:
        return UDP_PACKET_NONE;
    }
}

const char *udp_packet_type_name(enum udp_packet_type type)
{
    static const char *const names[] = {"?", "PING", "PONG", "DATA", "ACK"};
    return (unsigned)type <= UDP_PACKET_ACK ? names[type] : "?";
}

int udp_packet_describe(const void *buf, size_t len, char *out, size_t outlen)
{
    struct udp_packet_header h;
    if (udp_packet_decode(buf, len, &h) == -1)
        return -1;
    /* proto opens no socket and has no core/i18n.h: gettext() itself,
     * so that trace and lecture lines show a packet in the user's words */
    snprintf(out, outlen, gettext("%s seq %u (%zu bytes)"), udp_packet_type_name(h.type),
             (unsigned)h.seq, len);
    return 0;
}
