/*
 * cli.c - shared command-line conventions.
 */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

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
        return cli_error(prog, CLI_EXIT_USAGE, "option '%s' needs a value (see --help)", word);
    if (optopt != 0)
        return cli_error(prog, CLI_EXIT_USAGE, "unknown option '-%c' (see --help)", optopt);
    return cli_error(prog, CLI_EXIT_USAGE, "unknown option '%s' (see --help)", word);
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
