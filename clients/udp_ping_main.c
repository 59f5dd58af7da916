/*
 * udp_ping_main.c - `udp-demo ping`'s command line.
 */
#include "cli.h"
#include "shutdown.h"
#include "trace.h"
#include "udp_client.h"
#include "udp_limits.h"
#include "udp_packet.h"

#include <getopt.h>
#include <stdio.h>

static const char udp_ping_usage[] =
    "usage: udp-demo ping [-H HOST] [-p PORT] [-c COUNT] [-i INTERVAL_MS] [-s SIZE]\n"
    "                     [-t TIMEOUT_MS] [--reliable] [--trace]\n"
    "\n"
    "Like ping(8), over UDP to udp-demo server: each datagram carries a sequence\n"
    "number and its send time. A line per reply with its round-trip time, then\n"
    "sent, received, lost %, duplicates, out of order, RTT min/avg/max/mdev and\n"
    "jitter (RFC 3550). Try it against 'udp-demo server --drop 20'.\n"
    "\n"
    "  -H, --host HOST        server address (default 127.0.0.1)\n"
    "  -p, --port PORT        server port (default 9001)\n"
    "  -c, --count N          stop after N datagrams (default: until Ctrl-C)\n"
    "  -i, --interval MS      between datagrams (default 1000; 0: the next as soon\n"
    "                         as the reply is in, as ping -f)\n"
    "  -s, --size BYTES       datagram payload, 20-byte header included (default 56;\n"
    "                         at most 65507 over IPv4, 65527 over IPv6)\n"
    "  -t, --timeout MS       wait this long for a reply (default 1000); with\n"
    "                         --reliable, the first retransmission timeout\n"
    "      --reliable         deliver every message exactly once and in order over\n"
    "                         a small ARQ: acknowledgements, retransmission on\n"
    "                         timeout, duplicate suppression\n"
    "      --trace            narrate each datagram on stderr\n"
    "  -h, --help             show this help\n"
    "      --version          print the version and exit\n"
    "\n"
    "Exit: 0 replies came back (--reliable: every message delivered), 1 none did\n"
    "or an error, 2 bad usage.\n";

/* A number option in [min, max]; returns -1 to go on, or the exit code. */
static int ping_number(const char *name, long min, long max, long *out)
{
    if (cli_parse_long(optarg, min, max, out) == 0)
        return -1;
    return cli_error("udp-demo ping", CLI_EXIT_USAGE, "invalid %s '%s': a number from %ld to %ld",
                     name, optarg, min, max);
}

static int ping_option(int ch, struct udp_ping_config *c, const char **host, uint16_t *port)
{
    char err[NET_ERR_LEN];
    long v = 0;
    int rc = -1;
    switch (ch) {
    case 'H':
        *host = optarg;
        return -1;
    case 'p':
        if (net_parse_port(optarg, false, port, err) == -1)
            return cli_error("udp-demo ping", CLI_EXIT_USAGE, "%s", err);
        return -1;
    case 'c':
        rc = ping_number("count", 1, UINT32_MAX - 1, &v);
        c->count = (unsigned long)v;
        return rc;
    case 'i':
        rc = ping_number("interval", 0, 3600000, &v);
        c->interval_ms = (int)v;
        return rc;
    case 's':
        rc = ping_number("size", UDP_PACKET_HEADER_LEN, UDP_MAX_PAYLOAD_V6, &v);
        c->size = (size_t)v;
        return rc;
    case 't':
        rc = ping_number("timeout", 1, 3600000, &v);
        c->timeout_ms = (int)v;
        return rc;
    case 'R':
        c->reliable = true;
        return -1;
    case 'r':
        trace_program.to_stderr = true;
        return -1;
    case CLI_OPT_VERSION:
        return cli_version("udp-demo");
    default: /* 'h' */
        fputs(udp_ping_usage, stdout);
        return CLI_EXIT_OK;
    }
}

int udp_ping_main(int argc, char *argv[])
{
    static const struct option longopts[] = {
        {"host", required_argument, NULL, 'H'},
        {"port", required_argument, NULL, 'p'},
        {"count", required_argument, NULL, 'c'},
        {"interval", required_argument, NULL, 'i'},
        {"size", required_argument, NULL, 's'},
        {"timeout", required_argument, NULL, 't'},
        {"reliable", no_argument, NULL, 'R'},
        {"trace", no_argument, NULL, 'r'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, CLI_OPT_VERSION},
        {NULL, 0, NULL, 0},
    };
    const char *prog = "udp-demo ping";
    struct udp_ping_config config = {.interval_ms = UDP_PING_INTERVAL_MS,
                                     .size = UDP_PING_SIZE,
                                     .timeout_ms = UDP_CLIENT_TIMEOUT_MS};
    const char *host = UDP_DEFAULT_HOST;
    uint16_t port = UDP_DEFAULT_PORT;
    char err[NET_ERR_LEN];
    int ch;

    optind = 1;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, ":H:p:c:i:s:t:h", longopts, NULL)) != -1) {
        if (ch == '?' || ch == ':')
            return cli_bad_option(prog, argv, ch);
        int rc = ping_option(ch, &config, &host, &port);
        if (rc != -1)
            return rc;
    }
    if (optind < argc)
        return cli_error(prog, CLI_EXIT_USAGE, "unexpected argument '%s' (see --help)",
                         argv[optind]);
    if (net_endpoint_from_host_port(host, port, &config.endpoint, err) == -1)
        return cli_error(prog, CLI_EXIT_USAGE, "%s", err);
    trace_set_role("udp ping");
    /* Ctrl-C ends the run, and the summary is still printed. */
    if (shutdown_install(err) == -1)
        return cli_error(prog, CLI_EXIT_FAILURE, "%s", err);
    return udp_ping_run(&config);
}
