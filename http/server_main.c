/*
 * server_main.c - `http-demo server`: its help, its own options, where
 * its site is and its ready line. server_main() (core/serve.c) runs the
 * rest.
 */
#include "content.h"
#include "http_server.h"
#include "serve.h"
#include "i18n.h"

#include <limits.h>
#include <stdio.h>

static const char http_server_usage[] =
    N_("usage: http-demo server [-H HOST] [-p PORT] [-r DOCROOT] [--http1.0]\n"
       "                        [--workers N] [--access-log FILE|-] [--show-requests]\n"
       "                        [--timeout SECS] [--idle-timeout SECS] [--max-conns N]\n"
       "                        [--max-head BYTES] [--sendfile-min BYTES]\n"
       "                        [--no-defer-accept] [--quiet] [--trace[=detail]]\n"
       "\n"
       "The S of the B/S model: a small HTTP/1.0 and 1.1 static file server that\n"
       "browsers, curl and Python use. GET and HEAD serve files; /echo shows the\n"
       "request exactly as the browser sent it (?raw for plain text); /stats shows\n"
       "the counters as JSON.\n"
       "\n"
       "  -H, --host HOST        address to listen on (default 127.0.0.1; '::' for every\n"
       "                         IPv6 and IPv4 address; unix:/path for a Unix socket)\n"
       "  -p, --port PORT        port to listen on (default 8080; 0 picks a free one)\n"
       "  -r, --docroot DIR      folder to serve (default: the bundled site,\n"
       "                         share/netdemo/www beside the program's bin/)\n"
       "      --http1.0          answer as HTTP/1.0: one request per connection\n"
       "      --workers N        event loops, one thread each (default: one per core;\n"
       "                         one with --trace, so the trace shows one listener)\n"
       "      --access-log FILE  log each request in Common Log Format ('-': stdout)\n"
       "      --timeout SECS     time allowed to send a request head (default 10); 408\n"
       "      --idle-timeout SECS  close idle keep-alive connections (default 15)\n"
       "      --max-conns N      open connections allowed (default 20000); more get 503\n"
       "      --max-head BYTES   longest request line and headers (default 16384); 431\n"
       "      --sendfile-min BYTES  send file bodies of this size and larger with\n"
       "                         sendfile(); smaller ones are copied into the same write\n"
       "                         as the head (default 16384; 0: always sendfile)\n"
       "      --no-defer-accept  accept each connection as soon as it is made; by\n"
       "                         default accept() waits (about a second at most) for\n"
       "                         the request to arrive (TCP_DEFER_ACCEPT, as Apache\n"
       "                         does). Use this to watch accept() the moment `nc`\n"
       "                         connects, with --trace\n"
       "      --show-requests    print each request head on stderr as it arrives\n"
       "      --quiet            print no line per connection\n"
       "      --trace            narrate each socket call on stderr (and no line per\n"
       "                         connection)\n"
       "                         =detail: socket options, batches, sendfile too\n"
       "  -h, --help             show this help\n"
       "      --version          print the version and exit\n"
       "\n"
       "It prints one line when ready: 'listening on ADDRESS (N workers, root DIR)',\n"
       "then one per connection with its first request, at most 10 a second:\n"
       "  connection from 127.0.0.1:53122: GET /echo -> 200\n"
       "Ctrl-C stops it cleanly. Exit: 0 ok, 1 cannot start, 2 bad usage.\n");

/* Its own options; -H, -p, --quiet, --trace, --help and --version are every server's (serve.h). */
static const struct option http_server_options[] = {
    {"docroot", required_argument, NULL, 'r'},   {"http1.0", no_argument, NULL, '0'},
    {"workers", required_argument, NULL, 'w'},   {"access-log", required_argument, NULL, 'a'},
    {"timeout", required_argument, NULL, 'T'},   {"idle-timeout", required_argument, NULL, 'I'},
    {"max-conns", required_argument, NULL, 'm'}, {"sendfile-min", required_argument, NULL, 'S'},
    {"max-head", required_argument, NULL, 'M'},  {"no-defer-accept", no_argument, NULL, 'D'},
    {"show-requests", no_argument, NULL, 's'},   {NULL, 0, NULL, 0},
};

/* The config and the bundled site's path, which config.docroot points to
 * when -r is not given: both live as long as the server. */
struct http_server_args {
    struct http_config config;
    char site[PATH_MAX];
    bool workers_given; /* --workers was on the command line */
};

/* A number of seconds in [1, 3600], as milliseconds. */
static int parse_seconds(const char *flag, const char *text, int *ms, char *err)
{
    long v;
    if (cli_parse_long(text, 1, 3600, &v) == -1)
        return cli_reason(err, _("%s: '%s' is not a number of seconds (1-3600)"), flag, text);
    *ms = (int)v * 1000;
    return 0;
}

static int parse_count(const char *flag, const char *text, long max, int *out, char *err)
{
    long v;
    if (cli_parse_long(text, 1, max, &v) == -1)
        return cli_reason(err, _("%s: '%s' is not a number from 1 to %ld"), flag, text, max);
    *out = (int)v;
    return 0;
}

static int parse_bytes(const char *flag, const char *text, long min, long max, size_t *out,
                       char *err)
{
    long v;
    if (cli_parse_long(text, min, max, &v) == -1)
        return cli_reason(err, _("%s: '%s' is not a number of bytes (%ld-%ld)"), flag, text, min,
                          max);
    *out = (size_t)v;
    return 0;
}

static void http_server_defaults(void *args)
{
    struct http_server_args *a = args;

    http_config_defaults(&a->config);
    a->site[0] = '\0';
}

/* One of its own options; returns 0, or -1 with the reason in err. */
static int http_server_option(void *args, int ch, const char *arg, char *err)
{
    struct http_config *config = &((struct http_server_args *)args)->config;

    switch (ch) {
    case 'r':
        config->docroot = arg;
        return 0;
    case '0':
        config->http10 = true;
        return 0;
    case 'w':
        ((struct http_server_args *)args)->workers_given = true;
        return parse_count("--workers", arg, HTTP_MAX_WORKERS, &config->workers, err);
    case 'a':
        config->access_log = arg;
        return 0;
    case 'T':
        return parse_seconds("--timeout", arg, &config->head_timeout_ms, err);
    case 'I':
        return parse_seconds("--idle-timeout", arg, &config->idle_timeout_ms, err);
    case 'm':
        return parse_count("--max-conns", arg, 1000000, &config->max_conns, err);
    case 'S':
        return parse_bytes("--sendfile-min", arg, 0, HTTP_SENDFILE_MIN_MAX, &config->sendfile_min,
                           err);
    case 'M':
        return parse_bytes("--max-head", arg, HTTP_HEAD_MAX_MIN, HTTP_HEAD_MAX_MAX,
                           &config->head_max, err);
    case 'D':
        config->defer_accept = false;
        return 0;
    case 's':
        config->show_requests = true;
        return 0;
    default:
        return 0;
    }
}

/* Without -r, the site installed beside the program (core/content.c).
 * Returns 0, or -1 with the reason in err. */
static int http_server_find_site(struct http_server_args *a, char *err)
{
    char why[NET_ERR_LEN];

    if (a->config.docroot != NULL)
        return 0;
    if (content_dir(CONTENT_SITE, a->site, sizeof a->site, why) == -1)
        return cli_reason(err, _("bundled site not found (%s); give a folder with -r DIR"),
                          a->site[0] != '\0' ? a->site : why);
    a->config.docroot = a->site;
    return 0;
}

static int http_server_finish(void *args, const struct cli_common *common, char *err)
{
    struct http_server_args *a = args;

    a->config.trace = common->trace;
    /* A class reading the trace follows one listener, not one per core. */
    if (a->config.trace && !a->workers_given)
        a->config.workers = 1;
    if (net_endpoint_from_host_port(common->host, common->port, &a->config.endpoint, err) == -1)
        return CLI_EXIT_USAGE;
    if (http_server_find_site(a, err) == -1)
        return CLI_EXIT_FAILURE;
    return CLI_EXIT_OK;
}

/* Say where we listen; with -p 0 this is how a script learns the port. */
static void http_server_announce(const void *server)
{
    const struct http_server *srv = server;
    char where[NET_WHERE_LEN];

    net_format_listening(srv->listen_fds[0], &srv->config.endpoint, where, sizeof where);
    /* Scripts read "http-demo server: listening on ADDRESS" in every
     * language; only the details after it are translated. */
    printf("http-demo server: listening on %s", where);
    printf(ngettext(" (%d worker, root %s%s)\n", " (%d workers, root %s%s)\n",
                    (unsigned long)srv->config.workers),
           srv->config.workers, srv->root, srv->config.http10 ? _(", HTTP/1.0") : "");
    fflush(stdout);
}

/* server_main() holds the config and the server as void *: these hand
 * them on typed. */
static int http_server_open_any(void *srv, const void *args, struct stop *stop, char *err)
{
    return http_server_open(srv, &((const struct http_server_args *)args)->config, stop, err);
}

static int http_server_serve_any(void *srv, char *err)
{
    return http_server_serve(srv, err);
}

static void http_server_close_any(void *srv)
{
    http_server_close(srv);
}

static int http_server_listen_fd(const void *srv)
{
    return ((const struct http_server *)srv)->listen_fds[0];
}

static const struct counters *http_server_counters(const void *srv)
{
    return ((const struct http_server *)srv)->stats;
}

const struct server_ops http_server_ops = {
    .prog = "http-demo server",
    .version_prog = "http-demo",
    .usage = http_server_usage,
    .default_host = HTTP_DEFAULT_HOST,
    .default_port = HTTP_DEFAULT_PORT,
    .options = http_server_options,
    .short_options = "r:",
    .config_size = sizeof(struct http_server_args),
    .server_size = sizeof(struct http_server),
    .defaults = http_server_defaults,
    .option = http_server_option,
    .finish = http_server_finish,
    .open = http_server_open_any,
    .serve = http_server_serve_any,
    .close = http_server_close_any,
    .announce = http_server_announce,
    .report = NULL,
    .listen_fd = http_server_listen_fd,
    .counters = http_server_counters,
};

int http_server_main(int argc, char *argv[])
{
    return server_main(&http_server_ops, argc, argv);
}
