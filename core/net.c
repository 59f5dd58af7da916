/*
 * net.c - addresses, listening and connecting sockets.
 *
 * Every call that creates or configures a socket is narrated under --trace,
 * because these are exactly the steps of the seed lesson:
 * socket / bind / listen / accept on a server, socket / connect on a client.
 */
#include "net.h"
#include "i18n.h"
#include "io.h"
#include "trace.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

/* Write "fmt..." into the caller's error buffer, if there is one. */
static void net_set_error(char *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void net_set_error(char *err, const char *fmt, ...)
{
    if (err == NULL)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, NET_ERR_LEN, fmt, ap);
    va_end(ap);
}

/* --- parsing: pure functions, no I/O ----------------------------------- */

int net_parse_port(const char *text, bool allow_zero, uint16_t *out, char *err)
{
    unsigned long v = 0;
    const char *p = text;

    if (*p == '\0') {
        net_set_error(err, _("invalid port '': expected a number from 1 to 65535"));
        return -1;
    }
    for (; *p; p++) {
        if (*p < '0' || *p > '9' || v > 65535) {
            v = ULONG_MAX;
            break;
        }
        v = v * 10 + (unsigned long)(*p - '0');
    }
    if (v > 65535 || (v == 0 && !allow_zero)) {
        net_set_error(err, _("invalid port '%s': expected a number from %d to 65535"), text,
                      allow_zero ? 0 : 1);
        return -1;
    }
    *out = (uint16_t)v;
    return 0;
}

static int net_copy_host(struct net_endpoint *out, const char *host, size_t len, char *err)
{
    if (len == 0) {
        net_set_error(err, _("invalid address: empty host"));
        return -1;
    }
    if (len >= sizeof out->host) {
        net_set_error(err, _("invalid address: host is longer than %zu bytes"),
                      sizeof out->host - 1);
        return -1;
    }
    memcpy(out->host, host, len);
    out->host[len] = '\0';
    return 0;
}

int net_parse_endpoint(const char *text, uint16_t default_port, struct net_endpoint *out, char *err)
{
    const char *host = text, *port = NULL;
    size_t hostlen;

    memset(out, 0, sizeof *out);
    if (strncmp(text, "unix:", 5) == 0) {
        const char *path = text + 5;
        struct sockaddr_un sun;
        if (*path == '\0' || strlen(path) >= sizeof sun.sun_path) {
            net_set_error(err, _("invalid address '%s': a Unix path of 1 to %zu bytes"), text,
                          sizeof sun.sun_path - 1);
            return -1;
        }
        out->is_unix = true;
        return net_copy_host(out, path, strlen(path), err);
    }
    if (text[0] == '[') { /* [v6]:port - the brackets keep the colons apart */
        const char *close = strchr(text, ']');
        if (close == NULL || (close[1] != '\0' && close[1] != ':')) {
            net_set_error(err, _("invalid address '%s': expected [IPv6]:PORT"), text);
            return -1;
        }
        host = text + 1;
        hostlen = (size_t)(close - host);
        port = close[1] == ':' ? close + 2 : NULL;
    } else {
        const char *colon = strrchr(text, ':');
        if (colon != NULL && strchr(text, ':') != colon) {
            /* Several colons and no brackets: a bare IPv6 literal, no port. */
            colon = NULL;
        }
        hostlen = colon ? (size_t)(colon - text) : strlen(text);
        port = colon ? colon + 1 : NULL;
    }
    if (net_copy_host(out, host, hostlen, err) == -1)
        return -1;
    if (port == NULL) {
        if (default_port == 0) {
            net_set_error(err, _("invalid address '%s': a port is required (HOST:PORT)"), text);
            return -1;
        }
        out->port = default_port;
        return 0;
    }
    return net_parse_port(port, true, &out->port, err);
}

int net_endpoint_from_host_port(const char *host, uint16_t port, struct net_endpoint *out,
                                char *err)
{
    size_t len = strlen(host);

    if (strncmp(host, "unix:", 5) == 0)
        return net_parse_endpoint(host, 0, out, err);
    memset(out, 0, sizeof *out);
    if (len >= 2 && host[0] == '[' && host[len - 1] == ']') {
        host++;
        len -= 2;
    }
    if (net_copy_host(out, host, len, err) == -1)
        return -1;
    out->port = port;
    return 0;
}

/* --- formatting ----------------------------------------------------------- */

const char *net_family_name(int family)
{
    switch (family) {
    case AF_INET:
        return "AF_INET";
    case AF_INET6:
        return "AF_INET6";
    case AF_UNIX:
        return "AF_UNIX";
    default:
        return "AF_?";
    }
}

const char *net_socktype_name(int type)
{
    switch (type) {
    case SOCK_STREAM:
        return "SOCK_STREAM";
    case SOCK_DGRAM:
        return "SOCK_DGRAM";
    default:
        return "SOCK_?";
    }
}

const char *net_format_addr(const struct sockaddr *sa, socklen_t len, char *out, size_t outlen)
{
    char host[INET6_ADDRSTRLEN];

    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
        inet_ntop(AF_INET, &in->sin_addr, host, sizeof host);
        snprintf(out, outlen, "%s:%u", host, ntohs(in->sin_port));
    } else if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
        inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof host);
        snprintf(out, outlen, "[%s]:%u", host, ntohs(in6->sin6_port));
    } else if (sa->sa_family == AF_UNIX) {
        const struct sockaddr_un *un = (const struct sockaddr_un *)sa;
        /* An unnamed peer (a client that never bound) has no path. */
        size_t pathlen = len > offsetof(struct sockaddr_un, sun_path)
                             ? strnlen(un->sun_path, len - offsetof(struct sockaddr_un, sun_path))
                             : 0;
        if (pathlen == 0)
            snprintf(out, outlen, "unix:(unnamed)");
        else
            snprintf(out, outlen, "unix:%.*s", (int)pathlen, un->sun_path);
    } else {
        snprintf(out, outlen, "(family %d)", sa->sa_family);
    }
    return out;
}

const char *net_format_listening(int fd, const struct net_endpoint *ep, char *out, size_t outlen)
{
    uint16_t port = ep->port;

    if (ep->is_unix) {
        snprintf(out, outlen, "unix:%s", ep->host);
        return out;
    }
    net_local_port(fd, &port, NULL);
    /* An IPv6 literal takes brackets, so its colons stay apart from the port's. */
    snprintf(out, outlen, strchr(ep->host, ':') ? "[%s]:%u" : "%s:%u", ep->host, port);
    return out;
}

int net_local_port(int fd, uint16_t *port, char *err)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;

    if (getsockname(fd, (struct sockaddr *)&ss, &len) == -1) {
        net_set_error(err, "getsockname: %s", strerror(errno));
        return -1;
    }
    if (ss.ss_family == AF_INET)
        *port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
    else if (ss.ss_family == AF_INET6)
        *port = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
    else
        *port = 0;
    return 0;
}

/* --- socket options ------------------------------------------------------- */

int net_set_nonblock(int fd, bool on, char *err)
{
    int flags = fcntl(fd, F_GETFL);
    if (flags == -1) {
        net_set_error(err, "fcntl(F_GETFL): %s", strerror(errno));
        return -1;
    }
    flags = on ? flags | O_NONBLOCK : flags & ~O_NONBLOCK;
    if (fcntl(fd, F_SETFL, flags) == -1) {
        net_set_error(err, "fcntl(F_SETFL): %s", strerror(errno));
        return -1;
    }
    TRACE_DETAIL_CALL(
        "fcntl", 0, NULL, 0, "fcntl(fd %d, F_SETFL, %sO_NONBLOCK) -> 0%s", fd, on ? "" : "~",
        on ? _(": a call that would wait fails with EAGAIN instead") : _(": calls wait again"));
    return 0;
}

int net_set_nodelay(int fd, char *err)
{
    int yes = 1;
    if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes) == -1) {
        net_set_error(err, "setsockopt(TCP_NODELAY): %s", strerror(errno));
        return -1;
    }
    TRACE_DETAIL_CALL("setsockopt", 0, NULL, 0,
                      N_("setsockopt(fd %d, TCP_NODELAY) -> 0: small writes leave at once, not "
                         "held for Nagle's algorithm"),
                      fd);
    return 0;
}

int net_limit_unsent(int fd, int bytes, char *err)
{
    if (setsockopt(fd, IPPROTO_TCP, TCP_NOTSENT_LOWAT, &bytes, sizeof bytes) == -1) {
        net_set_error(err, "setsockopt(TCP_NOTSENT_LOWAT): %s", strerror(errno));
        return -1;
    }
    TRACE_DETAIL_CALL("setsockopt", 0, NULL, 0,
                      N_("setsockopt(fd %d, TCP_NOTSENT_LOWAT, %d bytes) -> 0: little waits "
                         "unsent in the kernel"),
                      fd, bytes);
    return 0;
}

/* --- resolving ------------------------------------------------------------ */

/* Resolve ep with getaddrinfo; passive for a server (NULL host = any).
 * Unix endpoints are built by hand: getaddrinfo knows nothing of them. */
static int net_resolve(const struct net_endpoint *ep, int socktype, bool passive,
                       struct addrinfo **res, char *err)
{
    char port[8];
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = socktype};

    hints.ai_flags = passive ? AI_PASSIVE : AI_ADDRCONFIG;
    /* Numeric literals must not go to DNS. */
    hints.ai_flags |= AI_NUMERICSERV;
    snprintf(port, sizeof port, "%u", ep->port);
    int rc = getaddrinfo(ep->host, port, &hints, res);
    if (rc != 0) {
        net_set_error(err, "getaddrinfo(%s): %s", ep->host,
                      rc == EAI_SYSTEM ? strerror(errno) : gai_strerror(rc));
        return -1;
    }
    return 0;
}

static socklen_t net_unix_addr(const struct net_endpoint *ep, struct sockaddr_un *sun)
{
    memset(sun, 0, sizeof *sun);
    sun->sun_family = AF_UNIX;
    size_t n = strlen(ep->host);
    memcpy(sun->sun_path, ep->host, n); /* length checked when parsed */
    return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + 1);
}

/* socket() with its trace line. */
static int net_socket(int family, int type, char *err)
{
    int fd = socket(family, type | SOCK_CLOEXEC, 0);
    if (fd == -1) {
        TRACE_CALL("socket", -1, NULL, 0, "socket(%s, %s) -> -1 (%s)", net_family_name(family),
                   net_socktype_name(type), strerror(errno));
        net_set_error(err, "socket: %s", strerror(errno));
        return -1;
    }
    TRACE_CALL("socket", fd, NULL, 0, "socket(%s, %s) -> fd %d", net_family_name(family),
               net_socktype_name(type), fd);
    return fd;
}

/* bind() with its trace line; on failure closes fd. */
static int net_bind(int fd, const struct sockaddr *sa, socklen_t len, char *err)
{
    char addr[NET_ADDRSTR_LEN];
    net_format_addr(sa, len, addr, sizeof addr);
    if (bind(fd, sa, len) == -1) {
        int e = errno;
        TRACE_CALL("bind", -1, NULL, 0, "bind(fd %d, %s) -> -1 (%s)", fd, addr, strerror(e));
        net_set_error(err, "bind %s: %s", addr, strerror(e));
        close(fd);
        errno = e;
        return -1;
    }
    TRACE_CALL("bind", 0, NULL, 0, "bind(fd %d, %s) -> 0", fd, addr);
    return 0;
}

/* --- listening ------------------------------------------------------------ */

/* A stale Unix socket file from an earlier run would make bind fail; remove
 * it only if it is a socket, never a regular file someone typed by mistake. */
static void net_unlink_stale_unix(const char *path)
{
    struct stat st;
    if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode))
        unlink(path);
}

static int net_listen_unix(const struct net_endpoint *ep, int backlog, char *err)
{
    struct sockaddr_un sun;
    socklen_t len = net_unix_addr(ep, &sun);
    int fd = net_socket(AF_UNIX, SOCK_STREAM, err);
    if (fd == -1)
        return -1;
    net_unlink_stale_unix(ep->host);
    if (net_bind(fd, (struct sockaddr *)&sun, len, err) == -1)
        return -1;
    if (listen(fd, backlog) == -1) {
        net_set_error(err, "listen: %s", strerror(errno));
        close(fd);
        return -1;
    }
    TRACE_CALL("listen", 0, NULL, 0, "listen(fd %d, backlog %d) -> 0", fd, backlog);
    return fd;
}

/* Bind one resolved address; returns the fd or -1 (fd closed). */
static int net_bind_one(const struct addrinfo *ai, bool reuseport, char *err)
{
    int yes = 1, no = 0;
    int fd = net_socket(ai->ai_family, ai->ai_socktype, err);
    if (fd == -1)
        return -1;
    /* SO_REUSEADDR: restart a server at once, without waiting out TIME_WAIT. */
    if (ai->ai_socktype == SOCK_STREAM &&
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes) == -1) {
        net_set_error(err, "setsockopt(SO_REUSEADDR): %s", strerror(errno));
        close(fd);
        return -1;
    }
    if (ai->ai_socktype == SOCK_STREAM)
        TRACE_DETAIL_CALL("setsockopt", 0, NULL, 0,
                          N_("setsockopt(fd %d, SO_REUSEADDR) -> 0: a restart need not wait "
                             "out TIME_WAIT"),
                          fd);
    /* SO_REUSEPORT: several sockets share the port; the kernel spreads
     * new connections across them (one per worker thread). */
    if (reuseport && setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &yes, sizeof yes) == -1) {
        net_set_error(err, "setsockopt(SO_REUSEPORT): %s", strerror(errno));
        close(fd);
        return -1;
    }
    if (reuseport)
        TRACE_DETAIL_CALL("setsockopt", 0, NULL, 0,
                          N_("setsockopt(fd %d, SO_REUSEPORT) -> 0: each worker listens on the "
                             "port, the kernel spreads connections among them"),
                          fd);
    /* "::" should mean every address, IPv4 too, whatever the sysctl says. */
    if (ai->ai_family == AF_INET6)
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &no, sizeof no);
    if (net_bind(fd, ai->ai_addr, ai->ai_addrlen, err) == -1)
        return -1;
    return fd;
}

/* Bind the first address that works. */
static int net_bind_endpoint(const struct net_endpoint *ep, int socktype, bool reuseport, char *err)
{
    struct addrinfo *res, *ai;
    int fd = -1;

    if (net_resolve(ep, socktype, true, &res, err) == -1)
        return -1;
    for (ai = res; ai != NULL; ai = ai->ai_next) {
        fd = net_bind_one(ai, reuseport, err);
        if (fd != -1)
            break;
    }
    freeaddrinfo(res);
    return fd;
}

int net_listen(const struct net_endpoint *ep, int backlog, bool nonblock, char *err)
{
    int fd;

    if (ep->is_unix) {
        fd = net_listen_unix(ep, backlog, err);
    } else {
        fd = net_bind_endpoint(ep, SOCK_STREAM, false, err);
        if (fd != -1 && listen(fd, backlog) == -1) {
            net_set_error(err, "listen: %s", strerror(errno));
            close(fd);
            return -1;
        }
        if (fd != -1)
            TRACE_CALL("listen", 0, NULL, 0, "listen(fd %d, backlog %d) -> 0", fd, backlog);
    }
    if (fd != -1 && nonblock && net_set_nonblock(fd, true, err) == -1) {
        close(fd);
        return -1;
    }
    return fd;
}

int net_listen_reuseport(const struct net_endpoint *ep, int backlog, bool nonblock, char *err)
{
    if (ep->is_unix) {
        net_set_error(err, _("listen: SO_REUSEPORT needs an IP endpoint"));
        return -1;
    }
    int fd = net_bind_endpoint(ep, SOCK_STREAM, true, err);
    if (fd == -1)
        return -1;
    if (listen(fd, backlog) == -1) {
        net_set_error(err, "listen: %s", strerror(errno));
        close(fd);
        return -1;
    }
    TRACE_CALL("listen", 0, NULL, 0, "listen(fd %d, backlog %d) -> 0", fd, backlog);
    if (nonblock && net_set_nonblock(fd, true, err) == -1) {
        close(fd);
        return -1;
    }
    return fd;
}

int net_udp_bind(const struct net_endpoint *ep, bool nonblock, char *err)
{
    if (ep->is_unix) {
        net_set_error(err, _("bind: Unix datagram endpoints are not supported"));
        return -1;
    }
    int fd = net_bind_endpoint(ep, SOCK_DGRAM, false, err);
    if (fd != -1 && nonblock && net_set_nonblock(fd, true, err) == -1) {
        close(fd);
        return -1;
    }
    return fd;
}

int net_accept(int listen_fd, bool nonblock, struct sockaddr_storage *peer, char *err)
{
    struct sockaddr_storage ss = {0}; /* zeroed: an unnamed Unix peer reads as "" */
    socklen_t len = sizeof ss;
    int fd;

    do {
        fd = accept4(listen_fd, (struct sockaddr *)&ss, &len,
                     SOCK_CLOEXEC | (nonblock ? SOCK_NONBLOCK : 0));
    } while (fd == -1 && errno == EINTR);
    if (fd == -1) {
        int e = errno;
        if (e != EAGAIN && e != EWOULDBLOCK)
            TRACE_CALL("accept", -1, NULL, 0, "accept(fd %d) -> -1 (%s)", listen_fd, strerror(e));
        net_set_error(err, "accept: %s", strerror(e));
        errno = e;
        return -1;
    }
    if (trace_on()) {
        char addr[NET_ADDRSTR_LEN];
        trace_accepted(listen_fd, fd,
                       net_format_addr((struct sockaddr *)&ss, len, addr, sizeof addr));
    } else {
        trace_not_accepted(fd);
    }
    TRACE_DETAIL("  ... accept4(SOCK_CLOEXEC%s): fd %d %s", nonblock ? "|SOCK_NONBLOCK" : "", fd,
                 nonblock ? _("is non-blocking from the start, no fcntl() needed")
                          : _("is not left open in a program the server runs"));
    if (peer != NULL)
        memcpy(peer, &ss, sizeof ss);
    return fd;
}

/* --- connecting ----------------------------------------------------------- */

/* connect() that gives up after timeout_ms: non-blocking connect, then
 * poll for writability and read the outcome from SO_ERROR. A host that
 * drops our SYNs (a wrong address, a firewall) would otherwise hold a
 * blocking connect() for the kernel's own limit, over two minutes. */
static int net_connect_timed(int fd, const struct sockaddr *sa, socklen_t len, int timeout_ms)
{
    if (timeout_ms <= 0) {
        int rc;
        do {
            rc = connect(fd, sa, len);
        } while (rc == -1 && errno == EINTR);
        return rc;
    }
    if (net_set_nonblock(fd, true, NULL) == -1)
        return -1;
    if (connect(fd, sa, len) == -1) {
        if (errno != EINPROGRESS)
            return -1;
        struct pollfd pfd = {.fd = fd, .events = POLLOUT};
        int rc = io_poll(&pfd, 1, timeout_ms);
        if (rc == 0) {
            errno = ETIMEDOUT;
            return -1;
        }
        int soerr = 0;
        socklen_t slen = sizeof soerr;
        if (rc == -1 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &slen) == -1)
            return -1;
        if (soerr != 0) {
            errno = soerr;
            return -1;
        }
    }
    return net_set_nonblock(fd, false, NULL);
}

/* The reason a connect failed, as one line a student can act on. */
static void net_connect_error(char *err, const char *addr, int e, int timeout_ms)
{
    if (e == ETIMEDOUT && timeout_ms > 0)
        net_set_error(err,
                      _("no answer from %s within %g s (is the address right? is a firewall "
                        "dropping it?)"),
                      addr, timeout_ms / 1000.0);
    else
        net_set_error(err, "connect %s: %s%s", addr, strerror(e),
                      e == ECONNREFUSED ? _(" (is the server running, on that port?)") : "");
}

/* Create a socket for one address and connect it; returns fd or -1. */
static int net_connect_socket(const struct sockaddr *sa, socklen_t len, int type, int timeout_ms,
                              char *err)
{
    char addr[NET_ADDRSTR_LEN];
    int fd = net_socket(sa->sa_family, type, err);
    if (fd == -1)
        return -1;
    net_format_addr(sa, len, addr, sizeof addr);
    if (net_connect_timed(fd, sa, len, timeout_ms) == -1) {
        int e = errno;
        TRACE_CALL("connect", -1, NULL, 0, "connect(fd %d, %s) -> -1 (%s)", fd, addr, strerror(e));
        net_connect_error(err, addr, e, timeout_ms);
        close(fd);
        errno = e;
        return -1;
    }
    TRACE_CALL("connect", 0, NULL, 0, "connect(fd %d, %s) -> 0", fd, addr);
    return fd;
}

static int net_connect_endpoint(const struct net_endpoint *ep, int type, int timeout_ms, char *err)
{
    if (ep->is_unix) {
        struct sockaddr_un sun;
        socklen_t len = net_unix_addr(ep, &sun);
        return net_connect_socket((struct sockaddr *)&sun, len, type, timeout_ms, err);
    }
    struct addrinfo *res, *ai;
    int fd = -1;
    if (net_resolve(ep, type, false, &res, err) == -1)
        return -1;
    for (ai = res; ai != NULL && fd == -1; ai = ai->ai_next)
        fd = net_connect_socket(ai->ai_addr, ai->ai_addrlen, type, timeout_ms, err);
    freeaddrinfo(res);
    return fd;
}

int net_connect(const struct net_endpoint *ep, int timeout_ms, char *err)
{
    return net_connect_endpoint(ep, SOCK_STREAM, timeout_ms, err);
}

int net_connect_addr(const struct sockaddr *sa, socklen_t len, int timeout_ms, char *err)
{
    return net_connect_socket(sa, len, SOCK_STREAM, timeout_ms, err);
}

int net_udp_connect(const struct net_endpoint *ep, char *err)
{
    if (ep->is_unix) {
        net_set_error(err, _("connect: Unix datagram endpoints are not supported"));
        return -1;
    }
    return net_connect_endpoint(ep, SOCK_DGRAM, 0, err);
}
