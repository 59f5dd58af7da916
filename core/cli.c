/*
 * cli.c - shared command-line conventions.
 */
#include "cli.h"
#include "i18n.h"
#include "net.h"
#include "trace.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Set from project(netdemo VERSION ...) by core/CMakeLists.txt. */
#ifndef NETDEMO_VERSION
#define NETDEMO_VERSION "unknown"
#endif

int cli_error(const char *prog, int code, const char *fmt, ...)
{
    char msg[CLI_ERR_LEN];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    fprintf(stderr, "%s: %s\n", prog, msg);
    return code;
}

int cli_bad_option(const char *prog, char *const argv[], int getopt_result)
{
    /* getopt_long leaves optind just past the offending word. */
    const char *word = optind > 0 ? argv[optind - 1] : "?";
    if (getopt_result == ':')
        return cli_error(prog, CLI_EXIT_USAGE, _("option '%s' needs a value (see --help)"), word);
    /* A short option names itself by optopt; a long one (even a known one
     * given a value it takes none of: --version=1) by its word. */
    if (optopt > 0 && optopt < 128 && word[0] == '-' && word[1] != '-')
        return cli_error(prog, CLI_EXIT_USAGE, _("unknown option '-%c' (see --help)"), optopt);
    return cli_error(prog, CLI_EXIT_USAGE, _("unknown option '%s' (see --help)"), word);
}

const char *cli_version_text(void)
{
    return NETDEMO_VERSION;
}

int cli_version(const char *prog)
{
    if (printf("%s (netdemo) %s\n", prog, NETDEMO_VERSION) < 0 || fflush(stdout) == EOF)
        return CLI_EXIT_FAILURE;
    return CLI_EXIT_OK;
}

int cli_parse_long(const char *text, long min, long max, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0' || v < min || v > max)
        return -1;
    *out = v;
    return 0;
}

int cli_parse_seconds(const char *text, int max_ms, int *out_ms)
{
    char *end;
    errno = 0;
    double seconds = strtod(text, &end);
    /* The comparisons are false for NaN, so it is refused with the rest. */
    if (errno != 0 || end == text || *end != '\0' || !(seconds * 1000 >= 1) ||
        !(seconds * 1000 <= max_ms))
        return -1;
    *out_ms = (int)(seconds * 1000 + 0.5);
    return 0;
}

int cli_reason(char *err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, CLI_ERR_LEN, fmt, ap);
    va_end(ap);
    return -1;
}

/* The long options: the command's own, then the common ones it takes. */
static void cli_long_options(const struct cli_syntax *cmd, struct option *all)
{
    size_t n = 0;
    for (const struct option *o = cmd->options; o != NULL && o->name != NULL; o++)
        if (n < CLI_MAX_OPTIONS - 8)
            all[n++] = *o;
    if (cmd->takes & CLI_TAKES_HOST)
        all[n++] = (struct option){"host", required_argument, NULL, 'H'};
    if (cmd->takes & CLI_TAKES_PORT)
        all[n++] = (struct option){"port", required_argument, NULL, 'p'};
    if (cmd->takes & CLI_TAKES_CONNECT_TIMEOUT)
        all[n++] =
            (struct option){"connect-timeout", required_argument, NULL, CLI_OPT_CONNECT_TIMEOUT};
    if (cmd->takes & CLI_TAKES_QUIET)
        all[n++] = (struct option){"quiet", no_argument, NULL, CLI_OPT_QUIET};
    all[n++] = (struct option){"trace", optional_argument, NULL, CLI_OPT_TRACE};
    all[n++] = (struct option){"help", no_argument, NULL, 'h'};
    all[n++] = (struct option){"version", no_argument, NULL, CLI_OPT_VERSION};
    all[n] = (struct option){0};
}

int cli_parse(const struct cli_syntax *cmd, void *ctx, int argc, char *argv[],
              struct cli_common *common)
{
    struct option all[CLI_MAX_OPTIONS];
    char shorts[64], err[CLI_ERR_LEN];
    int ch;

    *common = (struct cli_common){.host = cmd->default_host,
                                  .port = cmd->default_port,
                                  .connect_timeout_ms = CLI_CONNECT_TIMEOUT_MS};
    cli_long_options(cmd, all);
    /* ':' first: getopt_long reports a missing value as ':', not '?'. */
    snprintf(shorts, sizeof shorts, ":%s%sh%s", cmd->takes & CLI_TAKES_HOST ? "H:" : "",
             cmd->takes & CLI_TAKES_PORT ? "p:" : "", cmd->short_options ? cmd->short_options : "");
    optind = 1;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, shorts, all, NULL)) != -1) {
        /* -H and -p are a command's own when it takes no host or port
         * (http-demo get's -H is a header, as curl's). */
        if (ch == 'H' && (cmd->takes & CLI_TAKES_HOST)) {
            common->host = optarg;
            common->host_given = true;
            continue;
        }
        if (ch == 'p' && (cmd->takes & CLI_TAKES_PORT)) {
            if (net_parse_port(optarg, (cmd->takes & CLI_TAKES_PORT_ZERO) != 0, &common->port,
                               err) == -1)
                return cli_error(cmd->prog, CLI_EXIT_USAGE, "%s", err);
            common->port_given = true;
            continue;
        }
        switch (ch) {
        case CLI_OPT_TRACE:
            if (trace_parse_depth(optarg, &common->trace) == -1)
                return cli_error(cmd->prog, CLI_EXIT_USAGE,
                                 _("invalid --trace '%s': use --trace (the lesson's calls) or "
                                   "--trace=detail (the engineering too)"),
                                 optarg);
            break;
        case CLI_OPT_QUIET:
            common->quiet = true;
            break;
        case CLI_OPT_CONNECT_TIMEOUT:
            if (cli_parse_seconds(optarg, CLI_CONNECT_TIMEOUT_MAX_MS,
                                  &common->connect_timeout_ms) == -1)
                return cli_error(cmd->prog, CLI_EXIT_USAGE,
                                 _("invalid --connect-timeout '%s': seconds, more than 0 and "
                                   "at most %d (0.5 is half a second)"),
                                 optarg, CLI_CONNECT_TIMEOUT_MAX_MS / 1000);
            break;
        case 'h':
            fputs(_(cmd->usage), stdout); /* marked N_() where it is written */
            return CLI_EXIT_OK;
        case CLI_OPT_VERSION:
            return cli_version(cmd->version_prog);
        case ':':
        case '?':
            return cli_bad_option(cmd->prog, argv, ch);
        default:
            if (cmd->option(ctx, ch, optarg, err) == -1)
                return cli_error(cmd->prog, CLI_EXIT_USAGE, "%s", err);
        }
    }
    if (optind < argc && !(cmd->takes & CLI_TAKES_ARGS))
        return cli_error(cmd->prog, CLI_EXIT_USAGE, _("unexpected argument '%s' (see --help)"),
                         argv[optind]);
    return -1;
}

int cli_parse_client(const struct cli_syntax *cmd, void *ctx, int argc, char *argv[],
                     const char *role, struct net_endpoint *ep, struct cli_common *common)
{
    struct cli_common parsed;
    char err[CLI_ERR_LEN];
    int rc = cli_parse(cmd, ctx, argc, argv, &parsed);
    if (rc != -1)
        return rc;
    if (cli_client_endpoint(&parsed, ep, err) == -1)
        return cli_error(cmd->prog, CLI_EXIT_USAGE, "%s", err);
    cli_trace_client(&parsed, role);
    if (common != NULL)
        *common = parsed;
    return -1;
}

int cli_client_endpoint(const struct cli_common *common, struct net_endpoint *ep, char *err)
{
    const char *host = common->host;
    const char *colon = strchr(host, ':');
    /* "host:port" and "[v6]:port"; a bare IPv6 address has two colons or more */
    bool has_port = strncmp(host, "unix:", 5) != 0 && colon != NULL &&
                    (host[0] == '[' || strchr(colon + 1, ':') == NULL);
    char why[NET_ERR_LEN];
    if (!has_port) {
        if (net_endpoint_from_host_port(host, common->port, ep, why) == -1)
            return cli_reason(err, "%s", why);
        return 0;
    }
    if (net_parse_endpoint(host, common->port, ep, why) == -1)
        return cli_reason(err, _("%s (use -H HOST -p PORT)"), why);
    if (common->port_given && ep->port != common->port)
        return cli_reason(err, _("-H %s and -p %u name two ports: give the port once"), host,
                          common->port);
    return 0;
}

void cli_trace_client(const struct cli_common *common, const char *role)
{
    trace_set_depth(&trace_program, common->trace);
    trace_bind(&trace_program, role);
}
