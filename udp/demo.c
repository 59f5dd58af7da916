/*
 * demo.c - `udp-demo` with no arguments: the seed's exchange over UDP,
 * then the boundaries lesson.
 *
 * The server (a child process) and the client (this process) narrate their
 * socket calls, as tcp-demo's do, so the two can be compared line by line:
 * here there is no listen(), no accept() and no connection.
 *
 * As in tcp-demo, the server's lines come to this process through a pipe
 * and are printed after the client step that caused them, so the story
 * reads in the same order on every run (tcp/demo.c says why).
 */
#include "cli.h"
#include "io.h"
#include "stop.h"
#include "trace.h"
#include "udp_client.h"
#include "udp_demo.h"
#include "udp_limits.h"
#include "udp_server.h"
#include "i18n.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define UDP_DEMO_MESSAGE "dream is handsome" /* the seed's words */
#define UDP_DEMO_WAIT_MS 2000 /* the longest the client waits for the server's line */

static const char udp_demo_intro[] =
    N_("The seed's exchange over UDP (SOCK_DGRAM), narrated call by call:\n"
       "  server: socket() and bind(), then recvfrom() a datagram and sendto() the\n"
       "          reply to the address it came from. No listen(), no accept().\n"
       "  client: socket(), then send() and recv(). Its connect() sends nothing:\n"
       "          it only remembers the server's address.\n");

/* The client's side: one datagram out, one back, then the server's
 * lines. Returns 0, or -1 with the reason in err. */
static int udp_demo_client(uint16_t port, const struct counters *server, int lines, char *err)
{
    const size_t len = sizeof UDP_DEMO_MESSAGE - 1;
    char reply[UDP_RECV_BUFSIZE];
    struct net_endpoint ep;
    int rc = -1;

    net_endpoint_from_host_port(UDP_DEFAULT_HOST, port, &ep, err);
    int fd = net_udp_connect(&ep, err); /* client = socket(AF_INET, SOCK_DGRAM) */
    if (fd == -1)
        return -1;
    if (send(fd, UDP_DEMO_MESSAGE, len, 0) == -1) { /* one send(), one datagram */
        snprintf(err, NET_ERR_LEN, "send: %s", strerror(errno));
        goto out;
    }
    TRACE_DATA("send", len, UDP_DEMO_MESSAGE, len, N_("send(fd %d, %zu bytes) -> %zu"), fd, len,
               len);
    /* the server receives it and sends the reply */
    counters_wait(&server->bytes_out, (long long)len, LLONG_MAX, UDP_DEMO_WAIT_MS);
    trace_relay(lines);
    struct pollfd pfd = {.fd = fd, .events = POLLIN};
    ssize_t got =
        io_poll(&pfd, 1, UDP_CLIENT_TIMEOUT_MS) == 1 ? recv(fd, reply, sizeof reply, 0) : -1;
    if (got == -1) {
        snprintf(err, NET_ERR_LEN, "%s", _("the server did not answer"));
        goto out;
    }
    TRACE_DATA("recv", got, reply, (size_t)got, N_("recv(fd %d) -> %zd bytes"), fd, got);
    printf("%.*s\n", (int)got, reply);
    fflush(stdout);
    rc = 0;
out:
    close(fd);
    TRACE_CALL("close", 0, NULL, 0, "close(fd %d) -> 0", fd);
    return rc;
}

/* The exchange itself; returns 0 or -1 (reason in err). */
static int udp_demo_exchange(struct stop *stop, char *err)
{
    struct udp_config config = {.mode = UDP_MODE_UPPER, .trace = TRACE_LESSON};
    struct udp_server srv;
    uint16_t port = 0;

    /* Port 0: the kernel picks a free port, so the demo never collides. */
    net_endpoint_from_host_port(UDP_DEFAULT_HOST, 0, &config.endpoint, err);
    if (udp_server_open(&srv, &config, stop, err) == -1)
        return -1;
    if (net_local_port(srv.fd, &port, err) == -1) {
        udp_server_close(&srv);
        return -1;
    }
    int lines; /* the server's trace lines, to this process */
    pid_t server = trace_fork_relayed(&lines);
    if (server == -1) {
        udp_server_close(&srv);
        snprintf(err, NET_ERR_LEN, _("fork: %s: cannot start the server"), strerror(errno));
        return -1;
    }
    if (server == 0)
        _exit(server_serve_child(&udp_server_ops, &srv, "udp server"));
    close(srv.fd); /* only the server child receives */
    srv.fd = -1;

    trace_bind(&trace_program, "udp client");
    int rc = udp_demo_client(port, srv.counters, lines, err);

    bool clean = server_child_end(server, lines, stop); /* the lecture is over */
    udp_server_close(&srv);
    if (rc == 0 && !clean)
        snprintf(err, NET_ERR_LEN, "%s", _("the server did not stop cleanly"));
    else if (rc == 0)
        return 0;
    return -1;
}

int udp_demo_main(void)
{
    const char *prog = "udp-demo";
    struct stop stop;
    char err[NET_ERR_LEN];

    trace_set_depth(&trace_program, TRACE_LESSON); /* the lesson, as tcp-demo's */
    fputs(_(udp_demo_intro), stderr);
    if (stop_watch_signals(err) == -1 || stop_open(&stop, err) == -1)
        return cli_error(prog, CLI_EXIT_FAILURE, "%s", err);
    int rc = udp_demo_exchange(&stop, err);
    stop_close(&stop);
    if (rc == -1)
        return cli_error(prog, CLI_EXIT_FAILURE, "%s", err);
    fflush(stdout);
    fputs(_("\nAnd the first question of the class: what is the difference?\n"), stderr);
    putchar('\n');
    trace_set_role("boundaries");
    return udp_boundaries_run();
}
