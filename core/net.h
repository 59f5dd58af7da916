/*
 * net.h - the socket layer every netdemo program links.
 *
 * Addresses (IPv4, IPv6, Unix), listening and connecting sockets, and the
 * small socket options a server needs. Each function returns 0 or a file
 * descriptor on success and -1 on failure; on failure it writes
 * "syscall: reason" into the caller's err buffer (NET_ERR_LEN bytes, may be
 * NULL) and closes anything it opened. Nothing here calls exit().
 */
#ifndef NETDEMO_NET_H
#define NETDEMO_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define NET_ERR_LEN     256
#define NET_HOST_LEN    256 /* longest host name or literal we accept */
#define NET_ADDRSTR_LEN 128 /* "[v6]:port" or "unix:/path" as text */
#define NET_BACKLOG     511 /* listen() backlog, as nginx and Redis use */

/* Where to listen or connect: the parsed form of "HOST:PORT",
 * "[v6]:PORT" or "unix:/path". A Unix endpoint keeps its path in host. */
struct net_endpoint {
    bool is_unix;
    char host[NET_HOST_LEN];
    uint16_t port;
};

/* net_parse_endpoint: parse text into an endpoint, without any I/O.
 * Accepts "host:port", "1.2.3.4:port", "[::1]:port", "unix:/path".
 * A bare host (no port) takes default_port; default_port 0 means a port is
 * required. Returns 0, or -1 with a reason in err. */
int net_parse_endpoint(const char *text, uint16_t default_port, struct net_endpoint *out,
                       char *err);

/* net_endpoint_from_host_port: the endpoint named by a -H HOST and -p PORT
 * pair, as every netdemo command takes them. HOST may be a name, an IPv4
 * literal, an IPv6 literal with or without brackets, or "unix:/path" (then
 * the port is ignored). Returns 0, or -1 with a reason in err. */
int net_endpoint_from_host_port(const char *host, uint16_t port, struct net_endpoint *out,
                                char *err);

/* net_parse_port: strict decimal 1..65535 (0 allowed when allow_zero, for
 * "pick a free port"). Returns 0, or -1 with a reason in err. */
int net_parse_port(const char *text, bool allow_zero, uint16_t *out, char *err);

/* net_listen: socket + SO_REUSEADDR + bind + listen on a stream endpoint.
 * The host "::" listens dual-stack (IPv6 and IPv4); a Unix path is unlinked
 * first if it is a stale socket. nonblock makes the listening socket
 * non-blocking for an event loop. Returns the listening fd or -1. */
int net_listen(const struct net_endpoint *ep, int backlog, bool nonblock, char *err);

/* net_listen_reuseport: net_listen for an IP endpoint, with SO_REUSEPORT
 * set before bind, so several sockets (one per worker thread) can listen
 * on the same port and the kernel balances connections between them.
 * Every socket sharing the port must set it. Returns the fd or -1. */
int net_listen_reuseport(const struct net_endpoint *ep, int backlog, bool nonblock, char *err);

/* net_udp_bind: socket(SOCK_DGRAM) + bind for a datagram server. */
int net_udp_bind(const struct net_endpoint *ep, bool nonblock, char *err);

/* net_connect: resolve and connect a stream socket, trying each address
 * getaddrinfo returns until one answers within timeout_ms (0: the kernel's
 * own timeout). The returned fd is blocking. Returns the fd or -1; an
 * address silent for timeout_ms (errno ETIMEDOUT) is reported as
 * "no answer from ADDR within N s (...)". */
int net_connect(const struct net_endpoint *ep, int timeout_ms, char *err);

/* net_connect_addr: net_connect for one address already known (an FTP
 * data port): a stream socket connected to sa within timeout_ms. */
int net_connect_addr(const struct sockaddr *sa, socklen_t len, int timeout_ms, char *err);

/* net_udp_connect: a datagram socket whose default peer is ep (so send()
 * and recv() work, and ICMP errors are reported). Returns the fd or -1. */
int net_udp_connect(const struct net_endpoint *ep, char *err);

/* net_accept: accept one connection, retrying on EINTR. The new fd is
 * close-on-exec, and non-blocking when nonblock. peer may be NULL.
 * Returns the fd, or -1 (EAGAIN included: check errno). */
int net_accept(int listen_fd, bool nonblock, struct sockaddr_storage *peer, char *err);

/* net_set_nonblock / net_set_nodelay: fcntl O_NONBLOCK, TCP_NODELAY. */
int net_set_nonblock(int fd, bool on, char *err);
int net_set_nodelay(int fd, char *err);

/* net_limit_unsent: TCP_NOTSENT_LOWAT. Let the kernel queue at most bytes
 * that TCP cannot send yet. A sender that writes more than the receiver
 * takes then waits until the window opens and sends from its own core;
 * with a deep queue, the rest is sent when the receiver's ACKs come in,
 * on whichever core handles them (on loopback, the receiver's own: the
 * one that is already the bottleneck). Accepted sockets inherit it from
 * their listening socket. */
#define NET_UNSENT_LIMIT (16 * 1024)
int net_limit_unsent(int fd, int bytes, char *err);

/* net_format_addr: "127.0.0.1:53122", "[::1]:8080" or "unix:/tmp/s".
 * Always NUL-terminates out; returns out for use in printf. */
const char *net_format_addr(const struct sockaddr *sa, socklen_t len, char *out, size_t outlen);

/* net_format_listening: where a server listens, for its "listening on"
 * line: "unix:/path", "[::1]:8080" or "127.0.0.1:9000", with the port the
 * kernel chose when ep asked for port 0. Always NUL-terminates out;
 * returns out. */
#define NET_WHERE_LEN (NET_HOST_LEN + 16)
const char *net_format_listening(int fd, const struct net_endpoint *ep, char *out, size_t outlen);

/* net_local_port: the port a socket is bound to (after binding to port 0). */
int net_local_port(int fd, uint16_t *port, char *err);

/* net_family_name / net_socktype_name: "AF_INET", "SOCK_STREAM"... for trace. */
const char *net_family_name(int family);
const char *net_socktype_name(int type);

#endif
