/*
 * cmd_data.c - the data channel: FTP's second connection, opened for each
 * listing or file and closed at its end.
 *
 * Passive (PASV/EPSV): the server listens and the client connects. Active
 * (PORT/EPRT): the client listens and the server connects. Either way the
 * other end must be the control connection's own client: RFC 2577's defence
 * against the "bounce" attack, where a server is used to reach a third host.
 */
#include "ftp_command.h"
#include "ftp_hostport.h"
#include "loop.h"
#include "ftp_session.h"
#include "trace.h"
#include "i18n.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

/* The IPv4 address inside an IPv4-mapped IPv6 one (::ffff:a.b.c.d), so a
 * dual-stack listener compares like with like. */
static void data_unmap(const struct sockaddr_storage *in, struct sockaddr_storage *out)
{
    const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)in;
    *out = *in;
    if (in->ss_family == AF_INET6 && IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr)) {
        struct sockaddr_in *v4 = (struct sockaddr_in *)out;
        uint16_t port = in6->sin6_port;
        struct in_addr a;
        memcpy(&a, &in6->sin6_addr.s6_addr[12], 4);
        memset(out, 0, sizeof *out);
        v4->sin_family = AF_INET;
        v4->sin_addr = a;
        v4->sin_port = port;
    }
}

bool ftp_same_host(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
    struct sockaddr_storage x, y;
    data_unmap(a, &x);
    data_unmap(b, &y);
    if (x.ss_family != y.ss_family)
        return false;
    if (x.ss_family == AF_INET)
        return ((struct sockaddr_in *)&x)->sin_addr.s_addr ==
               ((struct sockaddr_in *)&y)->sin_addr.s_addr;
    if (x.ss_family == AF_INET6)
        return memcmp(&((struct sockaddr_in6 *)&x)->sin6_addr,
                      &((struct sockaddr_in6 *)&y)->sin6_addr, sizeof(struct in6_addr)) == 0;
    return false;
}

static uint16_t data_port_of(const struct sockaddr_storage *sa)
{
    return ntohs(sa->ss_family == AF_INET ? ((const struct sockaddr_in *)sa)->sin_port
                                          : ((const struct sockaddr_in6 *)sa)->sin6_port);
}

static void data_set_port(struct sockaddr_storage *sa, uint16_t port)
{
    if (sa->ss_family == AF_INET)
        ((struct sockaddr_in *)sa)->sin_port = htons(port);
    else
        ((struct sockaddr_in6 *)sa)->sin6_port = htons(port);
}

void ftp_data_forget(struct ftp_session *s)
{
    if (s->pasv_fd != -1) {
        close(s->pasv_fd);
        s->pasv_fd = -1;
    }
    s->port_len = 0;
}

/* Listen on our own control address, on a port from --pasv-ports (tried
 * from a random start) or, with no range, on any free port. */
static int data_listen(struct ftp_session *s, const struct sockaddr_storage *local)
{
    const struct ftp_config *cfg = &s->srv->config;
    struct sockaddr_storage addr = *local;
    unsigned span = cfg->pasv_lo ? (unsigned)(cfg->pasv_hi - cfg->pasv_lo) + 1 : 1;
    unsigned start = (unsigned)rand() % span;

    for (unsigned i = 0; i < span; i++) {
        uint16_t port = cfg->pasv_lo ? (uint16_t)(cfg->pasv_lo + (start + i) % span) : 0;
        int fd = socket(addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd == -1)
            return -1;
        data_set_port(&addr, port);
        socklen_t len =
            addr.ss_family == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6);
        if (bind(fd, (struct sockaddr *)&addr, len) == 0 && listen(fd, 1) == 0)
            return fd;
        close(fd);
        if (errno != EADDRINUSE)
            return -1;
    }
    return -1;
}

/* The 227 reply: our IPv4 address (or --pasv-address) and the port. */
static void data_reply_pasv(struct ftp_session *s, const struct sockaddr_storage *local,
                            uint16_t port)
{
    struct sockaddr_in shown = *(const struct sockaddr_in *)local;
    char text[FTP_HOSTPORT_LEN];
    if (s->srv->config.pasv_address[0] != '\0')
        inet_pton(AF_INET, s->srv->config.pasv_address, &shown.sin_addr);
    shown.sin_port = htons(port);
    ftp_format_port_arg(&shown, text, sizeof text);
    ftp_reply(s, FTP_PASV_OK, "Entering Passive Mode (%s).", text);
}

void ftp_data_passive(struct ftp_session *s, bool extended)
{
    struct sockaddr_storage local;
    uint16_t port = 0;

    ftp_data_forget(s);
    data_unmap(&s->local, &local);
    if (!extended && local.ss_family != AF_INET) {
        ftp_reply(s, FTP_BAD_PARAMETER, "PASV is IPv4 only: use EPSV.");
        return;
    }
    s->pasv_fd = data_listen(s, &local);
    if (s->pasv_fd == -1 || net_local_port(s->pasv_fd, &port, NULL) == -1) {
        ftp_data_forget(s);
        ftp_reply(s, FTP_CANT_OPEN_DATA, "Cannot open a passive port.");
        return;
    }
    TRACE(N_("data: listening on port %u for %s"), port, s->peer_text);
    if (extended)
        ftp_reply(s, FTP_EPSV_OK, "Entering Extended Passive Mode (|||%u|).", port);
    else
        data_reply_pasv(s, &local, port);
}

void ftp_data_active(struct ftp_session *s, const struct sockaddr_storage *sa, socklen_t len)
{
    ftp_data_forget(s);
    /* RFC 2577: only the client itself, and never a privileged port. */
    if (!ftp_same_host(sa, &s->peer) || data_port_of(sa) < 1024) {
        counters_add(s->srv->stats, errors, 1);
        ftp_reply(s, FTP_BAD_PARAMETER,
                  "Refused: the data address must be your own, with a port >= 1024.");
        return;
    }
    data_unmap(sa, &s->port_addr);
    s->port_len = len;
    ftp_reply(s, FTP_OK, "PORT command successful. Consider using PASV.");
}

/*
 * While data flows, the session thread also listens to the control
 * connection, so an ABOR ends the transfer at once whether or not the
 * client sends it as urgent data first (RFC 959 asks for the Telnet
 * "synch", many clients send a plain line). The bytes read there go into
 * the session's line reader, where every command waits its turn: after
 * the transfer, the session loop takes them in order, ABOR included (its
 * 226 follows the transfer's 426). Only ABOR is looked for early.
 */

/* The control connection's events to watch: urgent data always, ordinary
 * bytes while the line reader has room for them and the client has not
 * finished sending. Otherwise poll() would report them again and again. */
static short data_ctrl_events(const struct ftp_session *s)
{
    bool room = line_pending(&s->reader) < s->reader.max;
    return room && !s->reader.at_eof ? POLLPRI | POLLIN : POLLPRI;
}

/* Read what the control connection holds and look for ABOR among it.
 * FTP_WAIT_READY here means "go on": no reason to stop the transfer. */
static enum ftp_data_wait data_read_ctrl(struct ftp_session *s)
{
    size_t n;
    ssize_t got = line_fill(&s->reader);
    if (got == -1)
        return FTP_WAIT_FAIL;
    /* At end of stream (got 0) the transfer goes on: a client may send its
     * last commands, QUIT among them, and then close its side. */
    counters_add(s->srv->stats, bytes_in, got);
    const char *bytes = line_peek(&s->reader, &n);
    return ftp_lines_hold_abor(bytes, n) ? FTP_WAIT_ABORT : FTP_WAIT_READY;
}

/* What the control connection's poll events mean for the transfer. */
static enum ftp_data_wait data_ctrl_event(struct ftp_session *s, short revents)
{
    if (revents & POLLPRI)
        return FTP_WAIT_ABORT; /* urgent data: the synch before ABOR */
    if (revents & POLLIN)
        return data_read_ctrl(s);
    return revents != 0 ? FTP_WAIT_FAIL : FTP_WAIT_READY; /* broke, or quiet */
}

enum ftp_data_wait ftp_data_wait(struct ftp_session *s, int fd, short events)
{
    int64_t deadline = loop_now_ms() + FTP_DATA_TIMEOUT_MS;
    for (;;) {
        struct pollfd pfd[3] = {
            {.fd = fd, .events = events},
            {.fd = s->ctrl_fd, .events = data_ctrl_events(s)},
            {.fd = stop_fd(s->srv->stop), .events = POLLIN},
        };
        int64_t left = deadline - loop_now_ms();
        int n = left > 0 ? io_poll(pfd, 3, (int)left) : 0;
        if (n <= 0 || pfd[2].revents)
            return FTP_WAIT_FAIL;
        enum ftp_data_wait w = data_ctrl_event(s, pfd[1].revents);
        if (w != FTP_WAIT_READY)
            return w;
        if (pfd[0].revents)
            return FTP_WAIT_READY;
    }
}

int ftp_data_pause(struct ftp_session *s, int fd, short events)
{
    enum ftp_data_wait w = ftp_data_wait(s, fd, events);
    if (w == FTP_WAIT_ABORT)
        s->abort_seen = true;
    return w == FTP_WAIT_READY ? 0 : -1;
}

int ftp_data_check(struct ftp_session *s)
{
    struct pollfd pfd[2] = {
        {.fd = s->ctrl_fd, .events = data_ctrl_events(s)},
        {.fd = stop_fd(s->srv->stop), .events = POLLIN},
    };
    if (poll(pfd, 2, 0) <= 0)
        return 0;
    if (pfd[1].revents)
        return -1;
    enum ftp_data_wait w = data_ctrl_event(s, pfd[0].revents);
    if (w == FTP_WAIT_ABORT)
        s->abort_seen = true;
    return w == FTP_WAIT_READY ? 0 : -1;
}

/* Passive: accept the client's connection; a stranger's is closed unseen. */
static int data_accept(struct ftp_session *s)
{
    for (;;) {
        if (ftp_data_pause(s, s->pasv_fd, POLLIN) == -1)
            return -1;
        struct sockaddr_storage peer;
        char who[NET_ADDRSTR_LEN];
        int fd = net_accept(s->pasv_fd, true, &peer, NULL);
        if (fd == -1)
            continue;
        if (ftp_same_host(&peer, &s->peer))
            return fd;
        TRACE(N_("data: refused a connection from %s (not the client)"),
              net_format_addr((struct sockaddr *)&peer, sizeof peer, who, sizeof who));
        counters_add(s->srv->stats, errors, 1);
        close(fd);
    }
}

/* Active: connect from our control address to the client's PORT address. */
static int data_connect(struct ftp_session *s)
{
    struct sockaddr_storage local;
    data_unmap(&s->local, &local);
    data_set_port(&local, 0);
    int fd = socket(s->port_addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd == -1)
        return -1;
    socklen_t len = s->port_addr.ss_family == AF_INET ? sizeof(struct sockaddr_in)
                                                      : sizeof(struct sockaddr_in6);
    if (local.ss_family == s->port_addr.ss_family)
        (void)bind(fd, (struct sockaddr *)&local, len); /* from our address, any port */
    if (connect(fd, (struct sockaddr *)&s->port_addr, len) == -1 && errno != EINPROGRESS)
        goto fail;
    int soerr = 0;
    socklen_t soerr_len = sizeof soerr;
    if (ftp_data_pause(s, fd, POLLOUT) == -1 ||
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &soerr_len) == -1 || soerr != 0)
        goto fail;
    return fd;
fail:
    close(fd);
    return -1;
}

/* The data socket blocks, so sendfile() and recv() wait inside the kernel
 * while bytes flow, as fast as a blocking server; but only for a slice of
 * time, after which the loops look at ABOR, shutdown and the stall timeout. */
static void data_options(int fd)
{
    struct timeval tv = {.tv_sec = FTP_DATA_SLICE_MS / 1000,
                         .tv_usec = (FTP_DATA_SLICE_MS % 1000) * 1000};
    net_set_nonblock(fd, false, NULL);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    /* Little unsent data: a download then leaves from this thread's core
     * (see net.h); 1 GiB with curl went from about 3.2 to 4.0-4.6 GB/s. */
    net_limit_unsent(fd, NET_UNSENT_LIMIT, NULL);
}

int ftp_data_try_open(struct ftp_session *s)
{
    int fd = s->pasv_fd != -1 ? data_accept(s) : data_connect(s);
    bool passive = s->pasv_fd != -1;
    ftp_data_forget(s); /* one connection per PASV/PORT */
    if (fd == -1)
        return -1;
    data_options(fd);
    /* Its own lifeline, linked to the session's. */
    trace_conn_begin(&s->data_trace, fd, s->trace.id);
    trace_conn_enter(&s->data_trace);
    TRACE(passive ? N_("data: connection open (fd %d, passive)")
                  : N_("data: connection open (fd %d, active)"),
          fd);
    trace_conn_enter(&s->trace);
    return fd;
}

void ftp_data_open_failed(struct ftp_session *s)
{
    /* An ABOR while we waited ends the command in progress: RFC 959 then
     * asks for 426 here and 226 for the ABOR itself. */
    if (s->abort_seen)
        ftp_reply(s, FTP_TRANSFER_ABORTED, "Transfer aborted.");
    else
        ftp_reply(s, FTP_CANT_OPEN_DATA, "Cannot open data connection.");
}

int ftp_data_open(struct ftp_session *s)
{
    int fd = ftp_data_try_open(s);
    if (fd == -1)
        ftp_data_open_failed(s);
    return fd;
}

void ftp_data_close(struct ftp_session *s, int fd)
{
    trace_conn_enter(&s->data_trace);
    TRACE_CALL("close", 0, NULL, 0, N_("data: connection closed (fd %d)"), fd);
    close(fd);
    trace_conn_enter(&s->trace);
}

void ftp_data_trace(struct ftp_session *s, const char *call, int fd, ssize_t n, const void *data,
                    size_t len)
{
    if (!trace_on())
        return;
    trace_conn_enter(&s->data_trace);
    TRACE_CALL(call, n, data, len, N_("data: %s(fd %d) -> %zd%s"), call, fd, n,
               n == 0 ? _(" (the client closed: end of file)") : _(" bytes"));
    trace_conn_enter(&s->trace);
}

int ftp_data_send(struct ftp_session *s, int fd, const char *buf, size_t n)
{
    size_t done = 0;
    while (done < n) {
        ssize_t w = io_write_some(fd, buf + done, n - done);
        if (w > 0) {
            ftp_data_trace(s, "send", fd, w, buf + done, (size_t)w);
            done += (size_t)w;
            if (ftp_data_check(s) == -1)
                return -1;
            continue;
        }
        if ((w == -1 && errno != EAGAIN) || ftp_data_pause(s, fd, POLLOUT) == -1)
            return -1;
    }
    return 0;
}

/* The thin command handlers of this channel. */

void ftp_cmd_pasv(struct ftp_session *s, const char *arg)
{
    (void)arg;
    if (s->epsv_all) {
        ftp_reply(s, FTP_BAD_SEQUENCE, "Only EPSV is allowed after EPSV ALL.");
        return;
    }
    ftp_data_passive(s, false);
}

void ftp_cmd_epsv(struct ftp_session *s, const char *arg)
{
    struct sockaddr_storage local;
    data_unmap(&s->local, &local);
    if (strcasecmp(arg, "ALL") == 0) {
        s->epsv_all = true;
        ftp_reply(s, FTP_OK, "EPSV ALL ok.");
        return;
    }
    if (arg[0] != '\0' && strcmp(arg, local.ss_family == AF_INET ? "1" : "2") != 0) {
        ftp_reply(s, FTP_BAD_NET_PROTO, "Network protocol not supported, use (%s)",
                  local.ss_family == AF_INET ? "1" : "2");
        return;
    }
    ftp_data_passive(s, true);
}

void ftp_cmd_port(struct ftp_session *s, const char *arg)
{
    struct sockaddr_storage sa;
    if (s->epsv_all) {
        ftp_reply(s, FTP_BAD_SEQUENCE, "Only EPSV is allowed after EPSV ALL.");
        return;
    }
    memset(&sa, 0, sizeof sa);
    if (ftp_parse_port_arg(arg, (struct sockaddr_in *)&sa) == -1) {
        ftp_reply(s, FTP_ARG_ERROR, "Bad PORT argument: use h1,h2,h3,h4,p1,p2.");
        return;
    }
    ftp_data_active(s, &sa, sizeof(struct sockaddr_in));
}

void ftp_cmd_eprt(struct ftp_session *s, const char *arg)
{
    struct sockaddr_storage sa;
    socklen_t len;
    if (s->epsv_all) {
        ftp_reply(s, FTP_BAD_SEQUENCE, "Only EPSV is allowed after EPSV ALL.");
        return;
    }
    int rc = ftp_parse_eprt_arg(arg, &sa, &len);
    if (rc == -2) {
        ftp_reply(s, FTP_BAD_NET_PROTO, "Network protocol not supported, use (1,2)");
        return;
    }
    if (rc == -1) {
        ftp_reply(s, FTP_ARG_ERROR, "Bad EPRT argument: use |1|addr|port| or |2|addr|port|.");
        return;
    }
    ftp_data_active(s, &sa, len);
}
