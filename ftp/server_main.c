/*
 * server_main.c - `ftp-demo server`: its help, its own options, who may
 * log in and its ready line. server_main() (core/serve.c) runs the rest.
 */
#include "cli.h"
#include "content.h"
#include "ftp_server.h"
#include "ftp_session.h"
#include "serve.h"
#include "i18n.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

static const char ftp_server_usage[] =
    N_("usage: ftp-demo server [-H HOST] [-p PORT] [-r ROOT] [--user NAME:PASSWORD]...\n"
       "                       [--anonymous] [--anonymous-write] [--write]\n"
       "                       [--pasv-ports LO-HI] [--pasv-address IP]\n"
       "                       [--max-sessions N] [--max-per-ip N] [--idle-timeout S]\n"
       "                       [--disable CMD,...] [--quiet] [--trace[=detail]]\n"
       "\n"
       "An FTP server (RFC 959, 2389, 2428, 3659) that curl, ftplib and lftp use.\n"
       "\n"
       "  -H, --host HOST          address to listen on (default 127.0.0.1)\n"
       "  -p, --port PORT          port to listen on (default 2121; 0 picks a free one)\n"
       "  -r, --root DIR           folder to serve (default: the shipped sample folder,\n"
       "                           share/netdemo/ftp-sample beside the program's bin/)\n"
       "      --user NAME:PASS     a user who may log in (repeatable); with users,\n"
       "                           anonymous login is off unless --anonymous\n"
       "      --anonymous          allow USER anonymous (the default without --user)\n"
       "      --anonymous-write    let anonymous users upload and change files too\n"
       "      --write              let logged-in users upload and change files\n"
       "      --pasv-ports LO-HI   passive data ports (default: any free port)\n"
       "      --pasv-address IP    IPv4 address to announce in 227 replies (behind NAT)\n"
       "      --max-sessions N     sessions at once (default 100; more get 421)\n"
       "      --max-per-ip N       sessions at once from one address (default 20)\n"
       "      --idle-timeout S     close idle sessions after S seconds (default 300)\n"
       "      --disable CMD,...    answer these commands with 502 (e.g. EPSV,MLSD)\n"
       "      --quiet              print no line per session and transfer\n"
       "      --trace              log the control conversation and data connections\n"
       "                           (and no line per session and transfer)\n"
       "                           =detail: socket options, batches, sendfile too\n"
       "  -h, --help               show this help\n"
       "      --version            print the version and exit\n"
       "\n"
       "It prints one line when ready: 'listening on ADDRESS ...', then one when a\n"
       "session logs in and one per file moved (never a password), at most 10 a second:\n"
       "  session from 127.0.0.1:53122: logged in as anonymous\n"
       "  session from 127.0.0.1:53122: RETR readme.txt (121 B)\n"
       "Ctrl-C stops it cleanly. Exit: 0 ok, 1 cannot start, 2 bad usage.\n");

enum {
    OPT_USER = 256,
    OPT_ANON,
    OPT_ANON_WRITE,
    OPT_WRITE,
    OPT_PASV_PORTS,
    OPT_PASV_ADDR,
    OPT_MAX_SESSIONS,
    OPT_MAX_PER_IP,
    OPT_IDLE,
    OPT_DISABLE,
};

/* Its own options; -H, -p, --quiet, --trace, --help and --version are every server's (serve.h). */
static const struct option ftp_server_options[] = {
    {"root", required_argument, NULL, 'r'},
    {"user", required_argument, NULL, OPT_USER},
    {"anonymous", no_argument, NULL, OPT_ANON},
    {"anonymous-write", no_argument, NULL, OPT_ANON_WRITE},
    {"write", no_argument, NULL, OPT_WRITE},
    {"pasv-ports", required_argument, NULL, OPT_PASV_PORTS},
    {"pasv-address", required_argument, NULL, OPT_PASV_ADDR},
    {"max-sessions", required_argument, NULL, OPT_MAX_SESSIONS},
    {"max-per-ip", required_argument, NULL, OPT_MAX_PER_IP},
    {"idle-timeout", required_argument, NULL, OPT_IDLE},
    {"disable", required_argument, NULL, OPT_DISABLE},
    {NULL, 0, NULL, 0},
};

static int parse_user(const char *text, struct ftp_config *c)
{
    const char *colon = strchr(text, ':');
    if (c->user_count >= FTP_MAX_USERS || colon == NULL || colon == text ||
        (size_t)(colon - text) >= FTP_NAME_MAX || strlen(colon + 1) >= FTP_PASS_MAX)
        return -1;
    struct ftp_user *u = &c->users[c->user_count++];
    snprintf(u->name, sizeof u->name, "%.*s", (int)(colon - text), text);
    snprintf(u->pass, sizeof u->pass, "%s", colon + 1);
    return 0;
}

static int parse_range(const char *text, struct ftp_config *c)
{
    char lo[8];
    const char *dash = strchr(text, '-');
    long a, b;
    if (dash == NULL || (size_t)(dash - text) >= sizeof lo)
        return -1;
    snprintf(lo, sizeof lo, "%.*s", (int)(dash - text), text);
    if (cli_parse_long(lo, 1024, 65535, &a) == -1 || cli_parse_long(dash + 1, a, 65535, &b) == -1)
        return -1;
    c->pasv_lo = (uint16_t)a;
    c->pasv_hi = (uint16_t)b;
    return 0;
}

static int parse_disable(const char *text, struct ftp_config *c, char *bad, size_t badlen)
{
    char copy[512];
    snprintf(copy, sizeof copy, "%s", text);
    char *save = NULL;
    for (char *tok = strtok_r(copy, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
        char verb[16];
        size_t i = 0;
        for (; tok[i] != '\0' && i + 1 < sizeof verb; i++)
            verb[i] = (char)((tok[i] >= 'a' && tok[i] <= 'z') ? tok[i] - 32 : tok[i]);
        verb[i] = '\0';
        int idx = ftp_command_index(verb);
        if (idx == -1) {
            snprintf(bad, badlen, "%s", tok);
            return -1;
        }
        c->disabled |= UINT64_C(1) << idx;
    }
    return 0;
}

/* --max-sessions, --max-per-ip, --idle-timeout; 0, or -1 with the reason in err. */
static int parse_limit(int ch, const char *arg, struct ftp_config *c, char *err)
{
    long v;
    if (cli_parse_long(arg, 1, ch == OPT_IDLE ? 86400 : 100000, &v) == -1)
        return cli_reason(err, _("bad number '%s'"), arg);
    if (ch == OPT_IDLE)
        c->idle_timeout_s = (int)v;
    else if (ch == OPT_MAX_SESSIONS)
        c->max_sessions = (int)v;
    else
        c->max_per_ip = (int)v;
    return 0;
}

void ftp_config_defaults(struct ftp_config *c)
{
    *c = (struct ftp_config){
        .max_sessions = FTP_MAX_SESSIONS,
        .max_per_ip = FTP_MAX_PER_IP,
        .idle_timeout_s = FTP_IDLE_TIMEOUT_S,
    };
}

static void ftp_server_defaults(void *config)
{
    ftp_config_defaults(config);
}

/* One of its own options; returns 0, or -1 with the reason in err. */
static int ftp_server_option(void *config, int ch, const char *arg, char *err)
{
    struct ftp_config *c = config;
    char bad[NET_ERR_LEN];

    switch (ch) {
    case 'r':
        snprintf(c->root, sizeof c->root, "%s", arg);
        return 0;
    case OPT_USER:
        if (parse_user(arg, c) == -1)
            return cli_reason(err, _("bad --user '%s': use NAME:PASSWORD"), arg);
        return 0;
    case OPT_ANON:
        c->anonymous = true;
        return 0;
    case OPT_ANON_WRITE:
        c->anonymous = true;
        c->anonymous_write = true;
        return 0;
    case OPT_WRITE:
        c->write = true;
        return 0;
    case OPT_PASV_PORTS:
        if (parse_range(arg, c) == -1)
            return cli_reason(err, _("bad --pasv-ports '%s': use LO-HI, 1024-65535"), arg);
        return 0;
    case OPT_PASV_ADDR: {
        struct in_addr a;
        if (inet_pton(AF_INET, arg, &a) != 1)
            return cli_reason(err, _("bad --pasv-address '%s': use an IPv4 address"), arg);
        snprintf(c->pasv_address, sizeof c->pasv_address, "%s", arg);
        return 0;
    }
    case OPT_MAX_SESSIONS:
    case OPT_MAX_PER_IP:
    case OPT_IDLE:
        return parse_limit(ch, arg, c, err);
    case OPT_DISABLE:
        if (parse_disable(arg, c, bad, sizeof bad) == -1)
            return cli_reason(err, _("--disable: unknown command '%s'"), bad);
        return 0;
    default:
        return 0;
    }
}

static int ftp_server_finish(void *config, const struct cli_common *common, char *err)
{
    struct ftp_config *c = config;
    char why[NET_ERR_LEN];

    c->trace = common->trace;
    if (net_endpoint_from_host_port(common->host, common->port, &c->endpoint, err) == -1 ||
        c->endpoint.is_unix) {
        if (c->endpoint.is_unix)
            cli_reason(err, _("FTP needs an IP address, not a Unix socket"));
        return CLI_EXIT_USAGE;
    }
    /* Anonymous login is on when asked for, or when no user is given. */
    c->anonymous = c->anonymous || c->user_count == 0;
    /* Without -r, the sample installed beside the program (core/content.c). */
    if (c->root[0] == '\0' && content_dir(CONTENT_SAMPLE, c->root, sizeof c->root, why) == -1) {
        cli_reason(err, _("bundled sample folder not found (%s); give a folder with -r DIR"),
                   c->root[0] != '\0' ? c->root : why);
        return CLI_EXIT_FAILURE;
    }
    return CLI_EXIT_OK;
}

/* Is the socket bound to a loopback address? Asked of the bound address,
 * not of the -H text, so that names, "0.0.0.0" and "::" are judged by what
 * they really opened. */
static bool bound_to_loopback(int fd)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;

    if (getsockname(fd, (struct sockaddr *)&ss, &len) == -1)
        return false;
    if (ss.ss_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)&ss;
        return ntohl(in->sin_addr.s_addr) >> 24 == 127;
    }
    if (ss.ss_family == AF_INET6) {
        const struct in6_addr *a = &((const struct sockaddr_in6 *)&ss)->sin6_addr;
        return IN6_IS_ADDR_LOOPBACK(a) || (IN6_IS_ADDR_V4MAPPED(a) && a->s6_addr[12] == 127);
    }
    return false;
}

/* Say where we listen; with -p 0 this is how a script learns the port. */
static void ftp_server_announce(const void *server)
{
    const struct ftp_server *srv = server;
    char where[NET_WHERE_LEN];
    bool writable = srv->config.write || srv->config.anonymous_write;

    net_format_listening(srv->listen_fd, &srv->config.endpoint, where, sizeof where);
    if (srv->config.anonymous && srv->config.anonymous_write && !bound_to_loopback(srv->listen_fd))
        fprintf(stderr,
                _("ftp-demo server: warning: anonymous users may write, and %s is not a "
                  "loopback address\n"),
                where);
    /* Scripts read the words up to the address and the space after it:
     * they stay as they are in every language; only the details in
     * parentheses are translated. */
    printf("ftp-demo server: listening on %s ", where);
    if (srv->config.anonymous)
        printf(writable ? _("(root %s, anonymous read-write)\n")
                        : _("(root %s, anonymous read-only)\n"),
               srv->root_real);
    else
        printf(writable ? _("(root %s, users only, read-write)\n")
                        : _("(root %s, users only, read-only)\n"),
               srv->root_real);
    fflush(stdout);
}

/* server_main() holds the config and the server as void *: these hand
 * them on typed. */
static int ftp_server_open_any(void *srv, const void *config, struct stop *stop, char *err)
{
    return ftp_server_open(srv, config, stop, err);
}

static int ftp_server_serve_any(void *srv, char *err)
{
    return ftp_server_serve(srv, err);
}

static void ftp_server_close_any(void *srv)
{
    ftp_server_close(srv);
}

static int ftp_server_listen_fd(const void *srv)
{
    return ((const struct ftp_server *)srv)->listen_fd;
}

static const struct counters *ftp_server_counters(const void *srv)
{
    return ((const struct ftp_server *)srv)->stats;
}

const struct server_ops ftp_server_ops = {
    .prog = "ftp-demo server",
    .version_prog = "ftp-demo",
    .usage = ftp_server_usage,
    .default_host = FTP_DEFAULT_HOST,
    .default_port = FTP_DEFAULT_PORT,
    .options = ftp_server_options,
    .short_options = "r:",
    .config_size = sizeof(struct ftp_config),
    .server_size = sizeof(struct ftp_server),
    .defaults = ftp_server_defaults,
    .option = ftp_server_option,
    .finish = ftp_server_finish,
    .open = ftp_server_open_any,
    .serve = ftp_server_serve_any,
    .close = ftp_server_close_any,
    .announce = ftp_server_announce,
    .report = NULL,
    .listen_fd = ftp_server_listen_fd,
    .counters = ftp_server_counters,
};

int ftp_server_main(int argc, char *argv[])
{
    return server_main(&ftp_server_ops, argc, argv);
}
