/*
 * cli.h - what every netdemo command line shares: exit codes, one-line
 * errors, strict number parsing.
 *
 * Only main() ends a process. These helpers print and return the exit code,
 * so main() reads `return cli_error(...)`.
 */
#ifndef NETDEMO_CLI_H
#define NETDEMO_CLI_H

#include <stdbool.h>

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

/* cli_parse_long: strict decimal in [min, max]. Returns 0, or -1. */
int cli_parse_long(const char *text, long min, long max, long *out);

#endif
