/*
 * udp_peer.h - which senders an answering server must not answer.
 *
 * A UDP source address is whatever the sender wrote into the packet. An
 * echo server that answers every datagram can be aimed at itself (a datagram
 * forged from its own address and port is answered to itself, forever) or at
 * another service that answers too (two echo servers bounce one forged
 * datagram between them, forever). inetd's echo service has always refused
 * such sources; udp-demo's server refuses the same ones.
 */
#ifndef NETDEMO_UDP_PEER_H
#define NETDEMO_UDP_PEER_H

#include <stdbool.h>
#include <sys/socket.h>

/* udp_peer_may_answer: whether a datagram from peer may get a reply from a
 * server whose socket is bound to local (its getsockname() address). Both
 * are AF_INET or AF_INET6; an IPv4-mapped IPv6 address (::ffff:a.b.c.d, as
 * a socket bound to "::" sees IPv4 senders) counts as the IPv4 address.
 * Refused, with the reason in *why (why may be NULL):
 *   - source port 0, which no socket can receive on;
 *   - source ports below UDP_PEER_MIN_PORT, where well-known services
 *     (echo, daytime, DNS...) answer on their own;
 *   - the server's own address and port. Bound to the any-address, the
 *     socket owns its port on every address of the host, so that port is
 *     refused from any address, as inetd does.
 * Pure: no I/O, no system calls. */
bool udp_peer_may_answer(const struct sockaddr *peer, const struct sockaddr *local,
                         const char **why);

/* udp_peer_is_any: whether sa is an any-address ("0.0.0.0", "::" or
 * "::ffff:0.0.0.0"), on which a bound socket receives for every address of
 * the host. Pure. */
bool udp_peer_is_any(const struct sockaddr *sa);

#endif
