/*
 * tcp_client.c - `tcp-demo client`: say something, hear the answer.
 */
#include "tcp_client.h"
#include "cli.h"
#include "i18n.h"
#include "io.h"
#include "trace.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define TCP_CLIENT_BUFSIZE (64 * 1024)
#define TCP_DEFAULT_HOST   "127.0.0.1"
#define TCP_DEFAULT_PORT   9000

static void set_err(char *err, const char *what, int e)
{
    snprintf(err, NET_ERR_LEN, "%s: %s", what, strerror(e));
}

/* Print one piece of the reply as it arrives, and trace it. */
static int tcp_client_print(int fd, const char *data, ssize_t n, char *err)
{
    TRACE_DATA("recv", n, data, (size_t)n, N_("recv(fd %d) -> %zd bytes"), fd, n);
    if (io_write_all(STDOUT_FILENO, data, (size_t)n) == -1) {
        set_err(err, "write stdout", errno);
        return -1;
    }
    return 0;
}

/* One exchange: send the message, then print the whole reply, however
 * long. TCP is a stream: nothing in it says where a reply ends, so the
 * reply is what arrives until the server hangs up, or goes quiet for
 * TCP_CLIENT_QUIET_MS after its first bytes. (The seed's one recv(1024)
 * cuts a longer answer short; waiting for as many bytes as were sent
 * hangs on a shorter one.) A server that says nothing within
 * timeout_ms is an error, not a hang. */
static int tcp_client_say(int fd, const char *msg, int timeout_ms, char *err)
{
    size_t len = strlen(msg);
    char buf[TCP_CLIENT_BUFSIZE];
    size_t total = 0;
    bool newline = false;

    if (io_write_all(fd, msg, len) == -1) { /* client.send() */
        set_err(err, "send", errno);
        return -1;
    }
    TRACE_DATA("send", len, msg, len, N_("send(fd %d, %zu bytes) -> %zu"), fd, len, len);
    for (;;) {
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        int ready = io_poll(&pfd, 1, total == 0 ? timeout_ms : TCP_CLIENT_QUIET_MS);
        if (ready == -1) {
            set_err(err, "poll", errno);
            return -1;
        }
        if (ready == 0 && total == 0) {
            snprintf(err, NET_ERR_LEN, _("no reply within %d ms (is it the server you meant?)"),
                     timeout_ms);
            return -1;
        }
        if (ready == 0)
            break;                                     /* quiet: the reply is over */
        ssize_t n = io_read_some(fd, buf, sizeof buf); /* client.recv() */
        if (n == -1) {
            set_err(err, "recv", errno);
            return -1;
        }
        if (n == 0) {
            TRACE_CALL("recv", 0, NULL, 0, N_("recv(fd %d) -> 0 (the server hung up)"), fd);
            if (total == 0) {
                snprintf(err, NET_ERR_LEN, _("the server hung up without answering"));
                return -1;
            }
            break;
        }
        if (tcp_client_print(fd, buf, n, err) == -1)
            return -1;
        total += (size_t)n;
        newline = buf[n - 1] == '\n';
    }
    if (!newline && io_write_all(STDOUT_FILENO, "\n", 1) == -1) {
        set_err(err, "write stdout", errno);
        return -1;
    }
    return 0;
}

int tcp_client_call(const struct net_endpoint *ep, const char *const *messages, size_t count,
                    int connect_timeout_ms, int timeout_ms, char *err)
{
    int fd = net_connect(ep, connect_timeout_ms, err); /* client.connect() */
    if (fd == -1)
        return -1;
    int rc = 0;
    for (size_t i = 0; i < count && rc == 0; i++)
        rc = tcp_client_say(fd, messages[i], timeout_ms, err);
    close(fd); /* client.close(): hang up */
    TRACE_CALL("close", 0, NULL, 0, "close(fd %d) -> 0", fd);
    return rc;
}

/* --- the pump: stdin -> server -> stdout, concurrently -------------------- */

struct pump {
    int sock;
    char out[TCP_CLIENT_BUFSIZE]; /* read from stdin, not yet sent */
    size_t out_len, out_off;
    char in[TCP_CLIENT_BUFSIZE]; /* received, about to be printed */
    bool stdin_done;             /* stdin reached end of input */
    bool half_closed;            /* we sent FIN with shutdown(SHUT_WR) */
    bool heard;                  /* bytes arrived since we last sent */
    bool prompt;                 /* stdin is a terminal: say when to type */
    int timeout_ms;              /* for an answer after the end of input */
};

/* Send what is buffered, without blocking. Returns 0 or -1. */
static int pump_send(struct pump *p, char *err)
{
    ssize_t w = io_write_some(p->sock, p->out + p->out_off, p->out_len - p->out_off);
    if (w == -1 && errno != EAGAIN) {
        set_err(err, "send", errno);
        return -1;
    }
    if (w > 0) {
        TRACE_DATA("send", w, p->out + p->out_off, (size_t)w, N_("send(fd %d, %zu bytes) -> %zd"),
                   p->sock, p->out_len - p->out_off, w);
        p->out_off += (size_t)w;
        p->heard = false;
    }
    if (p->out_off == p->out_len && p->stdin_done && !p->half_closed) {
        /* Nothing more to say, but keep listening: a half-close. */
        shutdown(p->sock, SHUT_WR);
        TRACE_CALL("shutdown", 0, NULL, 0,
                   N_("shutdown(fd %d, SHUT_WR) -> 0 (done sending; still receiving)"), p->sock);
        p->half_closed = true;
    }
    return 0;
}

/* Read stdin into the empty send buffer. */
static int pump_read_stdin(struct pump *p, char *err)
{
    ssize_t n = io_read_some(STDIN_FILENO, p->out, sizeof p->out);
    if (n == -1) {
        set_err(err, "read stdin", errno);
        return -1;
    }
    p->out_len = (size_t)n;
    p->out_off = 0;
    if (n == 0)
        p->stdin_done = true;
    return pump_send(p, err);
}

/* The prompt of an interactive call, as ftp(1) shows one. */
static void pump_prompt(void)
{
    static const char prompt[] = "tcp-demo> ";
    ssize_t rc = write(STDOUT_FILENO, prompt, sizeof prompt - 1);
    (void)rc; /* a prompt that cannot be shown is no error */
}

/* Print what the server sent. Returns 1 while open, 0 when it hung up, -1. */
static int pump_receive(struct pump *p, char *err)
{
    ssize_t n = io_read_some(p->sock, p->in, sizeof p->in);
    if (n == -1 && errno == EAGAIN)
        return 1;
    if (n == -1) {
        set_err(err, "recv", errno);
        return -1;
    }
    if (n == 0) {
        TRACE_CALL("recv", 0, NULL, 0, N_("recv(fd %d) -> 0 (the server hung up)"), p->sock);
        return 0;
    }
    TRACE_DATA("recv", n, p->in, (size_t)n, N_("recv(fd %d) -> %zd bytes"), p->sock, n);
    p->heard = true;
    if (io_write_all(STDOUT_FILENO, p->in, (size_t)n) == -1) {
        set_err(err, "write stdout", errno);
        return -1;
    }
    if (p->prompt && !p->stdin_done && p->in[n - 1] == '\n')
        pump_prompt(); /* a whole answer: the next line is the user's */
    return 1;
}

static int pump_run(struct pump *p, char *err)
{
    for (;;) {
        bool sending = p->out_off < p->out_len;
        struct pollfd pfd[2] = {
            {.fd = p->sock, .events = POLLIN | (sending ? POLLOUT : 0)},
            /* Read more input only when the last piece is all sent. */
            {.fd = (p->stdin_done || sending) ? -1 : STDIN_FILENO, .events = POLLIN},
        };
        /* Once all is said, the server's hang-up ends the call; one that
         * keeps the line open ends it by going quiet, as in -m mode. */
        int wait = !p->half_closed ? -1 : p->heard ? TCP_CLIENT_QUIET_MS : p->timeout_ms;
        int ready = io_poll(pfd, 2, wait);
        if (ready == -1) {
            set_err(err, "poll", errno);
            return -1;
        }
        if (ready == 0 && p->heard)
            return 0;
        if (ready == 0) {
            snprintf(err, NET_ERR_LEN, _("no reply within %d ms of the end of input"),
                     p->timeout_ms);
            return -1;
        }
        if (pfd[0].revents & (POLLIN | POLLHUP | POLLERR)) {
            int rc = pump_receive(p, err);
            if (rc <= 0)
                return rc;
        }
        if ((pfd[0].revents & POLLOUT) && pump_send(p, err) == -1)
            return -1;
        if ((pfd[1].revents & (POLLIN | POLLHUP | POLLERR)) && pump_read_stdin(p, err) == -1)
            return -1;
    }
}

int tcp_client_pump(const struct net_endpoint *ep, int connect_timeout_ms, int timeout_ms,
                    char *err)
{
    struct pump *p = calloc(1, sizeof *p);
    if (p == NULL) {
        snprintf(err, NET_ERR_LEN, "%s", _("out of memory"));
        return -1;
    }
    p->timeout_ms = timeout_ms;
    p->prompt = isatty(STDIN_FILENO);
    p->sock = net_connect(ep, connect_timeout_ms, err);
    if (p->sock == -1 || net_set_nonblock(p->sock, true, err) == -1) {
        if (p->sock != -1)
            close(p->sock);
        free(p);
        return -1;
    }
    if (p->prompt)
        pump_prompt();
    int rc = pump_run(p, err);
    close(p->sock);
    TRACE_CALL("close", 0, NULL, 0, "close(fd %d) -> 0", p->sock);
    free(p);
    return rc;
}

/* --- command line --------------------------------------------------------- */

static const char tcp_client_usage[] =
    N_("usage: tcp-demo client [-H HOST] [-p PORT] [-m MESSAGE]... [-t MS]\n"
       "                       [--connect-timeout SECONDS] [--trace[=detail]]\n"
       "\n"
       "The seed's phone-call client.\n"
       "\n"
       "  -H, --host HOST      server address (default 127.0.0.1; unix:/path for a\n"
       "                       Unix socket)\n"
       "  -p, --port PORT      server port (default 9000)\n"
       "  -m, --message TEXT   say TEXT and print the whole answer: what arrives until\n"
       "                       the server hangs up or is quiet for 0.2 s; repeatable\n"
       "  -t, --timeout MS     wait this long for an answer to start (default 10000)\n"
       "      --connect-timeout SECONDS\n"
       "                       give up on a server that does not answer the connect\n"
       "                       within SECONDS (default 10; 0.5 is half a second)\n"
       "      --trace          narrate each socket call on stderr\n"
       "                       =detail: the O_NONBLOCK connect with its timeout too\n"
       "  -h, --help           show this help\n"
       "      --version        print the version and exit\n"
       "\n"
       "Without -m, every line typed after the tcp-demo> prompt is sent and its answer\n"
       "printed. From a pipe, stdin is streamed to the server; at end of input the\n"
       "client half-closes (shutdown SHUT_WR), prints the remaining answers, and exits\n"
       "when the server hangs up or goes quiet. A server silent for -t is an error,\n"
       "not a hang.\n"
       "Exit: 0 ok, 1 connection or transfer failed, 2 bad usage.\n");

/* The messages to say, from -m, and -t. */
struct tcp_client_args {
    const char *messages[TCP_CLIENT_MAX_MESSAGES];
    size_t count;
    long timeout_ms;
};

static int tcp_client_option(void *ctx, int ch, const char *arg, char *err)
{
    struct tcp_client_args *a = ctx;
    if (ch == 't') {
        if (cli_parse_long(arg, 1, 3600 * 1000, &a->timeout_ms) == -1)
            return cli_reason(err, _("invalid -t '%s': milliseconds, from 1 to 3600000"), arg);
        return 0;
    }
    /* send() of 0 bytes sends nothing at all: the server would see no
     * message, and the client would wait for an answer to silence. */
    if (arg[0] == '\0')
        return cli_reason(err, _("-m '': an empty message sends nothing over TCP; give some text"));
    if (a->count == TCP_CLIENT_MAX_MESSAGES)
        return cli_reason(err, _("at most %d messages"), TCP_CLIENT_MAX_MESSAGES);
    a->messages[a->count++] = arg;
    return 0;
}

int tcp_client_main(int argc, char *argv[])
{
    static const struct option options[] = {
        {"message", required_argument, NULL, 'm'},
        {"timeout", required_argument, NULL, 't'},
        {NULL, 0, NULL, 0},
    };
    static const struct cli_syntax syntax = {
        .prog = "tcp-demo client",
        .version_prog = "tcp-demo",
        .usage = tcp_client_usage,
        .takes = CLI_TAKES_HOST | CLI_TAKES_PORT | CLI_TAKES_CONNECT_TIMEOUT,
        .default_host = TCP_DEFAULT_HOST,
        .default_port = TCP_DEFAULT_PORT,
        .options = options,
        .short_options = "m:t:",
        .option = tcp_client_option,
    };
    struct tcp_client_args a = {.timeout_ms = TCP_CLIENT_TIMEOUT_MS};
    struct net_endpoint ep;
    struct cli_common common;
    char err[NET_ERR_LEN];

    int rc = cli_parse_client(&syntax, &a, argc, argv, "tcp client", &ep, &common);
    if (rc != -1)
        return rc;
    signal(SIGPIPE, SIG_IGN); /* a vanished server is an EPIPE, not a crash */
    int connect_ms = common.connect_timeout_ms, answer_ms = (int)a.timeout_ms;
    rc = a.count > 0 ? tcp_client_call(&ep, a.messages, a.count, connect_ms, answer_ms, err)
                     : tcp_client_pump(&ep, connect_ms, answer_ms, err);
    if (rc == -1)
        return cli_error(syntax.prog, CLI_EXIT_FAILURE, "%s", err);
    return CLI_EXIT_OK;
}
