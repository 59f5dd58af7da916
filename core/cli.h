/*
 * cli.h - what every netdemo command line shares: exit codes, one-line
 * errors, strict number parsing.
 *
 * Only main() ends a process. These helpers print and return the exit code,
 * so main() reads `return cli_error(...)`.
 */
#ifndef NETDEMO_CLI_H
#define NETDEMO_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>

#include "trace.h"

#define CLI_EXIT_OK      0
#define CLI_EXIT_FAILURE 1 /* a port in use, a refused connection, an unknown host */
#define CLI_EXIT_USAGE   2 /* an unknown flag, a bad port or value */

/* The longest error line cli_error() prints, "prog: " aside. A message
 * built ahead in a buffer this long prints exactly as if given directly. */
#define CLI_ERR_LEN 512

/* What getopt_long returns for --version: beyond every char and every
 * program's own long-only option values. */
#define CLI_OPT_VERSION 1000

/* cli_error: print "prog: message" as one line on stderr; return code. */
int cli_error(const char *prog, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* cli_bad_option: the one-line error for what getopt_long rejected. Give
 * getopt_long an optstring that starts with ':' and pass what it returned:
 * ':' for a missing value, '?' for an unknown option. Returns CLI_EXIT_USAGE. */
int cli_bad_option(const char *prog, char *const argv[], int getopt_result);

/* cli_version: print "prog (netdemo) VERSION" on stdout, the one version
 * of the project (CMakeLists.txt). Returns CLI_EXIT_OK, or CLI_EXIT_FAILURE
 * when stdout cannot be written. */
int cli_version(const char *prog);

/* cli_version_text: the project's version, "0.1.0". */
const char *cli_version_text(void);

/* cli_parse_long: strict decimal in [min, max]. Returns 0, or -1. */
int cli_parse_long(const char *text, long min, long max, long *out);

/* What getopt_long returns for --trace and --connect-timeout (no short
 * forms). */
#define CLI_OPT_TRACE           1001
#define CLI_OPT_CONNECT_TIMEOUT 1002
#define CLI_OPT_QUIET           1003 /* --quiet: a server's lecture log off (lecture.h) */

/* --connect-timeout: how long a client waits for a server to answer its
 * connect before it gives up, as curl's flag of that name (seconds). A
 * wrong address or a firewall that drops packets gets no answer at all;
 * without a limit the kernel would retry for over two minutes. */
#define CLI_CONNECT_TIMEOUT_MS     10000
#define CLI_CONNECT_TIMEOUT_MAX_MS (3600 * 1000)

/* cli_parse_seconds: a time in seconds as people write it ("10", "0.5")
 * into milliseconds: more than 0, at most max_ms, nothing after the
 * number. Returns 0, or -1. */
int cli_parse_seconds(const char *text, int max_ms, int *out_ms);

/* The options every program has, as parsed. */
struct cli_common {
    const char *host;       /* -H, or the command's default */
    bool host_given;        /* -H was on the command line */
    uint16_t port;          /* -p, or the command's default */
    bool port_given;        /* -p was on the command line */
    enum trace_depth trace; /* --trace, --trace=detail */
    int connect_timeout_ms; /* --connect-timeout, or CLI_CONNECT_TIMEOUT_MS */
    bool quiet;             /* --quiet */
};

/* Which of the common options a command takes besides --trace, --help and
 * --version (http-demo get's -H is curl's header flag; multicast has
 * --group in place of a host). */
enum cli_takes {
    CLI_TAKES_HOST = 1,             /* -H, --host */
    CLI_TAKES_PORT = 2,             /* -p, --port */
    CLI_TAKES_PORT_ZERO = 4,        /* -p 0 picks a free port (servers) */
    CLI_TAKES_ARGS = 8,             /* words after the options, left at optind */
    CLI_TAKES_CONNECT_TIMEOUT = 16, /* --connect-timeout SECONDS (TCP clients) */
    CLI_TAKES_QUIET = 32,           /* --quiet (servers) */
};

/* One command line's syntax: its name, help and own options. */
struct cli_syntax {
    const char *prog;         /* "tcp-demo client": the prefix of every error line */
    const char *version_prog; /* "tcp-demo": what --version names */
    const char *usage;        /* --help, printed on stdout */
    unsigned takes;           /* enum cli_takes */
    const char *default_host;
    uint16_t default_port;
    const struct option *options; /* its own long options, {0}-terminated, or NULL */
    const char *short_options;    /* its own short letters, as getopt wants them */
    /* option: take one of its own options (ch as getopt_long returned it,
     * arg its value or NULL). Returns 0, or -1 with a one-line reason in err
     * (CLI_ERR_LEN bytes): bad usage. */
    int (*option)(void *ctx, int ch, const char *arg, char *err);
};

#define CLI_MAX_OPTIONS 32 /* long options of one command, the common ones included */

/* cli_parse: parse argv (argv[0] is the command's name) into common and,
 * through cmd->option, ctx. Prints --help or --version, or one error line.
 * Returns -1 to go on, or the exit code to return from main: CLI_EXIT_OK
 * after --help and --version, CLI_EXIT_USAGE for a bad option. It never
 * exits the process. */
int cli_parse(const struct cli_syntax *cmd, void *ctx, int argc, char *argv[],
              struct cli_common *common);

struct net_endpoint;

/* cli_parse_client: cli_parse for a client of one server: then the
 * server's address from -H and -p into ep, and this thread's trace
 * events labelled role, on stderr with --trace. -H may carry the port, as
 * people type addresses ("127.0.0.1:9000", "[::1]:9000"). The common
 * options as parsed go to common when it is not NULL (--connect-timeout).
 * Returns as cli_parse. */
int cli_parse_client(const struct cli_syntax *cmd, void *ctx, int argc, char *argv[],
                     const char *role, struct net_endpoint *ep, struct cli_common *common);

/* cli_client_endpoint: the server's address from common (-H, -p): the
 * port in -H wins over the default; one that -p contradicts is an error.
 * Returns 0, or -1 with the reason in err (CLI_ERR_LEN bytes). */
int cli_client_endpoint(const struct cli_common *common, struct net_endpoint *ep, char *err);

/* cli_trace_client: this thread's trace events labelled role, on stderr
 * with --trace (common->trace). */
void cli_trace_client(const struct cli_common *common, const char *role);

/* cli_reason: write a one-line reason into err (CLI_ERR_LEN bytes), for
 * option callbacks. Returns -1. */
int cli_reason(char *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
