/*
 * serve.c - the life of every server program, written once: options in,
 * a running server out, an exit code back to main().
 */
#include "serve.h"
#include "i18n.h"

#include "lecture.h"
#include "net.h"
#include "trace.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

/* open() and serve() write NET_ERR_LEN-long reasons into the same buffer. */
_Static_assert(CLI_ERR_LEN >= NET_ERR_LEN, "an err buffer must hold a net error");

/* Parse argv into config; returns -1 to go on, else the exit code. */
static int server_parse(const struct server_ops *ops, void *config, int argc, char *argv[],
                        char *err)
{
    const struct cli_syntax syntax = {
        .prog = ops->prog,
        .version_prog = ops->version_prog,
        .usage = ops->usage,
        .takes = CLI_TAKES_HOST | CLI_TAKES_PORT | CLI_TAKES_PORT_ZERO | CLI_TAKES_QUIET,
        .default_host = ops->default_host,
        .default_port = ops->default_port,
        .options = ops->options,
        .short_options = ops->short_options,
        .option = ops->option,
    };
    struct cli_common common;

    ops->defaults(config);
    int rc = cli_parse(&syntax, config, argc, argv, &common);
    if (rc != -1)
        return rc;
    rc = ops->finish(config, &common, err);
    if (rc != CLI_EXIT_OK)
        return cli_error(ops->prog, rc, "%s", err);
    /* A line per caller, unless asked for silence or for the trace, which
     * narrates every call: two narrations would interleave. */
    if (!common.quiet && !common.trace)
        lecture_start(false);
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
    lecture_end();
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
        rc = cli_error(ops->prog, CLI_EXIT_FAILURE, _("malloc: out of memory"));
    } else {
        rc = server_parse(ops, config, argc, argv, err);
        if (rc == -1)
            rc = server_run(ops, config, srv, err);
    }
    free(config);
    free(srv);
    return rc;
}

uint16_t server_port(const struct server_ops *ops, const void *srv)
{
    uint16_t port = 0;
    if (net_local_port(ops->listen_fd(srv), &port, NULL) == -1)
        return 0;
    return port;
}

int server_serve_child(const struct server_ops *ops, void *srv, const char *role)
{
    char err[CLI_ERR_LEN];
    trace_set_role(role);
    int rc = ops->serve(srv, err);
    ops->close(srv);
    return rc == 0 ? CLI_EXIT_OK : CLI_EXIT_FAILURE;
}

bool server_child_end(pid_t child, int lines, struct stop *stop)
{
    int status = 0;
    stop_request(stop);
    pid_t done = waitpid(child, &status, 0);
    trace_relay(lines); /* its last lines: it has exited, so they are all there */
    close(lines);
    return done == child && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}
