/*
 * main.c - the ftp-demo command: `server`, `client`, `get`, `put`.
 */
#include "cli.h"
#include "ftp_client.h"
#include "ftp_server.h"
#include "i18n.h"
#include "trace.h"

#include <stdio.h>
#include <string.h>

static const char ftp_demo_usage[] =
    N_("usage: ftp-demo COMMAND [OPTIONS]\n"
       "\n"
       "  ftp-demo server           run the FTP server (see 'ftp-demo server --help')\n"
       "  ftp-demo client [HOST]    interactive client (see 'ftp-demo client --help')\n"
       "  ftp-demo get URL [-o FILE]  download ftp://[user[:pass]@]host[:port]/path\n"
       "  ftp-demo put FILE URL       upload FILE to ftp://...\n"
       "  ftp-demo --version          print the version\n");

int main(int argc, char *argv[])
{
    i18n_init(); /* before any thread: the language, and text previews on a UTF-8 terminal */
    if (argc < 2 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
        fputs(_(ftp_demo_usage), argc < 2 ? stderr : stdout);
        return argc < 2 ? CLI_EXIT_USAGE : CLI_EXIT_OK;
    }
    if (strcmp(argv[1], "--version") == 0)
        return cli_version("ftp-demo");
    if (strcmp(argv[1], "server") == 0)
        return ftp_server_main(argc - 1, argv + 1);
    if (strcmp(argv[1], "client") == 0)
        return ftp_client_main(argc - 1, argv + 1);
    if (strcmp(argv[1], "get") == 0)
        return ftp_get_main(argc - 1, argv + 1);
    if (strcmp(argv[1], "put") == 0)
        return ftp_put_main(argc - 1, argv + 1);
    return cli_error("ftp-demo", CLI_EXIT_USAGE, _("unknown command '%s' (see --help)"), argv[1]);
}
