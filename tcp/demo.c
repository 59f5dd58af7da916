/*
 * demo.c - `tcp-demo` with no arguments: the seed's phone call, end to end.
 *
 * The server (a child process, the iterative model) and the client (this
 * process) both narrate their socket calls. The client says
 * "dream is handsome" and prints the answer, "DREAM IS HANDSOME".
 */
#include "cli.h"
#include "tcp_server.h"
#include "stop.h"
#include "tcp_client.h"
#include "trace.h"

#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#define TCP_DEMO_MESSAGE "dream is handsome" /* the seed's words */

static const char tcp_demo_intro[] =
    "The seed's phone call over TCP (SOCK_STREAM), narrated call by call:\n"
    "  server: socket() buys a phone, bind() puts in the SIM card, listen() waits,\n"
    "          accept() picks up, recv()/send() listen and speak, close() hangs up.\n"
    "  client: socket() buys a phone, connect() dials, send()/recv(), close().\n";

/* The server's side, in a child process: serve until told to stop. */
static int tcp_demo_server(struct tcp_server *srv)
{
    char err[NET_ERR_LEN];
    trace_set_role("tcp server");
    int rc = tcp_server_serve(srv, err);
    tcp_server_close(srv);
    return rc == 0 ? 0 : 1;
}

int tcp_demo_main(void)
{
    const char *prog = "tcp-demo";
    struct tcp_config config = {.model = TCP_MODEL_ITERATIVE, .mode = TCP_MODE_UPPER};
    struct tcp_server srv;
    struct stop stop;
    char err[NET_ERR_LEN];
    uint16_t port = 0;

    config.trace = true;
    trace_program.to_stderr = true;
    fputs(tcp_demo_intro, stderr);
    if (stop_watch_signals(err) == -1 || stop_open(&stop, err) == -1)
        return cli_error(prog, CLI_EXIT_FAILURE, "%s", err);

    /* Port 0: the kernel picks a free port, so the demo never collides. */
    net_endpoint_from_host_port(TCP_DEFAULT_HOST, 0, &config.endpoint, err);
    if (tcp_server_open(&srv, &config, &stop, err) == -1 ||
        net_local_port(srv.listen_fd, &port, err) == -1)
        return cli_error(prog, CLI_EXIT_FAILURE, "%s", err);

    pid_t server = fork();
    if (server == -1)
        return cli_error(prog, CLI_EXIT_FAILURE, "fork: cannot start the server");
    if (server == 0)
        _exit(tcp_demo_server(&srv));
    close(srv.listen_fd); /* only the server child listens */
    srv.listen_fd = -1;

    trace_bind(&trace_program, "tcp client");
    struct net_endpoint ep;
    net_endpoint_from_host_port(TCP_DEFAULT_HOST, port, &ep, err);
    const char *messages[] = {TCP_DEMO_MESSAGE};
    int rc = tcp_client_call(&ep, messages, 1, TCP_CLIENT_TIMEOUT_MS, err);

    int status = 0;
    stop_request(&stop); /* the lecture is over: switch the server off */
    waitpid(server, &status, 0);
    tcp_server_close(&srv);
    stop_close(&stop);
    if (rc == -1)
        return cli_error(prog, CLI_EXIT_FAILURE, "%s", err);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return cli_error(prog, CLI_EXIT_FAILURE, "the server did not stop cleanly");
    return CLI_EXIT_OK;
}
