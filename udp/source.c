/*
 * source.c - replies leave from the address their request came to.
 */
#include "udp_source.h"
#include "net.h"
#include "trace.h"
#include "udp_peer.h"
#include "i18n.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

int udp_source_enable(int fd, const struct sockaddr *local, bool *enabled, char *err)
{
    int on = 1;
    *enabled = false;
    if (!udp_peer_is_any(local))
        return 0;
    if (local->sa_family == AF_INET6 &&
        setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on, sizeof on) == -1) {
        snprintf(err, NET_ERR_LEN, "setsockopt(IPV6_RECVPKTINFO): %s", strerror(errno));
        return -1;
    }
    /* IPv4 requests, on a dual-stack socket too: for a broadcast this
     * gives the interface's own address, which can be a source. */
    if (setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &on, sizeof on) == -1 &&
        local->sa_family == AF_INET) {
        snprintf(err, NET_ERR_LEN, "setsockopt(IP_PKTINFO): %s", strerror(errno));
        return -1;
    }
    TRACE_DETAIL_CALL(
        "setsockopt", 0, NULL, 0,
        N_("setsockopt(fd %d, %s) -> 0: each reply leaves from the address its request came to"),
        fd, local->sa_family == AF_INET ? "IP_PKTINFO" : "IPV6_RECVPKTINFO, IP_PKTINFO");
    *enabled = true;
    return 0;
}

/* The first control message of m at level and type, or NULL. */
static struct cmsghdr *udp_source_find(struct msghdr *m, int level, int type)
{
    for (struct cmsghdr *c = CMSG_FIRSTHDR(m); c != NULL; c = CMSG_NXTHDR(m, c))
        if (c->cmsg_level == level && c->cmsg_type == type)
            return c;
    return NULL;
}

socklen_t udp_source_reply(struct msghdr *m)
{
    if (m->msg_control == NULL || (m->msg_flags & MSG_CTRUNC))
        return 0;
    struct cmsghdr *c = udp_source_find(m, IPPROTO_IP, IP_PKTINFO);
    if (c != NULL) {
        struct in_pktinfo info;
        memcpy(&info, CMSG_DATA(c), sizeof info);
        /* ipi_spec_dst, the local address the request reached, becomes the
         * source. No interface: the route back to the client decides. */
        info.ipi_ifindex = 0;
        memcpy(CMSG_DATA(c), &info, sizeof info);
    } else {
        c = udp_source_find(m, IPPROTO_IPV6, IPV6_PKTINFO);
        if (c == NULL)
            return 0;
        struct in6_pktinfo info;
        memcpy(&info, CMSG_DATA(c), sizeof info);
        if (IN6_IS_ADDR_MULTICAST(&info.ipi6_addr))
            return 0;          /* a group is never a source: let the kernel pick */
        info.ipi6_ifindex = 0; /* the destination, now the source */
        memcpy(CMSG_DATA(c), &info, sizeof info);
    }
    /* The reply carries this one message alone, so move it to the front. */
    size_t len = c->cmsg_len;
    if ((void *)c != m->msg_control)
        memmove(m->msg_control, c, len);
    return (socklen_t)CMSG_SPACE(len - CMSG_LEN(0));
}
