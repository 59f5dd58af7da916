/*
 * main.c - the tcp-demo command: `server`, `client`, or the seed's demo.
 */
#include "cli.h"
#include "tcp_server.h"
#include "tcp_client.h"
#include "i18n.h"
#include "trace.h"

#include <stdio.h>
#include <string.h>

static const char tcp_demo_usage[] =
    N_("usage: tcp-demo [server|client] [OPTIONS]\n"
       "\n"
       "  tcp-demo            play the seed's phone call end to end on a free port\n"
       "  tcp-demo server     the upper-case/echo server (see 'tcp-demo server --help')\n"
       "  tcp-demo client     talk to it (see 'tcp-demo client --help')\n"
       "  tcp-demo --version  print the version\n");

int main(int argc, char *argv[])
{
    i18n_init(); /* before any thread: the language, and text previews on a UTF-8 terminal */
    if (argc < 2)
        return tcp_demo_main();
    if (strcmp(argv[1], "server") == 0)
        return tcp_server_main(argc - 1, argv + 1);
    if (strcmp(argv[1], "client") == 0)
        return tcp_client_main(argc - 1, argv + 1);
    if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
        fputs(_(tcp_demo_usage), stdout);
        return CLI_EXIT_OK;
    }
    if (strcmp(argv[1], "--version") == 0)
        return cli_version("tcp-demo");
    return cli_error("tcp-demo", CLI_EXIT_USAGE, _("unknown command '%s' (see --help)"), argv[1]);
}
