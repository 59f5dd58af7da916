/*
 * main.c - the udp-demo command: one word picks the lesson.
 */
#include "cli.h"
#include "udp_client.h"
#include "udp_demo.h"
#include "udp_server.h"
#include "i18n.h"
#include "trace.h"

#include <stdio.h>
#include <string.h>

static const char udp_demo_usage[] =
    N_("usage: udp-demo [server|client|ping|boundaries|multicast] [OPTIONS]\n"
       "\n"
       "  udp-demo             the seed's exchange over UDP on a free port, then\n"
       "                       'boundaries'\n"
       "  udp-demo server      the datagram server (upper-case or echo, --drop)\n"
       "  udp-demo client      send datagrams, print the replies\n"
       "  udp-demo ping        loss, duplicates, reordering, RTT and jitter;\n"
       "                       --reliable adds an ARQ\n"
       "  udp-demo boundaries  three writes over TCP and over UDP: what the reads see\n"
       "  udp-demo multicast   send|listen: one sender, many listeners\n"
       "\n"
       "Each command has --help; --version prints the version.\n");

int main(int argc, char *argv[])
{
    static const struct {
        const char *name;
        int (*run)(int argc, char *argv[]);
    } commands[] = {
        {"server", udp_server_main},       {"client", udp_client_main},
        {"ping", udp_ping_main},           {"boundaries", udp_boundaries_main},
        {"multicast", udp_multicast_main},
    };
    i18n_init(); /* before any thread: the language, and text previews on a UTF-8 terminal */
    if (argc < 2)
        return udp_demo_main();
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);
    if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
        fputs(_(udp_demo_usage), stdout);
        return CLI_EXIT_OK;
    }
    if (strcmp(argv[1], "--version") == 0)
        return cli_version("udp-demo");
    return cli_error("udp-demo", CLI_EXIT_USAGE, _("unknown command '%s' (see --help)"), argv[1]);
}
