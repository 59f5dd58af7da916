/*
 * udp_client.c - `udp-demo client`: say something, maybe hear the answer.
 *
 * The socket is connect()ed, which for UDP makes no call: it only sets the
 * default peer. send() and recv() then need no address, the kernel drops
 * datagrams from anyone else, and an ICMP "port unreachable" comes back as
 * ECONNREFUSED on the next call instead of silence.
 */
#include "udp_client.h"
#include "cli.h"
#include "i18n.h"
#include "io.h"
#include "trace.h"
#include "udp_limits.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void set_err(char *err, const char *what, int e)
{
    if (e == ECONNREFUSED)
        snprintf(err, NET_ERR_LEN, _("%s: %s (ICMP port unreachable: no server on that port)"),
                 what, strerror(e));
    else
        snprintf(err, NET_ERR_LEN, "%s: %s", what, strerror(e));
}

/* A reply that arrives after we gave up on it must not be taken for the
 * answer to the next message: UDP matches nothing for us. Drop leftovers. */
static void udp_client_drain(int fd, unsigned char *buf)
{
    while (recv(fd, buf, UDP_RECV_BUFSIZE, MSG_DONTWAIT) >= 0)
        TRACE(N_("recv(fd %d) -> a late reply, discarded"), fd);
}

/* Wait for one reply and print it. Returns 0, 1 on timeout, -1 on error. */
static int udp_client_hear(int fd, unsigned char *buf, int timeout_ms, char *err)
{
    struct pollfd pfd = {.fd = fd, .events = POLLIN};
    int rc = io_poll(&pfd, 1, timeout_ms);
    if (rc == 0) {
        TRACE(N_("recv(fd %d) ... nothing within %d ms"), fd, timeout_ms);
        printf(_("no reply within %d ms\n"), timeout_ms);
        fflush(stdout);
        return 1;
    }
    ssize_t n = recv(fd, buf, UDP_RECV_BUFSIZE, MSG_TRUNC);
    if (n == -1) {
        TRACE_CALL("recv", -1, NULL, 0, "recv(fd %d) -> -1 (%s)", fd, strerror(errno));
        set_err(err, "recv", errno);
        return -1;
    }
    size_t len = (size_t)n < UDP_RECV_BUFSIZE ? (size_t)n : UDP_RECV_BUFSIZE;
    TRACE_DATA("recv", n, buf, len, N_("recv(fd %d) -> %zd bytes"), fd, n);
    fwrite(buf, 1, len, stdout);
    fputc('\n', stdout);
    fflush(stdout);
    return 0;
}

/* One exchange: one datagram out, at most one printed back. */
static int udp_client_say(int fd, unsigned char *buf, const char *msg, size_t len, int timeout_ms,
                          char *err)
{
    udp_client_drain(fd, buf);
    if (send(fd, msg, len, 0) == -1) { /* one send(), one datagram */
        TRACE_CALL("send", -1, NULL, 0, N_("send(fd %d, %zu bytes) -> -1 (%s)"), fd, len,
                   strerror(errno));
        set_err(err, "send", errno);
        return -1;
    }
    TRACE_DATA("send", len, msg, len, N_("send(fd %d, %zu bytes) -> %zu"), fd, len, len);
    return udp_client_hear(fd, buf, timeout_ms, err);
}

static int udp_client_open(const struct net_endpoint *ep, unsigned char **buf, char *err)
{
    *buf = malloc(UDP_RECV_BUFSIZE);
    if (*buf == NULL) {
        snprintf(err, NET_ERR_LEN, "%s", _("out of memory"));
        return -1;
    }
    int fd = net_udp_connect(ep, err);
    if (fd == -1)
        free(*buf);
    return fd;
}

static void udp_client_close(int fd, unsigned char *buf)
{
    close(fd);
    TRACE_CALL("close", 0, NULL, 0, "close(fd %d) -> 0", fd);
    free(buf);
}

int udp_client_call(const struct net_endpoint *ep, const char *const *messages, size_t count,
                    int timeout_ms, char *err)
{
    unsigned char *buf;
    int fd = udp_client_open(ep, &buf, err);
    if (fd == -1)
        return -1;
    int result = 0;
    for (size_t i = 0; i < count; i++) {
        int rc = udp_client_say(fd, buf, messages[i], strlen(messages[i]), timeout_ms, err);
        if (rc == -1) {
            result = -1;
            break;
        }
        if (rc == 1)
            result = 1;
    }
    udp_client_close(fd, buf);
    return result;
}

int udp_client_interactive(const struct net_endpoint *ep, int timeout_ms, char *err)
{
    struct line_reader reader;
    unsigned char *buf;
    int fd = udp_client_open(ep, &buf, err);
    if (fd == -1)
        return -1;
    if (line_reader_init(&reader, STDIN_FILENO, UDP_MAX_PAYLOAD_V4 + 1) == -1) {
        udp_client_close(fd, buf);
        snprintf(err, NET_ERR_LEN, "%s", _("out of memory"));
        return -1;
    }
    int result = 0;
    for (;;) {
        char *line;
        size_t len;
        enum line_status st = line_read(&reader, &line, &len);
        if (st == LINE_EOF || st == LINE_ERROR)
            break;
        if (st == LINE_TOO_LONG) {
            fprintf(stderr, _("udp-demo client: line longer than %d bytes, not sent\n"),
                    UDP_MAX_PAYLOAD_V4);
            continue;
        }
        int rc = udp_client_say(fd, buf, line, len, timeout_ms, err);
        if (rc == -1) {
            result = -1;
            break;
        }
        if (rc == 1)
            result = 1;
    }
    line_reader_free(&reader);
    udp_client_close(fd, buf);
    return result;
}

/* --- command line --------------------------------------------------------- */

static const char udp_client_usage[] =
    N_("usage: udp-demo client [-H HOST] [-p PORT] [-m MESSAGE]... [-t TIMEOUT_MS]\n"
       "                       [--trace[=detail]]\n"
       "\n"
       "Send datagrams to udp-demo server and print the replies.\n"
       "\n"
       "  -H, --host HOST        server address (default 127.0.0.1)\n"
       "  -p, --port PORT        server port (default 9001)\n"
       "  -m, --message TEXT     send TEXT as one datagram and print the reply;\n"
       "                         repeat for more\n"
       "  -t, --timeout MS       wait this long for each reply (default 1000)\n"
       "      --trace            narrate each socket call on stderr\n"
       "                         =detail: no more here (no socket options)\n"
       "  -h, --help             show this help\n"
       "      --version          print the version and exit\n"
       "\n"
       "Without -m, each line of input is sent as one datagram (without its newline).\n"
       "A reply that does not come prints 'no reply within MS ms': UDP does not\n"
       "retransmit.\n"
       "Exit: 0 every message answered, 1 some were not or an error, 2 bad usage.\n");

/* What `udp-demo client` was asked besides -H and -p, filled from argv. */
struct client_args {
    long timeout_ms;
    const char *messages[UDP_CLIENT_MAX_MESSAGES];
    size_t count;
};

static int udp_client_option(void *ctx, int ch, const char *arg, char *err)
{
    struct client_args *a = ctx;
    if (ch == 't') {
        if (cli_parse_long(arg, 1, 3600000, &a->timeout_ms) == -1)
            return cli_reason(err, _("invalid timeout '%s': milliseconds from 1 to 3600000"), arg);
        return 0;
    }
    if (a->count == UDP_CLIENT_MAX_MESSAGES) /* 'm' */
        return cli_reason(err, _("at most %d messages"), UDP_CLIENT_MAX_MESSAGES);
    a->messages[a->count++] = arg;
    return 0;
}

int udp_client_main(int argc, char *argv[])
{
    static const struct option options[] = {
        {"message", required_argument, NULL, 'm'},
        {"timeout", required_argument, NULL, 't'},
        {NULL, 0, NULL, 0},
    };
    static const struct cli_syntax syntax = {
        .prog = "udp-demo client",
        .version_prog = "udp-demo",
        .usage = udp_client_usage,
        .takes = CLI_TAKES_HOST | CLI_TAKES_PORT,
        .default_host = UDP_DEFAULT_HOST,
        .default_port = UDP_DEFAULT_PORT,
        .options = options,
        .short_options = "m:t:",
        .option = udp_client_option,
    };
    struct client_args a = {.timeout_ms = UDP_CLIENT_TIMEOUT_MS};
    struct net_endpoint ep;
    char err[NET_ERR_LEN];

    int rc = cli_parse_client(&syntax, &a, argc, argv, "udp client", &ep, NULL);
    if (rc != -1)
        return rc;
    rc = a.count > 0 ? udp_client_call(&ep, a.messages, a.count, (int)a.timeout_ms, err)
                     : udp_client_interactive(&ep, (int)a.timeout_ms, err);
    if (rc == -1)
        return cli_error(syntax.prog, CLI_EXIT_FAILURE, "%s", err);
    return rc == 0 ? CLI_EXIT_OK : CLI_EXIT_FAILURE;
}
