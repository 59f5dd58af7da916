/*
 * demo.c - `udp-demo` with no arguments: the seed's exchange over UDP,
 * then the boundaries lesson.
 *
 * The server (a child process) and the client (this process) narrate their
 * socket calls, as tcp-demo's do, so the two can be compared line by line:
 * here there is no listen(), no accept() and no connection.
 */
#include "cli.h"
#include "stop.h"
#include "trace.h"
#include "udp_client.h"
#include "udp_demo.h"
#include "udp_limits.h"
#include "udp_server.h"

#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#define UDP_DEMO_MESSAGE "dream is handsome" /* the seed's words */

static const char udp_demo_intro[] =
    "The seed's exchange over UDP (SOCK_DGRAM), narrated call by call:\n"
    "  server: socket() and bind(), then recvfrom() a datagram and sendto() the\n"
    "          reply to the address it came from. No listen(), no accept().\n"
    "  client: socket(), then send() and recv(). Its connect() sends nothing:\n"
    "          it only remembers the server's address.\n";

/* The server's side, in a child process: serve until told to stop. */
static int udp_demo_server(struct udp_server *srv)
{
    char err[NET_ERR_LEN];
    trace_set_role("udp server");
    int rc = udp_server_serve(srv, err);
    udp_server_close(srv);
    return rc == 0 ? 0 : 1;
}

/* The exchange itself; returns 0 or -1 (reason in err). */
static int udp_demo_exchange(struct stop *stop, char *err)
{
    struct udp_config config = {.mode = UDP_MODE_UPPER, .trace = true};
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
    pid_t server = fork();
    if (server == -1) {
        udp_server_close(&srv);
        snprintf(err, NET_ERR_LEN, "fork: cannot start the server");
        return -1;
    }
    if (server == 0)
        _exit(udp_demo_server(&srv));
    close(srv.fd); /* only the server child receives */
    srv.fd = -1;

    trace_bind(&trace_program, "udp client");
    struct net_endpoint ep;
    net_endpoint_from_host_port(UDP_DEFAULT_HOST, port, &ep, err);
    const char *messages[] = {UDP_DEMO_MESSAGE};
    int rc = udp_client_call(&ep, messages, 1, UDP_CLIENT_TIMEOUT_MS, err);

    int status = 0;
    stop_request(stop); /* the lecture is over: switch the server off */
    waitpid(server, &status, 0);
    udp_server_close(&srv);
    if (rc == 1)
        snprintf(err, NET_ERR_LEN, "the server did not answer");
    else if (rc == 0 && (!WIFEXITED(status) || WEXITSTATUS(status) != 0))
        snprintf(err, NET_ERR_LEN, "the server did not stop cleanly");
    else if (rc == 0)
        return 0;
    return -1;
}

int udp_demo_main(void)
{
    const char *prog = "udp-demo";
    struct stop stop;
    char err[NET_ERR_LEN];

    trace_program.to_stderr = true;
    fputs(udp_demo_intro, stderr);
    if (stop_watch_signals(err) == -1 || stop_open(&stop, err) == -1)
        return cli_error(prog, CLI_EXIT_FAILURE, "%s", err);
    int rc = udp_demo_exchange(&stop, err);
    stop_close(&stop);
    if (rc == -1)
        return cli_error(prog, CLI_EXIT_FAILURE, "%s", err);
    fflush(stdout);
    fputs("\nAnd the first question of the class: what is the difference?\n", stderr);
    putchar('\n');
    trace_set_role("boundaries");
    return udp_boundaries_run();
}
