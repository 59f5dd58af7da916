/*
 * server_main.c - `udp-demo server`: its help, its own options, its
 * ready line and its counts at exit. server_main() (core/serve.c) runs
 * the rest.
 */
#include "serve.h"
#include "udp_limits.h"
#include "udp_server.h"
#include "i18n.h"

#include <limits.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

static const char udp_server_usage[] =
    /* xgettext:no-c-format (printed as it is: "PERCENT % of" is no conversion) */
    N_("usage: udp-demo server [-H HOST] [-p PORT] [--mode upper|echo] [--drop PERCENT]\n"
       "                       [--dup PERCENT] [--reorder PERCENT] [--seed N] [--quiet]\n"
       "                       [--trace[=detail]]\n"
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
       "      --dup PERCENT   send PERCENT % of the answers twice (0-100)\n"
       "      --reorder PERCENT\n"
       "                      hold PERCENT % of the answers back and send them after\n"
       "                      the next answer, or after 100 ms if none comes (0-100);\n"
       "                      try it with udp-demo ping -i 20\n"
       "      --seed N        make the --drop, --dup and --reorder decisions\n"
       "                      reproducible (default: from the clock; the seed used is\n"
       "                      printed at start)\n"
       "      --quiet         print no line per datagram\n"
       "      --trace         narrate each datagram on stderr, at most 20 lines a second\n"
       "                      and print no line per datagram\n"
       "                      =detail: socket options, batches, sendfile too\n"
       "  -h, --help          show this help\n"
       "      --version       print the version and exit\n"
       "\n"
       "udp-demo ping's datagrams are reflected unchanged (PING -> PONG, DATA -> ACK).\n"
       "Like inetd's echo, it never answers source port 0, ports below 1024 (services\n"
       "that answer on their own) or its own address and port: one forged datagram\n"
       "must not set it answering itself, or another service, without end.\n"
       "It prints one line when ready: 'listening on ADDRESS (...)', then one per\n"
       "datagram, at most 10 a second (the rest are counted):\n"
       "  datagram from 127.0.0.1:53122: \"dream is handsome\" -> \"DREAM IS HANDSOME\"\n"
       "At exit it prints its counts on stderr: received = answered + dropped + failed\n"
       "(an answer sent twice or late counts once).\n"
       "Ctrl-C stops it cleanly. Exit: 0 ok, 1 cannot start, 2 bad usage.\n");

/* Its own options; -H, -p, --quiet, --trace, --help and --version are every server's (serve.h). */
static const struct option udp_server_options[] = {
    {"mode", required_argument, NULL, 'o'}, {"drop", required_argument, NULL, 'd'},
    {"dup", required_argument, NULL, 'u'},  {"reorder", required_argument, NULL, 'r'},
    {"seed", required_argument, NULL, 's'}, {NULL, 0, NULL, 0},
};

void udp_config_defaults(struct udp_config *config)
{
    /* Any seed will do; it is announced, so the run can be repeated. */
    *config = (struct udp_config){
        .mode = UDP_MODE_UPPER,
        .seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32),
    };
}

static void udp_server_defaults(void *config)
{
    udp_config_defaults(config);
}

/* A percentage option: 0 .. 100 into *out; returns 0, or -1 with the reason in err. */
static int udp_percent_option(const char *name, const char *arg, unsigned *out, char *err)
{
    long v;
    if (cli_parse_long(arg, 0, 100, &v) == -1)
        return cli_reason(err, _("invalid --%s '%s': a percentage from 0 to 100"), name, arg);
    *out = (unsigned)v;
    return 0;
}

/* --mode, --drop, --dup, --reorder or --seed; returns 0, or -1 with the
 * reason in err. */
static int udp_server_option(void *config, int ch, const char *arg, char *err)
{
    struct udp_config *c = config;
    long v;

    switch (ch) {
    case 'o':
        if (udp_parse_mode(arg, &c->mode) == -1)
            return cli_reason(err, _("unknown mode '%s': use upper or echo"), arg);
        return 0;
    case 'd':
        return udp_percent_option("drop", arg, &c->drop_percent, err);
    case 'u':
        return udp_percent_option("dup", arg, &c->dup_percent, err);
    case 'r':
        return udp_percent_option("reorder", arg, &c->reorder_percent, err);
    case 's':
        if (cli_parse_long(arg, 0, LONG_MAX, &v) == -1)
            return cli_reason(err, _("invalid --seed '%s': a number from 0"), arg);
        c->seed = (uint64_t)v;
        return 0;
    default:
        return 0;
    }
}

static int udp_server_finish(void *config, const struct cli_common *common, char *err)
{
    struct udp_config *c = config;

    c->trace = common->trace;
    if (net_endpoint_from_host_port(common->host, common->port, &c->endpoint, err) == -1 ||
        c->endpoint.is_unix) {
        if (c->endpoint.is_unix)
            cli_reason(err, "%s", _("a UDP server needs an IP address"));
        return CLI_EXIT_USAGE;
    }
    return CLI_EXIT_OK;
}

/* Say where we listen; with -p 0 this is how a script learns the port. */
static void udp_server_announce(const void *server)
{
    const struct udp_server *srv = server;
    const struct udp_config *c = &srv->config;
    char where[NET_WHERE_LEN];

    net_format_listening(srv->fd, &c->endpoint, where, sizeof where);
    /* Scripts read "udp-demo server: listening on ADDRESS": the same in
     * every language. Only the details in brackets are translated. */
    printf("udp-demo server: listening on %s", where);
    printf(_(" (mode %s"), c->mode == UDP_MODE_UPPER ? "upper" : "echo");
    if (c->drop_percent > 0)
        printf(_(", drop %u%%"), c->drop_percent);
    if (c->dup_percent > 0)
        printf(_(", dup %u%%"), c->dup_percent);
    if (c->reorder_percent > 0)
        printf(_(", reorder %u%%"), c->reorder_percent);
    if (c->drop_percent > 0 || c->dup_percent > 0 || c->reorder_percent > 0)
        printf(_(", seed %llu"), (unsigned long long)c->seed);
    /* TRANSLATORS: closes " (mode %s" of the ready line. */
    printf("%s", _(")\n"));
    fflush(stdout);
}

/* At exit: the counts, which must add up. */
static void udp_server_report(const void *server)
{
    const struct udp_server *srv = server;
    const struct udp_server_stats *s = &srv->stats;
    fprintf(stderr,
            _("udp-demo server: %lld datagrams received, %lld answered, %lld dropped "
              "(%lld truncated, %lld refused), %lld failed sends"),
            (long long)s->received, (long long)s->answered, (long long)s->dropped,
            (long long)s->truncated, (long long)s->refused, (long long)s->failed);
    if (srv->config.dup_percent > 0 || srv->config.reorder_percent > 0)
        fprintf(stderr, _("; %lld sent twice (--dup), %lld sent after a later answer (--reorder)"),
                (long long)s->duplicated, (long long)s->reordered);
    fputc('\n', stderr);
}

/* server_main() holds the config and the server as void *: these hand
 * them on typed. */
static int udp_server_open_any(void *srv, const void *config, struct stop *stop, char *err)
{
    return udp_server_open(srv, config, stop, err);
}

static int udp_server_serve_any(void *srv, char *err)
{
    return udp_server_serve(srv, err);
}

static void udp_server_close_any(void *srv)
{
    udp_server_close(srv);
}

static int udp_server_listen_fd(const void *srv)
{
    return ((const struct udp_server *)srv)->fd;
}

static const struct counters *udp_server_counters(const void *srv)
{
    return ((const struct udp_server *)srv)->counters;
}

const struct server_ops udp_server_ops = {
    .prog = "udp-demo server",
    .version_prog = "udp-demo",
    .usage = udp_server_usage,
    .default_host = UDP_DEFAULT_HOST,
    .default_port = UDP_DEFAULT_PORT,
    .options = udp_server_options,
    .short_options = "",
    .config_size = sizeof(struct udp_config),
    .server_size = sizeof(struct udp_server),
    .defaults = udp_server_defaults,
    .option = udp_server_option,
    .finish = udp_server_finish,
    .open = udp_server_open_any,
    .serve = udp_server_serve_any,
    .close = udp_server_close_any,
    .announce = udp_server_announce,
    .report = udp_server_report,
    .listen_fd = udp_server_listen_fd,
    .counters = udp_server_counters,
};

int udp_server_main(int argc, char *argv[])
{
    return server_main(&udp_server_ops, argc, argv);
}
