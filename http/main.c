/*
 * main.c - the http-demo command: `server` or `get`.
 */
#include "cli.h"
#include "http_client.h"
#include "http_server.h"
#include "i18n.h"
#include "trace.h"

#include <stdio.h>
#include <string.h>

static const char http_demo_usage[] =
    N_("usage: http-demo server|get [OPTIONS]\n"
       "\n"
       "  http-demo server    serve the bundled site or a folder (see its --help)\n"
       "  http-demo get URL   fetch a URL and show what goes over the wire (see --help)\n"
       "  http-demo --version print the version\n"
       "\n"
       "Then open http://127.0.0.1:8080/ in a browser: that is the B/S model.\n");

int main(int argc, char *argv[])
{
    i18n_init(); /* before any thread: the language, and text previews on a UTF-8 terminal */
    if (argc >= 2 && strcmp(argv[1], "server") == 0)
        return http_server_main(argc - 1, argv + 1);
    if (argc >= 2 && strcmp(argv[1], "get") == 0)
        return http_client_main(argc - 1, argv + 1);
    if (argc >= 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
        fputs(_(http_demo_usage), stdout);
        return CLI_EXIT_OK;
    }
    if (argc >= 2 && strcmp(argv[1], "--version") == 0)
        return cli_version("http-demo");
    if (argc < 2) {
        fputs(_(http_demo_usage), stderr);
        return CLI_EXIT_USAGE;
    }
    return cli_error("http-demo", CLI_EXIT_USAGE, _("unknown command '%s' (see --help)"), argv[1]);
}
