/*
 * peer.c - the loop guard: a pure check of a datagram's source address.
 */
#include "udp_peer.h"
#include "udp_limits.h"
#include "i18n.h"

#include <netinet/in.h>
#include <stdint.h>
#include <string.h>

/* An IP address and port in one form for both families: IPv4 as its
 * IPv4-mapped IPv6 address, so ::ffff:127.0.0.1 and 127.0.0.1 compare equal. */
struct udp_peer_ip {
    struct in6_addr addr;
    uint16_t port; /* host order */
};

/* Returns false if sa is neither AF_INET nor AF_INET6. */
static bool udp_peer_ip_of(const struct sockaddr *sa, struct udp_peer_ip *out)
{
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
        memset(&out->addr, 0, sizeof out->addr);
        out->addr.s6_addr[10] = 0xff;
        out->addr.s6_addr[11] = 0xff;
        memcpy(&out->addr.s6_addr[12], &in->sin_addr, 4);
        out->port = ntohs(in->sin_port);
        return true;
    }
    if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
        out->addr = in6->sin6_addr;
        out->port = ntohs(in6->sin6_port);
        return true;
    }
    return false;
}

/* "::", "::ffff:0.0.0.0" or "0.0.0.0", in the one form. */
static bool udp_peer_ip_is_any(const struct udp_peer_ip *ip)
{
    static const unsigned char mapped_any[16] = {[10] = 0xff, [11] = 0xff};
    return IN6_IS_ADDR_UNSPECIFIED(&ip->addr) ||
           memcmp(ip->addr.s6_addr, mapped_any, sizeof mapped_any) == 0;
}

bool udp_peer_is_any(const struct sockaddr *sa)
{
    struct udp_peer_ip ip;
    return udp_peer_ip_of(sa, &ip) && udp_peer_ip_is_any(&ip);
}

bool udp_peer_may_answer(const struct sockaddr *peer, const struct sockaddr *local,
                         const char **why)
{
    struct udp_peer_ip from, self;
    const char *reason = NULL;

    if (!udp_peer_ip_of(peer, &from) || !udp_peer_ip_of(local, &self))
        reason = N_("not an IP address");
    else if (from.port == 0)
        reason = N_("source port 0: no socket can receive the reply");
    else if (from.port < UDP_PEER_MIN_PORT)
        reason = N_("a well-known source port: that service answers on its own");
    else if (from.port == self.port &&
             (udp_peer_ip_is_any(&self) || memcmp(&from.addr, &self.addr, sizeof from.addr) == 0))
        reason = N_("source is this server's own address and port: it would answer itself");
    if (why != NULL)
        *why = reason;
    return reason == NULL;
}
