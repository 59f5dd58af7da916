/*
 * server_main.c - `tcp-demo server`: options in, a running server out.
 */
#include "cli.h"
#include "tcp_server.h"
#include "stop.h"
#include "trace.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static const char tcp_server_usage[] =
    "usage: tcp-demo server [-H HOST] [-p PORT] [--model iterative|fork|thread|epoll]\n"
    "                       [--mode upper|echo] [--trace]\n"
    "\n"
    "The seed's phone-call server: it answers every byte it receives,\n"
    "upper-cased (--mode upper, the default) or unchanged (--mode echo).\n"
    "\n"
    "  -H, --host HOST    address to listen on (default 127.0.0.1; '::' for every\n"
    "                     IPv6 and IPv4 address; unix:/path for a Unix socket)\n"
    "  -p, --port PORT    port to listen on (default 9000; 0 picks a free one)\n"
    "      --model M      iterative: one caller at a time (the seed's loops)\n"
    "                     fork:      a process per caller\n"
    "                     thread:    a thread per caller\n"
    "                     epoll:     one thread, an event loop (default)\n"
    "      --mode M       upper (default) or echo\n"
    "      --trace        narrate each socket call on stderr\n"
    "  -h, --help         show this help\n"
    "      --version      print the version and exit\n"
    "\n"
    "It prints one line when ready: 'listening on ADDRESS (model M, mode M)'.\n"
    "Ctrl-C stops it cleanly. Exit: 0 ok, 1 cannot start, 2 bad usage.\n";

/* Parse argv into config; returns -1 on success-and-continue, else an exit code. */
static int tcp_server_parse(int argc, char *argv[], struct tcp_config *config)
{
    static const struct option longopts[] = {
        {"host", required_argument, NULL, 'H'},
        {"port", required_argument, NULL, 'p'},
        {"model", required_argument, NULL, 'M'},
        {"mode", required_argument, NULL, 'o'},
        {"trace", no_argument, NULL, 't'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, CLI_OPT_VERSION},
        {NULL, 0, NULL, 0},
    };
    const char *prog = "tcp-demo server";
    const char *host = TCP_DEFAULT_HOST;
    uint16_t port = TCP_DEFAULT_PORT;
    char err[NET_ERR_LEN];
    int ch;

    *config = (struct tcp_config){.model = TCP_MODEL_EPOLL, .mode = TCP_MODE_UPPER};
    optind = 1;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, ":H:p:h", longopts, NULL)) != -1) {
        switch (ch) {
        case 'H':
            host = optarg;
            break;
        case 'p':
            if (net_parse_port(optarg, true, &port, err) == -1)
                return cli_error(prog, CLI_EXIT_USAGE, "%s", err);
            break;
        case 'M':
            if (tcp_parse_model(optarg, &config->model) == -1)
                return cli_error(prog, CLI_EXIT_USAGE,
                                 "unknown model '%s': use iterative, fork, thread or epoll",
                                 optarg);
            break;
        case 'o':
            if (tcp_parse_mode(optarg, &config->mode) == -1)
                return cli_error(prog, CLI_EXIT_USAGE, "unknown mode '%s': use upper or echo",
                                 optarg);
            break;
        case 't':
            config->trace = true;
            break;
        case 'h':
            fputs(tcp_server_usage, stdout);
            return CLI_EXIT_OK;
        case CLI_OPT_VERSION:
            return cli_version("tcp-demo");
        default:
            return cli_bad_option(prog, argv, ch);
        }
    }
    if (optind < argc)
        return cli_error(prog, CLI_EXIT_USAGE, "unexpected argument '%s' (see --help)",
                         argv[optind]);
    if (net_endpoint_from_host_port(host, port, &config->endpoint, err) == -1)
        return cli_error(prog, CLI_EXIT_USAGE, "%s", err);
    return -1;
}

/* Say where we listen; with -p 0 this is how a script learns the port. */
static void tcp_server_announce(const struct tcp_server *srv)
{
    char where[NET_WHERE_LEN];

    net_format_listening(srv->listen_fd, &srv->config.endpoint, where, sizeof where);
    printf("tcp-demo server: listening on %s (model %s, mode %s)\n", where,
           tcp_model_name(srv->config.model),
           srv->config.mode == TCP_MODE_UPPER ? "upper" : "echo");
    fflush(stdout);
}

int tcp_server_main(int argc, char *argv[])
{
    const char *prog = "tcp-demo server";
    struct tcp_config config;
    struct tcp_server srv;
    struct stop stop;
    char err[NET_ERR_LEN];

    int rc = tcp_server_parse(argc, argv, &config);
    if (rc != -1)
        return rc;
    if (stop_watch_signals(err) == -1 || stop_open(&stop, err) == -1)
        return cli_error(prog, CLI_EXIT_FAILURE, "%s", err);
    if (tcp_server_open(&srv, &config, &stop, err) == -1) {
        stop_close(&stop);
        return cli_error(prog, CLI_EXIT_FAILURE, "%s", err);
    }
    tcp_server_announce(&srv);
    rc = tcp_server_serve(&srv, err);
    tcp_server_close(&srv);
    stop_close(&stop);
    if (rc == -1)
        return cli_error(prog, CLI_EXIT_FAILURE, "%s", err);
    return CLI_EXIT_OK;
}
