/*
 * server_main.c - `http-demo server`: options in, a running server out.
 */
#include "cli.h"
#include "content.h"
#include "http_server.h"
#include "stop.h"
#include "trace.h"

#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

static const char http_server_usage[] =
    "usage: http-demo server [-H HOST] [-p PORT] [-r DOCROOT] [--http1.0] [--workers N]\n"
    "                        [--access-log FILE|-] [--trace] [--show-requests]\n"
    "                        [--timeout SECS] [--idle-timeout SECS] [--max-conns N]\n"
    "                        [--max-head BYTES] [--sendfile-min BYTES] [--no-defer-accept]\n"
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
    "      --workers N        event loops, one thread each (default: one per core)\n"
    "      --access-log FILE  log each request in Common Log Format ('-': stdout)\n"
    "      --timeout SECS     time allowed to send a request head (default 10); 408\n"
    "      --idle-timeout SECS  close idle keep-alive connections (default 15)\n"
    "      --max-conns N      open connections allowed (default 20000); more get 503\n"
    "      --max-head BYTES   longest request line and headers (default 16384); 431\n"
    "      --sendfile-min BYTES  send file bodies of this size and larger with\n"
    "                         sendfile(); smaller ones are copied into the same write\n"
    "                         as the head (default 16384; 0: always sendfile)\n"
    "      --no-defer-accept  accept each connection as soon as it is made; by default\n"
    "                         accept() waits (about a second at most) for the request\n"
    "                         to arrive (TCP_DEFER_ACCEPT, as Apache does). Use this to\n"
    "                         watch accept() the moment `nc` connects, with --trace\n"
    "      --show-requests    print each request head on stderr as it arrives\n"
    "      --trace            narrate each socket call on stderr\n"
    "  -h, --help             show this help\n"
    "      --version          print the version and exit\n"
    "\n"
    "It prints one line when ready: 'listening on ADDRESS (N workers, root DIR)'.\n"
    "Ctrl-C stops it cleanly. Exit: 0 ok, 1 cannot start, 2 bad usage.\n";

/* A number of seconds in [1, 3600], as milliseconds. */
static int parse_seconds(const char *prog, const char *flag, const char *text, int *ms)
{
    long v;
    if (cli_parse_long(text, 1, 3600, &v) == -1)
        return cli_error(prog, CLI_EXIT_USAGE, "%s: '%s' is not a number of seconds (1-3600)", flag,
                         text);
    *ms = (int)v * 1000;
    return -1;
}

static int parse_count(const char *prog, const char *flag, const char *text, long max, int *out)
{
    long v;
    if (cli_parse_long(text, 1, max, &v) == -1)
        return cli_error(prog, CLI_EXIT_USAGE, "%s: '%s' is not a number from 1 to %ld", flag, text,
                         max);
    *out = (int)v;
    return -1;
}

static int parse_bytes(const char *prog, const char *flag, const char *text, long min, long max,
                       size_t *out)
{
    long v;
    if (cli_parse_long(text, min, max, &v) == -1)
        return cli_error(prog, CLI_EXIT_USAGE, "%s: '%s' is not a number of bytes (%ld-%ld)", flag,
                         text, min, max);
    *out = (size_t)v;
    return -1;
}

/* One option; returns -1 to go on, else an exit code. */
static int http_server_option(int ch, struct http_config *config, const char **host, uint16_t *port,
                              char *const argv[])
{
    const char *prog = "http-demo server";
    char err[NET_ERR_LEN];
    switch (ch) {
    case 'H':
        *host = optarg;
        return -1;
    case 'p':
        if (net_parse_port(optarg, true, port, err) == -1)
            return cli_error(prog, CLI_EXIT_USAGE, "%s", err);
        return -1;
    case 'r':
        config->docroot = optarg;
        return -1;
    case '0':
        config->http10 = true;
        return -1;
    case 'w':
        return parse_count(prog, "--workers", optarg, HTTP_MAX_WORKERS, &config->workers);
    case 'a':
        config->access_log = optarg;
        return -1;
    case 'T':
        return parse_seconds(prog, "--timeout", optarg, &config->head_timeout_ms);
    case 'I':
        return parse_seconds(prog, "--idle-timeout", optarg, &config->idle_timeout_ms);
    case 'm':
        return parse_count(prog, "--max-conns", optarg, 1000000, &config->max_conns);
    case 'S':
        return parse_bytes(prog, "--sendfile-min", optarg, 0, HTTP_SENDFILE_MIN_MAX,
                           &config->sendfile_min);
    case 'M':
        return parse_bytes(prog, "--max-head", optarg, HTTP_HEAD_MAX_MIN, HTTP_HEAD_MAX_MAX,
                           &config->head_max);
    case 'D':
        config->defer_accept = false;
        return -1;
    case 's':
        config->show_requests = true;
        return -1;
    case 't':
        config->trace = true;
        return -1;
    case 'h':
        fputs(http_server_usage, stdout);
        return CLI_EXIT_OK;
    case CLI_OPT_VERSION:
        return cli_version("http-demo");
    default:
        return cli_bad_option(prog, argv, ch);
    }
}

static int http_server_parse(int argc, char *argv[], struct http_config *config)
{
    static const struct option longopts[] = {
        {"host", required_argument, NULL, 'H'},
        {"port", required_argument, NULL, 'p'},
        {"docroot", required_argument, NULL, 'r'},
        {"http1.0", no_argument, NULL, '0'},
        {"workers", required_argument, NULL, 'w'},
        {"access-log", required_argument, NULL, 'a'},
        {"timeout", required_argument, NULL, 'T'},
        {"idle-timeout", required_argument, NULL, 'I'},
        {"max-conns", required_argument, NULL, 'm'},
        {"sendfile-min", required_argument, NULL, 'S'},
        {"max-head", required_argument, NULL, 'M'},
        {"no-defer-accept", no_argument, NULL, 'D'},
        {"show-requests", no_argument, NULL, 's'},
        {"trace", no_argument, NULL, 't'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, CLI_OPT_VERSION},
        {NULL, 0, NULL, 0},
    };
    const char *prog = "http-demo server";
    const char *host = HTTP_DEFAULT_HOST;
    uint16_t port = HTTP_DEFAULT_PORT;
    char err[NET_ERR_LEN];
    int ch;

    http_config_defaults(config);
    optind = 1;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, ":H:p:r:h", longopts, NULL)) != -1) {
        int rc = http_server_option(ch, config, &host, &port, argv);
        if (rc != -1)
            return rc;
    }
    if (optind < argc)
        return cli_error(prog, CLI_EXIT_USAGE, "unexpected argument '%s' (see --help)",
                         argv[optind]);
    if (net_endpoint_from_host_port(host, port, &config->endpoint, err) == -1)
        return cli_error(prog, CLI_EXIT_USAGE, "%s", err);
    return -1;
}

/* Say where we listen; with -p 0 this is how a script learns the port. */
static void http_server_announce(const struct http_server *srv)
{
    char where[NET_WHERE_LEN];

    net_format_listening(srv->listen_fds[0], &srv->config.endpoint, where, sizeof where);
    printf("http-demo server: listening on %s (%d worker%s, root %s%s)\n", where,
           srv->config.workers, srv->config.workers == 1 ? "" : "s", srv->root,
           srv->config.http10 ? ", HTTP/1.0" : "");
    fflush(stdout);
}

/* Without -r, the site installed beside the program (core/content.c).
 * Returns -1 to go on, else an exit code. */
static int http_server_find_site(struct http_config *config, char *site, size_t len)
{
    char err[NET_ERR_LEN];

    if (config->docroot != NULL)
        return -1;
    if (content_dir(CONTENT_SITE, site, len, err) == -1)
        return cli_error("http-demo server", CLI_EXIT_FAILURE,
                         "bundled site not found (%s); give a folder with -r DIR",
                         site[0] != '\0' ? site : err);
    config->docroot = site;
    return -1;
}

int http_server_main(int argc, char *argv[])
{
    const char *prog = "http-demo server";
    struct http_config config;
    struct http_server srv;
    struct stop stop;
    char err[NET_ERR_LEN];
    char site[PATH_MAX];

    int rc = http_server_parse(argc, argv, &config);
    if (rc == -1)
        rc = http_server_find_site(&config, site, sizeof site);
    if (rc != -1)
        return rc;
    if (stop_watch_signals(err) == -1 || stop_open(&stop, err) == -1)
        return cli_error(prog, CLI_EXIT_FAILURE, "%s", err);
    if (http_server_open(&srv, &config, &stop, err) == -1) {
        stop_close(&stop);
        return cli_error(prog, CLI_EXIT_FAILURE, "%s", err);
    }
    http_server_announce(&srv);
    rc = http_server_serve(&srv, err);
    http_server_close(&srv);
    stop_close(&stop);
    if (rc == -1)
        return cli_error(prog, CLI_EXIT_FAILURE, "%s", err);
    return CLI_EXIT_OK;
}
