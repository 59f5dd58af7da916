/*
 * server_main.c - `udp-demo server`: options in, a running server out.
 */
#include "cli.h"
#include "stop.h"
#include "trace.h"
#include "udp_limits.h"
#include "udp_server.h"

#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char udp_server_usage[] =
    "usage: udp-demo server [-H HOST] [-p PORT] [--mode upper|echo] [--drop PERCENT]\n"
    "                       [--seed N] [--trace]\n"
    "\n"
    "A datagram server: recvfrom() a request, sendto() one reply to its sender.\n"
    "No listen(), no accept(), no connection.\n"
    "\n"
    "  -H, --host HOST     address to bind (default 127.0.0.1; '::' for every\n"
    "                      IPv6 and IPv4 address)\n"
    "  -p, --port PORT     port to bind (default 9001; 0 picks a free one)\n"
    "      --mode M        upper (default): upper-case ASCII letters; echo: unchanged\n"
    "      --drop PERCENT  ignore PERCENT % of datagrams at random (0-100), to\n"
    "                      simulate a lossy network\n"
    "      --seed N        make the --drop decisions reproducible (default: from\n"
    "                      the clock; the seed used is printed at start)\n"
    "      --trace         narrate each datagram on stderr (at most 20 lines a second)\n"
    "  -h, --help          show this help\n"
    "      --version       print the version and exit\n"
    "\n"
    "udp-demo ping's datagrams are reflected unchanged (PING -> PONG, DATA -> ACK).\n"
    "Like inetd's echo, it never answers source port 0, ports below 1024 (services\n"
    "that answer on their own) or its own address and port: one forged datagram\n"
    "must not set it answering itself, or another service, without end.\n"
    "It prints one line when ready: 'listening on ADDRESS (...)'. At exit it prints\n"
    "its counts on stderr: received = answered + dropped + failed.\n"
    "Ctrl-C stops it cleanly. Exit: 0 ok, 1 cannot start, 2 bad usage.\n";

/* One option that takes a value; returns -1 to go on, or an exit code. */
static int udp_server_option(int ch, struct udp_config *config, const char **host, uint16_t *port,
                             bool *seeded)
{
    const char *prog = "udp-demo server";
    char err[NET_ERR_LEN];
    long v;

    switch (ch) {
    case 'H':
        *host = optarg;
        return -1;
    case 'p':
        if (net_parse_port(optarg, true, port, err) == -1)
            return cli_error(prog, CLI_EXIT_USAGE, "%s", err);
        return -1;
    case 'o':
        if (udp_parse_mode(optarg, &config->mode) == -1)
            return cli_error(prog, CLI_EXIT_USAGE, "unknown mode '%s': use upper or echo", optarg);
        return -1;
    case 'd':
        if (cli_parse_long(optarg, 0, 100, &v) == -1)
            return cli_error(prog, CLI_EXIT_USAGE,
                             "invalid --drop '%s': a percentage from 0 to 100", optarg);
        config->drop_percent = (unsigned)v;
        return -1;
    case 's':
        if (cli_parse_long(optarg, 0, LONG_MAX, &v) == -1)
            return cli_error(prog, CLI_EXIT_USAGE, "invalid --seed '%s': a number from 0", optarg);
        config->seed = (uint64_t)v;
        *seeded = true;
        return -1;
    case 't':
        config->trace = true;
        return -1;
    case 'h':
        fputs(udp_server_usage, stdout);
        return CLI_EXIT_OK;
    case CLI_OPT_VERSION:
        return cli_version("udp-demo");
    default:
        return CLI_EXIT_USAGE;
    }
}

/* Parse argv into config; returns -1 to go on, else an exit code. */
static int udp_server_parse(int argc, char *argv[], struct udp_config *config)
{
    static const struct option longopts[] = {
        {"host", required_argument, NULL, 'H'},
        {"port", required_argument, NULL, 'p'},
        {"mode", required_argument, NULL, 'o'},
        {"drop", required_argument, NULL, 'd'},
        {"seed", required_argument, NULL, 's'},
        {"trace", no_argument, NULL, 't'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, CLI_OPT_VERSION},
        {NULL, 0, NULL, 0},
    };
    const char *prog = "udp-demo server";
    const char *host = UDP_DEFAULT_HOST;
    uint16_t port = UDP_DEFAULT_PORT;
    bool seeded = false;
    char err[NET_ERR_LEN];
    int ch;

    *config = (struct udp_config){.mode = UDP_MODE_UPPER};
    optind = 1;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, ":H:p:h", longopts, NULL)) != -1) {
        if (ch == '?' || ch == ':')
            return cli_bad_option(prog, argv, ch);
        int rc = udp_server_option(ch, config, &host, &port, &seeded);
        if (rc != -1)
            return rc;
    }
    if (optind < argc)
        return cli_error(prog, CLI_EXIT_USAGE, "unexpected argument '%s' (see --help)",
                         argv[optind]);
    if (net_endpoint_from_host_port(host, port, &config->endpoint, err) == -1 ||
        config->endpoint.is_unix)
        return cli_error(prog, CLI_EXIT_USAGE, "%s",
                         config->endpoint.is_unix ? "a UDP server needs an IP address" : err);
    if (!seeded) /* any seed will do; it is announced, so the run can be repeated */
        config->seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
    return -1;
}

/* Say where we listen; with -p 0 this is how a script learns the port. */
static void udp_server_announce(const struct udp_server *srv)
{
    const struct udp_config *c = &srv->config;
    char where[NET_WHERE_LEN];

    net_format_listening(srv->fd, &c->endpoint, where, sizeof where);
    printf("udp-demo server: listening on %s (mode %s", where,
           c->mode == UDP_MODE_UPPER ? "upper" : "echo");
    if (c->drop_percent > 0)
        printf(", drop %u%%, seed %llu", c->drop_percent, (unsigned long long)c->seed);
    printf(")\n");
    fflush(stdout);
}

/* At exit: the counts, which must add up. */
static void udp_server_report(const struct udp_server *srv)
{
    const struct udp_server_stats *s = &srv->stats;
    fprintf(stderr,
            "udp-demo server: %lld datagrams received, %lld answered, %lld dropped "
            "(%lld truncated, %lld refused), %lld failed sends\n",
            (long long)s->received, (long long)s->answered, (long long)s->dropped,
            (long long)s->truncated, (long long)s->refused, (long long)s->failed);
}

int udp_server_main(int argc, char *argv[])
{
    const char *prog = "udp-demo server";
    struct udp_config config;
    struct udp_server srv;
    struct stop stop;
    char err[NET_ERR_LEN];

    int rc = udp_server_parse(argc, argv, &config);
    if (rc != -1)
        return rc;
    if (stop_watch_signals(err) == -1 || stop_open(&stop, err) == -1)
        return cli_error(prog, CLI_EXIT_FAILURE, "%s", err);
    if (udp_server_open(&srv, &config, &stop, err) == -1) {
        stop_close(&stop);
        return cli_error(prog, CLI_EXIT_FAILURE, "%s", err);
    }
    udp_server_announce(&srv);
    rc = udp_server_serve(&srv, err);
    udp_server_report(&srv);
    udp_server_close(&srv);
    stop_close(&stop);
    if (rc == -1)
        return cli_error(prog, CLI_EXIT_FAILURE, "%s", err);
    return CLI_EXIT_OK;
}
