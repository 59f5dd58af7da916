/*
 * serve.c - the life of every server program, written once: options in,
 * a running server out, an exit code back to main().
 */
#include "serve.h"

#include "net.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

/* open() and serve() write NET_ERR_LEN-long reasons into the same buffer. */
_Static_assert(CLI_ERR_LEN >= NET_ERR_LEN, "an err buffer must hold a net error");

/* The options every server shares. */
static const struct option server_common_options[] = {
    {"host", required_argument, NULL, 'H'},          {"port", required_argument, NULL, 'p'},
    {"trace", no_argument, NULL, SERVER_OPT_TRACE},  {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, CLI_OPT_VERSION},
};

/* A leading ':' makes getopt_long tell a missing value (':') from an
 * unknown option ('?'), so cli_bad_option can word each. */
#define SERVER_COMMON_SHORT ":H:p:h"

int server_error(char *err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, CLI_ERR_LEN, fmt, ap);
    va_end(ap);
    return -1;
}

/* getopt_long takes one table: the shared options, then the server's own,
 * {0}-terminated. Returns 0, or -1 if they do not fit in n. */
static int server_join_options(const struct server_ops *ops, struct option *all, size_t n)
{
    size_t count = 0;

    for (size_t i = 0; i < sizeof server_common_options / sizeof *server_common_options; i++)
        all[count++] = server_common_options[i];
    for (const struct option *o = ops->options; o != NULL && o->name != NULL; o++) {
        if (count + 1 >= n)
            return -1;
        all[count++] = *o;
    }
    all[count] = (struct option){0};
    return 0;
}

/* One option, shared or the server's own. Returns -1 to go on, else the
 * exit code. */
static int server_option(const struct server_ops *ops, void *config, struct server_common *common,
                         int ch, char *argv[], char *err)
{
    switch (ch) {
    case 'H':
        common->host = optarg;
        return -1;
    case 'p':
        if (net_parse_port(optarg, true, &common->port, err) == -1)
            return cli_error(ops->prog, CLI_EXIT_USAGE, "%s", err);
        return -1;
    case SERVER_OPT_TRACE:
        common->trace = true;
        return -1;
    case 'h':
        fputs(ops->usage, stdout);
        return CLI_EXIT_OK;
    case CLI_OPT_VERSION:
        return cli_version(ops->version_prog);
    case ':':
    case '?':
        return cli_bad_option(ops->prog, argv, ch);
    default:
        if (ops->option(config, ch, optarg, err) == -1)
            return cli_error(ops->prog, CLI_EXIT_USAGE, "%s", err);
        return -1;
    }
}

/* Parse argv into config; returns -1 to go on, else the exit code. */
static int server_parse(const struct server_ops *ops, void *config, int argc, char *argv[],
                        char *err)
{
    struct option options[SERVER_MAX_OPTIONS];
    char short_options[64];
    struct server_common common = {.host = ops->default_host, .port = ops->default_port};

    if (server_join_options(ops, options, SERVER_MAX_OPTIONS) == -1)
        return cli_error(ops->prog, CLI_EXIT_FAILURE, "more than %d options", SERVER_MAX_OPTIONS);
    snprintf(short_options, sizeof short_options, "%s%s", SERVER_COMMON_SHORT, ops->short_options);
    ops->defaults(config);
    optind = 1;
    opterr = 0;
    for (;;) {
        int ch = getopt_long(argc, argv, short_options, options, NULL);
        if (ch == -1)
            break;
        int rc = server_option(ops, config, &common, ch, argv, err);
        if (rc != -1)
            return rc;
    }
    if (optind < argc)
        return cli_error(ops->prog, CLI_EXIT_USAGE, "unexpected argument '%s' (see --help)",
                         argv[optind]);
    int rc = ops->finish(config, &common, err);
    if (rc != CLI_EXIT_OK)
        return cli_error(ops->prog, rc, "%s", err);
    return -1;
}

/* Open, say where, serve until stopped, close: returns the exit code. */
static int server_run(const struct server_ops *ops, const void *config, void *srv, char *err)
{
    struct stop stop;

    if (stop_watch_signals(err) == -1 || stop_open(&stop, err) == -1)
        return cli_error(ops->prog, CLI_EXIT_FAILURE, "%s", err);
    if (ops->open(srv, config, &stop, err) == -1) {
        stop_close(&stop);
        return cli_error(ops->prog, CLI_EXIT_FAILURE, "%s", err);
    }
    ops->announce(srv);
    int rc = ops->serve(srv, err);
    if (ops->report != NULL)
        ops->report(srv);
    ops->close(srv);
    stop_close(&stop);
    if (rc == -1)
        return cli_error(ops->prog, CLI_EXIT_FAILURE, "%s", err);
    return CLI_EXIT_OK;
}

int server_main(const struct server_ops *ops, int argc, char *argv[])
{
    void *config = calloc(1, ops->config_size);
    void *srv = calloc(1, ops->server_size);
    char err[CLI_ERR_LEN];
    int rc;

    if (config == NULL || srv == NULL) {
        rc = cli_error(ops->prog, CLI_EXIT_FAILURE, "malloc: out of memory");
    } else {
        rc = server_parse(ops, config, argc, argv, err);
        if (rc == -1)
            rc = server_run(ops, config, srv, err);
    }
    free(config);
    free(srv);
    return rc;
}
