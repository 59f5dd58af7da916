/*
 * server_main.c - `tcp-demo server`: its help, its own options and its
 * ready line. server_main() (core/serve.c) runs the rest.
 */
#include "serve.h"
#include "tcp_server.h"
#include "i18n.h"

#include <stdio.h>

static const char tcp_server_usage[] =
    N_("usage: tcp-demo server [-H HOST] [-p PORT] [--model iterative|fork|thread|epoll]\n"
       "                       [--mode upper|echo|discard] [--quiet] [--trace[=detail]]\n"
       "\n"
       "The seed's phone-call server: it answers every byte it receives,\n"
       "upper-cased (--mode upper, the default) or unchanged (--mode echo); or it\n"
       "only listens (--mode discard, RFC 863: a sink for one-way transfers).\n"
       "\n"
       "  -H, --host HOST    address to listen on (default 127.0.0.1; '::' for every\n"
       "                     IPv6 and IPv4 address; unix:/path for a Unix socket)\n"
       "  -p, --port PORT    port to listen on (default 9000; 0 picks a free one)\n"
       "      --model M      iterative: one caller at a time (the seed's loops)\n"
       "                     fork:      a process per caller\n"
       "                     thread:    a thread per caller\n"
       "                     epoll:     one thread, an event loop (default)\n"
       "      --mode M       upper (default), echo or discard\n"
       "      --quiet        print no line per caller\n"
       "      --trace        narrate each socket call on stderr (and no line per caller)\n"
       "                     =detail: socket options, batches, sendfile too\n"
       "  -h, --help         show this help\n"
       "      --version      print the version and exit\n"
       "\n"
       "It prints one line when ready: 'listening on ADDRESS (model M, mode M)', then\n"
       "one per caller at its first message, at most 10 a second:\n"
       "  call from 127.0.0.1:53122: \"dream is handsome\" -> \"DREAM IS HANDSOME\"\n"
       "Ctrl-C stops it cleanly. Exit: 0 ok, 1 cannot start, 2 bad usage.\n");

/* Its own options; -H, -p, --quiet, --trace, --help and --version are every server's (serve.h). */
static const struct option tcp_server_options[] = {
    {"model", required_argument, NULL, 'M'},
    {"mode", required_argument, NULL, 'o'},
    {NULL, 0, NULL, 0},
};

void tcp_config_defaults(struct tcp_config *config)
{
    *config = (struct tcp_config){.model = TCP_MODEL_EPOLL, .mode = TCP_MODE_UPPER};
}

static void tcp_server_defaults(void *config)
{
    tcp_config_defaults(config);
}

/* --model or --mode; returns 0, or -1 with the reason in err. */
static int tcp_server_option(void *config, int ch, const char *arg, char *err)
{
    struct tcp_config *c = config;

    if (ch == 'M' && tcp_parse_model(arg, &c->model) == -1)
        return cli_reason(err, _("unknown model '%s': use iterative, fork, thread or epoll"), arg);
    if (ch == 'o' && tcp_parse_mode(arg, &c->mode) == -1)
        return cli_reason(err, _("unknown mode '%s': use upper, echo or discard"), arg);
    return 0;
}

static int tcp_server_finish(void *config, const struct cli_common *common, char *err)
{
    struct tcp_config *c = config;

    c->trace = common->trace;
    if (net_endpoint_from_host_port(common->host, common->port, &c->endpoint, err) == -1)
        return CLI_EXIT_USAGE;
    return CLI_EXIT_OK;
}

/* Say where we listen; with -p 0 this is how a script learns the port. */
static void tcp_server_announce(const void *server)
{
    const struct tcp_server *srv = server;
    char where[NET_WHERE_LEN];

    net_format_listening(srv->listen_fd, &srv->config.endpoint, where, sizeof where);
    /* Scripts read "tcp-demo server: listening on ADDRESS": the same in
     * every language. Only the details in brackets are translated. */
    printf("tcp-demo server: listening on %s", where);
    printf(_(" (model %s, mode %s)\n"), tcp_model_name(srv->config.model),
           tcp_mode_name(srv->config.mode));
    fflush(stdout);
}

/* server_main() holds the config and the server as void *: these hand
 * them on typed. */
static int tcp_server_open_any(void *srv, const void *config, struct stop *stop, char *err)
{
    return tcp_server_open(srv, config, stop, err);
}

static int tcp_server_serve_any(void *srv, char *err)
{
    return tcp_server_serve(srv, err);
}

static void tcp_server_close_any(void *srv)
{
    tcp_server_close(srv);
}

static int tcp_server_listen_fd(const void *srv)
{
    return ((const struct tcp_server *)srv)->listen_fd;
}

static const struct counters *tcp_server_counters(const void *srv)
{
    return ((const struct tcp_server *)srv)->stats;
}

const struct server_ops tcp_server_ops = {
    .prog = "tcp-demo server",
    .version_prog = "tcp-demo",
    .usage = tcp_server_usage,
    .default_host = TCP_DEFAULT_HOST,
    .default_port = TCP_DEFAULT_PORT,
    .options = tcp_server_options,
    .short_options = "",
    .config_size = sizeof(struct tcp_config),
    .server_size = sizeof(struct tcp_server),
    .defaults = tcp_server_defaults,
    .option = tcp_server_option,
    .finish = tcp_server_finish,
    .open = tcp_server_open_any,
    .serve = tcp_server_serve_any,
    .close = tcp_server_close_any,
    .announce = tcp_server_announce,
    .report = NULL,
    .listen_fd = tcp_server_listen_fd,
    .counters = tcp_server_counters,
};

int tcp_server_main(int argc, char *argv[])
{
    return server_main(&tcp_server_ops, argc, argv);
}
