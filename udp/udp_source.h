/*
 * udp_source.h - the address a reply leaves from.
 *
 * A TCP reply always leaves from the address the client connected to: the
 * connection fixes both ends. A datagram socket bound to the any-address
 * ("0.0.0.0" or "::") fixes only its port, and the kernel picks each
 * reply's source address from the route back to the client. On a host
 * with several addresses that can be another address than the one the
 * client wrote to, and a client whose socket is connect()ed (udp-demo
 * client and ping are) discards a reply from a stranger. So such a server
 * asks, with IP_PKTINFO / IPV6_RECVPKTINFO, to which address each request
 * came, and sends its reply from that address.
 */
#ifndef NETDEMO_UDP_SOURCE_H
#define NETDEMO_UDP_SOURCE_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

/* Room for a request's control messages: its destination address, in
 * both forms when an IPv4 request reaches a dual-stack socket. On the way
 * out it holds the one the reply carries, its source address. */
union udp_source_cmsg {
    unsigned char
        buf[CMSG_SPACE(sizeof(struct in6_pktinfo)) + CMSG_SPACE(sizeof(struct in_pktinfo))];
    size_t align; /* a cmsghdr's alignment: it starts with a size_t */
};

/* udp_source_enable: when local (the socket's bound address) is the
 * any-address, ask the kernel to report each datagram's destination
 * address; *enabled says whether it did. A socket bound to one address
 * needs nothing. Returns 0, or -1 with the reason in err. */
int udp_source_enable(int fd, const struct sockaddr *local, bool *enabled, char *err);

/* udp_source_reply: turn the control data received with a request
 * (m->msg_control, m->msg_controllen as recvmsg() left them) in place into
 * the control data for its reply: send from the address the request came
 * to. Returns the reply's msg_controllen, or 0 when the kernel should pick
 * the source (no address received, or one that cannot be a source, such as
 * a multicast group). No I/O. */
socklen_t udp_source_reply(struct msghdr *m);

#endif
