/*
 * serve.h - the one way a netdemo server program starts.
 *
 * Every server command does the same: parse the options all servers share
 * (-H, -p, --trace, --quiet, --help, --version) and its own, open, print one ready
 * line, serve until stopped, close, and return an exit code. A server
 * describes only what is its own in a struct server_ops table, and
 * server_main() runs the rest, so the four programs cannot drift apart in
 * flags, error lines or exit codes.
 */
#ifndef NETDEMO_SERVE_H
#define NETDEMO_SERVE_H

#include "cli.h"
#include "stop.h"

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct counters;

/* What makes one server program its own. Every err below is a buffer of
 * CLI_ERR_LEN bytes for one line without "prog: " (server_main adds it). */
struct server_ops {
    const char *prog;             /* "tcp-demo server": the prefix of every error line */
    const char *version_prog;     /* "tcp-demo": what --version names */
    const char *usage;            /* the --help text, printed on stdout */
    const char *default_host;     /* -H without the flag */
    uint16_t default_port;        /* -p without the flag */
    const struct option *options; /* the server's own long options, {0}-terminated */
    const char *short_options;    /* its own short option letters ("" if none) */
    /* What server_main allocates on the heap: some configs are too large
     * for the stack (FTP's holds its users and paths). */
    size_t config_size;
    size_t server_size;

    /* defaults: fill config with the documented defaults. */
    void (*defaults)(void *config);
    /* option: apply one of the server's own options (ch as getopt_long
     * returned it, arg its value or NULL). Returns 0, or -1 with the reason
     * in err: a bad usage (exit 2). */
    int (*option)(void *config, int ch, const char *arg, char *err);
    /* finish: after every option, apply the shared ones and check the whole.
     * Returns 0, or the exit code with the reason in err: CLI_EXIT_USAGE
     * for options that do not fit, CLI_EXIT_FAILURE when something they rely
     * on is missing (a bundled folder). */
    int (*finish)(void *config, const struct cli_common *common, char *err);

    /* open / serve / close: the server's own calls (tcp_server_open, ...).
     * open and serve return 0, or -1 with the reason in err (exit 1). */
    int (*open)(void *srv, const void *config, struct stop *stop, char *err);
    int (*serve)(void *srv, char *err);
    void (*close)(void *srv);
    /* announce: the one ready line on stdout, flushed, between open and
     * serve: with -p 0 it is how a script learns the port. */
    void (*announce)(const void *srv);
    /* report: what to print after serve, before close (UDP's counts), or
     * NULL for nothing. */
    void (*report)(const void *srv);
    /* listen_fd: where I listen: the socket clients reach, the listening
     * one (TCP, HTTP, FTP) or the only one (UDP), between open and close.
     * getsockname() on it gives the address and the port -p 0 picked. */
    int (*listen_fd)(const void *srv);
    /* counters: what the server has counted (as /stats shows it), between
     * open and close: for a program that runs servers in-process and
     * measures them (netdemo compare). */
    const struct counters *(*counters)(const void *srv);
};

/* server_main: run a server program: parse argv (argv[0] is the command
 * name), watch SIGINT and SIGTERM, open, announce, serve until stopped,
 * close. Errors are printed as one line "prog: reason" on stderr. Returns
 * the exit code: CLI_EXIT_OK (also after --help and --version),
 * CLI_EXIT_FAILURE when the server cannot start or fails, CLI_EXIT_USAGE
 * for bad options. It never exits the process. */
int server_main(const struct server_ops *ops, int argc, char *argv[]);

/* server_serve_child: in a forked child, serve an open server until its
 * stop handle is asked, its events labelled role, then close it. Returns
 * the exit code for _exit() (a demo's server side). */
int server_serve_child(const struct server_ops *ops, void *srv, const char *role);

/* server_child_end: ask the child serving with stop to stop, wait for it
 * and print the trace lines it sent to lines (trace_fork_relayed), then
 * close lines. Returns true when it exited cleanly. */
bool server_child_end(pid_t child, int lines, struct stop *stop);

/* server_port: the port an open server listens on (0 for a Unix socket). */
uint16_t server_port(const struct server_ops *ops, const void *srv);

#endif
