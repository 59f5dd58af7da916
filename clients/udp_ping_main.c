/*
 * udp_ping_main.c - `udp-demo ping`'s command line.
 */
#include "cli.h"
#include "shutdown.h"
#include "trace.h"
#include "udp_client.h"
#include "udp_limits.h"
#include "udp_packet.h"
#include "i18n.h"

#include <stdio.h>

static const char udp_ping_usage[] =
    /* xgettext:no-c-format (printed as it is: "lost %" is no conversion) */
    N_("usage: udp-demo ping [-H HOST] [-p PORT] [-c COUNT] [-i INTERVAL_MS] [-s SIZE]\n"
       "                     [-t TIMEOUT_MS] [--reliable] [--trace[=detail]]\n"
       "\n"
       "Like ping(8), over UDP to udp-demo server: each datagram carries a sequence\n"
       "number and its send time. A line per reply with its round-trip time, then\n"
       "sent, received, lost %, duplicates, out of order, RTT min/avg/max/mdev and\n"
       "jitter (RFC 3550). Try it against 'udp-demo server --drop 20', or with -i 20\n"
       "against 'udp-demo server --dup 20 --reorder 20'.\n"
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
       "                         =detail: no more here (no socket options)\n"
       "  -h, --help             show this help\n"
       "      --version          print the version and exit\n"
       "\n"
       "Exit: 0 replies came back (--reliable: every message delivered), 1 none did\n"
       "or an error, 2 bad usage.\n");

/* A number option in [min, max]; returns 0, or -1 with the reason in err. */
static int ping_number(const char *name, const char *arg, long min, long max, long *out, char *err)
{
    if (cli_parse_long(arg, min, max, out) == 0)
        return 0;
    return cli_reason(err, _("invalid %s '%s': a number from %ld to %ld"), name, arg, min, max);
}

static int ping_option(void *ctx, int ch, const char *arg, char *err)
{
    struct udp_ping_config *c = ctx;
    long v = 0;
    int rc = 0;
    switch (ch) {
    case 'c':
        rc = ping_number("count", arg, 1, UINT32_MAX - 1, &v, err);
        c->count = (unsigned long)v;
        return rc;
    case 'i':
        rc = ping_number("interval", arg, 0, 3600000, &v, err);
        c->interval_ms = (int)v;
        return rc;
    case 's':
        rc = ping_number("size", arg, UDP_PACKET_HEADER_LEN, UDP_MAX_PAYLOAD_V6, &v, err);
        c->size = (size_t)v;
        return rc;
    case 't':
        rc = ping_number("timeout", arg, 1, 3600000, &v, err);
        c->timeout_ms = (int)v;
        return rc;
    default: /* 'R' */
        c->reliable = true;
        return 0;
    }
}

int udp_ping_main(int argc, char *argv[])
{
    static const struct option options[] = {
        {"count", required_argument, NULL, 'c'}, {"interval", required_argument, NULL, 'i'},
        {"size", required_argument, NULL, 's'},  {"timeout", required_argument, NULL, 't'},
        {"reliable", no_argument, NULL, 'R'},    {NULL, 0, NULL, 0},
    };
    static const struct cli_syntax syntax = {
        .prog = "udp-demo ping",
        .version_prog = "udp-demo",
        .usage = udp_ping_usage,
        .takes = CLI_TAKES_HOST | CLI_TAKES_PORT,
        .default_host = UDP_DEFAULT_HOST,
        .default_port = UDP_DEFAULT_PORT,
        .options = options,
        .short_options = "c:i:s:t:",
        .option = ping_option,
    };
    struct udp_ping_config config = {.interval_ms = UDP_PING_INTERVAL_MS,
                                     .size = UDP_PING_SIZE,
                                     .timeout_ms = UDP_CLIENT_TIMEOUT_MS};
    char err[NET_ERR_LEN];

    int rc = cli_parse_client(&syntax, &config, argc, argv, "udp ping", &config.endpoint, NULL);
    if (rc != -1)
        return rc;
    /* Ctrl-C ends the run, and the summary is still printed. */
    if (shutdown_install(err) == -1)
        return cli_error(syntax.prog, CLI_EXIT_FAILURE, "%s", err);
    return udp_ping_run(&config);
}
