/*
 * demo.c - `tcp-demo` with no arguments: the seed's phone call, end to end.
 *
 * The server (a child process, the iterative model) and the client (this
 * process) both narrate their socket calls. The client says
 * "dream is handsome" and prints the answer, "DREAM IS HANDSOME".
 *
 * Two processes printing on one terminal race: left alone, the client's
 * recv() line may come before the server's send() line that caused it,
 * and the server's recv() before the client's send(). So the server's
 * lines come to this process through a pipe, and the client prints them
 * where they belong in the story: after each of its own steps it waits,
 * briefly, for the server's answer to it, then relays the server's lines.
 * The server moves its counters (shared with this process) just after it
 * prints, so they say how far its narration has got.
 */
#include "cli.h"
#include "io.h"
#include "stop.h"
#include "tcp_client.h"
#include "tcp_server.h"
#include "trace.h"
#include "i18n.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define TCP_DEMO_MESSAGE "dream is handsome" /* the seed's words */
#define TCP_DEMO_WAIT_MS 2000 /* the longest the client waits for the server's line */

static const char tcp_demo_intro[] =
    N_("The seed's phone call over TCP (SOCK_STREAM), narrated call by call:\n"
       "  server: socket() buys a phone, bind() puts in the SIM card, listen() waits,\n"
       "          accept() picks up, recv()/send() listen and speak, close() hangs up.\n"
       "  client: socket() buys a phone, connect() dials, send()/recv(), close().\n");

/* After one of the client's steps: wait until the server has done its
 * part (*field within [min, max]), then print what it said. */
static void tcp_demo_then_server(int lines, const atomic_llong *field, long long min, long long max)
{
    counters_wait(field, min, max, TCP_DEMO_WAIT_MS);
    trace_relay(lines);
}

/* The client's side: the seed's client, call by call, each followed by
 * the server's lines it caused. Returns 0, or -1 with err. */
static int tcp_demo_client(uint16_t port, const struct counters *server, int lines, char *err)
{
    const size_t len = sizeof TCP_DEMO_MESSAGE - 1;
    char reply[sizeof TCP_DEMO_MESSAGE];
    struct net_endpoint ep;
    int rc = -1;

    net_endpoint_from_host_port(TCP_DEFAULT_HOST, port, &ep, err);
    int fd = net_connect(&ep, CLI_CONNECT_TIMEOUT_MS, err); /* client.connect(ip_port) */
    if (fd == -1)
        return -1;
    tcp_demo_then_server(lines, &server->conns_total, 1, LLONG_MAX); /* it picks up */
    if (io_write_all(fd, TCP_DEMO_MESSAGE, len) == -1) {             /* client.send(msg) */
        snprintf(err, NET_ERR_LEN, "send: %s", strerror(errno));
        goto out;
    }
    TRACE_DATA("send", len, TCP_DEMO_MESSAGE, len, N_("send(fd %d, %zu bytes) -> %zu"), fd, len,
               len);
    tcp_demo_then_server(lines, &server->bytes_out, (long long)len, LLONG_MAX); /* it answers */
    ssize_t got = io_read_exact(fd, reply, len); /* client.recv(1024): the upper-cased words */
    if (got != (ssize_t)len) {
        snprintf(err, NET_ERR_LEN, "recv: %s",
                 got == -1 ? strerror(errno) : _("the server hung up"));
        goto out;
    }
    TRACE_DATA("recv", got, reply, len, N_("recv(fd %d) -> %zd bytes"), fd, got);
    printf("%.*s\n", (int)len, reply);
    fflush(stdout);
    rc = 0;
out:
    close(fd); /* client.close(): hang up */
    TRACE_CALL("close", 0, NULL, 0, "close(fd %d) -> 0", fd);
    tcp_demo_then_server(lines, &server->conns_open, LLONG_MIN, 0); /* it hears the hang-up */
    return rc;
}

int tcp_demo_main(void)
{
    const char *prog = "tcp-demo";
    struct tcp_config config = {.model = TCP_MODEL_ITERATIVE, .mode = TCP_MODE_UPPER};
    struct tcp_server srv;
    struct stop stop;
    char err[NET_ERR_LEN];
    uint16_t port = 0;

    /* The demo is the lesson: its servers' calls, not the engineering. */
    config.trace = TRACE_LESSON;
    trace_set_depth(&trace_program, TRACE_LESSON);
    fputs(_(tcp_demo_intro), stderr);
    if (stop_watch_signals(err) == -1 || stop_open(&stop, err) == -1)
        return cli_error(prog, CLI_EXIT_FAILURE, "%s", err);

    /* Port 0: the kernel picks a free port, so the demo never collides. */
    net_endpoint_from_host_port(TCP_DEFAULT_HOST, 0, &config.endpoint, err);
    if (tcp_server_open(&srv, &config, &stop, err) == -1 ||
        net_local_port(srv.listen_fd, &port, err) == -1)
        return cli_error(prog, CLI_EXIT_FAILURE, "%s", err);

    int lines; /* the server's trace lines, to this process */
    pid_t server = trace_fork_relayed(&lines);
    if (server == -1)
        return cli_error(prog, CLI_EXIT_FAILURE, _("fork: %s: cannot start the server"),
                         strerror(errno));
    if (server == 0)
        _exit(server_serve_child(&tcp_server_ops, &srv, "tcp server"));
    close(srv.listen_fd); /* only the server child listens */
    srv.listen_fd = -1;

    trace_bind(&trace_program, "tcp client");
    int rc = tcp_demo_client(port, srv.stats, lines, err);

    bool clean = server_child_end(server, lines, &stop); /* the lecture is over */
    tcp_server_close(&srv);
    stop_close(&stop);
    if (rc == -1)
        return cli_error(prog, CLI_EXIT_FAILURE, "%s", err);
    if (!clean)
        return cli_error(prog, CLI_EXIT_FAILURE, "%s", _("the server did not stop cleanly"));
    return CLI_EXIT_OK;
}
