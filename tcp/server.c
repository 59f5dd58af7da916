/*
 * server.c - what all four models share: opening the listening socket,
 * accepting a caller, the comm_loop, and hanging up.
 */
#include "tcp_server.h"
#include "io.h"
#include "lecture.h"
#include "trace.h"
#include "i18n.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <unistd.h>

static const char *const tcp_model_names[] = {
    [TCP_MODEL_ITERATIVE] = "iterative",
    [TCP_MODEL_FORK] = "fork",
    [TCP_MODEL_THREAD] = "thread",
    [TCP_MODEL_EPOLL] = "epoll",
};

const char *tcp_model_name(enum tcp_model model)
{
    return tcp_model_names[model];
}

/* The place of text in names (n of them), or -1. */
static int tcp_name_index(const char *const *names, size_t n, const char *text)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(text, names[i]) == 0)
            return (int)i;
    return -1;
}

int tcp_parse_model(const char *text, enum tcp_model *out)
{
    int i = tcp_name_index(tcp_model_names, sizeof tcp_model_names / sizeof *tcp_model_names, text);
    if (i == -1)
        return -1;
    *out = (enum tcp_model)i;
    return 0;
}

static const char *const tcp_mode_names[] = {"upper", "echo", "discard"};

const char *tcp_mode_name(enum tcp_mode mode)
{
    return tcp_mode_names[mode];
}

int tcp_parse_mode(const char *text, enum tcp_mode *out)
{
    int i = tcp_name_index(tcp_mode_names, sizeof tcp_mode_names / sizeof *tcp_mode_names, text);
    if (i == -1)
        return -1;
    *out = (enum tcp_mode)i;
    return 0;
}

size_t tcp_answer(enum tcp_mode mode, char *buf, size_t len)
{
    if (mode == TCP_MODE_DISCARD)
        return 0;
    if (mode != TCP_MODE_UPPER)
        return len;
    /* ASCII only, byte by byte: binary data and UTF-8 pass through intact,
     * which toupper() under some locales would not promise. */
    for (size_t i = 0; i < len; i++)
        if (buf[i] >= 'a' && buf[i] <= 'z')
            buf[i] = (char)(buf[i] - 'a' + 'A');
    return len;
}

/* The rest of open, with this thread's events going to the server. */
static int tcp_server_listen(struct tcp_server *srv, char *err)
{
    srv->stats = counters_new("tcp");
    if (srv->stats == NULL) {
        snprintf(err, NET_ERR_LEN, "%s", _("counters: out of memory"));
        return -1;
    }
    /* The epoll model needs a non-blocking listener; the others block. */
    bool nonblock = srv->config.model == TCP_MODEL_EPOLL;
    srv->listen_fd = net_listen(&srv->config.endpoint, NET_BACKLOG, nonblock, err);
    if (srv->listen_fd == -1) {
        counters_free(srv->stats);
        srv->stats = NULL;
        return -1;
    }
    return 0;
}

int tcp_server_open(struct tcp_server *srv, const struct tcp_config *config, struct stop *stop,
                    char *err)
{
    *srv = (struct tcp_server){.config = *config, .listen_fd = -1, .stop = stop};
    tracer_init(&srv->tracer, "tcp", config->trace, 0);
    struct trace_thread was = trace_bind_for(&srv->tracer, "tcp server");
    int rc = tcp_server_listen(srv, err);
    trace_restore(was);
    return rc;
}

int tcp_server_serve(struct tcp_server *srv, char *err)
{
    trace_bind(&srv->tracer, "tcp server");
    switch (srv->config.model) {
    case TCP_MODEL_ITERATIVE:
        return tcp_serve_iterative(srv, err);
    case TCP_MODEL_FORK:
        return tcp_serve_fork(srv, err);
    case TCP_MODEL_THREAD:
        return tcp_serve_thread(srv, err);
    case TCP_MODEL_EPOLL:
        return tcp_serve_epoll(srv, err);
    }
    return -1;
}

void tcp_server_close(struct tcp_server *srv)
{
    struct trace_thread was = trace_bind_for(&srv->tracer, "tcp server");
    if (srv->listen_fd != -1) {
        close(srv->listen_fd);
        TRACE_CALL("close", 0, NULL, 0, N_("close(fd %d) -> 0 (listening socket)"), srv->listen_fd);
        if (srv->config.endpoint.is_unix)
            unlink(srv->config.endpoint.host);
    }
    srv->listen_fd = -1;
    counters_free(srv->stats);
    srv->stats = NULL;
    trace_restore(was);
}

int tcp_accept_call(struct tcp_server *srv, int timeout_ms)
{
    enum stop_wait w = stop_wait_readable(srv->stop, srv->listen_fd, timeout_ms);
    if (w != STOP_WAIT_READY) {
        errno = w == STOP_WAIT_TIMEOUT ? EAGAIN : errno;
        return -1;
    }
    int conn = net_accept(srv->listen_fd, false, NULL, NULL);
    if (conn == -1) {
        /* A caller that hung up before we answered (ECONNABORTED), or no
         * fds left (EMFILE): that call fails, the server goes on. */
        if (errno != EAGAIN)
            counters_add(srv->stats, errors, 1);
        /* Out of fds, the caller stays queued and the listener stays
         * readable: pause instead of spinning until a connection closes. */
        if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM)
            nanosleep(&(struct timespec){.tv_nsec = TCP_ACCEPT_PAUSE_MS * 1000000L}, NULL);
        return -1;
    }
    counters_add(srv->stats, conns_total, 1);
    counters_add(srv->stats, conns_open, 1);
    return conn;
}

/* The caller's address for a lecture line. */
static const char *tcp_peer_text(int conn, char *out, size_t outlen)
{
    struct sockaddr_storage peer;
    socklen_t len = sizeof peer;
    if (getpeername(conn, (struct sockaddr *)&peer, &len) == -1)
        return _("an unknown address"); /* reset before we asked */
    return net_format_addr((struct sockaddr *)&peer, len, out, outlen);
}

size_t tcp_answer_call(struct tcp_server *srv, int conn, char *buf, size_t len, bool *heard)
{
    bool tell = !*heard && lecture_admit();
    *heard = true;
    if (!tell)
        return tcp_answer(srv->config.mode, buf, len);
    char peer[NET_ADDRSTR_LEN], said[TRACE_PREVIEW_TEXT_LEN], answer[TRACE_PREVIEW_TEXT_LEN];
    trace_preview(buf, len, said, sizeof said); /* before the answer overwrites it */
    size_t reply = tcp_answer(srv->config.mode, buf, len);
    if (reply == 0)
        lecture_print("TCP", _("call from %s: %s"), tcp_peer_text(conn, peer, sizeof peer), said);
    else
        lecture_print("TCP", _("call from %s: %s -> %s"), tcp_peer_text(conn, peer, sizeof peer),
                      said, trace_preview(buf, reply, answer, sizeof answer));
    return reply;
}

void tcp_tell_silent(int conn, bool heard)
{
    char peer[NET_ADDRSTR_LEN];
    if (!heard)
        LECTURE("TCP", _("call from %s: hung up without a word"),
                tcp_peer_text(conn, peer, sizeof peer));
}

/* comm_loop: listen, then speak, until the caller hangs up. */
void tcp_comm_loop(struct tcp_server *srv, int conn)
{
    char buf[TCP_BUFSIZE];
    bool heard = false; /* has the caller said anything yet (its lecture line) */

    trace_conn_here(conn, 0); /* this thread's events are this call's, until hang-up */

    for (;;) {
        /* Wait for the caller to speak, or for Ctrl-C. A bare recv() would
         * miss a signal that lands just before it and block for ever. */
        if (stop_wait_readable(srv->stop, conn, -1) == STOP_WAIT_STOP)
            return;
        ssize_t n = recv(conn, buf, sizeof buf, 0); /* listen: conn.recv() */
        if (n == -1 && errno == EINTR)
            continue;
        if (n == -1) {
            TRACE_CALL("recv", -1, NULL, 0, "recv(fd %d) -> -1 (%s)", conn, strerror(errno));
            counters_add(srv->stats, errors, 1);
            return;
        }
        if (n == 0) {
            TRACE_CALL("recv", 0, NULL, 0, N_("recv(fd %d) -> 0 (the caller hung up)"), conn);
            tcp_tell_silent(conn, heard);
            return;
        }
        TRACE_DATA("recv", n, buf, (size_t)n, N_("recv(fd %d) -> %zd bytes"), conn, n);
        counters_add(srv->stats, bytes_in, n);

        if (tcp_answer_call(srv, conn, buf, (size_t)n, &heard) == 0)
            continue; /* discard mode: listen only */
        /* speak: conn.send() - all of it, unless Ctrl-C comes first */
        if (io_send_all_until(conn, buf, (size_t)n, stop_fd(srv->stop)) == -1) {
            TRACE_CALL("send", -1, NULL, 0, N_("send(fd %d, %zd bytes) -> -1 (%s)"), conn, n,
                       strerror(errno));
            counters_add(srv->stats, errors, 1);
            return;
        }
        TRACE_DATA("send", n, buf, (size_t)n, N_("send(fd %d, %zd bytes) -> %zd"), conn, n, n);
        counters_add(srv->stats, bytes_out, n);
    }
}

void tcp_hang_up(struct tcp_server *srv, int conn)
{
    close(conn);
    TRACE_CALL("close", 0, NULL, 0, "close(fd %d) -> 0", conn);
    trace_conn_leave();
    counters_add(srv->stats, conns_open, -1);
}
